import Addresses
import Glibc
import Kernel
import Netfilter
import NetlinkWire

/// Follows a packet hop by hop through the learner's namespaces the way the kernel would route it (`ip route
/// get` in each), there and back, and names the first thing that stops it: a missing route, a down link, a
/// gateway no one owns, a router that does not forward, no route back.
///
///     ns1 --(route? link up? gateway exists?)--> router --(ip_forward? route?)--> ns2 --(route back?)--> …
struct PathWalk {
    let world: World
    let exercise: Exercise

    enum Leg { case there, back }

    enum Outcome {
        /// The packet reaches the namespace that owns the destination; `source` is the address it leaves with.
        case arrived(World.Place, source: IPv4Address?)
        case blocked(Cause)
        /// The walk could not tell (a lookup failed, or routes loop).
        case unknown
    }

    /// The first cause that keeps `to` from answering a ping from `from`, or nil when none is visible.
    func explain(from: String, source: IPv4Address?, to: IPv4Address) -> Cause? {
        // Past the run's deadline a failure is reported as observed, without the (costly) walk.
        if world.pastDeadline { return nil }
        guard let start = world.place(from) else { return .namespaceMissing(namespace: from) }
        if let source, start.snapshot.link(owning: source) == nil {
            return addressCause(for: source) ?? .destinationUnowned(address: source)
        }
        switch walk(from: start, source: source, to: to, leg: .there) {
        case .blocked(let cause): return cause
        case .unknown: return nil
        case .arrived(let far, let effectiveSource):
            guard let back = effectiveSource ?? source else { return nil }
            if far.identity == start.identity { return nil }
            if case .blocked(let cause) = walk(from: far, source: nil, to: back, leg: .back) { return cause }
            return nil
        }
    }

    /// `transportProtocol`: the probe's ("icmp" for a ping), as the forward chains' rules may match on it.
    func walk(from start: World.Place, source: IPv4Address?, to destination: IPv4Address, leg: Leg,
              transportProtocol: String = "icmp") -> Outcome {
        var current = start
        var seen: Set<NetworkNamespace.Identity> = []
        var effectiveSource = source
        for hop in 0..<16 {
            if current.snapshot.link(owning: destination) != nil { return .arrived(current, source: effectiveSource) }
            guard seen.insert(current.identity).inserted else { return .unknown }
            let lookup: RouteLookup
            switch world.lookup(current, to: destination, from: hop == 0 ? source : nil) {
            case .failure: return .unknown
            case .success(let l): lookup = l
            }
            guard case let .route(gateway, oif, preferredSource, type) = lookup else {
                // A down or missing link takes its routes with it: blame the link, not the route.
                if let cause = localLinkCause(in: current, towards: destination) { return .blocked(cause) }
                let command = routeCommand(in: current.label, to: destination)
                return .blocked(leg == .there
                    ? .noRoute(namespace: current.label, to: destination, command: command)
                    : .noRouteBack(namespace: current.label, to: destination, command: command))
            }
            if type == 2 { return .arrived(current, source: effectiveSource) }
            if hop == 0 && effectiveSource == nil { effectiveSource = preferredSource }
            if let oif, let link = current.snapshot.link(index: oif) {
                if let cause = linkCause(link, in: current) { return .blocked(cause) }
            }
            let nextHop = gateway ?? destination
            guard let next = world.owners(of: nextHop).first(where: { $0.place.identity != current.identity })?.place else {
                if let cause = addressCause(for: nextHop) { return .blocked(cause) }
                if let gateway {
                    let route = world.matchingRoute(current, to: destination).map { $0.destination.description }
                    return .blocked(.gatewayUnowned(namespace: current.label, gateway: gateway, route: route,
                                                    command: routeCommand(in: current.label, to: destination)))
                }
                return .blocked(.destinationUnowned(address: destination))
            }
            if let oif, let out = current.snapshot.link(index: oif), let inLink = next.snapshot.link(owning: nextHop),
               let cause = segmentCause(from: (current, out), to: (next, inLink),
                                        packet: ForwardedPacket(source: effectiveSource ?? preferredSource, destination: destination,
                                                                inputInterface: nil, outputInterface: nil,
                                                                transportProtocol: transportProtocol)) {
                return .blocked(cause)
            }
            if next.snapshot.link(owning: destination) != nil { return .arrived(next, source: effectiveSource) }
            switch world.sysctl(next.label, "net.ipv4.ip_forward") {
            case .success(let value) where value != "1": return .blocked(.forwardingOff(namespace: next.label))
            case .failure: return .unknown
            default: break
            }
            // It forwards: unless a forward chain drops the packet (its rules read from both backends, once per
            // router). The packet as the router sees it: in by the link it was sent to, out by its route.
            var out: String?
            if case .success(.route(_, let oif?, _, _)) = world.lookup(next, to: destination) { out = next.snapshot.link(index: oif)?.name }
            let packet = ForwardedPacket(source: effectiveSource, destination: destination,
                                         inputInterface: next.snapshot.link(owning: nextHop)?.name, outputInterface: out,
                                         transportProtocol: transportProtocol)
            if let cause = Self.forwardDropCause(in: next, packet: packet, world: world) { return .blocked(cause) }
            current = next
        }
        return .unknown
    }

    /// What in `router`'s forward chains surely drops `packet` (a rule, or a policy no rule overrides), of either
    /// backend, with the command that fixes it; nil when nothing surely does, or the ruleset could not be read.
    static func forwardDropCause(in router: World.Place, packet: ForwardedPacket, world: World) -> Cause? {
        guard case .success(let rules) = world.ruleset(router), let drop = rules.forwardDrop(of: packet) else { return nil }
        switch drop {
        case .policy(let chain):
            return .forwardDropped(namespace: router.label, chain: chain.label, legacy: chain.backend == .legacy,
                                   command: chain.acceptPolicyCommand)
        case .rule(let rule, _):
            let chain = rule.backend == .legacy ? "\(rule.table) \(rule.chain)" : "\(rule.family) \(rule.table) \(rule.chain)"
            return .forwardRuleDropped(namespace: router.label, rule: rule.shown, chain: chain, legacy: rule.backend == .legacy,
                                       command: rule.deleteCommand)
        }
    }

    /// Whether a frame leaving `a` can reach `b` on layer 2: directly (the veth's other end), or through a
    /// bridge whose ports are the two peers. Names the first break: a bridge or port that is down, a peer
    /// that is not a port of the bridge (`ip link set NAME master BRIDGE`).
    /// `packet`: the ping's addresses and protocol (no interfaces), for the filter a bridge may hand its frames to.
    func segmentCause(from a: (place: World.Place, link: Link), to b: (place: World.Place, link: Link),
                      packet: ForwardedPacket) -> Cause? {
        guard let peer = VethPairCheck.actualPeer(of: a.link, in: a.place, world: world) else { return nil }
        if peer.place.identity == b.place.identity && peer.link.index == b.link.index { return nil }
        // Cabled into a namespace of an earlier exercise: nothing in this one can join them.
        if world.isLeftover(peer.place) {
            return .leftoverPeer(link: Endpoint(namespace: a.place.label, name: a.link.name),
                                 peer: Endpoint(namespace: peer.place.label, name: peer.link.name))
        }
        guard let bridgeIndex = peer.link.masterIndex, let bridge = peer.place.snapshot.link(index: bridgeIndex) else {
            if let spec = exercise.link(peer.place.label, peer.link.name), let master = spec.master {
                return .notPort(namespace: peer.place.label, link: peer.link.name, master: master, found: nil)
            }
            return nil
        }
        if !bridge.isUp { return .linkDown(namespace: peer.place.label, link: bridge.name) }
        if !peer.link.isUp { return .linkDown(namespace: peer.place.label, link: peer.link.name) }
        guard let far = VethPairCheck.actualPeer(of: b.link, in: b.place, world: world) else { return nil }
        if world.isLeftover(far.place) {
            return .leftoverPeer(link: Endpoint(namespace: b.place.label, name: b.link.name),
                                 peer: Endpoint(namespace: far.place.label, name: far.link.name))
        }
        if far.place.identity == peer.place.identity && far.link.masterIndex == bridgeIndex {
            if !far.link.isUp { return .linkDown(namespace: far.place.label, link: far.link.name) }
            return bridgeFilter(bridge, in: peer.place, packet: packet)
        }
        let found = far.link.masterIndex.flatMap { far.place.snapshot.link(index: $0)?.name }
        return .notPort(namespace: far.place.label, link: far.link.name, master: bridge.name, found: found)
    }

    /// With br_netfilter, a bridge's frames pass its namespace's iptables FORWARD chain, in and out by the bridge
    /// (`-i br0 -o br0`): a policy of drop that no rule overrides for the ping drops them (read only when a ping
    /// across the bridge failed). Only the IPv4 hooks br_netfilter calls: ip and inet chains, and iptables-legacy's.
    func bridgeFilter(_ bridge: Link, in place: World.Place, packet: ForwardedPacket) -> Cause? {
        guard case .success("1") = world.sysctl(place.label, "net.bridge.bridge-nf-call-iptables"),
              case .success(let rules) = world.ruleset(place) else { return nil }
        var frame = packet
        frame.inputInterface = bridge.name
        frame.outputInterface = bridge.name
        guard case .policy(let chain)? = rules.forwardDrop(of: frame),
              chain.backend == .legacy || chain.family == "ip" || chain.family == "inet" else { return nil }
        return .bridgeFiltered(namespace: place.label, bridge: bridge.name, chain: chain.label, command: chain.acceptPolicyCommand)
    }

    /// A down link, or a link whose peer is down.
    func linkCause(_ link: Link, in place: World.Place) -> Cause? {
        if !link.isUp { return .linkDown(namespace: place.label, link: link.name) }
        if !link.hasCarrier {
            let peer = VethPairCheck.actualPeer(of: link, in: place, world: world)
            if let peer, !peer.link.isUp { return .linkDown(namespace: peer.place.label, link: peer.link.name) }
            return .peerDown(namespace: place.label, link: link.name,
                             peer: peer.map { Endpoint(namespace: $0.place.label, name: $0.link.name) })
        }
        return nil
    }

    /// The declared link of `place` that traffic to `destination` should leave by (its subnet holds the
    /// destination or the gateway of the declared route), when that link is missing, down or unaddressed.
    func localLinkCause(in place: World.Place, towards destination: IPv4Address) -> Cause? {
        let gateway = exercise.routes.filter { $0.namespace == place.label && $0.to.contains(destination) }
            .max { $0.to.length < $1.to.length }?.via
        let specs = exercise.addresses.filter { spec in
            spec.namespace == place.label && (spec.address.contains(destination) || gateway.map(spec.address.contains) == true)
        }
        for spec in specs {
            if let linkSpec = exercise.link(spec.namespace, spec.link),
               let cause = LinkCheck.cause(linkSpec, exercise: exercise, world: world, place: place) {
                return cause
            }
            if let cause = AddressCheck.cause(spec, exercise: exercise, place: place) { return cause }
        }
        return nil
    }

    /// When the exercise declares `address` somewhere and it is not there: why (missing, typo'd, on another link).
    func addressCause(for address: IPv4Address) -> Cause? {
        guard let spec = exercise.addresses.first(where: { $0.address.address == address }) else { return nil }
        guard let place = world.place(spec.namespace) else { return .namespaceMissing(namespace: spec.namespace) }
        if let linkSpec = exercise.link(spec.namespace, spec.link),
           let cause = LinkCheck.cause(linkSpec, exercise: exercise, world: world, place: place) {
            return cause
        }
        return AddressCheck.cause(spec, exercise: exercise, place: place)
    }

    /// The book's command for the route from `namespace` towards `address`, when the exercise declares one.
    func routeCommand(in namespace: String, to address: IPv4Address) -> String? {
        exercise.routes.filter { $0.namespace == namespace && $0.to.contains(address) }
            .max { $0.to.length < $1.to.length }?.fixCommand
    }
}
