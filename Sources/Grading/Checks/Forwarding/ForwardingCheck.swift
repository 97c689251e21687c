import Kernel
import NetlinkWire

/// After the probes, the bridge has learned the MAC on the right port (`bridge fdb show br BRIDGE`): frames from
/// that host came in through that port.
enum ForwardingCheck {
    static func evaluate(_ spec: ForwardingSpec, exercise: Exercise, world: World) -> Verdict {
        let expected = Localized(id: "fdb.expected", ["mac": spec.mac, "port": spec.port, "bridge": spec.bridge])
        guard let place = world.place(spec.namespace) else {
            return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace))
        }
        for name in [spec.bridge, spec.port] {
            if let linkSpec = exercise.link(spec.namespace, name),
               let cause = LinkCheck.cause(linkSpec, exercise: exercise, world: world, place: place) {
                return .fail(expected, cause: cause)
            }
        }
        guard let bridge = place.snapshot.link(named: spec.bridge) else {
            return .fail(expected, cause: Layer2.linkCause(spec.namespace, spec.bridge, exercise: exercise, world: world))
        }
        let table: [ForwardingEntry]
        switch world.forwardingDatabase(place) {
        case .failure(let e): return .error(expected, e)
        case .success(let t): table = t
        }
        let learned = table.filter { $0.bridgeIndex == bridge.index && $0.mac == spec.mac && $0.isLearned }
        func portName(_ e: ForwardingEntry) -> String { place.snapshot.link(index: e.portIndex)?.name ?? "if\(e.portIndex)" }
        if let good = learned.first(where: { portName($0) == spec.port }) {
            return .pass(expected, observed: Localized("\(good.mac) dev \(portName(good)) master \(spec.bridge) \(good.states.joined(separator: ","))"))
        }
        if let other = learned.first {
            return .fail(expected, observed: Localized(
                id: "fdb.observed.otherPort", ["bridge": spec.bridge, "mac": spec.mac, "port": spec.port, "found": portName(other)]),
                hint: spec.hint ?? Localized(id: "fdb.hint.otherPort", ["mac": spec.mac, "found": portName(other)]))
        }
        let observed = Localized(id: "fdb.observed.none", ["bridge": spec.bridge, "mac": spec.mac])
        if let cause = Layer2.macCause(spec.mac, exercise: exercise, world: world) {
            return .fail(expected, cause: cause, observedPrefix: observed)
        }
        return .fail(expected, observed: observed, hint: spec.hint ?? Localized(id: "fdb.hint.none", ["mac": spec.mac]))
    }
}
