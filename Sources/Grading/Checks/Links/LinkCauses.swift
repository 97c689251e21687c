import Addresses
import Kernel
import Localization
import NetlinkWire
import SafeText

/// Why an interface is not as the exercise declares it: missing, elsewhere, down, another kind, MAC, bridge port, veth peer.
/// One family of `Cause`; what each says about itself is below (messages `cause.<case>.finding` / `.fix`).
public enum LinkCause: Hashable, Sendable {
    /// `kind`: what the exercise declares it as (a bridge is created where it belongs, a veth end moved there).
    case linkMissing(namespace: String, link: String, peer: Endpoint?, kind: String? = nil)
    /// The interface exists, but in another namespace (`root` when it was never moved).
    case linkInOtherNamespace(link: String, expected: String, found: String)
    /// The same, for a device that cannot change namespace (`kind`: "bridge", "loopback", … see
    /// `Cause.netnsLocalKind`): it must be deleted there and created again where it belongs.
    case linkCannotMove(link: String, kind: String, expected: String, found: String)
    case linkWrongKind(namespace: String, link: String, expected: String, found: String)
    case linkDown(namespace: String, link: String)
    /// Not a port of the bridge it should be on (`found`: the bridge it is on, if any).
    case notPort(namespace: String, link: String, master: String, found: String?)
    case macMismatch(namespace: String, link: String, expected: MACAddress, found: MACAddress?)
    /// The veth's other end is not the expected interface (`found` nil: not a veth at all or peer unknown).
    case peerMismatch(link: Endpoint, expected: Endpoint, found: Endpoint?)
    /// The outgoing link has no carrier: its peer is down.
    case peerDown(namespace: String, link: String, peer: Endpoint?)
    /// The veth's other end is in a namespace the exercise does not have (`peer.namespace`): left from an earlier
    /// exercise, whose names the learner's commands met (`ip netns add` failed, the old pair stayed).
    case leftoverPeer(link: Endpoint, peer: Endpoint)
}

extension LinkCause {
    public var finding: Localized {
        switch self {
        case let .linkMissing(ns, link, _, _):
            return Localized(id: "cause.linkMissing.finding", ["namespace": ns, "link": link])
        case let .linkInOtherNamespace(link, expected, found):
            return Localized(id: found == "root" ? "cause.linkInOtherNamespace.finding.root" : "cause.linkInOtherNamespace.finding",
                             ["link": link, "expected": expected, "found": found])
        case let .linkCannotMove(link, kind, expected, found):
            let moved = Cause.linkInOtherNamespace(link: link, expected: expected, found: found).finding
            return Localized(id: "cause.linkCannotMove.finding", ["moved": moved, "kind": kind])
        case let .linkWrongKind(ns, link, expected, found):
            return Localized(id: "cause.linkWrongKind.finding", ["namespace": ns, "link": link, "expected": expected, "found": found])
        case let .linkDown(ns, link):
            return Localized(id: "cause.linkDown.finding", ["namespace": ns, "link": link])
        case let .macMismatch(ns, link, expected, found):
            if let found {
                return Localized(id: "cause.macMismatch.finding", ["namespace": ns, "link": link, "expected": expected, "found": found])
            }
            return Localized(id: "cause.macMismatch.finding.none", ["namespace": ns, "link": link, "expected": expected])
        case let .notPort(ns, link, master, found):
            if let found {
                return Localized(id: "cause.notPort.finding.other", ["namespace": ns, "link": link, "master": master, "found": found])
            }
            return Localized(id: "cause.notPort.finding", ["namespace": ns, "link": link, "master": master])
        case let .peerMismatch(link, expected, found):
            let names: [String: any MessageArgument] = ["namespace": link.namespace, "link": link.name,
                                                        "expectedNamespace": expected.namespace, "expectedLink": expected.name]
            if let found {
                return Localized(id: "cause.peerMismatch.finding", names.merging(["foundNamespace": found.namespace, "foundLink": found.name]) { a, _ in a })
            }
            return Localized(id: "cause.peerMismatch.finding.none", names)
        case let .peerDown(ns, link, peer):
            if let peer {
                return Localized(id: "cause.peerDown.finding", ["namespace": ns, "link": link, "peerNamespace": peer.namespace, "peer": peer.name])
            }
            return Localized(id: "cause.peerDown.finding.unknownPeer", ["namespace": ns, "link": link])
        case let .leftoverPeer(link, peer):
            return Localized(id: "cause.leftoverPeer.finding", ["namespace": link.namespace, "link": link.name,
                                                               "peerNamespace": peer.namespace, "peer": peer.name])
        }
    }

    public var fix: Localized {
        switch self {
        case let .linkMissing(ns, link, peer, kind):
            if let peer {
                // Made in the root namespace, an end that belongs there stays where it is.
                if ns == "root" { return Localized(id: "cause.linkMissing.fix.vethHere", ["link": link, "peer": peer.name]) }
                return Localized(id: "cause.linkMissing.fix.veth", ["namespace": ns, "link": link, "peer": peer.name])
            }
            if let kind, kind != "veth" {
                // A bridge is made where it belongs: it cannot be moved afterwards.
                return Localized(id: "cause.linkMissing.fix.create", ["command": Cause.createCommand(link: link, kind: kind, in: ns)])
            }
            if ns == "root" {
                return Localized(id: "cause.linkMissing.fix.root", ["link": link])
            }
            return Localized(id: "cause.linkMissing.fix", ["namespace": ns, "link": link])
        case let .linkInOtherNamespace(link, expected, found):
            let move = Cause.moveCommand(link: link, from: found, to: expected)
            return Localized(id: expected == "root" ? "cause.linkInOtherNamespace.fix.root" : "cause.linkInOtherNamespace.fix", ["command": move])
        case let .linkCannotMove(link, kind, expected, found):
            if kind == Cause.loopbackKind {
                return Localized(id: "cause.linkCannotMove.fix.loopback", ["expected": expected, "command": inNamespace(expected, "ip link set dev lo up")])
            }
            let commands = Cause.recreateCommands(link: link, kind: kind, from: found, to: expected)
            return Localized(id: "cause.linkCannotMove.fix", ["expected": expected, "delete": commands[0], "create": commands[1]])
        case let .linkWrongKind(ns, link, expected, _):
            return Localized(id: "cause.linkWrongKind.fix", ["expected": expected, "command": inNamespace(ns, "ip link del \(link)")])
        case let .linkDown(ns, link):
            return Localized(id: "cause.linkDown.fix", ["command": inNamespace(ns, "ip link set \(link) up")])
        case let .macMismatch(ns, link, expected, _):
            return Localized(id: "cause.macMismatch.fix", ["command": inNamespace(ns, "ip link set dev \(link) address \(expected)")])
        case let .notPort(ns, link, master, _):
            return Localized(id: "cause.notPort.fix", ["command": inNamespace(ns, "ip link set \(link) master \(master)")])
        case let .peerMismatch(link, expected, _):
            return Localized(id: "cause.peerMismatch.fix",
                             ["delete": inNamespace(link.namespace, "ip link del \(link.name)"), "link": link.name, "peer": expected.name])
        case let .peerDown(_, _, peer):
            if let peer {
                return Localized(id: "cause.peerDown.fix", ["command": inNamespace(peer.namespace, "ip link set \(peer.name) up")])
            }
            return Localized(id: "cause.peerDown.fix.unknownPeer")
        case .leftoverPeer:
            // The book starts each chapter so: every namespace goes, with the veths in it.
            return Localized(id: "cause.leftoverPeer.fix", ["command": "ip --all netns delete"])
        }
    }
}
