import SafeText
import Kernel
import Localization
import NetlinkWire
import Report

/// The command to run in a namespace, as the book writes it.
func inNamespace(_ namespace: String, _ command: String) -> String {
    namespace == "root" ? command : "ip netns exec \(namespace) \(command)"
}

extension Cause {
    /// What netcheck found, as a plain statement of fact (messages `cause.<case>.finding`).
    public var finding: Localized {
        switch self {
        case let .namespaceMissing(ns):
            return Localized(id: "cause.namespaceMissing.finding", ["namespace": ns])
        case let .namespaceUnusable(ns, problem):
            switch problem {
            case .symlink(let target):
                return Localized(id: "cause.namespaceUnusable.finding.symlink", ["namespace": ns, "target": target])
            case .notAFile(let kind):
                // The kinds Kernel names (`NetworkNamespace.fileKind`), each a message of its own.
                let id = switch kind {
                case "a FIFO": "cause.namespaceUnusable.finding.fifo"
                case "a directory": "cause.namespaceUnusable.finding.directory"
                case "a socket": "cause.namespaceUnusable.finding.socket"
                case "a device": "cause.namespaceUnusable.finding.device"
                default: "cause.namespaceUnusable.finding.otherFile"
                }
                return Localized(id: id, ["namespace": ns, "kind": kind])
            case .notANamespace:
                return Localized(id: "cause.namespaceUnusable.finding.plainFile", ["namespace": ns])
            case .otherNamespaceType:
                return Localized(id: "cause.namespaceUnusable.finding.otherType", ["namespace": ns])
            case .sameAsRoot:
                return Localized(id: "cause.namespaceUnusable.finding.root", ["namespace": ns])
            case .sameAs(let others):
                return Localized(id: "cause.namespaceUnusable.finding.same", ["namespace": ns, "others": Localized.list(others)])
            }
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
        case let .addressMissing(ns, link, address):
            return Localized(id: "cause.addressMissing.finding", ["namespace": ns, "link": link, "address": address])
        case let .addressWrong(ns, link, expected, found):
            return Localized(id: "cause.addressWrong.finding",
                             ["namespace": ns, "link": link, "expected": expected, "found": Localized.list(found.map(\.description))])
        case let .addressOnOtherLink(ns, expectedLink, foundLink, address):
            return Localized(id: "cause.addressOnOtherLink.finding",
                             ["namespace": ns, "expectedLink": expectedLink, "foundLink": foundLink, "address": address])
        case let .sysctlWrong(ns, key, _, found):
            if let found {
                return Localized(id: "cause.sysctlWrong.finding", ["namespace": ns, "key": key, "found": found])
            }
            return Localized(id: "cause.sysctlWrong.finding.none", ["namespace": ns, "key": key])
        case let .noRoute(ns, to, _):
            return Localized(id: "cause.noRoute.finding", ["namespace": ns, "to": to])
        case let .noRouteBack(ns, to, _):
            return Localized(id: "cause.noRouteBack.finding", ["namespace": ns, "to": to])
        case let .wrongGateway(ns, to, expected, found, _, _):
            let id = switch (found, expected) {
            case (.some, .some): "cause.wrongGateway.finding"
            case (.some, nil): "cause.wrongGateway.finding.expectedDirect"
            case (nil, .some): "cause.wrongGateway.finding.foundDirect"
            case (nil, nil): "cause.wrongGateway.finding.bothDirect"
            }
            var arguments: [String: any MessageArgument] = ["namespace": ns, "to": to]
            if let found { arguments["found"] = found }
            if let expected { arguments["expected"] = expected }
            return Localized(id: id, arguments)
        case let .gatewayUnowned(ns, gateway, _, _):
            return Localized(id: "cause.gatewayUnowned.finding", ["namespace": ns, "gateway": gateway])
        case let .forwardingOff(ns):
            return Localized(id: "cause.forwardingOff.finding", ["namespace": ns])
        case let .destinationUnowned(address):
            return Localized(id: "cause.destinationUnowned.finding", ["address": address])
        case let .peerDown(ns, link, peer):
            if let peer {
                return Localized(id: "cause.peerDown.finding", ["namespace": ns, "link": link, "peerNamespace": peer.namespace, "peer": peer.name])
            }
            return Localized(id: "cause.peerDown.finding.unknownPeer", ["namespace": ns, "link": link])
        case let .natMissing(ns, kind, _):
            return Localized(id: kind == "dnat" ? "cause.natMissing.finding.dnat" : "cause.natMissing.finding.snat", ["namespace": ns])
        case let .natWrongInterface(ns, rule, found, expected, _):
            return Localized(id: "cause.natWrongInterface.finding",
                             ["namespace": ns, "rule": Self.quoted(rule), "found": Self.quoted(name: found), "expected": expected])
        case let .natWrongChain(ns, rule, found, expected, _):
            return Localized(id: "cause.natWrongChain.finding",
                             ["namespace": ns, "rule": Self.quoted(rule), "found": Self.quoted(name: found), "expected": expected])
        case let .natWrongMatch(ns, rule, what, _):
            return Localized(id: "cause.natWrongMatch.finding", ["namespace": ns, "rule": Self.quoted(rule), "what": what])
        case let .natWrongTarget(ns, rule, found, expected, _):
            if let rule {
                return Localized(id: "cause.natWrongTarget.finding.rule",
                                 ["namespace": ns, "found": found, "expected": expected, "rule": Self.quoted(rule)])
            }
            return Localized(id: "cause.natWrongTarget.finding", ["namespace": ns, "found": found, "expected": expected])
        case let .natNotApplied(ns, rules, _):
            guard !rules.isEmpty else { return Localized(id: "cause.natNotApplied.finding.none", ["namespace": ns]) }
            // The first few only, each cut: a ruleset of thousands of rules would make a hint of megabytes.
            let shown = Localized.list(rules.prefix(Self.rulesShown).map { "`\(Self.quoted($0))`" })
            let more = rules.count - min(rules.count, Self.rulesShown)
            let list = more > 0 ? Localized(id: "cause.natNotApplied.more", ["rules": shown, "more": more]) : shown
            return Localized(id: "cause.natNotApplied.finding", ["namespace": ns, "rules": list])
        case let .natDiagnosisCutShort(ns, read, deadline, tooLarge, limit, _):
            let unread = Self.unreadRules(ns, rulesRead: read, deadline: deadline, tooLarge: tooLarge, limit: limit)
            return Localized(id: read > 0 ? "cause.natDiagnosisCutShort.finding" : "cause.natDiagnosisCutShort.finding.nothingRead",
                             ["unread": unread])
        case let .dhcpServerNotRunning(ns, _):
            return Localized(id: "cause.dhcpServerNotRunning.finding", ["namespace": ns])
        case let .dhcpServerSilent(ns, link, _):
            return Localized(id: "cause.dhcpServerSilent.finding", ["namespace": ns, "link": link])
        case let .dhcpRangeMismatch(offered, range, _):
            return Localized(id: "cause.dhcpRangeMismatch.finding", ["offered": offered, "range": range])
        case let .dhcpNoLease(ns, link, _):
            return Localized(id: "cause.dhcpNoLease.finding", ["namespace": ns, "link": link])
        case let .dhcpStaticAddress(ns, link, address, _):
            return Localized(id: "cause.dhcpStaticAddress.finding", ["namespace": ns, "link": link, "address": address])
        case let .dhcpLeaseOutOfRange(ns, link, address, range, _):
            return Localized(id: "cause.dhcpLeaseOutOfRange.finding", ["namespace": ns, "link": link, "address": address, "range": range])
        }
    }

    /// A learner's nft rule as a finding quotes it, cut: a rule may hold a set of thousands of addresses, its
    /// comment any text (escaping is the printers' job, `TerminalText`).
    static func quoted(_ rule: String) -> String { TerminalText.excerpt(rule, limit: 200) }
    /// A chain or interface name from the learner's ruleset, cut like a page title.
    static func quoted(name: String) -> String { TerminalText.excerpt(name, limit: 120) }

    /// What to do about it, naming the book's command (messages `cause.<case>.fix`).
    public var fix: Localized {
        switch self {
        case let .namespaceMissing(ns):
            return Localized(id: "cause.namespaceMissing.fix", ["namespace": ns])
        case let .namespaceUnusable(ns, problem):
            if case .notAFile("a directory") = problem {
                return Localized(id: "cause.namespaceUnusable.fix.directory", ["namespace": ns])
            }
            return Localized(id: "cause.namespaceUnusable.fix", ["namespace": ns])
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
        case let .addressMissing(ns, link, address):
            return Localized(id: "cause.addressMissing.fix", ["command": inNamespace(ns, "ip address add \(address) dev \(link)")])
        case let .addressWrong(ns, link, expected, found):
            let delete = Localized.list(found.map { "`\(inNamespace(ns, "ip address del \($0) dev \(link)"))`" })
            return Localized(id: "cause.addressWrong.fix", ["delete": delete, "add": inNamespace(ns, "ip address add \(expected) dev \(link)")])
        case let .addressOnOtherLink(ns, expectedLink, foundLink, address):
            return Localized(id: "cause.addressOnOtherLink.fix", ["delete": inNamespace(ns, "ip address del \(address) dev \(foundLink)"),
                                                                  "add": inNamespace(ns, "ip address add \(address) dev \(expectedLink)")])
        case let .sysctlWrong(ns, key, expected, _):
            return Localized(id: "cause.sysctlWrong.fix", ["command": inNamespace(ns, "sysctl \(key)=\(expected)")])
        case let .noRoute(ns, to, command):
            return Localized(id: "cause.noRoute.fix", ["command": command ?? inNamespace(ns, "ip route add <network of \(to)> via <gateway>")])
        case let .noRouteBack(ns, to, command):
            return Localized(id: "cause.noRouteBack.fix", ["command": command ?? inNamespace(ns, "ip route add <network of \(to)> via <gateway>")])
        case let .wrongGateway(ns, to, expected, _, route, command):
            let fallback = expected.map { inNamespace(ns, "ip route replace \(to) via \($0)") }
            return Cause.gatewayUnowned(namespace: ns, gateway: to, route: route, command: command ?? fallback).fix
        case let .gatewayUnowned(ns, _, route, command):
            let delete = route.map { inNamespace(ns, "ip route del \($0)") }
            switch (delete, command) {
            case let (delete?, command?): return Localized(id: "cause.gatewayUnowned.fix", ["delete": delete, "command": command])
            case let (delete?, nil): return Localized(id: "cause.gatewayUnowned.fix.noCommand", ["delete": delete])
            case let (nil, command?): return Localized(id: "cause.gatewayUnowned.fix.noRoute", ["command": command])
            case (nil, nil): return Localized(id: "cause.gatewayUnowned.fix.neither")
            }
        case let .forwardingOff(ns):
            return Localized(id: "cause.forwardingOff.fix", ["command": inNamespace(ns, "sysctl net.ipv4.ip_forward=1")])
        case let .destinationUnowned(address):
            return Localized(id: "cause.destinationUnowned.fix", ["address": address])
        case let .peerDown(_, _, peer):
            if let peer {
                return Localized(id: "cause.peerDown.fix", ["command": inNamespace(peer.namespace, "ip link set \(peer.name) up")])
            }
            return Localized(id: "cause.peerDown.fix.unknownPeer")
        case let .natMissing(ns, kind, command):
            guard let command else {
                return Localized(id: "cause.natMissing.fix.noCommand",
                                 ["target": kind == "dnat" ? "DNAT" : "MASQUERADE", "listing": inNamespace(ns, "iptables -t nat -L -n -v")])
            }
            return Localized(id: "cause.natMissing.fix", ["command": command])
        case let .natWrongInterface(ns, _, _, _, command), let .natWrongChain(ns, _, _, _, command),
             let .natWrongMatch(ns, _, _, command), let .natWrongTarget(ns, _, _, _, command), let .natNotApplied(ns, _, command):
            var arguments: [String: any MessageArgument] = ["listing": inNamespace(ns, "iptables -t nat -L --line-numbers -n -v"),
                                                            "delete": inNamespace(ns, "iptables -t nat -D CHAIN NUMBER")]
            if let command { arguments["command"] = command }
            return Localized(id: command == nil ? "cause.natWrongRule.fix.noCommand" : "cause.natWrongRule.fix", arguments)
        case let .natDiagnosisCutShort(ns, _, _, _, _, command):
            let listing = inNamespace(ns, "nft -a list ruleset")
            guard let command else { return Localized(id: "cause.natDiagnosisCutShort.fix.noCommand", ["listing": listing]) }
            return Localized(id: "cause.natDiagnosisCutShort.fix", ["listing": listing, "command": command])
        case let .dhcpServerNotRunning(ns, command), let .dhcpServerSilent(ns, _, command):
            let start = command ?? inNamespace(ns, "dnsmasq --dhcp-range=FIRST,LAST,MASK --interface=IFACE --port 0 --no-resolv --no-daemon")
            return Localized(id: "cause.dhcpServer.fix", ["command": start])
        case let .dhcpRangeMismatch(_, range, command):
            guard let command else { return Localized(id: "cause.dhcpRangeMismatch.fix.noCommand", ["range": range]) }
            return Localized(id: "cause.dhcpRangeMismatch.fix", ["range": range, "command": command])
        case let .dhcpNoLease(ns, link, command):
            return Localized(id: "cause.dhcpNoLease.fix", ["command": command ?? inNamespace(ns, "dhclient \(link)")])
        case let .dhcpStaticAddress(ns, link, address, command):
            return Localized(id: "cause.dhcpStaticAddress.fix", ["delete": inNamespace(ns, "ip address del \(address) dev \(link)"),
                                                                 "client": command ?? inNamespace(ns, "dhclient \(link)")])
        case let .dhcpLeaseOutOfRange(ns, link, _, _, command):
            return Localized(id: "cause.dhcpLeaseOutOfRange.fix", ["release": inNamespace(ns, "dhclient -r \(link)"),
                                                                   "client": command ?? inNamespace(ns, "dhclient \(link)")])
        }
    }

    /// How the kernel's devices that cannot change namespace (NETIF_F_NETNS_LOCAL, `netns-local: on [fixed]` in
    /// `ethtool -k`) are named by IFLA_INFO_KIND; `ip link set NAME netns NS` refuses them ("Invalid argument").
    static let netnsLocalKinds: Set<String> = ["bridge", "bond", "team", "vrf", "openvswitch"]
    /// The kind netcheck gives the loopback device, which has no IFLA_INFO_KIND.
    static let loopbackKind = "loopback"

    /// The kind of a device found in some namespace when it cannot be moved out of it, nil when it can.
    static func netnsLocalKind(of link: Link) -> String? {
        if link.isLoopback { return loopbackKind }
        return link.kind.flatMap { netnsLocalKinds.contains($0) ? $0 : nil }
    }

    /// The book's command that creates a device of `kind` in `namespace` (`ip netns exec bridge ip link add dev br0
    /// type bridge`, or without `ip netns exec` in the root namespace).
    static func createCommand(link: String, kind: String, in namespace: String) -> String {
        inNamespace(namespace, "ip link add dev \(link) type \(kind)")
    }

    /// Moves an interface from namespace `from` to namespace `to`. The root namespace has no name under
    /// /run/netns (`netns root` is refused): an interface goes back there as `netns $$`, the namespace of the
    /// learner's shell. Not `netns 1`: inside a sandbox (`netcheck demo --then`) process 1 is the host's.
    static func moveCommand(link: String, from: String, to: String) -> String {
        inNamespace(from, "ip link set \(link) netns \(to == "root" ? "$$" : to)")
    }

    /// How many rules a hint lists.
    static let rulesShown = 3

    /// What of a ruleset netcheck did not read, and why (see `natDiagnosisCutShort`).
    static func unreadRules(_ ns: String, rulesRead read: Int, deadline: Bool, tooLarge: Int, limit: Int?) -> Localized {
        var parts: [Localized] = []
        if deadline {
            parts.append(read == 0 ? Localized(id: "nat.unread.deadline.none", ["namespace": ns])
                                   : Localized(id: "nat.unread.deadline", ["namespace": ns, "read": read]))
        }
        if let limit { parts.append(Localized(id: "nat.unread.limit", ["namespace": ns, "limit": limit])) }
        if tooLarge > 0 { parts.append(Localized(id: "nat.unread.tooLarge", ["namespace": ns, "count": tooLarge])) }
        return Localized.join(parts, by: .clauses)
    }

    /// Deleting a device that cannot be moved where it is, then creating it where it belongs.
    static func recreateCommands(link: String, kind: String, from: String, to: String) -> [String] {
        [inNamespace(from, "ip link del \(link)"), createCommand(link: link, kind: kind, in: to)]
    }

    /// The whole hint: the finding, then the fix.
    public var hint: Localized {
        Localized(id: "cause.hint", ["finding": finding, "fix": fix])
    }
}
