/// The report of one run: what graders parse (docs/report.md is the contract) and what learners read.
import Localization

/// The language of a report: any code (`en`, `ja`, `fr`, `pt-BR`), see `Localization.Language`.
public typealias Language = Localization.Language

public enum CheckStatus: String, Sendable, CaseIterable {
    case pass, fail, skipped
    /// netcheck could not look. Never counts as a pass.
    case error
}

/// One check as reported.
public struct CheckResult: Equatable, Sendable {
    /// Stable across runs and versions, e.g. `router.ip_forward`: graders key on it.
    public var id: String
    public var title: String
    public var status: CheckStatus
    public var expected: String
    public var observed: String
    /// What to do, in the report's language; empty on pass.
    public var hint: String
    /// Lines seen on the wire or in the kernel that back the verdict, when there are any.
    public var evidence: [String]?
    /// Something to know even when the check passed (a one-shot server netcheck talked to has exited), when any.
    public var note: String?
    /// The pcap files `check --pcap DIR` wrote of this check's captures, when it did.
    public var pcap: [String]?

    public init(id: String, title: String, status: CheckStatus, expected: String, observed: String, hint: String,
                evidence: [String]? = nil, note: String? = nil, pcap: [String]? = nil) {
        self.id = id; self.title = title; self.status = status; self.expected = expected; self.observed = observed
        self.hint = hint; self.evidence = evidence; self.note = note; self.pcap = pcap
    }
}

public struct Report: Equatable, Sendable {
    public static let schemaVersion = 1

    public var exercise: String
    public var title: String
    public var checks: [CheckResult]
    public var durationMs: Int
    public var netcheckVersion: String
    /// The book's checkpoints, when the exercise declares them (a run of the whole exercise only).
    public var steps: [StepResult]?
    /// Set when the checks are those of a variant of `exercise` (another layout of the same end state), because
    /// the learner's namespaces match that layout better.
    public var gradedAs: GradedAs?

    public init(exercise: String, title: String, checks: [CheckResult], durationMs: Int, netcheckVersion: String) {
        self.exercise = exercise; self.title = title; self.checks = checks; self.durationMs = durationMs
        self.netcheckVersion = netcheckVersion
    }

    /// The furthest step whose checks all pass (0: none), when the exercise has steps.
    public var stepReached: Int? { steps.map { $0.filter(\.passed).map(\.number).max() ?? 0 } }

    /// Every check passed (and there was at least one).
    public var passed: Bool { !checks.isEmpty && checks.allSatisfy { $0.status == .pass } }
    /// One point per passed check.
    public var score: Double { Double(checks.filter { $0.status == .pass }.count) }
    public var maxScore: Double { Double(checks.count) }
}

/// One checkpoint of the book, as reported: every check it consists of, end-state ones and its own.
public struct StepResult: Equatable, Sendable {
    public var number: Int
    public var title: String
    public var checks: [CheckResult]
    public var passed: Bool { !checks.isEmpty && checks.allSatisfy { $0.status == .pass } }

    public init(number: Int, title: String, checks: [CheckResult]) {
        self.number = number; self.title = title; self.checks = checks
    }
}

/// The exercise whose checks a report holds, when it is not the one asked for but a variant of it.
public struct GradedAs: Equatable, Sendable {
    /// Its id, e.g. `chapter4-bridge-netns`.
    public var exercise: String
    /// What sets its layout apart, in the report's language ("br0 in the namespace bridge, as the book's 2nd
    /// edition builds it").
    public var layout: String

    public init(exercise: String, layout: String) { self.exercise = exercise; self.layout = layout }
}
