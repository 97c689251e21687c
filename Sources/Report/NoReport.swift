import Localization
import SafeText

/// A learner of `netcheck grade` without a report (the submission could not be read, ran past its time limit, or
/// its check gave none), for the per-learner writers (Gradescope, JUnit, GitHub Classroom): each writes one failing
/// test carrying the reason, worth the exercise's points, so that the instructor's tooling sees a zero, not a
/// missing file.
public struct NoReport: Equatable, Sendable {
    public var exercise: String
    /// `ClassRow.result`: `unreadable`, `time_limit` or `error`.
    public var result: String
    /// The result and the reason, for a person ("unreadable: alice.txt is empty").
    public var reason: String
    /// What the exercise is worth: one point per check of its plan.
    public var maxScore: Double
    /// netcheck could not grade (`error`), rather than the submission failing (`unreadable`, `time_limit`).
    public var isError: Bool

    public init(exercise: String, result: String, reason: String, maxScore: Double, isError: Bool) {
        self.exercise = exercise; self.result = result; self.reason = reason; self.maxScore = maxScore; self.isError = isError
    }

    /// The id of the one test.
    public static let testID = "submission"

    /// The one test's title, in `language`.
    func title(_ language: Language) -> String { Localized(id: "grade.noReport.title").text(language) }

    /// With every text through `TerminalText.escape`, for the writers that print it for a person.
    var printable: NoReport {
        var n = self
        n.exercise = TerminalText.escape(exercise); n.result = TerminalText.escape(result); n.reason = TerminalText.escape(reason)
        return n
    }
}

extension ClassRow {
    /// What the per-learner writers write for this row when it has no report; nil when it has one.
    public func noReport(exercise: String, maxScore: Double, language: Language) -> NoReport? {
        guard report == nil else { return nil }
        let isError = if case .error = outcome { true } else { false }
        return NoReport(exercise: exercise, result: result,
                        reason: resultText.text(language) + ": " + (reason?.text(language) ?? ""), maxScore: maxScore, isError: isError)
    }
}
