import Foundation
import Report
import TestSupport
import XCTest

/// Live state a grader meets in the wild: namespaces vanishing mid-run, huge tables, long names, two graders
/// at once, and deadlines. Each test asserts the outcome, not only that nothing crashed.
final class RobustnessTests: XCTestCase {
    /// Runs `script` in a sandbox; its stdout must end with a JSON report written to $REPORT by the script.
    func sandboxReport(_ script: String) throws -> (stdout: String, report: Report?, status: Int32?) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-robust-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try ScriptSandbox.run("REPORT=\(ScriptSandbox.shellQuote(dir.path))/report\n" + script)
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = (try? String(contentsOf: dir.appendingPathComponent("report"), encoding: .utf8)) ?? ""
        let status = r.stdout.split(separator: "\n").last.flatMap { Int32($0.replacingOccurrences(of: "status=", with: "")) }
        return (r.stdout, try? Report(jsonText: text), status)
    }

    func testANamespaceDeletedDuringTheCheck() throws {
        // The ping waits (the router does not forward) while ns2 disappears under it.
        let r = try sandboxReport("""
            bash -e Solutions/chapter3-router.sh
            ip netns exec router sysctl -qw net.ipv4.ip_forward=0
            "$NETCHECK" chapter3-router --timeout 1500 --format json > "$REPORT" &
            pid=$!
            set +e
            sleep 0.3
            ip netns del ns2
            wait $pid; echo "status=$?"
            """)
        XCTAssertEqual(r.status, 1, r.stdout)
        let report = try XCTUnwrap(r.report, "a complete report: \(r.stdout)")
        XCTAssertEqual(report.checks.first { $0.id == "ns1.ping.198.51.100.1" }?.status, .fail)
        XCTAssertFalse(report.checks.contains { $0.status == .error }, "\(report.checks.filter { $0.status == .error })")
    }

    func testThousandsOfInterfacesAndRoutes() throws {
        let r = try sandboxReport("""
            bash -e Solutions/chapter3-veth.sh
            for i in $(seq 1000); do echo "link add v$i type veth peer name w$i"; done > /tmp/links.$$
            ip netns exec ns1 ip -batch /tmp/links.$$
            for i in $(seq 0 9999); do echo "route add 10.$((i / 256)).$((i % 256)).0/24 via 192.0.2.2"; done > /tmp/routes.$$
            ip netns exec ns1 ip -batch /tmp/routes.$$
            rm -f /tmp/links.$$ /tmp/routes.$$
            [ "$(ip netns exec ns1 ip -o link | wc -l)" -gt 2000 ]
            start=$(date +%s%N)
            "$NETCHECK" chapter3-veth --format json > "$REPORT"; s=$?
            echo "ms=$(( ($(date +%s%N) - start) / 1000000 ))"
            echo "status=$s"
            """)
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertTrue(r.report?.passed ?? false)
        let ms = r.stdout.split(separator: "\n").first { $0.hasPrefix("ms=") }.flatMap { Int($0.dropFirst(3)) } ?? 0
        XCTAssertLessThan(ms, 3000, "2,000 interfaces and 10,000 routes are read in one dump each")
    }

    func testInterfaceNamesOfMaximumLength() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let long = "a-very-long-if0"  // 15 bytes: IFNAMSIZ - 1
        try #"{"id": "names", "title": {"en": "n", "ja": "n"}, "namespaces": ["ns1", "ns2"], "links": [{"namespace": "ns1", "name": "LONG", "kind": "veth", "peer": {"namespace": "ns2", "name": "b-very-long-if0"}}, {"namespace": "ns2", "name": "b-very-long-if0", "kind": "veth"}], "addresses": [{"namespace": "ns1", "link": "LONG", "address": "192.0.2.1/24"}, {"namespace": "ns2", "link": "b-very-long-if0", "address": "192.0.2.2/24"}], "reachability": [{"from": "ns1", "to": "192.0.2.2", "ttl": 64}]}"#
            .replacingOccurrences(of: "LONG", with: long).write(to: dir.appendingPathComponent("names.json"), atomically: true, encoding: .utf8)
        let r = try sandboxReport("""
            ip netns add ns1; ip netns add ns2
            ip link add \(long) netns ns1 type veth peer name b-very-long-if0 netns ns2
            ip netns exec ns1 ip link set \(long) up; ip netns exec ns2 ip link set b-very-long-if0 up
            ip netns exec ns1 ip address add 192.0.2.1/24 dev \(long)
            ip netns exec ns2 ip address add 192.0.2.2/24 dev b-very-long-if0
            "$NETCHECK" names --exercises \(ScriptSandbox.shellQuote(dir.path)) --format json > "$REPORT"; echo "status=$?"
            """)
        XCTAssertEqual(r.status, 0, r.stdout)
        XCTAssertEqual(r.report?.checks.first { $0.id == "ns1.veth.\(long)" }?.status, .pass)
        // One byte more is not an interface name: the file is refused, with the position.
        let tooLong = try String(contentsOf: dir.appendingPathComponent("names.json"), encoding: .utf8).replacingOccurrences(of: long, with: long + "x")
        try tooLong.write(to: dir.appendingPathComponent("names.json"), atomically: true, encoding: .utf8)
        let lint = try runProcess(TestPaths.netcheck, ["lint", dir.appendingPathComponent("names.json").path])
        XCTAssertEqual(lint.status, 2)
        XCTAssertTrue(lint.stderr.contains("/links/0") || lint.stdout.contains("/links/0"), lint.stderr + lint.stdout)
    }

    func testTwoRunsAtOnceDoNotSeeEachOthersProbes() throws {
        // Six pings each, on one bridge, at the same moment: each run must get its own answers.
        let r = try ScriptSandbox.run("""
            bash -e Solutions/chapter4-bridge-netns.sh
            ip netns exec bridge sysctl -qw net.ipv4.ip_forward=0
            ip netns exec ns3 ip link set ns3-veth0 down
            for k in 1 2 3 4; do "$NETCHECK" chapter4-bridge-netns --format json > /tmp/run$k.$$ & done
            wait
            for k in 1 2 3 4; do python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(" ".join(c["id"]+"="+c["status"] for c in r["checks"] if ".ping." in c["id"]))' /tmp/run$k.$$; rm -f /tmp/run$k.$$; done
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 4, r.stdout)
        XCTAssertEqual(Set(lines).count, 1, "every run saw the same thing: \(r.stdout)")
        XCTAssertTrue(lines[0].contains("ns1.ping.192.0.2.2=pass") && lines[0].contains("ns1.ping.192.0.2.3=fail"), lines[0])
    }

    func testTheDeadlineCutsProbesShort() throws {
        let r = try sandboxReport("""
            bash -e Solutions/chapter3-router.sh
            ip netns exec router sysctl -qw net.ipv4.ip_forward=0
            set +e
            start=$(date +%s%N)
            "$NETCHECK" chapter3-router --timeout 10000 --deadline 800 --format json > "$REPORT"; s=$?
            echo "ms=$(( ($(date +%s%N) - start) / 1000000 ))"
            echo "status=$s"
            """)
        XCTAssertEqual(r.status, 1, r.stdout)
        let ms = r.stdout.split(separator: "\n").first { $0.hasPrefix("ms=") }.flatMap { Int($0.dropFirst(3)) } ?? 99_999
        XCTAssertLessThan(ms, 1300, "--deadline 800 beats --timeout 10000")
        XCTAssertTrue(r.report?.checks.first { $0.id == "ns1.ping.198.51.100.1" }?.observed.contains("100% loss") ?? false)
    }
}
