import Addresses
import XCTest
@testable import Netfilter

/// Real nft listings (Fixtures) parsed field by field.
final class ParseTests: XCTestCase {
    func parse(_ fixture: (json: String, text: String)) throws -> [NATRule] {
        try Ruleset.parse(json: fixture.json, text: fixture.text).natRules
    }

    func testBookCommands() throws {
        let rules = try parse(Fixtures.book)
        XCTAssertEqual(rules, [
            NATRule(family: "ip", table: "nat", chain: "POSTROUTING", hook: "postrouting", action: .masquerade,
                    outputInterface: "gw-veth1", source: IPv4Prefix("192.0.2.0/24"),
                    text: #"oifname "gw-veth1" ip saddr 192.0.2.0/24 masquerade"#),
            NATRule(family: "ip", table: "nat", chain: "PREROUTING", hook: "prerouting",
                    action: .dnat(to: IPv4Address("192.0.2.1"), port: nil),
                    destination: IPv4Prefix("203.0.113.254/32"), transportProtocol: "tcp", destinationPort: 54321,
                    text: "ip daddr 203.0.113.254 tcp dport 54321 dnat to 192.0.2.1"),
        ])
    }

    func testSNAT() throws {
        XCTAssertEqual(try parse(Fixtures.snat), [
            NATRule(family: "ip", table: "nat", chain: "POSTROUTING", hook: "postrouting",
                    action: .snat(to: IPv4Address("203.0.113.254")),
                    outputInterface: "gw-veth1", source: IPv4Prefix("192.0.2.0/24"),
                    text: #"oifname "gw-veth1" ip saddr 192.0.2.0/24 snat to 203.0.113.254"#),
        ])
    }

    func testMasqueradeOnTheWrongInterface() throws {
        let rules = try parse(Fixtures.wrongif)
        XCTAssertEqual(rules.count, 1)
        XCTAssertEqual(rules.first?.action, .masquerade)
        XCTAssertEqual(rules.first?.outputInterface, "gw-veth0")
        XCTAssertEqual(rules.first?.source, IPv4Prefix("192.0.2.0/24"))
        XCTAssertNil(rules.first?.inputInterface)
    }

    func testDNATToAnotherPort() throws {
        let rules = try parse(Fixtures.dnatport)
        XCTAssertEqual(rules.map(\.action), [.dnat(to: IPv4Address("192.0.2.1"), port: 8080)])
        XCTAssertEqual(rules.first?.destinationPort, 54321)
        XCTAssertEqual(rules.first?.text, "ip daddr 203.0.113.254 tcp dport 54321 dnat to 192.0.2.1:8080")
    }

    func testDNATInOutput() throws {
        let rules = try parse(Fixtures.dnatoutput)
        XCTAssertEqual(rules.count, 1)
        XCTAssertEqual(rules.first?.chain, "OUTPUT")
        XCTAssertEqual(rules.first?.hook, "output")
        XCTAssertEqual(rules.first?.action, .dnat(to: IPv4Address("192.0.2.1"), port: nil))
        XCTAssertEqual(rules.first?.destination, IPv4Prefix("203.0.113.254"))
        XCTAssertEqual(rules.first?.transportProtocol, "tcp")
    }

    func testNativeInetTable() throws {
        XCTAssertEqual(try parse(Fixtures.native), [
            NATRule(family: "inet", table: "mynat", chain: "post", hook: "postrouting", action: .masquerade,
                    outputInterface: "gw-veth1", text: #"oifname "gw-veth1" masquerade"#),
            NATRule(family: "inet", table: "mynat", chain: "pre", hook: "prerouting",
                    action: .dnat(to: IPv4Address("192.0.2.1"), port: nil),
                    destination: IPv4Prefix("203.0.113.254"), transportProtocol: "tcp", destinationPort: 54321,
                    text: "ip daddr 203.0.113.254 tcp dport 54321 dnat ip to 192.0.2.1"),
        ])
    }

    func testFilterRulesAreIgnored() throws {
        XCTAssertEqual(try parse(Fixtures.filter), [])
    }

    /// Sets, ranges and port ranges leave their field nil; redirect is not an Action and is skipped.
    func testPartlyRecognisedShapes() throws {
        let rules = try parse(Fixtures.odd)
        XCTAssertEqual(rules.count, 5)
        guard rules.count == 5 else { return }
        // ip saddr { set } meta l4proto udp snat to a range
        XCTAssertEqual(rules[0].action, .snat(to: nil))
        XCTAssertNil(rules[0].source)
        XCTAssertEqual(rules[0].transportProtocol, "udp")
        // single saddr, iifname, ip protocol tcp, snat with a port range
        XCTAssertEqual(rules[1].action, .snat(to: IPv4Address("203.0.113.2")))
        XCTAssertEqual(rules[1].source, IPv4Prefix("10.0.0.1/32"))
        XCTAssertEqual(rules[1].inputInterface, "x")
        XCTAssertEqual(rules[1].transportProtocol, "tcp")
        // tcp dport { 80, 443 }
        XCTAssertEqual(rules[2].action, .dnat(to: IPv4Address("192.0.2.1"), port: 8080))
        XCTAssertEqual(rules[2].transportProtocol, "tcp")
        XCTAssertNil(rules[2].destinationPort)
        // dnat to a prefix
        XCTAssertEqual(rules[3].action, .dnat(to: nil, port: nil))
        XCTAssertEqual(rules[3].destinationPort, 53)
        // masquerade in a regular chain: no hook
        XCTAssertEqual(rules[4].chain, "helper")
        XCTAssertNil(rules[4].hook)
        XCTAssertEqual(rules[4].text, "masquerade")
    }

    func testXTTargetsReadTheirAddressFromTheText() {
        XCTAssertEqual(Ruleset.xtAction("DNAT", text: "tcp dport 1 dnat to 192.0.2.1:8080"),
                       .dnat(to: IPv4Address("192.0.2.1"), port: 8080))
        XCTAssertEqual(Ruleset.xtAction("DNAT", text: "dnat ip to 192.0.2.1"), .dnat(to: IPv4Address("192.0.2.1"), port: nil))
        XCTAssertEqual(Ruleset.xtAction("DNAT", text: "dnat to 192.0.2.1-192.0.2.9:80-90"), .dnat(to: nil, port: nil))
        XCTAssertEqual(Ruleset.xtAction("DNAT", text: "dnat ip6 to [2001:db8::1]:80"), .dnat(to: nil, port: nil))
        XCTAssertEqual(Ruleset.xtAction("SNAT", text: ""), .snat(to: nil))
        XCTAssertEqual(Ruleset.xtAction("SNAT", text: "snat to"), .snat(to: nil))
        XCTAssertEqual(Ruleset.xtAction("MASQUERADE", text: "masquerade to :1024-2048"), .masquerade)
        XCTAssertNil(Ruleset.xtAction("REDIRECT", text: "redirect to :8080"))
    }

    /// A rule missing from the text listing keeps its JSON fields and an empty text.
    func testRuleMissingFromTheText() throws {
        let rules = try Ruleset.parse(json: Fixtures.book.json, text: "").natRules
        XCTAssertEqual(rules.map(\.action), [.masquerade, .dnat(to: nil, port: nil)])
        XCTAssertEqual(rules.map(\.text), ["", ""])
        XCTAssertEqual(rules.map(\.outputInterface), ["gw-veth1", nil])
    }

    /// Negated interfaces and multiport leave their field nil (the text still shows them); REDIRECT is skipped.
    func testIptablesOddities() throws {
        let rules = try parse(Fixtures.xtodd)
        XCTAssertEqual(rules.map(\.action), [.masquerade, .masquerade, .dnat(to: IPv4Address("192.0.2.1"), port: nil),
                                             .dnat(to: nil, port: nil)])
        guard rules.count == 4 else { return }
        XCTAssertNil(rules[0].outputInterface)
        XCTAssertEqual(rules[0].text, #"oifname != "gw-veth1" masquerade"#)
        XCTAssertEqual(rules[1].outputInterface, "gw-veth*")
        XCTAssertEqual(rules[1].transportProtocol, "udp")
        XCTAssertEqual(rules[2].inputInterface, "gw-veth0")
        XCTAssertEqual(rules[2].transportProtocol, "tcp")
        XCTAssertNil(rules[2].destinationPort)
        XCTAssertEqual(rules[3].destinationPort, 1)
    }
}
