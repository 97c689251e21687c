import Kernel
import NetlinkWire
import Localization

extension Topology {
    /// What exists now in the exercise's namespaces, drawn like the exercise and marked against it: a namespace
    /// that does not exist, an interface missing (or left in another namespace), down, of another kind, with
    /// another MAC or bridge, an address missing or different, a veth whose peer is not the declared one.
    /// Only reads `world`.
    public init(found world: World, exercise: Exercise) {
        let expected = Topology(exercise: exercise)
        namespaces = expected.namespaces.map { Self.found($0, exercise: exercise, world: world) }
        wires = expected.wires.map { Self.found($0, world: world) }
    }

    static func found(_ expected: Namespace, exercise: Exercise, world: World) -> Namespace {
        guard let place = world.place(expected.name) else {
            return Namespace(name: expected.name, interfaces: [], mark: .wrong,
                             problems: [Localized(id: "found.namespaceMissing", ["namespace": expected.name])])
        }
        let interfaces = expected.interfaces.map { found($0, in: place, spec: exercise.link(expected.name, $0.name), world: world) }
        return Namespace(name: expected.name, interfaces: interfaces, mark: .ok)
    }

    /// One interface as found in `place`, with its actual addresses (and MAC, when the exercise declares one).
    static func found(_ expected: Interface, in place: World.Place, spec: LinkSpec?, world: World) -> Interface {
        let ns = place.label, name = expected.name
        guard let link = place.snapshot.link(named: name) else {
            // The same advice as the link check: a move, or for a bridge a delete and a create.
            let problem: Localized
            switch LinkCheck.elsewhereCause(name, expected: ns, world: world) {
            case let .link(.linkInOtherNamespace(_, _, other))?:
                let move = Cause.moveCommand(link: name, from: other, to: ns)
                problem = Localized(id: "found.link.elsewhere", ["link": name, "found": other, "namespace": ns, "command": move])
            case let .link(.linkCannotMove(_, kind, _, other))? where kind != Cause.loopbackKind:
                let c = Cause.recreateCommands(link: name, kind: kind, from: other, to: ns)
                problem = Localized(id: "found.link.cannotMove", ["link": name, "found": other, "namespace": ns, "kind": kind,
                                                                  "delete": c[0], "create": c[1]])
            default:
                problem = Localized(id: "found.link.missing", ["link": name, "namespace": ns])
            }
            return Interface(name: name, kind: expected.kind, addresses: [], mac: nil, master: expected.master,
                             mark: .wrong, problems: [problem])
        }
        let actual = place.snapshot.addresses(on: link).filter { $0.scope == 0 }.map(\.prefix.cidr)
        var problems: [Localized] = []
        if let kind = expected.kind, link.kind != kind {
            problems.append(link.kind.map { Localized(id: "found.link.kind", ["namespace": ns, "link": name, "found": $0, "expected": kind]) }
                            ?? Localized(id: "found.link.kind.none", ["namespace": ns, "link": name, "expected": kind]))
        }
        if spec?.up ?? true, !link.isUp {
            let up = inNamespace(ns, "ip link set \(name) up")
            problems.append(Localized(id: "found.link.down", ["namespace": ns, "link": name, "command": up]))
        }
        if let mac = expected.mac, link.mac?.description != mac {
            problems.append(link.mac.map { Localized(id: "found.link.mac", ["namespace": ns, "link": name, "found": $0, "expected": mac]) }
                            ?? Localized(id: "found.link.mac.none", ["namespace": ns, "link": name, "expected": mac]))
        }
        let master = link.masterIndex.flatMap { place.snapshot.link(index: $0)?.name }
        if let bridge = expected.master, master != bridge {
            let attach = inNamespace(ns, "ip link set \(name) master \(bridge)")
            problems.append(Localized(id: "found.link.notPort", ["namespace": ns, "link": name, "bridge": bridge, "command": attach]))
        }
        for address in expected.addresses where !actual.contains(address) {
            problems.append(actual.isEmpty
                ? Localized(id: "found.address.none", ["namespace": ns, "link": name, "address": address])
                : Localized(id: "found.address.other", ["namespace": ns, "link": name, "address": address, "found": Localized.list(actual)]))
        }
        return Interface(name: name, kind: link.kind, addresses: actual,
                         mac: expected.mac == nil ? nil : link.mac?.description, master: master,
                         mark: problems.isEmpty ? .ok : .wrong, problems: problems)
    }

    /// A declared veth pair as found: the kernel pairs its two ends, or what it pairs one end with instead.
    static func found(_ expected: Wire, world: World) -> Wire {
        var wire = expected
        wire.mark = .wrong
        let label = "\(expected.a.name) ─ \(expected.b.name)"
        // Start from whichever end is where the exercise puts it.
        let ends = [(expected.a, expected.b), (expected.b, expected.a)]
        guard let (here, there, place, link) = ends.lazy.compactMap({ (here, there) -> (Endpoint, Endpoint, World.Place, Link)? in
            guard let place = world.place(here.namespace), let link = place.snapshot.link(named: here.name) else { return nil }
            return (here, there, place, link)
        }).first else {
            wire.problems = [Localized(id: "found.veth.nowhere", ["pair": label])]
            return wire
        }
        let peer = VethPairCheck.actualPeer(of: link, in: place, world: world)
        if let peer, peer.place.label == there.namespace, peer.link.name == there.name {
            wire.mark = .ok
            return wire
        }
        let names: [String: any MessageArgument] = ["pair": label, "link": here.name, "expected": there.name, "expectedNamespace": there.namespace]
        wire.problems = [peer.map {
            Localized(id: "found.veth.otherPeer", names.merging(["found": $0.link.name, "foundNamespace": $0.place.label]) { a, _ in a })
        } ?? Localized(id: "found.veth.noPeer", names)]
        return wire
    }
}
