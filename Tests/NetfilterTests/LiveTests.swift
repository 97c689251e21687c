import Addresses
import Glibc
import Kernel
import TestSupport
import XCTest
@testable import Netfilter

/// The real nft, run inside namespaces made in a ThreadSandbox.
final class LiveTests: XCTestCase {
    func testReadsTheRouterRulesAndNothingElsewhere() throws {
        try ThreadSandbox.with { sh in
            try sh.must("""
                ip netns add router
                ip netns add empty
                ip netns exec router iptables -t nat -A POSTROUTING -s 192.0.2.0/24 -o gw-veth1 -j MASQUERADE
                ip netns exec router iptables -t nat -A PREROUTING -p tcp --dport 54321 -d 203.0.113.254 -j DNAT --to-destination 192.0.2.1
                ip netns exec router iptables -A FORWARD -i gw-veth0 -j ACCEPT
                """)
            let rules = try Ruleset.read(in: NetworkNamespace.named("router")).natRules
            XCTAssertEqual(rules, [
                NATRule(family: "ip", table: "nat", chain: "POSTROUTING", hook: "postrouting", action: .masquerade,
                        outputInterface: "gw-veth1", source: IPv4Prefix("192.0.2.0/24"),
                        text: #"oifname "gw-veth1" ip saddr 192.0.2.0/24 masquerade"#),
                NATRule(family: "ip", table: "nat", chain: "PREROUTING", hook: "prerouting",
                        action: .dnat(to: IPv4Address("192.0.2.1"), port: nil),
                        destination: IPv4Prefix("203.0.113.254"), transportProtocol: "tcp", destinationPort: 54321,
                        text: "ip daddr 203.0.113.254 tcp dport 54321 dnat to 192.0.2.1"),
            ])
            XCTAssertEqual(try Ruleset.read(in: NetworkNamespace.named("empty")), Ruleset(natRules: []))
            // The sandbox's own namespace (where the thread is) has no rules either.
            XCTAssertEqual(try Ruleset.read(in: NetworkNamespace.current()).natRules, [])
        }
    }

    func testNativeRulesetLive() throws {
        try ThreadSandbox.with { sh in
            try sh.must("""
                ip netns add router
                ip netns exec router nft -f - <<'NFT'
                table inet mynat {
                    chain post { type nat hook postrouting priority srcnat; oifname "gw-veth1" masquerade; }
                    chain pre { type nat hook prerouting priority dstnat; ip daddr 203.0.113.254 tcp dport 54321 dnat ip to 192.0.2.1:80; }
                }
                NFT
                """)
            let rules = try Ruleset.read(in: NetworkNamespace.named("router")).natRules
            XCTAssertEqual(rules.map(\.action), [.masquerade, .dnat(to: IPv4Address("192.0.2.1"), port: 80)])
            XCTAssertEqual(rules.map(\.hook), ["postrouting", "prerouting"])
        }
    }

    func testCaptureFailuresAndTimeout() throws {
        let soon = Ruleset.monotonicNow() + 2
        XCTAssertEqual(try Ruleset.capture(["/bin/sh", "-c", "echo out; echo err >&2"], deadline: soon), "out\n")
        XCTAssertThrowsError(try Ruleset.capture(["/bin/sh", "-c", "echo oops >&2; exit 3"], deadline: soon)) {
            XCTAssertEqual(($0 as? NetfilterError)?.kind, .exit(status: 3, stderr: "oops\n"))
            XCTAssertEqual("\($0)", "/bin/sh -c echo oops >&2; exit 3: exited with status 3: oops")
        }
        XCTAssertThrowsError(try Ruleset.capture(["/nonexistent/nft"], deadline: soon)) {
            XCTAssertEqual(($0 as? NetfilterError)?.kind, .spawn(errno: ENOENT))
        }
        let start = Ruleset.monotonicNow()
        XCTAssertThrowsError(try Ruleset.capture(["/bin/sleep", "10"], deadline: start + 0.3)) {
            XCTAssertEqual(($0 as? NetfilterError)?.kind, .timeout(seconds: Ruleset.timeout))
        }
        XCTAssertLessThan(Ruleset.monotonicNow() - start, 1.5)
        // More output than a pipe holds is read while the program runs.
        let big = try Ruleset.capture(["/bin/sh", "-c", "head -c 300000 /dev/zero | tr '\\\\0' x"], deadline: soon)
        XCTAssertEqual(big.count, 300000)
    }
}
