import Kernel
import Report

/// The outcome of one check, still in every language (texts are resolved when the report is made).
public struct Verdict: Sendable {
    public var status: CheckStatus
    public var expected: Localized
    public var observed: Localized
    /// Empty on pass.
    public var hint: Localized
    /// Frames seen on the wire, one per line (the same in both languages), and what was left out of them.
    public var evidence: [Localized]?
    /// Something the learner should know whatever the status: what netcheck's own probe left behind (a one-shot
    /// server it talked to has exited), or how the check was judged.
    public var note: Localized?

    public static func pass(_ expected: Localized, observed: Localized) -> Verdict {
        Verdict(status: .pass, expected: expected, observed: observed, hint: .empty)
    }

    /// A failure explained by a cause: what was found goes into `observed`, the fix into `hint`.
    public static func fail(_ expected: Localized, cause: Cause, observedPrefix: Localized? = nil) -> Verdict {
        let observed = observedPrefix.map { Localized.join([$0, cause.finding], by: .clauses) } ?? cause.finding
        return Verdict(status: .fail, expected: expected, observed: observed, hint: cause.hint)
    }

    public static func fail(_ expected: Localized, observed: Localized, hint: Localized) -> Verdict {
        Verdict(status: .fail, expected: expected, observed: observed, hint: hint)
    }

    /// Cannot be judged because something it needs is missing; `reason` names the check that fails instead.
    public static func skipped(_ expected: Localized, reason: Localized) -> Verdict {
        Verdict(status: .skipped, expected: expected, observed: reason, hint: .empty)
    }

    /// netcheck itself could not look (a system call failed): never a pass.
    public static func error(_ expected: Localized, _ error: Error) -> Verdict {
        Verdict(status: .error, expected: expected,
                observed: Localized(id: "verdict.error.observed", ["error": "\(error)"]),
                hint: Localized(id: "verdict.error.hint"))
    }
}

/// Reasons for skipping, pointing at the check that carries the hint.
enum SkipReason {
    static func namespaceMissing(_ ns: String) -> Localized {
        Localized(id: "skip.namespaceMissing", ["namespace": ns])
    }

    static func linkMissing(_ ns: String, _ link: String, check: String) -> Localized {
        Localized(id: "skip.linkMissing", ["namespace": ns, "link": link, "check": check])
    }
}
