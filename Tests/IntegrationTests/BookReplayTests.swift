import Foundation
import Report
import TestSupport
import XCTest

/// The book is the spec: every transcript under Book/ (the book's command lines, see Book/README.md) is replayed in
/// a sandbox as a reader types it — servers, daemons, tcpdump and endless pings in the background as in a terminal
/// of their own, a failing command stopping nothing — and each `netcheck` line grades the state reached there.
/// Every one of those reports must pass.
final class BookReplayTests: XCTestCase {
    static let folder = TestPaths.packageRoot.appendingPathComponent("Tests/IntegrationTests/Book")

    /// One typed command, and what a replay does with it.
    struct Command: Equatable {
        enum Kind: Equatable {
            /// Typed and waited for.
            case foreground
            /// A server, daemon or watcher that runs until the reader stops it: started, then waited for until
            /// it is ready (`port`: listening there; `text`: printed that).
            case background(ready: Ready?)
            /// A `netcheck EXERCISE` line: the grading point.
            case check(String)
            /// Not replayed, and why.
            case skipped(String)
        }
        enum Ready: Equatable { case port(String, Int, namespace: String?), text(String) }
        var text: String
        var kind: Kind
    }

    /// The commands of a replay file: `$ ` lines, their `\` continuations and here-document bodies, `sudo` dropped.
    static func commands(_ file: String) -> (commands: [Command], buildsOn: String?) {
        var result: [Command] = []
        var buildsOn: String?
        let lines = file.components(separatedBy: "\n")
        var i = 0
        while i < lines.count {
            let line = lines[i]
            i += 1
            if line.hasPrefix("# builds on: ") { buildsOn = String(line.dropFirst("# builds on: ".count)); continue }
            guard line.hasPrefix("$ ") else { continue }
            var text = String(line.dropFirst(2))
            var last = line
            while last.hasSuffix("\\"), i < lines.count { last = lines[i]; text += "\n" + last; i += 1 }
            if let range = text.range(of: #"<<\s*'?(\w+)'?"#, options: .regularExpression) {
                let terminator = text[range].replacingOccurrences(of: "<<", with: "").replacingOccurrences(of: "'", with: "")
                    .trimmingCharacters(in: .whitespaces)
                while i < lines.count { let body = lines[i]; i += 1; text += "\n" + body; if body == terminator { break } }
            }
            if text.hasPrefix("sudo ") { text.removeFirst(5) }
            result.append(Command(text: text, kind: classify(text)))
        }
        return (result, buildsOn)
    }

    static func classify(_ text: String) -> Command.Kind {
        var namespace: String?
        var inner = text
        if let m = inner.range(of: #"^ip netns exec (\S+) "#, options: .regularExpression) {
            namespace = String(inner[m].split(separator: " ")[3])
            inner = String(inner[m.upperBound...])
        }
        let words = inner.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" }).map(String.init)
        guard let program = words.first else { return .foreground }
        let flags = words.filter { $0.hasPrefix("-") && !$0.hasPrefix("--") }.joined()
        let lastNumber = words.reversed().compactMap { Int($0) }.first
        switch program {
        case "netcheck":
            return .check(words.count > 1 ? words[1] : "")
        case "wget":
            return .skipped("a download: the author's scripts run the commands typed below, and the chapter 8 programs are Solutions/echoserver.py and addserver.py, written to behave as the book describes them")
        case "apt-get", "update-alternatives":
            return .skipped("machine set-up: make test installs netcat-openbsd and the other tools")
        case "nc" where !inner.contains("|"):
            guard flags.contains("l") else { return .skipped("a client: netcheck is the client, it connects or sends as this one would") }
            return .background(ready: lastNumber.map { .port(flags.contains("u") ? "u" : "t", $0, namespace: namespace) })
        case "dnsmasq" where inner.contains("--no-daemon"):
            return .background(ready: .port("u", 67, namespace: namespace))
        case "dhclient" where words.contains("-d"):
            return .background(ready: .text("bound to"))
        case "tcpdump":
            return .background(ready: .text("listening on"))
        case "ping" where !words.contains("-c"):
            return .background(ready: nil)
        case "python3":
            switch words.dropFirst().first {
            case "-m": return .background(ready: .port("t", words.count > 3 ? (lastNumber ?? 8000) : 8000, namespace: namespace))
            case "echoserver.py", "addserver.py": return .background(ready: .port("t", 54321, namespace: namespace))
            default: return .skipped("a client of the author's (not in this project): netcheck is the client")
            }
        default:
            return .foreground
        }
    }

    /// The bash script that replays `commands` with reports and logs in `out`.
    static func script(_ commands: [Command], out: String) -> String {
        let o = ScriptSandbox.shellQuote(out)
        var s = """
            set +e
            OUT=\(o)
            mkdir -p /run/learner && cp Solutions/echoserver.py Solutions/addserver.py /run/learner/ && cd /run/learner
            ready_port() {  # NAMESPACE t|u PORT
              local x=""; [ -n "$1" ] && x="ip netns exec $1"
              for _ in $(seq 200); do $x ss -Hln$2 "sport = :$3" 2>/dev/null | grep -q . && return 0; sleep 0.05; done
              echo "not ready: port $3 in ${1:-root}" >> "$OUT/log"
            }
            ready_text() {  # FILE TEXT
              for _ in $(seq 400); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
              echo "not ready: '$2' in $1" >> "$OUT/log"
            }

            """
        var checks = 0
        for (n, c) in commands.enumerated() {
            let quoted = ScriptSandbox.shellQuote(c.text)
            switch c.kind {
            case .foreground:
                // A here-document brings its own input; anything else reads nothing (an interactive shell exits).
                s += c.text.contains("<<") ? "\(c.text)\n" : "{ \(c.text)\n} < /dev/null >> \"$OUT/out\" 2>&1\n"
                s += "echo \"[$?] \"\(quoted) >> \"$OUT/log\"\n"
            case .background(let ready):
                s += "{ \(c.text)\n} < /dev/null > \"$OUT/bg-\(n)\" 2>&1 &\n"
                s += "echo \"[&] \"\(quoted) >> \"$OUT/log\"\n"
                switch ready {
                case .port(let proto, let port, let ns)?: s += "ready_port '\(ns ?? "")' \(proto) \(port)\n"
                case .text(let text)?: s += "ready_text \"$OUT/bg-\(n)\" '\(text)'\n"
                case nil: break
                }
            case .check(let exercise):
                checks += 1
                s += "\"$NETCHECK\" check \(exercise) --format json > \"$OUT/report-\(checks)\" 2> \"$OUT/stderr-\(checks)\"\n"
                s += "echo \"$?\" > \"$OUT/status-\(checks)\"; echo \"[check \(checks)] netcheck \(exercise)\" >> \"$OUT/log\"\n"
            case .skipped(let why):
                s += "echo \"[skipped: \(why)] \"\(quoted) >> \"$OUT/log\"\n"
            }
        }
        return s
    }

    struct Outcome {
        var file: String
        var checks: [(exercise: String, status: Int32, report: Report?, raw: String)]
        var log: String
        var sandboxStatus: Int32
        var sandboxError: String
    }

    /// Replays one file (after the one it builds on) in a sandbox of its own.
    static func replay(_ relative: String) throws -> Outcome {
        let text = try String(contentsOf: folder.appendingPathComponent(relative), encoding: .utf8)
        var (commands, buildsOn) = commands(text)
        while let before = buildsOn {
            let earlier = Self.commands(try String(contentsOf: folder.appendingPathComponent(before), encoding: .utf8))
            commands = earlier.commands.filter { if case .check = $0.kind { return false } else { return true } } + commands
            buildsOn = earlier.buildsOn
        }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-book-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let r = try ScriptSandbox.run(script(commands, out: out.path))
        func read(_ name: String) -> String { (try? String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)) ?? "" }
        let exercises = commands.compactMap { c -> String? in if case .check(let e) = c.kind { return e } else { return nil } }
        let checks = exercises.enumerated().map { n, e in
            (exercise: e, status: Int32(read("status-\(n + 1)").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1,
             report: try? Report(jsonText: read("report-\(n + 1)")), raw: read("report-\(n + 1)") + read("stderr-\(n + 1)"))
        }
        return Outcome(file: relative, checks: checks, log: read("log"), sandboxStatus: r.status, sandboxError: r.stderr)
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
        XCTAssertEqual(Self.classify("nc -lnv 127.0.0.1 54321"), K.background(ready: .port("t", 54321, namespace: nil)))
        XCTAssertEqual(Self.classify("nc -ulnv 127.0.0.1 54321"), K.background(ready: .port("u", 54321, namespace: nil)))
        XCTAssertEqual(Self.classify("ip netns exec lan nc -lnv 54321"), K.background(ready: .port("t", 54321, namespace: "lan")))
        if case .skipped = Self.classify("nc 127.0.0.1 54321") {} else { XCTFail("an interactive client is netcheck's part") }
        XCTAssertEqual(Self.classify(#"echo -en "GET / HTTP/1.0\r\n\r\n" | nc 127.0.0.1 80"#), K.foreground)
        XCTAssertEqual(Self.classify("ip netns exec ns1 ping -c 3 192.0.2.2 -I 192.0.2.1"), K.foreground)
        XCTAssertEqual(Self.classify("ip netns exec ns1 ping 192.0.2.2 -I 192.0.2.1"), K.background(ready: nil))
        XCTAssertEqual(Self.classify("python3 -m http.server -b 127.0.0.1 80"), K.background(ready: .port("t", 80, namespace: nil)))
        XCTAssertEqual(Self.classify("ip netns exec client dhclient -d c-veth0"), K.background(ready: .text("bound to")))
        XCTAssertEqual(Self.classify("netcheck chapter3-veth"), K.check("chapter3-veth"))
        let (commands, _) = Self.commands("$ sudo ip netns exec server dnsmasq \\\n  --interface=s-veth0 \\\n  --no-daemon\n$ cat << 'EOF' > index.html\n<title>x</title>\nEOF\n$ ls\n")
        XCTAssertEqual(commands.map(\.text), ["ip netns exec server dnsmasq \\\n  --interface=s-veth0 \\\n  --no-daemon", "cat << 'EOF' > index.html\n<title>x</title>\nEOF", "ls"])
        XCTAssertEqual(commands.first?.kind, K.background(ready: .port("u", 67, namespace: "server")))
    }
}
