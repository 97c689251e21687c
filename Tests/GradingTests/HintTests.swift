@testable import Grading
import Addresses
import Kernel
import NetlinkWire
import XCTest

/// Every cause speaks both languages and names a command the learner can type.
final class HintTests: XCTestCase {
    static let ns1 = Endpoint(namespace: "ns1", name: "ns1-veth0")
    static let ns2 = Endpoint(namespace: "ns2", name: "ns2-veth0")
    var samples: [Cause] { Self.samples }

    /// Every cause, in each of its shapes (with and without the book's command, with a found value or none).
    static var samples: [Cause] {
        let p = IPv4Prefix("192.0.2.1/24")!, a = IPv4Address("198.51.100.1")!, g = IPv4Address("192.0.2.254")!
        let masquerade = "ip netns exec router iptables -t nat -A POSTROUTING -s 192.0.2.0/24 -o gw-veth1 -j MASQUERADE"
        let rule = "iptables -t nat -A POSTROUTING -o gw-veth0 -j MASQUERADE"
        let dnsmasq = "ip netns exec server dnsmasq --dhcp-range=192.0.2.100,192.0.2.200,255.255.255.0 --interface=s-veth0 --port 0 --no-resolv --no-daemon"
        return [
            .namespaceMissing(namespace: "ns1"),
            .namespaceUnusable(namespace: "ns1", problem: .symlink(target: "/proc/1234/ns/net")),
            .namespaceUnusable(namespace: "ns1", problem: .notAFile(kind: "a FIFO")),
            .namespaceUnusable(namespace: "ns1", problem: .notAFile(kind: "a directory")),
            .namespaceUnusable(namespace: "ns1", problem: .notANamespace),
            .namespaceUnusable(namespace: "ns1", problem: .otherNamespaceType),
            .namespaceUnusable(namespace: "ns1", problem: .sameAsRoot),
            .namespaceUnusable(namespace: "ns1", problem: .sameAs(["ns2"])),
            .linkMissing(namespace: "ns1", link: "ns1-veth0", peer: ns2),
            .linkMissing(namespace: "ns1", link: "ns1-veth0", peer: nil),
            .linkInOtherNamespace(link: "ns2-veth0", expected: "ns2", found: "root"),
            .linkInOtherNamespace(link: "ns2-veth0", expected: "ns2", found: "ns1"),
            .linkCannotMove(link: "br0", kind: "bridge", expected: "bridge", found: "root"),
            .linkCannotMove(link: "br0", kind: "bridge", expected: "root", found: "bridge"),
            .linkMissing(namespace: "bridge", link: "br0", peer: nil, kind: "bridge"),
            .linkInOtherNamespace(link: "ns1-br0", expected: "root", found: "bridge"),
            .linkCannotMove(link: "br0", kind: "bridge", expected: "bridge", found: "root"),
            .linkCannotMove(link: "br0", kind: "bridge", expected: "root", found: "bridge"),
            .linkCannotMove(link: "lo", kind: "loopback", expected: "ns1", found: "root"),
            .linkMissing(namespace: "bridge", link: "br0", peer: nil, kind: "bridge"),
            .linkMissing(namespace: "root", link: "ns1-br0", peer: ns1),
            .linkWrongKind(namespace: "ns1", link: "ns1-veth0", expected: "veth", found: "dummy"),
            .linkDown(namespace: "ns1", link: "ns1-veth0"),
            .notPort(namespace: "bridge", link: "ns3-br0", master: "br0", found: nil),
            .macMismatch(namespace: "ns1", link: "ns1-veth0", expected: MACAddress("00:00:5e:00:53:01")!, found: MACAddress("00:00:5e:00:53:10")),
            .peerMismatch(link: ns1, expected: ns2, found: Endpoint(namespace: "root", name: "other1")),
            .peerMismatch(link: ns1, expected: ns2, found: nil),
            .leftoverPeer(link: ns1, peer: Endpoint(namespace: "router", name: "gw-veth0")),
            .addressMissing(namespace: "ns1", link: "ns1-veth0", address: p),
            .addressWrong(namespace: "ns1", link: "ns1-veth0", expected: p, found: [IPv4Prefix("192.0.2.11/24")!]),
            .addressOnOtherLink(namespace: "ns1", expectedLink: "ns1-veth0", foundLink: "lo", address: p),
            .sysctlWrong(namespace: "router", key: "net.ipv4.ip_forward", expected: "1", found: "0"),
            .sysctlWrong(namespace: "router", key: "net.ipv4.nothing", expected: "1", found: nil),
            .noRoute(namespace: "ns1", to: a, command: "ip netns exec ns1 ip route add default via 192.0.2.254"),
            .noRoute(namespace: "ns1", to: a, command: nil),
            .noRouteBack(namespace: "ns2", to: p.address, command: "ip netns exec ns2 ip route add default via 198.51.100.254"),
            .wrongGateway(namespace: "ns1", to: a, expected: g, found: IPv4Address("192.0.2.253"), route: "default", command: "ip netns exec ns1 ip route add default via 192.0.2.254"),
            .wrongGateway(namespace: "ns1", to: a, expected: g, found: nil, route: nil, command: nil),
            .gatewayUnowned(namespace: "ns1", gateway: IPv4Address("192.0.2.253")!, route: "default", command: nil),
            .forwardingOff(namespace: "router"),
            .bridgeFiltered(namespace: "root", bridge: "br0", chain: "ip filter FORWARD"),
            .neighbourTableFull(limit: "1024"),
            .neighbourTableFull(limit: nil),
            .forwardDropped(namespace: "router", chain: "ip filter FORWARD"),
            .forwardDropped(namespace: "router", chain: "filter FORWARD", legacy: true),
            .forwardDropped(namespace: "router", chain: "inet lab labforward", command: "nft chain inet lab labforward '{ policy accept; }'"),
            .forwardRuleDropped(namespace: "router", rule: "-A FORWARD -s 192.0.2.0/24 -j DROP", chain: "filter FORWARD", legacy: true,
                                command: "iptables -D FORWARD -s 192.0.2.0/24 -j DROP"),
            .forwardRuleDropped(namespace: "router", rule: "ip saddr 192.0.2.0/24 drop", chain: "inet lab labforward", legacy: false,
                                command: "nft delete rule inet lab labforward handle 4"),
            .forwardRuleDropped(namespace: "router", rule: "ip saddr 192.0.2.0/24 drop", chain: "inet lab labforward", legacy: false,
                                command: nil),
            .forwardRuleDropped(namespace: "router", rule: "-A lab -s 192.0.2.0/24 -m comment --comment … -j DROP …", chain: "mangle lab",
                                legacy: true, command: nil),
            .destinationUnowned(address: a),
            .peerDown(namespace: "ns1", link: "ns1-veth0", peer: ns2),
            .peerDown(namespace: "ns1", link: "ns1-veth0", peer: nil),
            .linkDown(namespace: "root", link: "br0"),
            .notPort(namespace: "bridge", link: "ns3-br0", master: "br0", found: "br1"),
            .macMismatch(namespace: "ns1", link: "ns1-veth0", expected: MACAddress("00:00:5e:00:53:01")!, found: nil),
            .addressWrong(namespace: "ns1", link: "ns1-veth0", expected: p, found: [IPv4Prefix("192.0.2.11/24")!, IPv4Prefix("192.0.2.12/24")!]),
            .noRouteBack(namespace: "ns2", to: p.address, command: nil),
            .wrongGateway(namespace: "ns1", to: a, expected: nil, found: g, route: "198.51.100.0/24", command: nil),
            .gatewayUnowned(namespace: "ns1", gateway: IPv4Address("192.0.2.253")!, route: nil, command: "ip netns exec ns1 ip route add default via 192.0.2.254"),
            .natMissing(namespace: "router", kind: "snat", command: masquerade),
            .natMissing(namespace: "router", kind: "snat", command: nil),
            .natMissing(namespace: "router", kind: "dnat", command: nil),
            .natWrongInterface(namespace: "router", rule: rule, found: "gw-veth0", expected: "gw-veth1", command: masquerade),
            .natWrongInterface(namespace: "router", rule: "-A POSTROUTING -s 192.0.2.0/24 -o gw-veth0 -j MASQUERADE", found: "gw-veth0",
                               expected: "gw-veth1", command: masquerade, legacy: true),
            .natWrongChain(namespace: "router", rule: "-A INPUT -j MASQUERADE", found: "INPUT", expected: "POSTROUTING", command: nil, legacy: true),
            .natWrongMatch(namespace: "router", rule: "-A POSTROUTING -s 10.0.0.0/8 -j MASQUERADE", what: Localized(en: "source 10.0.0.0/8 does not include 192.0.2.1", ja: "送信元 10.0.0.0/8 に 192.0.2.1 が含まれません"), command: masquerade, legacy: true),
            .natWrongTarget(namespace: "router", rule: "-A PREROUTING -d 203.0.113.254/32 -p tcp -m tcp --dport 54321 -j DNAT --to-destination 192.0.2.9",
                            found: "192.0.2.9", expected: "192.0.2.1", command: nil, legacy: true),
            .natNotApplied(namespace: "router", rules: ["-A POSTROUTING -j MASQUERADE"], command: masquerade, legacy: true),
            .natWrongChain(namespace: "router", rule: rule, found: "INPUT", expected: "POSTROUTING", command: nil),
            .natWrongMatch(namespace: "router", rule: rule, what: Localized(en: "source 10.0.0.0/8 does not include 192.0.2.1", ja: "送信元 10.0.0.0/8 に 192.0.2.1 が含まれません"), command: masquerade),
            .natWrongMatch(namespace: "router", rule: rule, what: Localized(en: "destination 203.0.113.1 is not 203.0.113.254", ja: "宛先が 203.0.113.254 ではなく 203.0.113.1 です"), command: nil),
            .natWrongMatch(namespace: "router", rule: rule, what: Localized(en: "port 54322 is not 54321", ja: "ポートが 54321 ではなく 54322 です"), command: nil),
            .natWrongMatch(namespace: "router", rule: rule, what: Localized(en: "it matches UDP, the connection is TCP", ja: "ルールは UDP に一致しますが、接続は TCP です"), command: nil),
            .natWrongTarget(namespace: "router", rule: rule, found: "203.0.113.253", expected: "203.0.113.254", command: masquerade),
            .natWrongTarget(namespace: "router", rule: nil, found: "192.0.2.2:54321", expected: "192.0.2.1:54321", command: nil),
            .natNotApplied(namespace: "router", rules: [rule, rule], command: masquerade),
            .natNotApplied(namespace: "router", rules: [], command: nil),
            .natNotApplied(namespace: "router", rules: Array(repeating: rule, count: 10_000), command: masquerade),
            .natDiagnosisCutShort(namespace: "router", rulesRead: 12_345, deadline: true, tooLarge: 0, limit: nil, command: masquerade),
            .natDiagnosisCutShort(namespace: "router", rulesRead: 0, deadline: true, tooLarge: 0, limit: nil, command: nil),
            .natDiagnosisCutShort(namespace: "router", rulesRead: 3, deadline: false, tooLarge: 2, limit: nil, command: masquerade),
            .natDiagnosisCutShort(namespace: "router", rulesRead: 40, deadline: true, tooLarge: 1, limit: nil, command: nil),
            .natDiagnosisCutShort(namespace: "router", rulesRead: 10_000, deadline: false, tooLarge: 0, limit: 10_000, command: masquerade),
            .dhcpServerNotRunning(namespace: "server", command: dnsmasq),
            .dhcpServerNotRunning(namespace: "server", command: nil),
            .dhcpServerSilent(namespace: "server", link: "c-veth0", command: dnsmasq),
            .dhcpRangeMismatch(offered: IPv4Address("192.0.2.50")!, range: "192.0.2.100-192.0.2.200", command: dnsmasq),
            .dhcpRangeMismatch(offered: IPv4Address("192.0.2.50")!, range: "192.0.2.100-192.0.2.200", command: nil),
            .dhcpNoLease(namespace: "client", link: "c-veth0", command: "ip netns exec client dhclient c-veth0"),
            .dhcpNoLease(namespace: "client", link: "c-veth0", command: nil),
            .dhcpStaticAddress(namespace: "client", link: "c-veth0", address: IPv4Prefix("192.0.2.150/24")!, command: nil),
            .dhcpLeaseOutOfRange(namespace: "client", link: "c-veth0", address: IPv4Prefix("192.0.2.50/24")!,
                                 range: "192.0.2.100-192.0.2.200", command: "ip netns exec client dhclient c-veth0"),
        ]
    }

    /// The name of a cause's case; the switch has no default, so a new cause does not compile until it is named
    /// here (and then `samples` must show it: see JapaneseTextTests).
    static func caseName(_ cause: Cause) -> String {
        switch cause {
        case .namespace(.namespaceMissing): return "namespaceMissing"
        case .namespace(.namespaceUnusable): return "namespaceUnusable"
        case .link(.linkMissing): return "linkMissing"
        case .link(.linkInOtherNamespace): return "linkInOtherNamespace"
        case .link(.linkCannotMove): return "linkCannotMove"
        case .link(.linkWrongKind): return "linkWrongKind"
        case .link(.linkDown): return "linkDown"
        case .link(.notPort): return "notPort"
        case .link(.macMismatch): return "macMismatch"
        case .link(.peerMismatch): return "peerMismatch"
        case .link(.leftoverPeer): return "leftoverPeer"
        case .address(.addressMissing): return "addressMissing"
        case .address(.addressWrong): return "addressWrong"
        case .address(.addressOnOtherLink): return "addressOnOtherLink"
        case .sysctl(.sysctlWrong): return "sysctlWrong"
        case .route(.noRoute): return "noRoute"
        case .route(.noRouteBack): return "noRouteBack"
        case .route(.wrongGateway): return "wrongGateway"
        case .route(.gatewayUnowned): return "gatewayUnowned"
        case .sysctl(.forwardingOff): return "forwardingOff"
        case .sysctl(.neighbourTableFull): return "neighbourTableFull"
        case .sysctl(.forwardDropped): return "forwardDropped"
        case .sysctl(.bridgeFiltered): return "bridgeFiltered"
        case .sysctl(.forwardRuleDropped): return "forwardRuleDropped"
        case .address(.destinationUnowned): return "destinationUnowned"
        case .link(.peerDown): return "peerDown"
        case .nat(.natMissing): return "natMissing"
        case .nat(.natWrongInterface): return "natWrongInterface"
        case .nat(.natWrongChain): return "natWrongChain"
        case .nat(.natWrongMatch): return "natWrongMatch"
        case .nat(.natWrongTarget): return "natWrongTarget"
        case .nat(.natNotApplied): return "natNotApplied"
        case .nat(.natDiagnosisCutShort): return "natDiagnosisCutShort"
        case .dhcp(.dhcpServerNotRunning): return "dhcpServerNotRunning"
        case .dhcp(.dhcpServerSilent): return "dhcpServerSilent"
        case .dhcp(.dhcpRangeMismatch): return "dhcpRangeMismatch"
        case .dhcp(.dhcpNoLease): return "dhcpNoLease"
        case .dhcp(.dhcpStaticAddress): return "dhcpStaticAddress"
        case .dhcp(.dhcpLeaseOutOfRange): return "dhcpLeaseOutOfRange"
        }
    }

    static let caseCount = 39

    /// A ruleset of thousands of rules (a learner's script) gives a hint of a few rules, not of megabytes.
    func testRuleListsAreShort() {
        let rule = "ip saddr 10.0.0.0/24 oifname \"gw-veth0\" masquerade"
        let hint = Cause.natNotApplied(namespace: "router", rules: Array(repeating: rule, count: 10_000), command: nil).hint
        XCTAssertLessThan(hint.en.utf8.count, 1000, hint.en)
        XCTAssertTrue(hint.en.contains("and 9997 more"), hint.en)
        XCTAssertTrue(hint.ja.contains("ほか 9997 個"), hint.ja)
    }

    func testEveryCauseHasBothLanguagesAndACommand() {
        for cause in samples {
            let hint = cause.hint
            XCTAssertFalse(hint.en.isEmpty, "\(cause)")
            XCTAssertTrue(hint.ja.unicodeScalars.contains { (0x3040...0x30ff).contains($0.value) }, "no kana in ja hint of \(cause): \(hint.ja)")
            XCTAssertFalse(hint.en.unicodeScalars.contains { $0.value > 0x2fff }, "Japanese in en hint of \(cause): \(hint.en)")
            if case .dhcp(.dhcpRangeMismatch(_, _, nil)) = cause {} else {
                XCTAssertTrue(hint.en.contains("`"), "no command in \(cause): \(hint.en)")
            }
            XCTAssertEqual(hint.en.filter { $0 == "`" }.count % 2, 0, "unbalanced backquotes: \(hint.en)")
            XCTAssertEqual(hint.ja.filter { $0 == "`" }.count % 2, 0, "unbalanced backquotes: \(hint.ja)")
        }
    }

    /// A bridge cannot change namespace (iproute2: "The interface netns is immutable"): delete it where it is and
    /// create it where it belongs, with the book's command for either edition.
    func testNetnsLocalDeviceIsRecreatedNotMoved() {
        XCTAssertEqual(Cause.linkCannotMove(link: "br0", kind: "bridge", expected: "bridge", found: "root").hint.en,
                       "br0 is still in the root namespace, not in bridge, and a bridge cannot be moved to another namespace. "
                       + "Delete it there and create it in bridge: `ip link del br0`, then `ip netns exec bridge ip link add dev br0 type bridge`.")
        XCTAssertEqual(Cause.linkCannotMove(link: "br0", kind: "bridge", expected: "root", found: "bridge").fix.en,
                       "Delete it there and create it in root: `ip netns exec bridge ip link del br0`, then `ip link add dev br0 type bridge`.")
        XCTAssertEqual(Cause.linkCannotMove(link: "br0", kind: "bridge", expected: "bridge", found: "root").hint.ja,
                       "br0 は bridge ではなくまだルートのネットワークネームスペースにあります。種類が bridge のデバイスは別のネームスペースに移せません。"
                       + "そこで削除して bridge に作り直してください: `ip link del br0` の後に `ip netns exec bridge ip link add dev br0 type bridge`。")
        XCTAssertFalse(Cause.linkCannotMove(link: "lo", kind: "loopback", expected: "ns1", found: "root").hint.en.contains("ip link del"),
                       "lo is never deleted")
        // Which devices: the kernel's kind, or IFF_LOOPBACK for lo (which has no kind).
        XCTAssertEqual(Cause.netnsLocalKind(of: Link(index: 3, name: "br0", kind: "bridge")), "bridge")
        XCTAssertEqual(Cause.netnsLocalKind(of: { var l = Link(index: 1, name: "lo"); l.isLoopback = true; return l }()), "loopback")
        XCTAssertNil(Cause.netnsLocalKind(of: Link(index: 4, name: "ns1-br0", kind: "veth")))
        XCTAssertNil(Cause.netnsLocalKind(of: Link(index: 5, name: "eth0")))
    }

    func testBookStyleCommands() {
        XCTAssertEqual(Cause.forwardingOff(namespace: "router").hint.en,
                       "router has net.ipv4.ip_forward=0. Let it forward packets: `ip netns exec router sysctl net.ipv4.ip_forward=1`.")
        XCTAssertEqual(Cause.linkInOtherNamespace(link: "ns2-veth0", expected: "ns2", found: "root").fix.en,
                       "Move it: `ip link set ns2-veth0 netns ns2`.")
        XCTAssertEqual(Cause.linkInOtherNamespace(link: "ns1-br0", expected: "root", found: "bridge").fix.en,
                       "Move it back: `ip netns exec bridge ip link set ns1-br0 netns $$` ($$ is your shell, which runs in the root namespace).",
                       "the root namespace has no name: `netns root` is refused")
        XCTAssertEqual(Cause.linkMissing(namespace: "root", link: "ns1-br0", peer: Self.ns1).fix.en,
                       "Create the veth pair: `ip link add ns1-br0 type veth peer name ns1-veth0`.")
        XCTAssertEqual(Cause.linkMissing(namespace: "bridge", link: "br0", peer: nil, kind: "bridge").fix.en,
                       "Create it there: `ip netns exec bridge ip link add dev br0 type bridge`.")
        XCTAssertEqual(Cause.linkMissing(namespace: "ns1", link: "ns1-veth0", peer: nil).fix.en,
                       "Create ns1-veth0 and move it into ns1 (`ip link set ns1-veth0 netns ns1`).")
        XCTAssertEqual(Cause.linkDown(namespace: "ns1", link: "ns1-veth0").hint.ja,
                       "ns1 の ns1-veth0 が DOWN のままです。UP にしてください: `ip netns exec ns1 ip link set ns1-veth0 up`。")
        XCTAssertEqual(Cause.noRoute(namespace: "ns1", to: IPv4Address("198.51.100.1")!, command: "ip netns exec ns1 ip route add default via 192.0.2.254").hint.en,
                       "ns1 has no route to 198.51.100.1 (Network is unreachable). Add a route: `ip netns exec ns1 ip route add default via 192.0.2.254`.")
    }
}
