import Foundation
import Grading
import Report
import TestSupport
import XCTest

/// A run recorded live (`netcheck check --record`) and judged again from the recording alone gives the same report,
/// byte for byte: what makes the recorded fixtures of the verdict tests (Tests/GradingTests/Fixtures/runs) faithful.
final class RecordReplayTests: XCTestCase {
    static func recordAndReplay(_ exercise: String, mistake: String = "", solution: String? = nil,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = ScriptSandbox.shellQuote(dir.path)
        let r = try ScriptSandbox.run("""
            \(solution ?? "bash -e Solutions/\(exercise).sh")
            \(mistake)
            set +e
            "$NETCHECK" check \(exercise) --format json --timeout 500 --record \(d)/recording > \(d)/report; true
            """)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        let recording = try RunRecording(jsonText: try String(contentsOf: dir.appendingPathComponent("recording"), encoding: .utf8))
        let catalog = ExerciseCatalog(directory: TestPaths.packageRoot.appendingPathComponent("Exercises").path)
        let graded = try catalog.load(recording.exercise)
        let asked = try catalog.load(recording.askedFor)
        let grader = Grader(exercise: graded, askedFor: asked)
        let (replayed, unanswered) = grader.report(language: .en, replaying: recording)
        XCTAssertEqual(unanswered, [], "the recording answers every question the judges ask", file: file, line: line)
        let live = try String(contentsOf: dir.appendingPathComponent("report"), encoding: .utf8)
        XCTAssertEqual(replayed.jsonText() + "\n", live, "\(exercise) after `\(mistake)`", file: file, line: line)
    }

    func testPassingRunsReplay() throws {
        for exercise in ["chapter3-router", "chapter4-bridge-netns", "chapter5-udp", "chapter6-dhcp", "chapter7-dnat", "chapter8-binproto"] {
            try Self.recordAndReplay(exercise)
        }
    }

    func testFailingRunsReplay() throws {
        try Self.recordAndReplay("chapter3-router", mistake: "ip netns exec router sysctl -qw net.ipv4.ip_forward=0")
        try Self.recordAndReplay("chapter3-multi-router", mistake: "ip netns exec router1 ip route del 198.51.100.0/24")
        try Self.recordAndReplay("chapter4-ethernet", mistake: "ip netns exec ns2 ip link set dev ns2-veth0 address 00:00:5e:00:53:20")
        try Self.recordAndReplay("chapter7-snat", mistake: "ip netns exec router iptables -t nat -F")
        try Self.recordAndReplay("chapter5-tcp", solution: "ip link set lo up")
        try Self.recordAndReplay("chapter4-bridge", mistake: "ip link set ns3-br0 nomaster")
    }
}
