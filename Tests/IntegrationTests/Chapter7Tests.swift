import Foundation
import Report
import TestSupport
import XCTest

// Chapter 7: NAT, graded by the translated addresses on the wire; any ruleset that translates passes.

let masquerade = "ip netns exec router iptables -t nat -A POSTROUTING -s 192.0.2.0/24 -o gw-veth1 -j MASQUERADE"
let dnatRule = "ip netns exec router iptables -t nat -A PREROUTING -p tcp --dport 54321 -d 203.0.113.254 -j DNAT --to-destination 192.0.2.1"

func withoutNAT(_ exercise: String) throws -> String {
    try solution(exercise).components(separatedBy: "\n").filter { !$0.contains("iptables") }.joined(separator: "\n")
}

final class SourceNATTests: XCTestCase {
    func testSolutionPassesWithBothAddressesInEvidence() throws {
        let run = try Grading.run("chapter7-snat")
        assertAllPass(run)
        let nat = try XCTUnwrap(run.check("router.snat.lan"))
        let evidence = nat.evidence ?? []
        XCTAssertTrue(evidence.contains("# ip netns exec lan tcpdump -tnel -i lan-veth0"), "\(evidence)")
        XCTAssertTrue(evidence.contains { $0.contains("192.0.2.1 > 203.0.113.1: ICMP echo request") }, "\(evidence)")
        XCTAssertTrue(evidence.contains { $0.contains("203.0.113.254 > 203.0.113.1: ICMP echo request") }, "\(evidence)")
        XCTAssertTrue(evidence.contains { $0.contains("203.0.113.1 > 192.0.2.1: ICMP echo reply") }, "translated back: \(evidence)")
        XCTAssertTrue(nat.observed.contains("the source was translated"), nat.observed)
    }

    func testSNATToSourcePasses() throws {
        let s = try withoutNAT("chapter7-snat") + "\nip netns exec router iptables -t nat -A POSTROUTING -o gw-veth1 -j SNAT --to-source 203.0.113.254\n"
        assertAllPass(try Grading.run("chapter7-snat", solution: s))
    }

    func testNativeNftMasqueradePasses() throws {
        let s = try withoutNAT("chapter7-snat") + """

        ip netns exec router nft add table ip mynat
        ip netns exec router nft 'add chain ip mynat post { type nat hook postrouting priority srcnat; }'
        ip netns exec router nft add rule ip mynat post oifname gw-veth1 masquerade
        """
        assertAllPass(try Grading.run("chapter7-snat", solution: s))
    }

    func testNoNATRuleIsAFailureEvenThoughThePingWorks() throws {
        let run = try Grading.run("chapter7-snat", solution: try withoutNAT("chapter7-snat"))
        assertFails(run, "router.snat.lan", hintContains: masquerade, observedContains: "NOT translated")
        let nat = try XCTUnwrap(run.check("router.snat.lan"))
        XCTAssertTrue(nat.observed.contains("route back"), nat.observed)
        XCTAssertTrue((nat.evidence ?? []).contains { $0.contains("192.0.2.1 > 203.0.113.1: ICMP echo request") && $0.contains("ethertype") })
    }

    func testMasqueradeOnTheWrongInterface() throws {
        let s = try solution("chapter7-snat").replacingOccurrences(of: "-o gw-veth1", with: "-o gw-veth0")
        let run = try Grading.run("chapter7-snat", solution: s)
        assertFails(run, "router.snat.lan", hintContains: "iptables -t nat -L --line-numbers", observedContains: "packets leaving gw-veth0")
        XCTAssertTrue(run.check("router.snat.lan")?.hint.contains(masquerade) ?? false)
    }

    func testForwardingOff() throws {
        let run = try Grading.run("chapter7-snat", mistake: "ip netns exec router sysctl -qw net.ipv4.ip_forward=0")
        assertFails(run, "router.snat.lan", hintContains: "ip netns exec router sysctl net.ipv4.ip_forward=1",
                    observedContains: "nothing reached wan-veth0")
    }

    func testSNATInTheWrongChain() throws {
        let s = try withoutNAT("chapter7-snat") + "\nip netns exec router iptables -t nat -A INPUT -s 192.0.2.0/24 -j SNAT --to-source 203.0.113.254\n"
        let run = try Grading.run("chapter7-snat", solution: s)
        assertFails(run, "router.snat.lan", hintContains: masquerade, observedContains: "is in INPUT")
    }

    func testTranslatedToTheWrongAddress() throws {
        let s = try withoutNAT("chapter7-snat") + "\nip netns exec router iptables -t nat -A POSTROUTING -o gw-veth1 -j SNAT --to-source 203.0.113.253\n"
        let run = try Grading.run("chapter7-snat", solution: s)
        assertFails(run, "router.snat.lan", hintContains: masquerade, observedContains: "203.0.113.253")
    }

    func testJapanese() throws {
        let run = try Grading.run("chapter7-snat", solution: try withoutNAT("chapter7-snat"), lang: "ja")
        let nat = try XCTUnwrap(run.check("router.snat.lan"))
        XCTAssertTrue(nat.hint.contains("ルールを追加してください: `\(masquerade)`"), nat.hint)
        XCTAssertTrue(nat.observed.contains("送信元が変換されていません"), nat.observed)
    }
}

final class DestinationNATTests: XCTestCase {
    let id = "router.dnat.203.0.113.254:54321"

    func testSolutionPassesWithoutAListener() throws {
        let run = try Grading.run("chapter7-dnat")
        assertAllPass(run)
        let nat = try XCTUnwrap(run.check(id))
        XCTAssertTrue(nat.observed.contains("no listener on 192.0.2.1:54321"), nat.observed)
        let evidence = nat.evidence ?? []
        XCTAssertTrue(evidence.contains { $0.contains("> 203.0.113.254.54321: Flags [S]") && $0.hasPrefix("") }, "\(evidence)")
        XCTAssertTrue(evidence.contains { $0.contains("203.0.113.1.") && $0.contains("> 192.0.2.1.54321: Flags [S]") }, "\(evidence)")
        XCTAssertTrue(evidence.contains { $0.contains("203.0.113.254.54321 > 203.0.113.1.") && $0.contains("Flags [R.]") }, "\(evidence)")
    }

    func testAListenerAnswersAndKeepsListening() throws {
        let listener = "ip netns exec lan python3 -c 'import socket,time; s=socket.socket(); s.bind((\"0.0.0.0\", 54321)); s.listen(); time.sleep(60)' &\nsleep 0.3"
        let run = try Grading.run("chapter7-dnat", mistake: listener, extraDump: "ip netns exec lan ss -Hltn")
        assertAllPass(run)
        XCTAssertTrue(run.check(id)?.observed.contains("answered (SYN-ACK)") ?? false, run.check(id)?.observed ?? "")
        XCTAssertTrue(run.after.contains(":54321"), "still listening: \(run.after)")
    }

    func testNativeNftDNATPasses() throws {
        let s = try withoutNAT("chapter7-dnat") + """

        ip netns exec router nft add table ip mynat
        ip netns exec router nft 'add chain ip mynat pre { type nat hook prerouting priority dstnat; }'
        ip netns exec router nft add rule ip mynat pre iifname gw-veth1 tcp dport 54321 dnat to 192.0.2.1
        """
        assertAllPass(try Grading.run("chapter7-dnat", solution: s))
    }

    func testNoDNATRule() throws {
        let s = try solution("chapter7-dnat").replacingOccurrences(of: dnatRule, with: "")
        let run = try Grading.run("chapter7-dnat", solution: s)
        assertFails(run, id, hintContains: dnatRule, observedContains: "nothing reached lan-veth0")
    }

    func testWrongPort() throws {
        let s = try solution("chapter7-dnat").replacingOccurrences(of: "--dport 54321", with: "--dport 54322")
        assertFails(try Grading.run("chapter7-dnat", solution: s), id, hintContains: dnatRule, observedContains: "port 54322 is not 54321")
    }

    func testWrongDestinationMatched() throws {
        let s = try solution("chapter7-dnat").replacingOccurrences(of: "-d 203.0.113.254 -j DNAT", with: "-d 203.0.113.1 -j DNAT")
        assertFails(try Grading.run("chapter7-dnat", solution: s), id, hintContains: dnatRule, observedContains: "destination 203.0.113.1 is not 203.0.113.254")
    }

    func testWrongInternalAddress() throws {
        let s = try solution("chapter7-dnat").replacingOccurrences(of: "--to-destination 192.0.2.1", with: "--to-destination 192.0.2.2")
        assertFails(try Grading.run("chapter7-dnat", solution: s), id, hintContains: dnatRule, observedContains: "192.0.2.2")
    }

    func testDNATInTheOutputChain() throws {
        let s = try solution("chapter7-dnat").replacingOccurrences(of: "-A PREROUTING -p tcp", with: "-A OUTPUT -p tcp")
        assertFails(try Grading.run("chapter7-dnat", solution: s), id, hintContains: dnatRule, observedContains: "is in OUTPUT")
    }

    func testForwardingOff() throws {
        let run = try Grading.run("chapter7-dnat", mistake: "ip netns exec router sysctl -qw net.ipv4.ip_forward=0")
        assertFails(run, id, hintContains: "ip netns exec router sysctl net.ipv4.ip_forward=1")
    }
}
