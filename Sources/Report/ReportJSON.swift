import JSON

/// The report's JSON form (schema_version 1). Keys are written in a fixed order.
extension Report {
    public func json() -> JSONValue {
        .object(JSONObject([
            ("schema_version", .int(Int64(Report.schemaVersion))),
            ("exercise", .string(exercise)),
            ("title", .string(title)),
        ] + gradedAsPairs + [
            ("passed", .bool(passed)),
            ("score", number(score)),
            ("max_score", number(maxScore)),
            ("checks", .array(checks.map { $0.json() })),
            ("duration_ms", .int(Int64(durationMs))),
            ("netcheck_version", .string(netcheckVersion)),
        ] + stepPairs))
    }

    /// `graded_as`, only when a variant was graded.
    private var gradedAsPairs: [(String, JSONValue)] {
        guard let gradedAs else { return [] }
        return [("graded_as", .object(JSONObject([("exercise", .string(gradedAs.exercise)), ("layout", .string(gradedAs.layout))])))]
    }

    /// `steps` and `step_reached`, only for exercises that declare steps.
    private var stepPairs: [(String, JSONValue)] {
        guard let steps, let reached = stepReached else { return [] }
        return [
            ("steps", .array(steps.map { step in
                .object(JSONObject([("number", .int(Int64(step.number))), ("title", .string(step.title)),
                                    ("passed", .bool(step.passed)), ("checks", .array(step.checks.map { $0.json() }))]))
            })),
            ("step_reached", .int(Int64(reached))),
        ]
    }

    public func jsonText(pretty: Bool = true) -> String { JSON.serialize(json(), pretty: pretty) }

    /// Reads a report back, strictly: a missing or mistyped field is a `ReportDecodingError` naming its path.
    public init(json: JSONValue) throws {
        let o = try Field(value: json, path: "").object()
        let version = try o.int("schema_version")
        guard version == Int64(Report.schemaVersion) else {
            throw ReportDecodingError(path: "schema_version", message: "unsupported version \(version)")
        }
        self.init(exercise: try o.string("exercise"), title: try o.string("title"),
                  checks: try o.array("checks").map { try CheckResult(field: $0) },
                  durationMs: Int(try o.int("duration_ms")), netcheckVersion: try o.string("netcheck_version"))
        if let field = try o.optionalField("graded_as") {
            let g = try field.object()
            gradedAs = GradedAs(exercise: try g.string("exercise"), layout: try g.string("layout"))
        }
        steps = try o.optionalArray("steps")?.map { field in
            let s = try field.object()
            return StepResult(number: Int(try s.int("number")), title: try s.string("title"),
                              checks: try s.array("checks").map { try CheckResult(field: $0) })
        }
        // The derived fields must agree with the checks, or the report was tampered with or is from a bug.
        guard try o.bool("passed") == passed else { throw ReportDecodingError(path: "passed", message: "does not match the checks") }
        guard try o.number("score") == score else { throw ReportDecodingError(path: "score", message: "does not match the checks") }
        guard try o.number("max_score") == maxScore else { throw ReportDecodingError(path: "max_score", message: "does not match the checks") }
    }

    public init(jsonText: String) throws {
        try self.init(json: try JSON.parse(jsonText))
    }
}

extension CheckResult {
    func json() -> JSONValue {
        var o = JSONObject([
            ("id", .string(id)), ("title", .string(title)), ("status", .string(status.rawValue)),
            ("expected", .string(expected)), ("observed", .string(observed)), ("hint", .string(hint)),
        ])
        if let evidence { o["evidence"] = .array(evidence.map { .string($0) }) }
        if let note { o["note"] = .string(note) }
        if let pcap { o["pcap"] = .array(pcap.map { .string($0) }) }
        return .object(o)
    }

    init(field: Field) throws {
        let o = try field.object()
        let statusText = try o.string("status")
        guard let status = CheckStatus(rawValue: statusText) else {
            throw ReportDecodingError(path: o.path("status"),
                                      message: "expected one of \(CheckStatus.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.init(id: try o.string("id"), title: try o.string("title"), status: status, expected: try o.string("expected"),
                  observed: try o.string("observed"), hint: try o.string("hint"),
                  evidence: try o.optionalArray("evidence")?.map { try $0.string() }, note: try o.optionalString("note"),
                  pcap: try o.optionalArray("pcap")?.map { try $0.string() })
    }
}

/// A field of a report that is missing or of the wrong type, by path (`checks[2].status`).
public struct ReportDecodingError: Error, Equatable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path.isEmpty ? "report" : path): \(message)" }
}

/// Whole numbers are written as integers (17, not 17.0).
func number(_ d: Double) -> JSONValue {
    d == d.rounded() && abs(d) < 1e15 ? .int(Int64(d)) : .double(d)
}

struct Field {
    let value: JSONValue
    let path: String

    func fail(_ expected: String) -> ReportDecodingError {
        ReportDecodingError(path: path, message: "expected \(expected), found \(value.typeName)")
    }
    func object() throws -> FieldObject {
        guard let o = value.object else { throw fail("an object") }
        return FieldObject(object: o, base: path)
    }
    func string() throws -> String {
        guard let s = value.string else { throw fail("a string") }
        return s
    }
}

struct FieldObject {
    let object: JSONObject
    let base: String

    func path(_ key: String) -> String { base.isEmpty ? key : "\(base).\(key)" }
    func field(_ key: String) throws -> Field {
        guard let v = object[key] else { throw ReportDecodingError(path: path(key), message: "is missing") }
        return Field(value: v, path: path(key))
    }
    func string(_ key: String) throws -> String { try field(key).string() }
    func int(_ key: String) throws -> Int64 {
        let f = try field(key)
        guard let n = f.value.int else { throw f.fail("an integer") }
        return n
    }
    func number(_ key: String) throws -> Double {
        let f = try field(key)
        guard let n = f.value.number else { throw f.fail("a number") }
        return n
    }
    func bool(_ key: String) throws -> Bool {
        let f = try field(key)
        guard let b = f.value.bool else { throw f.fail("true or false") }
        return b
    }
    func array(_ key: String) throws -> [Field] {
        let f = try field(key)
        guard let a = f.value.array else { throw f.fail("an array") }
        return a.enumerated().map { Field(value: $1, path: "\(path(key))[\($0)]") }
    }
    func optionalField(_ key: String) throws -> Field? {
        object[key] == nil ? nil : try field(key)
    }
    func optionalArray(_ key: String) throws -> [Field]? {
        object[key] == nil ? nil : try array(key)
    }
    func optionalString(_ key: String) throws -> String? {
        object[key] == nil ? nil : try string(key)
    }
}
