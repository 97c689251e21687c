import Kernel
import Localization

/// An interface is where the exercise wants it (`ip link set NAME netns NS`), of the right kind, up, and with
/// the MAC address and bridge master the exercise names.
enum LinkCheck {
    static func expected(_ spec: LinkSpec) -> Localized {
        // "ns1-veth0 in ns1, veth, UP, MAC …": the kind, then the other declared details as a list.
        var details: [Localized] = []
        if spec.up { details.append(Localized(id: "link.detail.up")) }
        if let m = spec.mac { details.append(Localized(id: "check.link.detail.mac", ["mac": m])) }
        if let b = spec.master { details.append(Localized(id: "check.link.detail.master", ["bridge": b])) }
        var arguments: [String: any MessageArgument] = ["link": spec.name, "namespace": spec.namespace,
                                                        "details": Localized.join(details, by: .listItems)]
        if let k = spec.kind { arguments["kind"] = k }
        let id = switch (spec.kind != nil, details.isEmpty) {
        case (false, true): "link.expected"
        case (false, false): "link.expected.details"
        case (true, true): "link.expected.kind"
        case (true, false): "link.expected.kind.details"
        }
        return Localized(id: id, arguments)
    }

    static func evaluate(_ spec: LinkSpec, exercise: Exercise, world: World) -> Verdict {
        let expected = expected(spec)
        guard let place = world.place(spec.namespace) else {
            return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace))
        }
        if let cause = cause(spec, exercise: exercise, world: world, place: place) {
            return .fail(expected, cause: cause)
        }
        let link = place.snapshot.link(named: spec.name)!
        return .pass(expected, observed: describe(link, in: place.snapshot))
    }

    /// Why `spec` does not hold, or nil when it does.
    static func cause(_ spec: LinkSpec, exercise: Exercise, world: World, place: World.Place) -> Cause? {
        guard let link = place.snapshot.link(named: spec.name) else {
            if let elsewhere = elsewhereCause(spec.name, expected: spec.namespace, world: world) { return elsewhere }
            return .linkMissing(namespace: spec.namespace, link: spec.name, peer: peer(of: spec, in: exercise), kind: spec.kind)
        }
        if let kind = spec.kind, link.kind != kind {
            return .linkWrongKind(namespace: spec.namespace, link: spec.name, expected: kind, found: link.kind ?? "device")
        }
        if let mac = spec.mac, link.mac != mac {
            return .macMismatch(namespace: spec.namespace, link: spec.name, expected: mac, found: link.mac)
        }
        if let master = spec.master {
            let found = link.masterIndex.flatMap { place.snapshot.link(index: $0)?.name }
            if found != master { return .notPort(namespace: spec.namespace, link: spec.name, master: master, found: found) }
        }
        if spec.up && !link.isUp { return .linkDown(namespace: spec.namespace, link: spec.name) }
        return nil
    }

    /// `name` is missing from `expected` but exists in another namespace: move it there, or, for a device that
    /// cannot change namespace (a bridge), delete it and create it there. nil when it is nowhere else.
    static func elsewhereCause(_ name: String, expected: String, world: World) -> Cause? {
        guard let elsewhere = world.find(link: name).first(where: { $0.place.label != expected }) else { return nil }
        if let kind = Cause.netnsLocalKind(of: elsewhere.link) {
            return .linkCannotMove(link: name, kind: kind, expected: expected, found: elsewhere.place.label)
        }
        return .linkInOtherNamespace(link: name, expected: expected, found: elsewhere.place.label)
    }

    /// The other end of a veth as the exercise declares it, from either side.
    static func peer(of spec: LinkSpec, in exercise: Exercise) -> Endpoint? {
        if let p = spec.peer { return p }
        return exercise.links.first { $0.peer == Endpoint(namespace: spec.namespace, name: spec.name) }
            .map { Endpoint(namespace: $0.namespace, name: $0.name) }
    }

    static func describe(_ link: Link, in snapshot: Snapshot) -> Localized {
        var parts = [link.kind ?? "device", link.isUp ? "UP" : "DOWN", "state \(link.operState)"]
        if let mac = link.mac { parts.append("MAC \(mac)") }
        if let m = link.masterIndex.flatMap({ snapshot.link(index: $0)?.name }) { parts.append("master \(m)") }
        return Localized("\(link.name): " + parts.joined(separator: ", "))
    }
}
