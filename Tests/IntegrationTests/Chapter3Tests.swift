import Foundation
import Report
import TestSupport
import XCTest

// Each test builds the book's topology in its own sandbox, makes one typical mistake, and asserts which
// check fails and that its hint names the command that fixes it. Every run also asserts that netcheck
// changed nothing (state dumped before and after).

final class HelloWorldTests: XCTestCase {
    func testSolutionPasses() throws {
        assertAllPass(try Grading.run("chapter3-helloworld"))
    }

    func testNamespaceNeverCreated() throws {
        let run = try Grading.run("chapter3-helloworld", solution: ":")
        assertFails(run, "helloworld.netns", hintContains: "ip netns add helloworld")
        XCTAssertEqual(run.check("helloworld.link.lo")?.status, .skipped)
    }

    func testTypoInNamespaceName() throws {
        let run = try Grading.run("chapter3-helloworld", solution: "ip netns add helloword")
        assertFails(run, "helloworld.netns", hintContains: "ip netns add helloworld", observedContains: "does not exist")
    }

    func testNamespaceDeletedAgain() throws {
        let run = try Grading.run("chapter3-helloworld", mistake: "ip netns del helloworld")
        assertFails(run, "helloworld.netns", hintContains: "ip netns add helloworld")
    }

    func testJapaneseHint() throws {
        let run = try Grading.run("chapter3-helloworld", solution: ":", lang: "ja")
        let check = run.check("helloworld.netns")
        XCTAssertEqual(check?.status, .fail)
        XCTAssertTrue(check?.hint.contains("作成してください: `ip netns add helloworld`") ?? false, check?.hint ?? "")
        XCTAssertTrue(check?.title.contains("ネットワークネームスペース") ?? false)
    }
}

final class VethTests: XCTestCase {
    func testSolutionPasses() throws {
        let run = try Grading.run("chapter3-veth")
        assertAllPass(run)
        XCTAssertTrue(run.check("ns1.ping.192.0.2.2")?.observed.contains("ttl=64") ?? false)
    }

    func testOtherCommandOrderPasses() throws {
        // Addresses before links up, and the veth created from inside ns1.
        let solution = """
        ip netns add ns2
        ip netns add ns1
        ip netns exec ns1 ip link add ns1-veth0 type veth peer name ns2-veth0 netns ns2
        ip netns exec ns2 ip link set ns2-veth0 up
        ip netns exec ns2 ip address add 192.0.2.2/24 dev ns2-veth0
        ip netns exec ns1 ip address add 192.0.2.1/24 dev ns1-veth0
        ip netns exec ns1 ip link set ns1-veth0 up
        """
        assertAllPass(try Grading.run("chapter3-veth", solution: solution))
    }

    func testLinkLeftDown() throws {
        let run = try Grading.run("chapter3-veth", mistake: "ip netns exec ns2 ip link set ns2-veth0 down")
        assertFails(run, "ns2.link.ns2-veth0", hintContains: "ip netns exec ns2 ip link set ns2-veth0 up", observedContains: "DOWN")
        // The ping fails too, and names the same root cause.
        assertFails(run, "ns1.ping.192.0.2.2", hintContains: "ip netns exec ns2 ip link set ns2-veth0 up", observedContains: "100% loss")
        XCTAssertEqual(run.check("ns1.link.ns1-veth0")?.status, .pass)
    }

    func testAddressTypo() throws {
        let solution = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Solutions/chapter3-veth.sh"), encoding: .utf8)
            .replacingOccurrences(of: "192.0.2.2/24", with: "192.0.2.22/24")
        let run = try Grading.run("chapter3-veth", solution: solution)
        assertFails(run, "ns2.addr.192.0.2.2", hintContains: "ip netns exec ns2 ip address del 192.0.2.22/24 dev ns2-veth0",
                    observedContains: "192.0.2.22/24")
        assertFails(run, "ns1.ping.192.0.2.2", hintContains: "ip netns exec ns2 ip address add 192.0.2.2/24 dev ns2-veth0")
    }

    func testInterfaceLeftInRootNamespace() throws {
        let solution = """
        ip netns add ns1
        ip netns add ns2
        ip link add ns1-veth0 type veth peer name ns2-veth0
        ip link set ns1-veth0 netns ns1
        ip netns exec ns1 ip address add 192.0.2.1/24 dev ns1-veth0
        ip netns exec ns1 ip link set ns1-veth0 up
        """
        let run = try Grading.run("chapter3-veth", solution: solution)
        assertFails(run, "ns2.link.ns2-veth0", hintContains: "`ip link set ns2-veth0 netns ns2`", observedContains: "root namespace")
        XCTAssertEqual(run.check("ns1.veth.ns1-veth0")?.status, .skipped)
        XCTAssertEqual(run.check("ns2.addr.192.0.2.2")?.status, .skipped)
    }

    func testRightNamesButNotOnePair() throws {
        // Two separate pairs whose ends happen to carry the expected names.
        let solution = """
        ip netns add ns1
        ip netns add ns2
        ip link add ns1-veth0 type veth peer name other1
        ip link add ns2-veth0 type veth peer name other2
        ip link set ns1-veth0 netns ns1
        ip link set ns2-veth0 netns ns2
        ip netns exec ns1 ip address add 192.0.2.1/24 dev ns1-veth0
        ip netns exec ns2 ip address add 192.0.2.2/24 dev ns2-veth0
        ip netns exec ns1 ip link set ns1-veth0 up
        ip netns exec ns2 ip link set ns2-veth0 up
        ip link set other1 up
        ip link set other2 up
        """
        let run = try Grading.run("chapter3-veth", solution: solution)
        assertFails(run, "ns1.veth.ns1-veth0", hintContains: "ip link add ns1-veth0 type veth peer name ns2-veth0",
                    observedContains: "paired with other1 in root")
        XCTAssertEqual(run.check("ns1.link.ns1-veth0")?.status, .pass)
        XCTAssertEqual(run.check("ns1.ping.192.0.2.2")?.status, .fail)
    }
}

final class RouterTests: XCTestCase {
    func testSolutionPasses() throws {
        let run = try Grading.run("chapter3-router")
        assertAllPass(run)
        XCTAssertTrue(run.check("ns1.ping.198.51.100.1")?.observed.contains("ttl=63") ?? false)
    }

    func testSpecificRoutesInsteadOfDefaultPass() throws {
        let solution = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Solutions/chapter3-router.sh"), encoding: .utf8)
            .replacingOccurrences(of: "ip netns exec ns1 ip route add default via 192.0.2.254",
                                  with: "ip netns exec ns1 ip route add 198.51.100.0/24 via 192.0.2.254")
            .replacingOccurrences(of: "ip netns exec ns2 ip route add default via 198.51.100.254",
                                  with: "ip netns exec ns2 ip route add 192.0.2.0/24 via 198.51.100.254")
        assertAllPass(try Grading.run("chapter3-router", solution: solution))
    }

    func testForwardingOff() throws {
        let run = try Grading.run("chapter3-router", mistake: "ip netns exec router sysctl -qw net.ipv4.ip_forward=0")
        assertFails(run, "router.ip_forward", hintContains: "ip netns exec router sysctl net.ipv4.ip_forward=1")
        assertFails(run, "ns1.ping.198.51.100.1", hintContains: "ip netns exec router sysctl net.ipv4.ip_forward=1",
                    observedContains: "router has net.ipv4.ip_forward=0")
        XCTAssertTrue(run.check("ns1.ping.198.51.100.1")?.observed.contains("100% loss") ?? false)
        XCTAssertEqual(run.check("ns1.ping.192.0.2.254")?.status, .pass)
    }

    func testNoDefaultRoute() throws {
        let run = try Grading.run("chapter3-router", mistake: "ip netns exec ns1 ip route del default")
        assertFails(run, "ns1.route.198.51.100.0/24", hintContains: "ip netns exec ns1 ip route add default via 192.0.2.254")
        assertFails(run, "ns1.ping.198.51.100.1", hintContains: "ip netns exec ns1 ip route add default via 192.0.2.254",
                    observedContains: "Network is unreachable")
    }

    func testNoRouteBack() throws {
        let run = try Grading.run("chapter3-router", mistake: "ip netns exec ns2 ip route del default")
        assertFails(run, "ns2.route.192.0.2.0/24", hintContains: "ip netns exec ns2 ip route add default via 198.51.100.254")
        assertFails(run, "ns1.ping.198.51.100.1", hintContains: "ip netns exec ns2 ip route add default via 198.51.100.254",
                    observedContains: "no route back")
        XCTAssertEqual(run.check("ns1.route.198.51.100.0/24")?.status, .pass)
    }

    func testGatewayNoOneOwns() throws {
        let run = try Grading.run("chapter3-router", mistake: "ip netns exec ns1 ip route replace default via 192.0.2.253")
        assertFails(run, "ns1.route.198.51.100.0/24", hintContains: "ip netns exec ns1 ip route del default",
                    observedContains: "192.0.2.253")
        assertFails(run, "ns1.ping.198.51.100.1", hintContains: "ip netns exec ns1 ip route add default via 192.0.2.254",
                    observedContains: "no namespace has that address")
    }

    func testRouterLinkDown() throws {
        let run = try Grading.run("chapter3-router", mistake: "ip netns exec router ip link set gw-veth1 down")
        assertFails(run, "router.link.gw-veth1", hintContains: "ip netns exec router ip link set gw-veth1 up")
        assertFails(run, "ns1.ping.198.51.100.1", hintContains: "ip netns exec router ip link set gw-veth1 up")
    }

    func testJapaneseForwardingHint() throws {
        let run = try Grading.run("chapter3-router", mistake: "ip netns exec router sysctl -qw net.ipv4.ip_forward=0", lang: "ja")
        let ping = run.check("ns1.ping.198.51.100.1")
        XCTAssertEqual(ping?.status, .fail)
        XCTAssertTrue(ping?.hint.contains("router の net.ipv4.ip_forward は 0 です") ?? false, ping?.hint ?? "")
        XCTAssertTrue(ping?.hint.contains("`ip netns exec router sysctl net.ipv4.ip_forward=1`") ?? false)
    }
}

final class MultiRouterTests: XCTestCase {
    func testSolutionPasses() throws {
        let run = try Grading.run("chapter3-multi-router")
        assertAllPass(run)
        XCTAssertTrue(run.check("ns2.ping.192.0.2.1")?.observed.contains("ttl=62") ?? false)
    }

    func testDefaultRouteOnRouterInsteadOfStaticRoutePasses() throws {
        let run = try Grading.run("chapter3-multi-router", mistake: """
            ip netns exec router1 ip route del 198.51.100.0/24
            ip netns exec router1 ip route add default via 203.0.113.2
            """)
        assertAllPass(run)
    }

    func testRouter1MissingStaticRoute() throws {
        let run = try Grading.run("chapter3-multi-router", mistake: "ip netns exec router1 ip route del 198.51.100.0/24")
        assertFails(run, "router1.route.198.51.100.0/24", hintContains: "ip netns exec router1 ip route add 198.51.100.0/24 via 203.0.113.2")
        assertFails(run, "ns1.ping.198.51.100.1", hintContains: "ip netns exec router1 ip route add 198.51.100.0/24 via 203.0.113.2",
                    observedContains: "Destination Net Unreachable")
    }

    func testRouter2MissingRouteBack() throws {
        let run = try Grading.run("chapter3-multi-router", mistake: "ip netns exec router2 ip route del 192.0.2.0/24")
        assertFails(run, "ns1.ping.198.51.100.1", hintContains: "ip netns exec router2 ip route add 192.0.2.0/24 via 203.0.113.1",
                    observedContains: "router2 has no route back to 192.0.2.1")
        assertFails(run, "ns2.ping.192.0.2.1", hintContains: "ip netns exec router2 ip route add 192.0.2.0/24 via 203.0.113.1")
    }

    func testRouter2NotForwarding() throws {
        let run = try Grading.run("chapter3-multi-router", mistake: "ip netns exec router2 sysctl -qw net.ipv4.ip_forward=0")
        assertFails(run, "router2.ip_forward", hintContains: "ip netns exec router2 sysctl net.ipv4.ip_forward=1")
        assertFails(run, "ns2.ping.192.0.2.1", hintContains: "ip netns exec router2 sysctl net.ipv4.ip_forward=1")
        XCTAssertEqual(run.check("router1.ip_forward")?.status, .pass)
    }

    func testMissingRouterNamespaceSkipsItsChecks() throws {
        let run = try Grading.run("chapter3-multi-router", mistake: "ip netns del router2")
        assertFails(run, "router2.netns", hintContains: "ip netns add router2")
        for id in ["router2.link.gw2-veth0", "router2.addr.203.0.113.2", "router2.ip_forward", "router2.route.192.0.2.0/24",
                   "router1.veth.gw1-veth1"] {
            XCTAssertEqual(run.check(id)?.status, .skipped, id)
            XCTAssertTrue(run.check(id)?.observed.contains("router2.netns") ?? false, id)
            XCTAssertEqual(run.check(id)?.hint, "", "a skipped check carries no hint")
        }
    }
}
