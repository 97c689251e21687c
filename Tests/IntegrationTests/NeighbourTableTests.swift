import Foundation
import Report
import TestSupport
import XCTest

/// A star of hosts on one bridge needs N·(N−1) neighbour entries, and the kernel's IPv4 neighbour table, which all
/// namespaces share, holds net.ipv4.neigh.default.gc_thresh3 dynamic ones: past that, pings cannot be sent
/// (ENOBUFS) or answered. The failing pings say so, with the sysctl that raises the limit, and nothing else.
final class NeighbourTableTests: XCTestCase {
    func testAStarTooLargeForTheNeighbourTableNamesGcThresh3() throws {
        let limit = Int(try String(contentsOfFile: "/proc/sys/net/ipv4/neigh/default/gc_thresh3", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 1024
        // Hosts enough to need half as many entries again as the table holds (48 for the default 1024).
        var n = 8
        while n * (n - 1) < limit * 3 / 2 && n < 128 { n += 1 }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-star-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = ScriptSandbox.shellQuote(dir.path)
        let r = try ScriptSandbox.run("""
            ip link set lo up
            id=$(python3 bench/gen_scale.py star \(n) \(d) | cut -d' ' -f1)
            ip -batch \(d)/batch/$id.root.batch
            for f in \(d)/batch/$id.ns.*.batch; do nm=${f##*.ns.}; ip -n "${nm%.batch}" -batch "$f"; done
            set +e
            "$NETCHECK" check "$id" --exercises \(d)/ex --format json > \(d)/report
            echo "status $?"
            """)
        XCTAssertTrue(r.stdout.contains("status 1"), r.stdout + r.stderr)
        let report = try Report(jsonText: try String(contentsOf: dir.appendingPathComponent("report"), encoding: .utf8))
        let pings = report.checks.filter { $0.id.contains(".ping.") }
        XCTAssertEqual(pings.count, n * (n - 1))
        let failed = pings.filter { $0.status == .fail }
        XCTAssertGreaterThan(failed.count, 0, "\(n) hosts need \(n * (n - 1)) entries, the table holds \(limit)")
        XCTAssertGreaterThan(pings.count - failed.count, 0, "the first pings find room in the table")
        for check in failed {
            XCTAssertTrue(check.hint.contains("net.ipv4.neigh.default.gc_thresh3=8192"), "\(check.id): \(check.hint)")
            XCTAssertTrue(check.observed.contains("gc_thresh3 = \(limit)"), "\(check.id): \(check.observed)")
        }
    }
}
