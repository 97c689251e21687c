import JSON

/// The report as a Gradescope autograder `results.json`: one test per check, worth one point when it passes.
/// Skipped and error checks score 0 with status `failed`; each test's output lists what the text report shows.
public struct GradescopeWriter: Sendable {
    public init() {}

    public func json(_ report: Report) -> JSONValue {
        // Gradescope shows these texts to a person: escaped as in the text report (JSON itself would carry them).
        let report = report.printable
        let passed = report.checks.filter { $0.status == .pass }.count
        return .object(JSONObject([
            ("score", number(report.score)),
            ("max_score", number(report.maxScore)),
            ("execution_time", number(Double(report.durationMs) / 1000)),
            ("output", .string("\(report.title): \(passed)/\(report.checks.count) checks passed"
                + (report.gradedAs.map { "\n" + TextRenderer.gradedAsLine($0, language: .en) } ?? ""))),
            ("tests", .array(report.checks.map(test))),
        ]))
    }

    public func write(_ report: Report) -> String { JSON.serialize(json(report), pretty: true) }

    func test(_ check: CheckResult) -> JSONValue {
        let pass = check.status == .pass
        return .object(JSONObject([
            ("name", .string("\(check.title) [\(check.id)]")),
            ("number", .string(check.id)),
            ("score", .int(pass ? 1 : 0)),
            ("max_score", .int(1)),
            ("status", .string(pass ? "passed" : "failed")),
            ("output", .string(output(check))),
        ]))
    }

    /// expected / observed / hint as labelled lines (an empty hint left out), then the evidence lines.
    func output(_ check: CheckResult) -> String {
        var lines: [String] = []
        if check.status != .skipped { lines.append("expected: " + check.expected) }
        lines.append("observed: " + check.observed)
        if !check.hint.isEmpty { lines.append("hint: " + check.hint) }
        lines += check.evidence ?? []
        return lines.joined(separator: "\n")
    }
}
