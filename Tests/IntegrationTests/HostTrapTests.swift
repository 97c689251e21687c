import Foundation
import Report
import TestSupport
import XCTest

/// The traps of a real host (issue 15), each built in a sandbox: the failing check's hint names the trap and the
/// command that fixes it, not the generic "a route there, forwarding and a route back".
final class HostTrapTests: XCTestCase {
    func report(_ exercise: String, trap: String) throws -> Report {
        let r = try ScriptSandbox.run("""
            bash -e Solutions/\(exercise).sh
            \(trap)
            set +e
            "$NETCHECK" check \(exercise) --format json --timeout 500
            true
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try Report(jsonText: r.stdout)
    }

    /// `iptables -P FORWARD DROP` on the router, as Docker and ufw leave a host.
    func testForwardPolicyDropIsNamed() throws {
        let report = try report("chapter3-router", trap: "ip netns exec router iptables -P FORWARD DROP")
        // Pings to the router's own addresses are not forwarded, and pass; those across it fail.
        let failed = report.checks.filter { $0.id.contains(".ping.") && $0.status != .pass }
        XCTAssertGreaterThanOrEqual(failed.count, 1, "\(report.checks.map { "\($0.id) \($0.status)" })")
        for ping in failed {
            XCTAssertEqual(ping.status, .fail, ping.id)
            XCTAssertTrue(ping.hint.contains("`ip netns exec router iptables -P FORWARD ACCEPT`"), "\(ping.id): \(ping.hint)")
            XCTAssertTrue(ping.observed.contains("FORWARD chain (ip filter FORWARD) has policy drop"), "\(ping.id): \(ping.observed)")
        }
        // Everything else holds: the sysctl, the routes.
        XCTAssertTrue(report.checks.filter { !$0.id.contains(".ping.") }.allSatisfy { $0.status == .pass },
                      "\(report.checks.filter { $0.status != .pass }.map(\.id))")
    }

    /// The same written with nft, in a table of the learner's own name: named by its table and chain.
    func testNftForwardDropChainIsNamed() throws {
        let report = try report("chapter3-router", trap: """
            ip netns exec router nft add table inet lab
            ip netns exec router nft add chain inet lab labforward '{ type filter hook forward priority 0; policy drop; }'
            """)
        let ping = try XCTUnwrap(report.checks.first { $0.id.contains(".ping.") && $0.status != .pass })
        XCTAssertEqual(ping.status, .fail)
        XCTAssertTrue(ping.observed.contains("(inet lab labforward)"), ping.observed)
    }

    /// A FORWARD chain that drops by policy but is not in the way (no failing ping) is not blamed: the walk only
    /// runs for a ping that failed, and one that passes never reads the ruleset.
    func testAPassingRunDoesNotMentionTheFilter() throws {
        let report = try report("chapter3-router", trap: "ip netns exec router iptables -P FORWARD DROP; ip netns exec router iptables -A FORWARD -j ACCEPT")
        XCTAssertTrue(report.passed, "\(report.checks.filter { $0.status != .pass }.map { "\($0.id): \($0.hint)" })")
    }

    /// Chapter 4 typed over chapter 3's namespaces, as a reader who skipped `ip --all netns delete` does: `ip netns add
    /// ns1` fails, and ns1-veth0 stays paired with gw-veth0 in chapter 3's router. The hints name the leftover and the
    /// book's command, never "attach gw-veth0 in router to br0" (impossible across namespaces).
    func testLeftoverNamespaceIsNamed() throws {
        for exercise in ["chapter4-bridge", "chapter4-bridge-netns"] {
            let r = try ScriptSandbox.run("""
                bash -e Solutions/chapter3-router.sh
                set +e
                sed 's/^set -e$//' Solutions/\(exercise).sh | bash > /dev/null 2>&1
                "$NETCHECK" check \(exercise) --format json --timeout 500
                true
                """)
            XCTAssertEqual(r.status, 0, r.stderr)
            let report = try Report(jsonText: r.stdout)
            let veth = try XCTUnwrap(report.checks.first { $0.id == "ns1.veth.ns1-veth0" }, exercise)
            XCTAssertEqual(veth.status, .fail, exercise)
            XCTAssertTrue(veth.observed.contains("gw-veth0 in router, a namespace this exercise does not have"), veth.observed)
            let failedPings = report.checks.filter { $0.id.contains(".ping.") && $0.status == .fail }
            XCTAssertFalse(failedPings.isEmpty, exercise)
            for check in [veth] + failedPings {
                XCTAssertTrue(check.hint.contains("`ip --all netns delete`"), "\(exercise) \(check.id): \(check.hint)")
                XCTAssertFalse(check.hint.contains("master br0"), "\(exercise) \(check.id): \(check.hint)")
            }
        }
    }

    /// The first edition's chapter 4 bridge in the root namespace of a Docker host: br_netfilter hands bridged frames
    /// to iptables, whose FORWARD policy is drop. Named, with both fixes; without br_netfilter the pings pass.
    func testBridgedFramesDroppedByForwardPolicyAreNamed() throws {
        for (exercise, namespace, exec) in [("chapter4-bridge", "root", ""), ("chapter4-bridge-netns", "bridge", "ip netns exec bridge ")] {
            let report = try report(exercise, trap: "\(exec)iptables -P FORWARD DROP")
            guard FileManager.default.fileExists(atPath: "/proc/sys/net/bridge/bridge-nf-call-iptables") else {
                XCTAssertTrue(report.passed, "without br_netfilter bridged frames never meet iptables")
                continue
            }
            let failed = report.checks.filter { $0.id.contains(".ping.") && $0.status != .pass }
            XCTAssertFalse(failed.isEmpty, exercise)
            for ping in failed {
                XCTAssertEqual(ping.status, .fail, ping.id)
                XCTAssertTrue(ping.observed.contains("br0 in \(namespace) hands the frames it bridges to iptables"), "\(ping.id): \(ping.observed)")
                XCTAssertTrue(ping.hint.contains("`\(exec)iptables -P FORWARD ACCEPT`"), "\(ping.id): \(ping.hint)")
                XCTAssertTrue(ping.hint.contains("`\(exec)sysctl net.bridge.bridge-nf-call-iptables=0`"), "\(ping.id): \(ping.hint)")
            }
        }
    }
}
