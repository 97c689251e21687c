import Kernel
import Localization

/// Two interfaces are the two ends of ONE veth pair, each in its namespace. Names alone prove nothing: the
/// kernel's IFLA_LINK (peer ifindex) and IFLA_LINK_NETNSID (peer namespace id) must point at the other end.
enum VethPairCheck {
    static func evaluate(_ spec: LinkSpec, check: PlannedCheck, exercise: Exercise, world: World) -> Verdict {
        let peer = spec.peer!
        let here = Endpoint(namespace: spec.namespace, name: spec.name)
        let expected = Localized(id: "veth.expected", ["link": here.name, "namespace": here.namespace, "peer": peer.name, "peerNamespace": peer.namespace])
        for ns in [spec.namespace, peer.namespace] where world.place(ns) == nil {
            return .skipped(expected, reason: SkipReason.namespaceMissing(ns))
        }
        let a = world.place(spec.namespace)!, b = world.place(peer.namespace)!
        guard let linkA = a.snapshot.link(named: spec.name) else {
            return .skipped(expected, reason: SkipReason.linkMissing(spec.namespace, spec.name, check: "\(spec.namespace).link.\(spec.name)"))
        }
        guard let linkB = b.snapshot.link(named: peer.name) else {
            return .skipped(expected, reason: SkipReason.linkMissing(peer.namespace, peer.name, check: "\(peer.namespace).link.\(peer.name)"))
        }
        let found = actualPeer(of: linkA, in: a, world: world)
        if let found, found.place.identity == b.identity, found.link.index == linkB.index {
            return .pass(expected, observed: Localized(
                id: "veth.observed", ["link": spec.name, "peer": peer.name, "peerNamespace": peer.namespace, "index": "\(linkB.index)"]))
        }
        let foundEndpoint = found.map { Endpoint(namespace: $0.place.label, name: $0.link.name) }
        if let found, let foundEndpoint, world.isLeftover(found.place) {
            return .fail(expected, cause: .leftoverPeer(link: here, peer: foundEndpoint))
        }
        return .fail(expected, cause: .peerMismatch(link: here, expected: peer, found: foundEndpoint))
    }

    /// The interface at the other end of `link`'s veth, searched in every namespace netcheck can see.
    static func actualPeer(of link: Link, in place: World.Place, world: World) -> (place: World.Place, link: Link)? {
        guard link.kind == "veth", let index = link.linkIndex else { return nil }
        guard let nsid = link.linkNetnsID else {
            return place.snapshot.link(index: index).map { (place, $0) }
        }
        for candidate in world.places + world.otherPlaces {
            guard candidate.identity != place.identity,
                  let id = world.namespaceID(place, of: candidate), id == nsid else { continue }
            return candidate.snapshot.link(index: index).map { (candidate, $0) }
        }
        return nil
    }
}
