import Foundation
import TestSupport
import XCTest

/// The report of every solution, byte for byte (in English and Japanese, JSON and text), against Golden/reports/:
/// what a refactoring must not change. What differs from run to run by nature — the duration, process ids, round-trip
/// times, ICMP identifiers, TCP sequence numbers and timestamps, ephemeral ports, the random ADD question — is
/// replaced by a placeholder first (`normalized`). `NETCHECK_UPDATE_GOLDEN=1 swift test --filter ReportGoldenTests`
/// writes the files anew; the diff then shows what changed.
final class ReportGoldenTests: XCTestCase {
    static let folder = TestPaths.packageRoot.appendingPathComponent("Tests/IntegrationTests/Golden/reports")

    /// Run-to-run noise replaced by placeholders.
    static func normalized(_ text: String, exercise: String = "") -> String {
        let rules: [(String, String)] = [
            (#""duration_ms" *: *[0-9]+"#, #""duration_ms": 0"#),
            (#"pid [0-9]+"#, "pid N"),
            (#"time=[0-9]+\.[0-9]+ ms"#, "time=T ms"),
            (#"\bid [0-9]+"#, "id N"),
            (#"\bseq [0-9]+(:[0-9]+)?"#, "seq N"),
            (#"\back [0-9]+"#, "ack N"),
            (#"TS val [0-9]+ ecr [0-9]+"#, "TS val N ecr N"),
            // The kernel's ephemeral range, 32768–60999, but the book's port 54321.
            (#"\b(?!54321\b)(3[2-9][0-9]{3}|[4-5][0-9]{4}|60[0-9]{3})\b"#, "PORT"),
            (#"-[0-9]+ \+ -[0-9]+ = -[0-9]+"#, "A + B = S"),
            (#"xid 0x[0-9a-f]+"#, "xid X"),
            // MAC addresses the kernel makes up (veth ends, bridges); the documentation range the book uses stays.
            (#"\b(?!00:00:5e:00:53:)(?!ff:ff:ff:ff:ff:ff)([0-9a-f]{2}:){5}[0-9a-f]{2}\b"#, "MAC"),
            (#"ended [0-9]+ s ago"#, "ended N s ago"),
            (#"\([0-9]+ ms\)"#, "(N ms)"),
        ]
        var s = text
        // dnsmasq leases the client (whose MAC the kernel made up) an address of its range picked by a hash of it.
        let leases: [(String, String)] = exercise.hasPrefix("chapter6-dhcp") ? [(#"192\.0\.2\.(1[0-9]{2}|200)\b"#, "192.0.2.LEASE")] : []
        for (pattern, replacement) in rules + leases {
            s = s.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return s
    }

    /// Every exercise with a solution, run once per language and format in a fresh sandbox each.
    func testSolutionsReportAsBefore() throws {
        let exercises = try FileManager.default.contentsOfDirectory(atPath: TestPaths.packageRoot.appendingPathComponent("Solutions").path)
            .filter { $0.hasSuffix(".sh") }.map { String($0.dropLast(3)) }
            .filter { FileManager.default.fileExists(atPath: TestPaths.packageRoot.appendingPathComponent("Exercises/\($0).json").path) }
            .sorted()
        XCTAssertGreaterThanOrEqual(exercises.count, 17)
        let update = ProcessInfo.processInfo.environment["NETCHECK_UPDATE_GOLDEN"] == "1"
        if update { try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-golden-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let runs = exercises.flatMap { id in ["en.json", "ja.json", "en.txt", "ja.txt"].map { (id: id, run: $0) } }
        // One sandbox per run (the book's servers serve one client); three at a time.
        final class Box: @unchecked Sendable { let lock = NSLock(); var failures: [String] = [] }
        let box = Box()
        let group = DispatchGroup()
        let slots = DispatchSemaphore(value: 3)
        for item in runs {
            group.enter()
            Thread.detachNewThread {
                slots.wait()
                defer { slots.signal(); group.leave() }
                let lang = String(item.run.split(separator: ".")[0])
                let format = item.run.hasSuffix(".txt") ? "text" : "json"
                let out = dir.appendingPathComponent("\(item.id).\(item.run)")
                do {
                    let r = try ScriptSandbox.run("""
                        bash -e Solutions/\(item.id).sh > /dev/null
                        set +e
                        "$NETCHECK" check \(item.id) --format \(format) --lang \(lang) > \(ScriptSandbox.shellQuote(out.path))
                        """)
                    if r.status != 0 { box.lock.lock(); box.failures.append("\(item.id).\(item.run): \(r.stderr)"); box.lock.unlock() }
                } catch {
                    box.lock.lock(); box.failures.append("\(item.id).\(item.run): \(error)"); box.lock.unlock()
                }
            }
        }
        group.wait()
        for failure in box.failures { XCTFail(failure) }
        for (id, run) in runs {
            let got = Self.normalized((try? String(contentsOf: dir.appendingPathComponent("\(id).\(run)"), encoding: .utf8)) ?? "", exercise: id)
            let golden = Self.folder.appendingPathComponent("\(id).\(run)")
            if update {
                try got.write(to: golden, atomically: true, encoding: .utf8)
                continue
            }
            let want = (try? String(contentsOf: golden, encoding: .utf8)) ?? "(no golden file)"
            if got != want {
                let lines = zip(got.split(separator: "\n", omittingEmptySubsequences: false), want.split(separator: "\n", omittingEmptySubsequences: false))
                let first = lines.enumerated().first { $0.element.0 != $0.element.1 }
                XCTFail("\(id).\(run) differs from Golden/reports (first at line \((first?.offset ?? 0) + 1)):\n  got:  \(first?.element.0 ?? "")\n  want: \(first?.element.1 ?? "")")
            }
        }
    }

    func testNormalizationKeepsWhatMatters() {
        XCTAssertEqual(Self.normalized(#"IP 127.0.0.1.39180 > 127.0.0.1.54321: Flags [S], seq 1930462056, win 65495, options [mss 65495,sackOK,TS val 1161287043 ecr 0,nop,wscale 10], length 0"#),
                       #"IP 127.0.0.1.PORT > 127.0.0.1.54321: Flags [S], seq N, win 65495, options [mss 65495,sackOK,TS val N ecr N,nop,wscale 10], length 0"#)
        XCTAssertEqual(Self.normalized("reply from 192.0.2.2, ttl=64, time=0.1 ms; nc (pid 1953)"), "reply from 192.0.2.2, ttl=64, time=T ms; nc (pid N)")
        XCTAssertEqual(Self.normalized("-1500000000 + -1600000000 = -3100000000: right"), "A + B = S: right")
    }
}
