@testable import Grading
import Kernel
import NetlinkWire
import XCTest

/// Every cause speaks both languages and names a command the learner can type.
final class HintTests: XCTestCase {
    let ns1 = Endpoint(namespace: "ns1", name: "ns1-veth0")
    let ns2 = Endpoint(namespace: "ns2", name: "ns2-veth0")

    var samples: [Cause] {
        let p = IPv4Prefix("192.0.2.1/24")!, a = IPv4Address("198.51.100.1")!, g = IPv4Address("192.0.2.254")!
        return [
            .namespaceMissing(namespace: "ns1"),
            .linkMissing(namespace: "ns1", link: "ns1-veth0", peer: ns2),
            .linkMissing(namespace: "ns1", link: "ns1-veth0", peer: nil),
            .linkInOtherNamespace(link: "ns2-veth0", expected: "ns2", found: "root"),
            .linkInOtherNamespace(link: "ns2-veth0", expected: "ns2", found: "ns1"),
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
            .destinationUnowned(address: a),
            .peerDown(namespace: "ns1", link: "ns1-veth0", peer: ns2),
            .peerDown(namespace: "ns1", link: "ns1-veth0", peer: nil),
        ]
    }

    func testEveryCauseHasBothLanguagesAndACommand() {
        for cause in samples {
            let hint = cause.hint
            XCTAssertFalse(hint.en.isEmpty, "\(cause)")
            XCTAssertTrue(hint.ja.unicodeScalars.contains { (0x3040...0x30ff).contains($0.value) }, "no kana in ja hint of \(cause): \(hint.ja)")
            XCTAssertFalse(hint.en.unicodeScalars.contains { $0.value > 0x2fff }, "Japanese in en hint of \(cause): \(hint.en)")
            XCTAssertTrue(hint.en.contains("`"), "no command in \(cause): \(hint.en)")
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
        XCTAssertEqual(Cause.linkMissing(namespace: "root", link: "ns1-br0", peer: ns1).fix.en,
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
