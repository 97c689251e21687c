import Foundation
import TestSupport
import XCTest

/// `netcheck watch`: re-checks on the change itself (rtnetlink, inotify), not on a timer.
final class WatchTests: XCTestCase {
    /// Starts watch with a long idle timer, waits for its first checklist, runs `change`, and reports how long
    /// watch took to finish after it, with its output.
    func watch(_ exercise: String, setup: String, change: String) throws -> (status: Int, ms: Int, output: String) {
        let script = """
        \(setup)
        out=$(mktemp)
        "$NETCHECK" watch \(exercise) --timeout 300 --idle 60 --lang en > "$out" 2>&1 &
        w=$!
        for i in $(seq 200); do grep -q "Waiting for changes" "$out" && break; sleep 0.05; done
        start=$(date +%s%N)
        \(change)
        wait $w; status=$?
        end=$(date +%s%N)
        echo "status=$status ms=$(( (end - start) / 1000000 ))"
        cat "$out"; rm -f "$out"
        """
        let r = try ScriptSandbox.run(script)
        XCTAssertEqual(r.status, 0, r.stderr)
        let first = r.stdout.split(separator: "\n").first.map(String.init) ?? ""
        let status = Int(first.split(separator: " ")[0].dropFirst("status=".count)) ?? -1
        let ms = Int(first.split(separator: " ").last?.dropFirst("ms=".count) ?? "") ?? -1
        return (status, ms, r.stdout)
    }

    func testForwardingSwitchedOnEndsTheWatch() throws {
        let r = try watch("chapter3-router", setup: "bash -e Solutions/chapter3-router.sh\nip netns exec router sysctl -qw net.ipv4.ip_forward=0",
                          change: "ip netns exec router sysctl -qw net.ipv4.ip_forward=1")
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertLessThan(r.ms, 5000, "re-checked on the netconf notification, not the 60 s idle timer")
        let checks = r.output.components(separatedBy: "\u{0c}")
        XCTAssertGreaterThanOrEqual(checks.count, 2, r.output)
        XCTAssertTrue(checks.first?.contains("[FAIL] router: net.ipv4.ip_forward = 1") ?? false, r.output)
        XCTAssertTrue(r.output.contains("Everything passes. Done."), r.output)
    }

    func testANewNamespaceIsNoticed() throws {
        let r = try watch("chapter3-helloworld", setup: ":", change: "ip netns add helloworld")
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertLessThan(r.ms, 5000, "noticed through inotify on /run/netns")
        XCTAssertTrue(r.output.contains("[FAIL] namespace helloworld exists"), r.output)
    }

    func testALinkComingUpIsNoticed() throws {
        let r = try watch("chapter3-veth", setup: "bash -e Solutions/chapter3-veth.sh\nip netns exec ns2 ip link set ns2-veth0 down",
                          change: "ip netns exec ns2 ip link set ns2-veth0 up")
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertLessThan(r.ms, 5000)
    }
}
