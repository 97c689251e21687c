import Probes
import Glibc
import JSON
import Localization

/// A kind of check, as a planned check carries it: its spec, what it asks the run's probes for, and its verdict.
///
/// Each kind lives in a folder of Checks/ (NAT/, ARP/, …) beside its spec and how an exercise file writes it
/// (`XSpec.swift`), the checks it plans with their ids and titles (`XKind.swift`), what it asks the probes for,
/// and its verdict (`XCheck.swift`). The run asks every planned check in turn (`Probing`, `Grader.judge`): no
/// switch over kinds anywhere else. Adding a kind: a folder with these parts, its family in `CheckFamilies.all`, and
/// the field of `Exercise` its file key fills.
protocol CheckKind: Sendable {
    /// What the check adds to the run's probes before any capture opens: pings, and servers to talk to.
    func request(_ check: PlannedCheck, world: World, _ requests: inout ProbeRequests)
    /// The captures the check opens, once every ping has its ICMP identifier (in `results`). None: it only inspects.
    func captures(_ check: PlannedCheck, _ probing: Probing, results: inout ProbeResults) -> [Probing.PlannedCapture]
    /// The verdict: a function of the check, the exercise, the inventory and the probes' results alone.
    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict
}

extension CheckKind {
    func request(_ check: PlannedCheck, world: World, _ requests: inout ProbeRequests) {}
    func captures(_ check: PlannedCheck, _ probing: Probing, results: inout ProbeResults) -> [Probing.PlannedCapture] { [] }
}

/// What every verdict is judged from: the exercise, the inventory of its namespaces, and what the probes saw.
struct Judging {
    let exercise: Exercise
    let world: World
    let probes: ProbeResults
    /// The kernel's neighbour table, shared by every namespace, was full during the pings (entries it could not
    /// make, or a ping that could not be sent for want of one, ENOBUFS): pings that timed out are explained by it.
    let neighbourTableFull: Bool

    init(exercise: Exercise, world: World, probes: ProbeResults) {
        self.exercise = exercise; self.world = world; self.probes = probes
        let fulls = (probes.neighbourTableAfter?.tableFulls ?? 0) > (probes.neighbourTableBefore?.tableFulls ?? UInt64.max)
        neighbourTableFull = fulls || probes.echo.values.contains { if case .success(.sendFailed(ENOBUFS)) = $0 { return true }; return false }
    }
}

/// The checks of one folder: the part of an exercise file they are written in, and the checks they plan from it.
protocol CheckFamily {
    /// The exercise file's key for this family's items (nil: planned from what other families declare).
    static var fileKey: String? { get }
    /// Reads this family's items from the file into `exercise`.
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws
    /// The checks of this family, in report order.
    static func plan(_ exercise: Exercise) -> [PlannedCheck]
}

extension CheckFamily {
    static var fileKey: String? { nil }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {}
}

/// Every family of checks, in the order of the report and of the exercise file: foundations first (namespaces,
/// links, veth pairs, addresses, sysctls, routes), then what is proven with netcheck's own packets.
enum CheckFamilies {
    static var all: [any CheckFamily.Type] { [
        NamespaceFamily.self, LinkFamily.self, VethPairFamily.self, AddressFamily.self, SysctlFamily.self, RouteFamily.self,
        PingFamily.self, FramesFamily.self, ARPFamily.self, NeighbourFamily.self, ForwardingFamily.self, NATFamily.self,
        DHCPFamily.self, ServiceFamily.self,
    ] }
}
