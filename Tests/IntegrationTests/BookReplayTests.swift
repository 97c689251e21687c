import Foundation
import Report
import Submissions
import TestSupport
import XCTest

/// The book is the spec: every transcript under Book/ (the book's command lines, see Book/README.md) is replayed in
/// a sandbox as a reader types it — servers, daemons, tcpdump and endless pings in the background as in a terminal
/// of their own, a failing command stopping nothing — and each `netcheck` line grades the state reached there.
/// Every one of those reports must pass.
final class BookReplayTests: XCTestCase {
    static let folder = TestPaths.packageRoot.appendingPathComponent("Tests/IntegrationTests/Book")

    /// The log's words for what is not replayed or did not come up (the product says them from its catalogues).
    static let words = ReplayScript.Words(
        skipped: { "skipped: \($0.rawValue)" },
        notListening: { proto, port, namespace in "not ready: port \(port)/\(proto) in \(namespace ?? "root")" },
        notPrinted: { "not ready: '\($0)'" })

    struct Outcome {
        var file: String
        var checks: [(exercise: String, status: Int32, report: Report?, raw: String)]
        var log: String
        var sandboxStatus: Int32
        var sandboxError: String
    }

    /// Replays one file (after the one it builds on) in a sandbox of its own.
    static func replay(_ relative: String) throws -> Outcome {
        func parse(_ file: String) throws -> Transcript {
            Transcript.parse(try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8), dialect: .book)
        }
        let transcript = try parse(relative)
        var commands = transcript.commands
        var buildsOn = transcript.buildsOn
        while let before = buildsOn {
            let earlier = try parse(before)
            commands = earlier.commands.filter { if case .check = $0.kind { return false } else { return true } } + commands
            buildsOn = earlier.buildsOn
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let prologue = "mkdir -p /run/learner && cp Solutions/echoserver.py Solutions/addserver.py /run/learner/ && cd /run/learner"
        let r = try ScriptSandbox.run(ReplayScript.transcript(commands, out: out.path, prologue: prologue, checks: .run, words: words))
        func read(_ name: String) -> String { (try? String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)) ?? "" }
        let exercises = commands.compactMap { c -> String? in if case .check(let e) = c.kind { return e } else { return nil } }
        let checks = exercises.enumerated().map { n, e in
            (exercise: e, status: Int32(read("status-\(n + 1)").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1,
             report: try? Report(jsonText: read("report-\(n + 1)")), raw: read("report-\(n + 1)") + read("stderr-\(n + 1)"))
        }
        return Outcome(file: relative, checks: checks, log: read("replay.log"), sandboxStatus: r.status, sandboxError: r.stderr)
    }

    static var files: [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        var names: [String] = []
        while let name = enumerator?.nextObject() as? String { if name.hasSuffix(".txt") { names.append(name) } }
        return names.sorted()
    }

    // MARK: the tests

    func testEveryTranscriptPasses() throws {
        let files = Self.files
        XCTAssertGreaterThanOrEqual(files.count, 20, "the book's transcripts: \(files)")
        // The first edition's dnsmasq makes dhclient rewrite /etc/resolv.conf: the sandbox's own, never the host's.
        let resolv = try? Data(contentsOf: URL(fileURLWithPath: "/etc/resolv.conf"))
        defer { XCTAssertEqual(try? Data(contentsOf: URL(fileURLWithPath: "/etc/resolv.conf")), resolv, "the host's /etc/resolv.conf changed") }
        // Replays mostly wait (pings, dhclient): three at a time, each in its own sandbox.
        final class Outcomes: @unchecked Sendable {
            let lock = NSLock()
            var byFile: [String: Result<Outcome, Error>] = [:]
        }
        let outcomes = Outcomes()
        let group = DispatchGroup()
        let slots = DispatchSemaphore(value: 3)
        for file in files {
            group.enter()
            Thread.detachNewThread {
                slots.wait()
                let outcome = Result { try Self.replay(file) }
                slots.signal()
                outcomes.lock.lock(); outcomes.byFile[file] = outcome; outcomes.lock.unlock()
                group.leave()
            }
        }
        group.wait()
        for file in files {
            let outcome: Outcome
            switch outcomes.byFile[file] {
            case .success(let o)?: outcome = o
            case .failure(let e)?: XCTFail("\(file): \(e)"); continue
            case nil: XCTFail("\(file): no outcome"); continue
            }
            XCTAssertEqual(outcome.sandboxStatus, 0, "\(file): \(outcome.sandboxError)")
            XCTAssertFalse(outcome.checks.isEmpty, "\(file) has no netcheck line")
            // Every server and watcher the reader started came up, as it did in the book.
            XCTAssertFalse(outcome.log.contains("not ready:"), "\(file):\n\(outcome.log)")
            if let keep = ProcessInfo.processInfo.environment["NETCHECK_BOOK_LOGS"] {
                try? outcome.log.write(toFile: keep + "/" + file.replacingOccurrences(of: "/", with: "_") + ".log", atomically: true, encoding: .utf8)
            }
            for (n, check) in outcome.checks.enumerated() {
                guard let report = check.report else { XCTFail("\(file) check \(n + 1) (\(check.exercise)): no report: \(check.raw)\n\(outcome.log)"); continue }
                XCTAssertEqual(check.status, 0, "\(file) check \(n + 1) (\(check.exercise)): exit status")
                XCTAssertTrue(report.passed, "\(file) check \(n + 1) (\(check.exercise)): \(report.checks.count) checks")
                XCTAssertEqual(report.exercise, check.exercise)
                for c in report.checks where c.status != .pass {
                    XCTFail("\(file) check \(n + 1) (\(check.exercise)): \(c.id) \(c.status): \(c.observed) — \(c.hint)\nreplay log:\n\(outcome.log)")
                }
            }
        }
    }

    func testClassification() {
        typealias K = Command.Kind
        func classify(_ text: String) -> K { Transcript.classify(text) }
        XCTAssertEqual(classify("nc -lnv 127.0.0.1 54321"), K.background(ready: .port("t", 54321, namespace: nil)))
        XCTAssertEqual(classify("nc -ulnv 127.0.0.1 54321"), K.background(ready: .port("u", 54321, namespace: nil)))
        XCTAssertEqual(classify("ip netns exec lan nc -lnv 54321"), K.background(ready: .port("t", 54321, namespace: "lan")))
        if case .skipped = classify("nc 127.0.0.1 54321") {} else { XCTFail("an interactive client is netcheck's part") }
        XCTAssertEqual(classify(#"echo -en "GET / HTTP/1.0\r\n\r\n" | nc 127.0.0.1 80"#), K.foreground)
        XCTAssertEqual(classify("ip netns exec ns1 ping -c 3 192.0.2.2 -I 192.0.2.1"), K.foreground)
        XCTAssertEqual(classify("ip netns exec ns1 ping 192.0.2.2 -I 192.0.2.1"), K.background(ready: nil))
        XCTAssertEqual(classify("python3 -m http.server -b 127.0.0.1 80"), K.background(ready: .port("t", 80, namespace: nil)))
        XCTAssertEqual(classify("ip netns exec client dhclient -d c-veth0"), K.background(ready: .text("bound to")))
        XCTAssertEqual(classify("netcheck chapter3-veth"), K.check("chapter3-veth"))
        let commands = Transcript.parse("$ sudo ip netns exec server dnsmasq \\\n  --interface=s-veth0 \\\n  --no-daemon\n$ cat << 'EOF' > index.html\n<title>x</title>\nEOF\n$ ls\n", dialect: .book).commands
        XCTAssertEqual(commands.map(\.text), ["ip netns exec server dnsmasq \\\n  --interface=s-veth0 \\\n  --no-daemon", "cat << 'EOF' > index.html\n<title>x</title>\nEOF", "ls"])
        XCTAssertEqual(commands.first?.kind, K.background(ready: .port("u", 67, namespace: "server")))
    }
}
