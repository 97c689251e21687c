import JSON
import Localization

/// The report as a Gradescope autograder `results.json`: one test per check, worth one point when it passes.
/// Skipped and error checks score 0 with status `failed`; each test's output lists what the text report shows,
/// labelled in the report's language (messages `report.label.*`, `report.gradescope.summary`).
public struct GradescopeWriter: Sendable {
    public var language: Language

    public init(language: Language = .en) { self.language = language }

    public func json(_ report: Report) -> JSONValue {
        // Gradescope shows these texts to a person: escaped as in the text report (JSON itself would carry them).
        let report = report.printable
        let passed = report.checks.filter { $0.status == .pass }.count
        return .object(JSONObject([
            ("score", number(report.score)),
            ("max_score", number(report.maxScore)),
            ("execution_time", number(Double(report.durationMs) / 1000)),
            ("output", .string(Localized(id: "report.gradescope.summary", ["title": report.title, "passed": passed, "total": report.checks.count]).text(language)
                + (report.gradedAs.map { "\n" + TextRenderer.gradedAsLine($0, language: language) } ?? ""))),
            ("tests", .array(report.checks.map(test))),
        ]))
    }

    public func write(_ report: Report) -> String { JSON.serialize(json(report), pretty: true) }

    /// A learner without a report: score 0 out of the exercise's points, one failed test carrying the reason.
    public func json(_ missing: NoReport) -> JSONValue {
        let missing = missing.printable
        return .object(JSONObject([
            ("score", .int(0)),
            ("max_score", number(missing.maxScore)),
            ("execution_time", .int(0)),
            ("output", .string(missing.reason)),
            ("tests", .array([.object(JSONObject([
                ("name", .string("\(missing.title(language)) [\(NoReport.testID)]")),
                ("number", .string(NoReport.testID)),
                ("score", .int(0)),
                ("max_score", number(missing.maxScore)),
                ("status", .string("failed")),
                ("output", .string(missing.reason)),
            ]))])),
        ]))
    }

    public func write(_ missing: NoReport) -> String { JSON.serialize(json(missing), pretty: true) }

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
        func label(_ id: String) -> String { Localized(id: id).text(language) + " " }
        if check.status != .skipped { lines.append(label("report.label.expected") + check.expected) }
        lines.append(label("report.label.observed") + check.observed)
        if !check.hint.isEmpty { lines.append(label("report.label.hint") + check.hint) }
        lines += check.evidence ?? []
        return lines.joined(separator: "\n")
    }
}
