@testable import Grading
import Report
import XCTest

// The verdicts of the chapter 3 check kinds (namespaces, links, veth pairs, addresses, sysctls, routes, pings),
// judged again from recorded real runs (Fixtures/runs): no root.

final class NamespaceVerdictTests: XCTestCase {
    func testExists() throws {
        let c = try Replay.check("helloworld-pass", "helloworld.netns")
        XCTAssertEqual(c.status, .pass)
        XCTAssertTrue(c.observed.contains("lo"), c.observed)
    }

    func testMissingIsTheOneFailureTheRestAreSkipped() throws {
        let c = try Replay.check("helloworld-missing", "helloworld.netns")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("`ip netns add helloworld`"), c.hint)
        XCTAssertEqual(try Replay.check("helloworld-missing", "helloworld.link.lo").status, .skipped)
    }

    func testALinkToTheRootNamespaceIsNotANamespace() throws {
        let c = try Replay.check("veth-root-symlinks", "ns1.netns")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.observed.contains("is a symbolic link to /proc/"), c.observed)
        XCTAssertTrue(c.hint.contains("`ip netns delete ns1`, then `ip netns add ns1`"), c.hint)
        XCTAssertEqual(try Replay.check("veth-root-symlinks", "ns1.ping.192.0.2.2").status, .skipped)
    }
}

final class LinkVerdictTests: XCTestCase {
    func testUpWithItsMAC() throws {
        XCTAssertEqual(try Replay.check("ethernet-pass", "ns2.link.ns2-veth0").status, .pass)
    }

    func testDown() throws {
        let c = try Replay.check("veth-down", "ns2.link.ns2-veth0")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("`ip netns exec ns2 ip link set ns2-veth0 up`"), c.hint)
    }

    func testLeftInTheRootNamespace() throws {
        let c = try Replay.check("veth-left-in-root", "ns2.link.ns2-veth0")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("`ip link set ns2-veth0 netns ns2`"), c.hint)
    }

    func testAnotherMAC() throws {
        let c = try Replay.check("ethernet-wrong-mac", "ns2.link.ns2-veth0")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("00:00:5e:00:53:02"), c.hint)
    }

    func testNotAPortOfTheBridge() throws {
        let c = try Replay.check("bridge-nomaster", "root.link.ns3-br0")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("`ip link set ns3-br0 master br0`"), c.hint)
    }

    func testJapanese() throws {
        let c = try Replay.check("veth-down", "ns2.link.ns2-veth0", .ja)
        XCTAssertTrue(c.hint.contains("`ip netns exec ns2 ip link set ns2-veth0 up`"), c.hint)
        XCTAssertTrue(c.hint.contains("DOWN"), c.hint)
    }
}

final class VethPairVerdictTests: XCTestCase {
    func testOnePair() throws {
        XCTAssertEqual(try Replay.check("veth-pass", "ns1.veth.ns1-veth0").status, .pass)
    }

    func testAnEndMissingIsSkipped() throws {
        XCTAssertEqual(try Replay.check("veth-left-in-root", "ns1.veth.ns1-veth0").status, .skipped)
    }
}

final class AddressVerdictTests: XCTestCase {
    func testTypo() throws {
        let c = try Replay.check("veth-address-typo", "ns2.addr.192.0.2.2")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("ip address del 192.0.2.20/24 dev ns2-veth0"), c.hint)
    }

    func testMissing() throws {
        let c = try Replay.check("arp-no-address", "ns2.addr.192.0.2.2")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("`ip netns exec ns2 ip address add 192.0.2.2/24 dev ns2-veth0`"), c.hint)
    }
}

final class SysctlVerdictTests: XCTestCase {
    func testForwarding() throws {
        XCTAssertEqual(try Replay.check("router-pass", "router.ip_forward").status, .pass)
        let c = try Replay.check("router-no-forwarding", "router.ip_forward")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("`ip netns exec router sysctl net.ipv4.ip_forward=1`"), c.hint)
    }
}

final class RouteVerdictTests: XCTestCase {
    func testNoRouteBack() throws {
        let c = try Replay.check("router-no-route-back", "ns2.route.192.0.2.0/24")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("`ip netns exec ns2 ip route add default via 198.51.100.254`"), c.hint)
    }

    func testAGatewayNoOneHas() throws {
        let c = try Replay.check("router-wrong-gateway", "ns1.route.198.51.100.0/24")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("192.0.2.253, but no namespace has that address"), c.hint)
    }

    func testAStaticRouteMissing() throws {
        let c = try Replay.check("multi-router-missing-route", "router1.route.198.51.100.0/24")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("`ip netns exec router1 ip route add 198.51.100.0/24 via 203.0.113.2`"), c.hint)
    }
}

final class ReachabilityVerdictTests: XCTestCase {
    /// A FORWARD rule (iptables-legacy's) and a drop policy (nft's, in a table of the learner's own) that keep
    /// the router from forwarding the pings: each named with the command that fixes it.
    func testForwardDropsAreNamedWithTheirFix() throws {
        let (rule, unanswered) = try Replay.report("router-forward-drop-rule")
        XCTAssertEqual(unanswered, [])
        let (policy, _) = try Replay.report("router-forward-drop-policy-nft")
        for (report, fix) in [(rule, "`ip netns exec router iptables -D FORWARD -s 192.0.2.0/24 -j DROP`"),
                              (policy, "`ip netns exec router nft chain inet lab labforward '{ policy accept; }'`")] {
            let failed = report.checks.filter { $0.status != .pass }
            XCTAssertFalse(failed.isEmpty)
            for c in failed {
                XCTAssertEqual(c.status, .fail, c.id)
                XCTAssertTrue(c.hint.contains(fix), "\(c.id): \(c.hint)")
            }
        }
    }

    func testOneRouterTTL63() throws {
        let c = try Replay.check("router-pass", "ns1.ping.198.51.100.1")
        XCTAssertEqual(c.status, .pass)
        XCTAssertTrue(c.observed.contains("ttl=63"), c.observed)
    }

    func testThePathWalkNamesTheCause() throws {
        XCTAssertTrue(try Replay.check("router-no-forwarding", "ns1.ping.198.51.100.1").hint.contains("net.ipv4.ip_forward=1"))
        XCTAssertTrue(try Replay.check("router-no-route-back", "ns1.ping.198.51.100.1").hint.contains("no route back to 192.0.2.1"))
        XCTAssertTrue(try Replay.check("veth-down", "ns1.ping.192.0.2.2").hint.contains("ip link set ns2-veth0 up"))
        XCTAssertTrue(try Replay.check("multi-router-missing-route", "ns2.ping.192.0.2.1").hint.contains("no route back"))
    }

    func testTheBooksStepsAreJudgedForHowTheyFail() throws {
        let (report, _) = try Replay.report("router-pass")
        XCTAssertEqual(report.stepReached, 3)
    }
}
