import Kernel
import NetlinkWire

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
            return Namespace(name: expected.name, interfaces: [], mark: .wrong, problems: [Localized(
                en: "namespace \(expected.name) does not exist (`ip netns add \(expected.name)`)",
                ja: "ネームスペース \(expected.name) がありません (`ip netns add \(expected.name)`)")])
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
            case let .linkInOtherNamespace(_, _, other)?:
                let move = Cause.moveCommand(link: name, from: other, to: ns)
                problem = Localized(en: "\(name) is in \(other), not in \(ns) (`\(move)`)",
                                    ja: "\(name) は \(ns) ではなく \(other) にあります (`\(move)`)")
            case let .linkCannotMove(_, kind, _, other)? where kind != Cause.loopbackKind:
                let c = Cause.recreateCommands(link: name, kind: kind, from: other, to: ns)
                problem = Localized(en: "\(name) is in \(other), not in \(ns); a \(kind) cannot change namespace: delete it and create it in \(ns) (`\(c[0])`, then `\(c[1])`)",
                                    ja: "\(name) は \(ns) ではなく \(other) にあります。種類が \(kind) のデバイスはネームスペースを移せないので、削除して \(ns) に作り直してください (`\(c[0])` の後に `\(c[1])`)")
            default:
                problem = Localized(en: "\(name) does not exist in \(ns)", ja: "\(ns) に \(name) がありません")
            }
            return Interface(name: name, kind: expected.kind, addresses: [], mac: nil, master: expected.master,
                             mark: .wrong, problems: [problem])
        }
        let actual = place.snapshot.addresses(on: link).filter { $0.scope == 0 }.map(\.prefix.cidr)
        var problems: [Localized] = []
        if let kind = expected.kind, link.kind != kind {
            problems.append(Localized(en: "\(ns)/\(name) is a \(link.kind ?? "device without kind"), expected \(kind)",
                                      ja: "\(ns) の \(name) は \(link.kind ?? "種類なし") で、\(kind) ではありません"))
        }
        if spec?.up ?? true, !link.isUp {
            let up = inNamespace(ns, "ip link set \(name) up")
            problems.append(Localized(en: "\(ns)/\(name) is down (`\(up)`)",
                                      ja: "\(ns) の \(name) が DOWN です (`\(up)`)"))
        }
        if let mac = expected.mac, link.mac?.description != mac {
            let has = link.mac?.description ?? "none"
            let hasJa = link.mac.map { "の MAC アドレスは \($0) で、\(mac) ではありません" } ?? "に MAC アドレスがありません (期待値 \(mac))"
            problems.append(Localized(en: "\(ns)/\(name) has MAC \(has), expected \(mac)",
                                      ja: "\(ns) の \(name) \(hasJa)"))
        }
        let master = link.masterIndex.flatMap { place.snapshot.link(index: $0)?.name }
        if let bridge = expected.master, master != bridge {
            let attach = inNamespace(ns, "ip link set \(name) master \(bridge)")
            problems.append(Localized(en: "\(ns)/\(name) is not a port of \(bridge) (`\(attach)`)",
                                      ja: "\(ns) の \(name) が \(bridge) のポートではありません (`\(attach)`)"))
        }
        for address in expected.addresses where !actual.contains(address) {
            let has = actual.isEmpty ? "none" : actual.joined(separator: ", ")
            let hasJa = actual.isEmpty ? "アドレスなし" : "あるのは \(actual.joined(separator: "、"))"
            problems.append(Localized(en: "\(ns)/\(name) lacks \(address) (has \(has))",
                                      ja: "\(ns) の \(name) に \(address) がありません (\(hasJa))"))
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
            wire.problems = [Localized(en: "veth \(label): neither end is where the exercise puts it",
                                       ja: "veth \(label): どちらの端も演習の場所にありません")]
            return wire
        }
        let peer = VethPairCheck.actualPeer(of: link, in: place, world: world)
        if let peer, peer.place.label == there.namespace, peer.link.name == there.name {
            wire.mark = .ok
            return wire
        }
        let other = peer.map { "\($0.link.name) (\($0.place.label))" }
        let otherJa = peer.map { "の相手は \($0.place.label) の \($0.link.name) です" } ?? "の相手が見つかりません"
        wire.problems = [Localized(
            en: "veth \(label): \(here.name)'s peer is \(other ?? "not found"), expected \(there.name) (\(there.namespace))",
            ja: "veth \(label): \(here.name) \(otherJa)。\(there.namespace) の \(there.name) のはずです")]
        return wire
    }
}
