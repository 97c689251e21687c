import JSON
import Localization

/// The report as GitHub Classroom's reporter (`classroom-resources/autograding-grading-reporter`) reads a runner's
/// result: the workflow step's output `result` is this JSON in base64, handed to the reporter in the environment
/// variable RUNNER_RESULTS (the step's id, upper-cased, then `_RESULTS`); docs/classroom/ has the workflow.
///
/// `{"version": 1, "status", "max_score", "tests": [{"name", "status", "message", "score", "test_code", "filename",
/// "line_no", "execution_time"}]}`: one test per check, worth one point when it passes (as `Report.score`), so the
/// tests' scores add up to the report's score and `max_score` is its `maxScore`. The reporter totals `score` over
/// the tests and fails the job when `status` is not `pass`: `pass` only when the report passed, `fail` when a check
/// failed, `error` when none failed but one could not be looked at. A test's status is `pass`, `fail` (also a
/// skipped check: it did not pass) or `error`. The reporter prints names and messages in the job's log: they are
/// escaped as in the text report.
public struct ClassroomWriter: Sendable {
    public var language: Language

    public init(language: Language = .en) { self.language = language }

    public func json(_ report: Report) -> JSONValue {
        let report = report.printable
        func has(_ s: CheckStatus) -> Bool { report.checks.contains { $0.status == s } }
        let status = report.passed ? "pass" : has(.error) && !has(.fail) ? "error" : "fail"
        return Self.result(status: status, maxScore: report.maxScore, tests: report.checks.map(test))
    }

    public func write(_ report: Report) -> String { JSON.serialize(json(report), pretty: true) }

    /// A learner without a report: one test, failed (or `error`, when netcheck could not grade), worth nothing, out
    /// of the exercise's points.
    public func json(_ missing: NoReport) -> JSONValue {
        let missing = missing.printable
        let status = missing.isError ? "error" : "fail"
        return Self.result(status: status, maxScore: missing.maxScore, tests: [Self.test(
            name: "\(missing.title(language)) [\(NoReport.testID)]", status: status, message: missing.reason, score: 0,
            code: "netcheck grade \(missing.exercise)")])
    }

    public func write(_ missing: NoReport) -> String { JSON.serialize(json(missing), pretty: true) }

    static func result(status: String, maxScore: Double, tests: [JSONValue]) -> JSONValue {
        .object(JSONObject([
            ("version", .int(1)),
            ("status", .string(status)),
            ("max_score", number(maxScore)),
            ("tests", .array(tests)),
        ]))
    }

    func test(_ check: CheckResult) -> JSONValue {
        let status = switch check.status {
        case .pass: "pass"
        case .fail, .skipped: "fail"
        case .error: "error"
        }
        let expected = Localized(id: "report.label.expected").text(language) + " " + check.expected
        return Self.test(name: "\(check.title) [\(check.id)]", status: status,
                         message: check.hint.isEmpty ? check.observed : check.hint, score: check.status == .pass ? 1 : 0,
                         code: expected)
    }

    /// One test; netcheck times the whole run, not each check (its probes run together): `execution_time` is 0.
    static func test(name: String, status: String, message: String, score: Int, code: String) -> JSONValue {
        .object(JSONObject([
            ("name", .string(name)),
            ("status", .string(status)),
            ("message", .string(message)),
            ("score", .int(Int64(score))),
            ("test_code", .string(code)),
            ("filename", .string("")),
            ("line_no", .int(0)),
            ("execution_time", .int(0)),
        ]))
    }
}
