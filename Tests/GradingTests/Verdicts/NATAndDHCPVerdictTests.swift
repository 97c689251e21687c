@testable import Grading
import Report
import XCTest

// The verdicts of the chapter 6 and 7 check kinds (DHCP offers and leases, source and destination NAT), judged again
// from recorded real runs: no root.

final class NATVerdictTests: XCTestCase {
    func testSourceNATSeenOnBothSides() throws {
        let c = try Replay.check("snat-pass", "router.snat.lan")
        XCTAssertEqual(c.status, .pass)
        XCTAssertTrue((c.evidence ?? []).contains { $0.contains("203.0.113.254 > 203.0.113.1: ICMP echo request") }, "\(c.evidence ?? [])")
    }

    func testTheWrongOutputInterfaceIsNamed() throws {
        let c = try Replay.check("snat-wrong-interface", "router.snat.lan")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("gw-veth0") && c.hint.contains("gw-veth1"), c.hint)
    }

    /// The rule at fault is iptables-legacy's: quoted as iptables-legacy-save prints it, and said to be there.
    func testALegacyRuleIsNamedWithItsBackend() throws {
        let c = try Replay.check("snat-legacy-wrong-interface", "router.snat.lan")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.observed.contains("router's iptables-legacy tables (`-A POSTROUTING -s 192.0.2.0/24 -o gw-veth0 -j MASQUERADE`)"), c.observed)
        let ja = try Replay.check("snat-legacy-wrong-interface", "router.snat.lan", .ja)
        XCTAssertTrue(ja.observed.contains("router の iptables-legacy の NAT ルール"), ja.observed)
    }

    func testDestinationNAT() throws {
        XCTAssertEqual(try Replay.check("dnat-pass", "router.dnat.203.0.113.254:54321").status, .pass)
        let c = try Replay.check("dnat-wrong-port", "router.dnat.203.0.113.254:54321")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("port 54322 is not 54321"), c.hint)
    }
}

final class DHCPVerdictTests: XCTestCase {
    func testOfferAndLease() throws {
        let offer = try Replay.check("dhcp-pass", "server.dhcp.offer")
        XCTAssertEqual(offer.status, .pass)
        XCTAssertTrue(offer.observed.hasPrefix("OFFER 192.0.2."), offer.observed)
        XCTAssertEqual(try Replay.check("dhcp-pass", "client.dhcp.lease").status, .pass)
    }

    func testNoLease() throws {
        let c = try Replay.check("dhcp-no-client", "client.dhcp.lease")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("`ip netns exec client dhclient c-veth0`"), c.hint)
    }
}
