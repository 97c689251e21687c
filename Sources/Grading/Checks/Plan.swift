import Localization
import NetlinkWire

/// One check of an exercise, before it runs: its stable id (what graders key on), its title, the
/// namespaces it needs (missing ones make it `skipped`), and the exercise's own hint.
public struct PlannedCheck: Sendable {
    public var id: String
    public var title: Localized
    public var namespaces: [String]
    /// What kind of check it is, with its spec: what it asks the probes for and how it is judged.
    var kind: any CheckKind
    public var hint: Localized?
    /// Belongs to a step only (not to the end state): reported under its step, never in the main checks.
    public var stepOnly: Bool = false
}

/// The checks of an exercise, foundations first: namespaces, links, veth pairs, addresses, sysctls,
/// routes, then reachability. The order is the order of the report.
public struct Plan: Sendable {
    public var checks: [PlannedCheck]

    public init(exercise e: Exercise) {
        checks = CheckFamilies.all.flatMap { $0.plan(e) }
    }

    /// The end state's checks plus every step's own items (flagged `stepOnly`), so one run can say which step
    /// the learner has reached.
    public init(exercise e: Exercise, withSteps: Bool) {
        self.init(exercise: e)
        guard withSteps else { return }
        for step in e.steps {
            for item in step.reachability { checks.append(PingFamily.stepItem(item)) }
        }
    }

    /// Only the checks of step `number` (1-based): the end-state checks it names and its own items.
    public init(exercise e: Exercise, step number: Int) {
        let all = Plan(exercise: e)
        let step = e.steps[number - 1]
        checks = step.checks.compactMap { id in all.checks.first { $0.id == id } } + step.reachability.map(PingFamily.stepItem)
    }
}
