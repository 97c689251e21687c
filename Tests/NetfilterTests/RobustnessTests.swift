import XCTest
@testable import Netfilter

/// Bad JSON is an error; JSON of unexpected shapes is skipped, never a crash.
final class RobustnessTests: XCTestCase {
    func testBadJSONThrows() {
        for json in ["", "{", "not json", "[1, 2", #"{"nftables": [}"#] {
            XCTAssertThrowsError(try Ruleset.parse(json: json, text: "")) { error in
                guard case .badJSON = (error as? NetfilterError)?.kind else { return XCTFail("\(json): \(error)") }
            }
        }
    }

    func testDocumentsOfTheWrongShapeThrow() {
        for json in ["null", "[]", "42", #"{"nftables": {}}"#, #"{"other": []}"#] {
            XCTAssertThrowsError(try Ruleset.parse(json: json, text: ""), json)
        }
    }

    func testUnknownShapesAreSkipped() throws {
        let json = #"""
        {"nftables": [1, "x", null, [], {}, {"table": 3}, {"chain": {"family": "ip"}},
          {"chain": {"family": "ip", "table": "t", "name": "c", "hook": 7}},
          {"rule": {"family": "ip", "table": "t", "chain": "c"}},
          {"rule": {"family": "ip", "table": "t", "chain": "c", "handle": "2", "expr": {"masquerade": null}}},
          {"rule": {"family": "ip", "table": "t", "chain": "c", "handle": 3, "expr": [
            7, null, "masquerade", {"match": 1}, {"match": {"op": "==", "left": 1, "right": 2}},
            {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": {"set": ["a", "b"]}}},
            {"match": {"op": "!=", "left": {"meta": {"key": "iifname"}}, "right": "eth0"}},
            {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "1.2.3.4", "len": 99}}}},
            {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": {"prefix": {"addr": 5, "len": 8}}}},
            {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 70000}},
            {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": 6}},
            {"xt": {"type": "target"}}, {"xt": {"type": "match", "name": "DNAT"}}, {"frobnicate": [1, 2]},
            {"dnat": {"addr": {"map": {"key": {"payload": {"protocol": "tcp", "field": "dport"}}, "data": "@m"}}, "port": "x"}}
          ]}},
          {"rule": {"family": "ip", "table": "t", "chain": "c", "handle": 4, "expr": [{"snat": null}, {"masquerade": {"port": 9}}]}},
          {"rule": {"family": "ip", "table": "t", "chain": "c", "handle": 5, "expr": [{"snat": "1.2.3.4"}]}},
          {"rule": {"family": "ip", "table": "t", "chain": "c", "handle": 6, "expr": [{"xt": {"type": "target", "name": "SNAT"}}]}}
        ]}
        """#
        let text = """
        table ip t { # handle 1
        \tset s { # handle 9
        \t\ttype ipv4_addr
        \t\telements = { 1.2.3.4 }
        \t}
        \tchain c { # handle 2
        \t\tcounter packets 1 bytes 2 # handle 4
        \t\tsnat to 9.9.9.9-9.9.9.10 # handle 6
        \t}
        }
        # handle 6
        garbage { { } # handle x
        """
        let rules = try Ruleset.parse(json: json, text: text).natRules
        XCTAssertEqual(rules.map(\.action), [.dnat(to: nil, port: nil), .masquerade, .snat(to: nil), .snat(to: nil)])
        XCTAssertEqual(rules.map(\.text), ["", "", "", "snat to 9.9.9.9-9.9.9.10"])
        XCTAssertEqual(rules.map(\.hook), [nil, nil, nil, nil])
        let first = try XCTUnwrap(rules.first)
        XCTAssertNil(first.outputInterface)
        XCTAssertNil(first.inputInterface)
        XCTAssertNil(first.source)
        XCTAssertNil(first.destination)
        XCTAssertNil(first.destinationPort)
        XCTAssertEqual(first.transportProtocol, "tcp")
    }

    func testTextListingOddities() {
        let listing = RuleListing("""
            table ip t { # handle 1
            \tchain c { # handle 2
            \t\tcounter packets 12 bytes 3400 masquerade # handle 3
            \t\tiifname "a" counter packets 0 bytes 0 comment "counter packets 1 bytes 2" accept # handle 4
            \t}
            }
            table inet t { # handle 7
            \tchain c { # handle 1
            \t\tmasquerade # handle 3
            \t}
            }
            """)
        let c = ChainKey(family: "ip", table: "t", chain: "c")
        XCTAssertEqual(listing.rules[.init(chain: c, handle: 3)], "masquerade")
        XCTAssertEqual(listing.rules[.init(chain: ChainKey(family: "inet", table: "t", chain: "c"), handle: 3)], "masquerade")
        XCTAssertEqual(listing.rules[.init(chain: c, handle: 4)], #"iifname "a" comment "counter packets 1 bytes 2" accept"#)
        XCTAssertEqual(listing.rules.count, 3)
    }
}
