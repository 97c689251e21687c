import Kernel
import NetlinkWire
import Localization

/// After the probes, `ip netns exec NS ip neigh` maps the address to the expected MAC.
enum NeighbourCheck {
    static func evaluate(_ spec: NeighbourSpec, exercise: Exercise, world: World) -> Verdict {
        let expected = Localized(id: "neighbour.expected", ["address": spec.address, "mac": spec.mac, "namespace": spec.namespace])
        guard let place = world.place(spec.namespace) else {
            return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace))
        }
        let table: [Neighbour]
        switch world.neighbours(place) {
        case .failure(let e): return .error(expected, e)
        case .success(let t): table = t
        }
        func describe(_ n: Neighbour) -> String {
            let dev = place.snapshot.link(index: n.interfaceIndex)?.name ?? "if\(n.interfaceIndex)"
            return "\(n.address) dev \(dev) lladdr \(n.mac?.description ?? "-") \(n.states.joined(separator: ","))"
        }
        let entries = table.filter { $0.address == spec.address }
        if let good = entries.first(where: { $0.mac == spec.mac }) {
            return .pass(expected, observed: Localized(describe(good)))
        }
        if let wrong = entries.first(where: { $0.mac != nil }) {
            let observed = Localized(describe(wrong))
            if let cause = Layer2.ownerCause(of: spec.address, exercise: exercise, world: world) {
                return .fail(expected, cause: cause, observedPrefix: observed)
            }
            return .fail(expected, observed: observed, hint: spec.hint ?? Localized(
                id: "neighbour.hint.otherMAC", ["address": spec.address, "mac": wrong.mac!]))
        }
        let observed = entries.first.map { Localized(id: "neighbour.observed.only", ["entry": describe($0)]) }
            ?? Localized(id: "neighbour.observed.none", ["address": spec.address])
        let walk = PathWalk(world: world, exercise: exercise)
        if let cause = walk.localLinkCause(in: place, towards: spec.address) ?? walk.addressCause(for: spec.address)
            ?? Layer2.ownerCause(of: spec.address, exercise: exercise, world: world) {
            return .fail(expected, cause: cause, observedPrefix: observed)
        }
        return .fail(expected, observed: observed, hint: spec.hint ?? Layer2.watchHint)
    }
}
