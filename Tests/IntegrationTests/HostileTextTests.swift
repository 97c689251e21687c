import Foundation
import Report
import TestSupport
import XCTest

/// Hostile input, printing side: a learner's names, process name, web page and nft rule carrying terminal
/// controls (ESC, BEL, newline) and bidi controls, graded for real in a sandbox and printed by every printer:
/// the text report, `watch`, `show --found` (text and DOT), JUnit, Gradescope, `summarize` (CSV and Markdown).
/// Nothing raw may reach them, no line may start where the learner chose, and what the learner typed must still be
/// there, escaped; the JSON report keeps it as it was.
final class HostileTextTests: XCTestCase {
    /// A namespace name: ESC, a newline and a forged check line, U+202E (RIGHT-TO-LEFT OVERRIDE).
    static let namespace = "evil\u{1b}[2J\n[ OK ] forged\u{202e}"
    static let namespaceEscaped = #"evil\e[2J\n[ OK ] forged\u202e"#
    /// An interface name (15 bytes; the kernel refuses only '/', ':' and whitespace): ESC, an OSC title, BEL, U+202E.
    static let link = "p\u{1b}[2J\u{1b}]0;x\u{7}\u{202e}q"
    static let linkEscaped = #"p\e[2J\e]0;x\x07\u202eq"#
    /// The learner's report folder for `summarize`, starting like a spreadsheet formula.
    static let formulaLearner = "=cmd|'-C calc'!A0"
    static let controlLearner = "m\u{1b}[2J\nallory\u{202e}"

    enum Printer: CaseIterable { case text, json, junit, gradescope, show, dot, watch, csv, markdown }

    /// Everything `exercise` prints after `setup`, by printer, from one sandbox.
    func printed(_ exercise: String, setup: String, learner: String, printers: Set<Printer> = Set(Printer.allCases)) throws -> [Printer: String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = ScriptSandbox.shellQuote(dir.path)
        let check = "\"$NETCHECK\" check \(exercise) --lang en --timeout 300"
        var script = """
        NSX=\(Self.bashQuote(Self.namespace)); IFX=\(Self.bashQuote(Self.link)); L=\(Self.bashQuote(learner))
        \(setup)
        set +e
        mkdir -p \(d)/reports/"$L"
        report=\(d)/reports/"$L"/\(exercise).json
        \(check) --format json > "$report"
        """
        if printers.contains(.text) { script += "\n\(check) --format text > \(d)/text" }
        if printers.contains(.junit) { script += "\n\(check) --format junit > \(d)/junit" }
        if printers.contains(.gradescope) { script += "\n\(check) --format gradescope > \(d)/gradescope" }
        if printers.contains(.show) { script += "\n\"$NETCHECK\" show \(exercise) --found --lang en > \(d)/show" }
        if printers.contains(.dot) { script += "\n\"$NETCHECK\" show \(exercise) --found --format dot > \(d)/dot" }
        if printers.contains(.watch) {
            script += """

            "$NETCHECK" watch \(exercise) --timeout 300 --idle 60 --lang en > \(d)/watch 2>&1 &
            w=$!
            for i in $(seq 300); do grep -aq "Waiting for changes" \(d)/watch && break; sleep 0.05; done
            kill $w; wait $w
            """
        }
        if printers.contains(.csv) { script += "\n\"$NETCHECK\" summarize \"$report\" > \(d)/csv" }
        if printers.contains(.markdown) { script += "\n\"$NETCHECK\" summarize --format markdown \"$report\" > \(d)/markdown" }
        script += "\nexit 0\n"
        let r = try ScriptSandbox.run(script)
        XCTAssertEqual(r.status, 0, r.stderr)
        var out: [Printer: String] = [:]
        for p in printers {
            let file = p == .json ? dir.appendingPathComponent("reports/\(learner)/\(exercise).json") : dir.appendingPathComponent("\(p)")
            let data = (try? Data(contentsOf: file)) ?? Data()
            XCTAssertNotNil(String(data: data, encoding: .utf8), "\(p): valid UTF-8")
            out[p] = String(decoding: data, as: UTF8.self)
            XCTAssertFalse(out[p]!.isEmpty, "\(p) printed nothing; stderr: \(r.stderr)")
        }
        return out
    }

    /// `s` as a bash $'…' word, every byte outside printable ASCII as \xHH.
    static func bashQuote(_ s: String) -> String {
        "$'" + s.utf8.map { b -> String in
            switch b {
            case UInt8(ascii: "'"), UInt8(ascii: "\\"): return "\\" + String(UnicodeScalar(b))
            case 0x20..<0x7f: return String(UnicodeScalar(b))
            default: return "\\x" + (b < 16 ? "0" : "") + String(b, radix: 16)
            }
        }.joined() + "'"
    }

    /// No control, format or separator character but `allowed` (netcheck's own line ends and page breaks), no
    /// line a learner started, and each of `needles` there as printed.
    func assertSafe(_ output: [Printer: String], _ needles: [Printer: [String]], file: StaticString = #filePath, line: UInt = #line) {
        for (printer, text) in output where printer != .json {
            let allowed: Set<Unicode.Scalar> = printer == .csv ? ["\n", "\r"] : printer == .watch ? ["\n", "\u{0c}"] : ["\n"]
            let raw = text.unicodeScalars.filter {
                !allowed.contains($0) && [.control, .format, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory)
            }
            XCTAssertEqual(raw.map { "U+" + String($0.value, radix: 16) }, [], "\(printer): \(text.debugDescription)", file: file, line: line)
            let forged = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
                .filter { $0.hasPrefix("[ OK ] forged") || $0.hasPrefix("[ OK ] pwn") || $0.hasPrefix("allory") }
            XCTAssertEqual(forged, [], "\(printer): a line starts where the learner chose", file: file, line: line)
            for needle in needles[printer] ?? [] {
                XCTAssertTrue(text.contains(needle), "\(printer) should show \(needle):\n\(text)", file: file, line: line)
            }
        }
    }

    /// chapter3-router with gw-veth0 left in a namespace named with ESC and a forged line, and ns2-veth0 paired with
    /// an interface in router named with ESC, OSC and U+202E instead of gw-veth1. The report folder starts with `=`.
    func testNamespaceAndInterfaceNames() throws {
        let out = try printed("chapter3-router", setup: """
            ip netns add ns1; ip netns add router; ip netns add ns2; ip netns add "$NSX"
            ip link add ns1-veth0 type veth peer name gw-veth0
            ip link add ns2-veth0 type veth peer name "$IFX"
            ip link add gw-veth1 type veth peer name spare0
            ip link set ns1-veth0 netns ns1
            ip link set gw-veth0 netns "$NSX"
            ip link set gw-veth1 netns router
            ip link set "$IFX" netns router
            ip link set ns2-veth0 netns ns2
            """, learner: Self.formulaLearner)
        let moved = "gw-veth0 is in namespace \(Self.namespaceEscaped), not in router"
        let paired = "ns2-veth0 in ns2 is paired with \(Self.linkEscaped) in router, not with gw-veth1 in router"
        let move = "ip netns exec \(Self.namespaceEscaped) ip link set gw-veth0 netns router"
        assertSafe(out, [
            .text: [moved, paired, move], .watch: [moved, paired],
            .show: ["✗ gw-veth0 is in \(Self.namespaceEscaped), not in router (`\(move)`)",
                    "✗ veth ns2-veth0 ─ gw-veth1: ns2-veth0's peer is \(Self.linkEscaped) (router), expected gw-veth1 (router)"],
            .junit: [moved], .gradescope: [moved.replacingOccurrences(of: "\\", with: "\\\\")],
            .csv: ["'=cmd|'-C calc'!A0,chapter3-router,"], .markdown: [#"| =cmd\|'-C calc'!A0 | chapter3-router |"#],
        ])
        let report = try Report(jsonText: try XCTUnwrap(out[.json]))
        XCTAssertTrue(report.checks.contains { $0.observed.contains("gw-veth0 is in namespace \(Self.namespace), not in router") },
                      "the JSON report keeps the name as it is")
        XCTAssertTrue(report.checks.contains { $0.observed.contains("paired with \(Self.link) in router") })
    }

    /// A listener whose process name (/proc/PID/comm, set with prctl) holds ESC and a newline before a forged
    /// line, on the wrong address so that the report shows it. It was cut at the newline, and its ESC printed raw.
    func testProcessName() throws {
        let out = try printed("chapter5-tcp", setup: pythonServer("""
            import ctypes, socket, time
            ctypes.CDLL(None).prctl(15, b"\\x1b[2J\\n[ OK ] pwn", 0, 0, 0)
            s = socket.socket(); s.bind(("127.0.0.2", 54321)); s.listen(); time.sleep(120)
            """), learner: Self.controlLearner, printers: [.text, .json, .watch, .csv, .markdown])
        let seen = #"TCP 127.0.0.2:54321 (\e[2J\n[ OK ] pwn (pid "#
        assertSafe(out, [.text: [seen], .watch: [seen], .csv: [#"m\e[2J\nallory\u202e,chapter5-tcp,"#],
                         .markdown: [#"| m\\e[2J\\nallory\\u202e | chapter5-tcp |"#]])
        let report = try Report(jsonText: try XCTUnwrap(out[.json]))
        XCTAssertTrue(report.checks.contains { $0.observed.contains("(\u{1b}[2J\n[ OK ] pwn (pid ") }, "the whole comm, as it is")
    }

    /// An HTTP server whose status line and page title carry ESC, a newline before a forged line and bidi controls.
    func testHTTPStatusLineAndTitle() throws {
        let out = try printed("chapter6-http", setup: pythonServer("""
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", 80)); s.listen()
            while True:
                c, _ = s.accept()
                c.recv(4096)
                c.sendall(b"HTTP/1.0 200 OK\\x1b[2J\\xe2\\x80\\xae\\r\\nContent-Type: text/html\\r\\n\\r\\n"
                          b"<html><title>Hello\\x1b[2J\\n[ OK ] forged\\xe2\\x81\\xa6</title></html>")
                c.close()
            """, port: 80), learner: Self.controlLearner, printers: [.text, .json, .junit, .gradescope, .watch])
        let seen = #"HTTP/1.0 200 OK\e[2J\u202e; title: "Hello\e[2J\n[ OK ] forged\u2066""#
        assertSafe(out, [.text: [seen], .watch: [seen], .junit: [seen.replacingOccurrences(of: "\"", with: "&quot;")],
                         .gradescope: [seen.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")]])
        let report = try Report(jsonText: try XCTUnwrap(out[.json]))
        XCTAssertTrue(report.checks.contains { $0.observed.contains("Hello\u{1b}[2J\n[ OK ] forged\u{2066}") })
    }

    /// A masquerade rule with an ESC in its output interface and an ESC, BEL and U+202E in its comment: the hint
    /// quotes the rule.
    func testNftRuleAndComment() throws {
        let out = try printed("chapter7-snat", setup: try withoutNAT("chapter7-snat") + """

            OIF=$'gw\\x1b[2Jveth1'; COMMENT=$'x\\x1b]0;pwn\\x07\\xe2\\x80\\xaey'
            ip netns exec router nft add table ip nat
            ip netns exec router nft 'add chain ip nat POSTROUTING { type nat hook postrouting priority srcnat; }'
            ip netns exec router nft add rule ip nat POSTROUTING ip saddr 192.0.2.0/24 oifname "\\"$OIF\\"" masquerade comment "\\"$COMMENT\\""
            """, learner: Self.controlLearner, printers: [.text, .json, .watch])
        let leaving = #"applies to packets leaving gw\e[2Jveth1, but they leave by gw-veth1"#
        let comment = #"comment "x\e]0;pwn\x07\u202ey""#
        assertSafe(out, [.text: [leaving, comment], .watch: [leaving, comment]])
        let report = try Report(jsonText: try XCTUnwrap(out[.json]))
        XCTAssertTrue(report.checks.contains { ($0.observed + $0.hint).contains("comment \"x\u{1b}]0;pwn\u{7}\u{202e}y\"") }, "\(report.checks.map(\.observed))")
    }
}
