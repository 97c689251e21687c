import Foundation
import Report
import TestSupport
import XCTest

/// What netcheck's captures leave: pcap files when asked (`--pcap DIR`), and nothing at all once it has exited —
/// the packet sockets it hands to a child to close (LiveCapture.closeDeferred) are gone soon after.
final class CaptureOutputTests: XCTestCase {
    func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-pcap-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// chapter7-snat: the ping's frames on both sides of the router, as the report names them, readable by tcpdump,
    /// one file per capture with what the evidence showed.
    func testPcapFilesHoldWhatTheEvidenceShows() throws {
        let dir = try temporaryDirectory()
        let d = ScriptSandbox.shellQuote(dir.path)
        let r = try ScriptSandbox.run("""
            bash -e Solutions/chapter7-snat.sh
            "$NETCHECK" check chapter7-snat --format json --pcap \(d)/out > \(d)/report
            for f in \(d)/out/*.pcap; do echo "== $f"; tcpdump -tnel -r "$f" 2>/dev/null; done
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try Report(jsonText: try String(contentsOf: dir.appendingPathComponent("report"), encoding: .utf8))
        let named = report.checks.flatMap { $0.pcap ?? [] }
        let nat = try XCTUnwrap(report.checks.first { $0.id.contains("snat") })
        XCTAssertEqual(nat.pcap?.map { ($0 as NSString).lastPathComponent }.sorted(),
                       ["\(nat.id).inside.pcap", "\(nat.id).outside.pcap"], "\(report.checks.map(\.pcap))")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("out").path)
        XCTAssertEqual(Set(files), Set(named.map { ($0 as NSString).lastPathComponent }), "every file named, nothing else")
        // tcpdump reads each file, and its lines are the evidence's (the evidence adds a `# tcpdump …` line per side).
        let lines = r.stdout.split(separator: "\n").filter { !$0.hasPrefix("==") }.map(String.init)
        let evidence = (nat.evidence ?? []).filter { !$0.hasPrefix("#") }
        XCTAssertFalse(evidence.isEmpty)
        for line in evidence { XCTAssertTrue(lines.contains(line), "\(line) not in\n\(r.stdout)") }
    }

    func testPcapDirectoryThatIsAFileIsAnEnvironmentError() throws {
        let r = try ScriptSandbox.run("""
            bash -e Solutions/chapter4-ethernet.sh
            set +e; touch /tmp/netcheck-not-a-dir-$$; "$NETCHECK" check chapter4-ethernet --pcap /tmp/netcheck-not-a-dir-$$; echo "status $?"
            rm -f /tmp/netcheck-not-a-dir-$$
            """)
        XCTAssertTrue(r.stdout.contains("status 3"), r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("Not a directory"), r.stderr)
    }

    /// After a run with captures on two namespaces, no packet socket is left in them (/proc/net/packet is per
    /// namespace) once netcheck's child has closed them: the child exits right after its last close.
    func testNoPacketSocketOutlivesTheRun() throws {
        let r = try ScriptSandbox.run("""
            bash -e Solutions/chapter4-ethernet.sh
            "$NETCHECK" check chapter4-ethernet > /dev/null
            for i in $(seq 1 100); do
              n=$(( $(ip netns exec ns1 cat /proc/net/packet | wc -l) + $(ip netns exec ns2 cat /proc/net/packet | wc -l) - 2 ))
              [ "$n" -eq 0 ] && break
              sleep 0.01
            done
            echo "packet sockets left: $n after $i polls"
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("packet sockets left: 0 "), r.stdout)
    }
}
