import SafeText
import Foundation
import JSON
import XCTest
@testable import Report

/// Hostile input, printing side: learner text with terminal controls, bidi controls and formula prefixes, through
/// every writer. (The sandboxed runs with real hostile names are IntegrationTests' HostileTextTests.)
final class HostileTextTests: XCTestCase {
    /// A namespace name as a learner can make it (`ip netns add "$(printf 'evil\e[2J\n[ OK ] forged\u202e')"`).
    static let evil = "evil\u{1b}[2J\n[ OK ] forged\u{202e}"
    static let evilEscaped = #"evil\e[2J\n[ OK ] forged\u202e"#

    let report = Report(exercise: "chapter3-router", title: "Router", checks: [
        CheckResult(id: "router.link.gw-veth0", title: "gw-veth0 in router", status: .fail, expected: "gw-veth0 in router",
                    observed: "gw-veth0 is in namespace \(evil), not in router",
                    hint: "Move it: `ip netns exec \(evil) ip link set gw-veth0 netns router`.\u{0}\u{7}",
                    evidence: ["line\r\u{85}\u{2028}\u{feff}\u{e0041}"], note: "n\u{1b}]0;title\u{7}"),
        CheckResult(id: "ns1.netns", title: "namespace ns1 exists", status: .pass, expected: "ns1", observed: "ns1", hint: ""),
    ], durationMs: 5, netcheckVersion: "0.1.0")

    /// Control, format and separator characters other than `allowed`, as found in `text`.
    static func raw(_ text: String, allowed: Set<Unicode.Scalar> = ["\n"]) -> [String] {
        text.unicodeScalars.filter { s in
            !allowed.contains(s) && (TerminalText.needsEscape(s) || [.control, .format, .lineSeparator, .paragraphSeparator].contains(s.properties.generalCategory))
        }.map { "U+" + String($0.value, radix: 16) }
    }

    func testEscapeIsVisibleAndLosesNothing() {
        XCTAssertEqual(TerminalText.escape(Self.evil), Self.evilEscaped)
        XCTAssertEqual(TerminalText.escape("a\u{0}b\u{7}c\u{7f}d\te\rf"), #"a\x00b\x07c\x7fd\te\rf"#)
        XCTAssertEqual(TerminalText.escape("\u{85}\u{9b}\u{200e}\u{200f}\u{61c}\u{2066}\u{2069}\u{202a}\u{2028}\u{2029}\u{feff}\u{200b}\u{fffe}"),
                       #"\u0085\u009b\u200e\u200f\u061c\u2066\u2069\u202a\u2028\u2029\ufeff\u200b\ufffe"#)
        XCTAssertEqual(TerminalText.escape("flag\u{e0067}"), #"flag\U000e0067"#)
        for plain in ["ns1-veth0", "ルーター「ns1」", "é e\u{301} 日本 😀", #"printf 'a\n' \ ok"#, ""] {
            XCTAssertEqual(TerminalText.escape(plain), plain, "printable text is left alone")
        }
    }

    func testExcerptCountsScalars() {
        XCTAssertEqual(TerminalText.excerpt("abc", limit: 3), "abc")
        XCTAssertEqual(TerminalText.excerpt("abcd", limit: 3), "abc…")
        let zalgo = "x" + String(repeating: "\u{301}", count: 100_000)
        XCTAssertEqual(zalgo.count, 1, "one character")
        XCTAssertEqual(TerminalText.excerpt(zalgo, limit: 120).unicodeScalars.count, 121)
    }

    /// The text report (and `watch`, which prints it): every learner field escaped, netcheck's own colours kept,
    /// no line a learner started.
    func testTextReport() {
        for color in [false, true] {
            let text = TextRenderer(language: .en, color: color).render(report)
            let escapes = text.components(separatedBy: "\u{1b}").dropFirst()
            XCTAssertTrue(escapes.allSatisfy { $0.hasPrefix("[0m") || $0.wholeMatch(of: /\[\d+m.*/.dotMatchesNewlines()) != nil },
                          "only netcheck's colour codes: \(text.debugDescription)")
            XCTAssertEqual(Self.raw(text, allowed: ["\n", "\u{1b}"]), [], text.debugDescription)
            if !color { XCTAssertEqual(Self.raw(text), []) }
            XCTAssertFalse(text.split(separator: "\n").contains { $0.hasPrefix("[ OK ] forged") }, text)
            XCTAssertTrue(text.contains("observed: gw-veth0 is in namespace \(Self.evilEscaped), not in router"), text)
            XCTAssertTrue(text.contains(#"netns router`.\x00\x07"#), text)
            XCTAssertTrue(text.contains(#"line\r\u0085\u2028\ufeff\U000e0041"#), text)
            XCTAssertTrue(text.contains(#"n\e]0;title\x07"#), text)
        }
    }

    /// The JSON report stays faithful: every character back as it was (json-c escapes), but U+0000, which is written as
    /// U+FFFD (the reader refuses U+0000: C would cut a string there), and valid UTF-8.
    func testJSONIsFaithful() throws {
        let text = report.jsonText()
        XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "json-c escapes control characters")
        XCTAssertNotNil(String(data: Data(text.utf8), encoding: .utf8))
        var expected = report
        expected.checks = report.checks.map { var c = $0; c.hint = c.hint.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"); return c }
        XCTAssertEqual(try Report(jsonText: text), expected)
    }

    /// Gradescope shows `output` and `name` to a person: escaped there, the JSON around them valid.
    func testGradescope() throws {
        let o = try XCTUnwrap(JSON.parse(GradescopeWriter().write(report)).object)
        let tests = try XCTUnwrap(o["tests"]?.array)
        let output = try XCTUnwrap(tests[0].object?["output"]?.string)
        XCTAssertEqual(Self.raw(output), [], output.debugDescription)
        XCTAssertTrue(output.contains("observed: gw-veth0 is in namespace \(Self.evilEscaped), not in router"), output)
        XCTAssertEqual(output.split(separator: "\n").count, 4, "expected, observed, hint, one evidence line: \(output)")
    }

    /// JUnit: XML 1.0 cannot carry most C0 characters even as references; they are escaped visibly, not dropped.
    func testJUnit() throws {
        let xml = JUnitWriter().write(report)
        XCTAssertEqual(Self.raw(xml), [], xml.debugDescription)
        XCTAssertTrue(xml.contains(#"netns router`.\x00\x07""#), xml)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-hostile-\(UUID().uuidString).xml")
        try xml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try python(["-c", """
            import sys, xml.etree.ElementTree as ET
            t = ET.parse(sys.argv[1]).getroot()
            f = t.find('testsuite/testcase/failure')
            sys.stdout.write(f.get('message') + '|' + f.text)
            """, file.path])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(r.output, TerminalText.escape(report.checks[0].hint) + "|expected: gw-veth0 in router\nobserved: gw-veth0 is in namespace \(Self.evilEscaped), not in router\n" + #"line\r\u0085\u2028\ufeff\U000e0041"#)
    }

    /// CSV cells a spreadsheet would run as formulas (OWASP: = + - @ tab CR at the start) get a leading `'`;
    /// controls are escaped; the Markdown table keeps one row per line and its columns.
    func testSummaryCells() {
        let rows = ["=HYPERLINK(\"http://x\",\"y\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", Self.evil, "a|b\nc", "plain"].map {
            SummaryRow(learner: $0, exercise: "chapter3-veth", score: 1, maxScore: 2, passed: false, failed: ["ns1.netns"])
        }
        let csv = Summary.csv(rows)
        XCTAssertEqual(Self.raw(csv, allowed: ["\r", "\n"]), [])
        let lines = csv.components(separatedBy: "\r\n")
        XCTAssertEqual(lines.count, rows.count + 2, "one line per row: \(csv.debugDescription)")
        XCTAssertEqual(Array(lines[1...9]), [
            #""'=HYPERLINK(""http://x"",""y"")",chapter3-veth,1,2,false,ns1.netns"#,
            "'+1,chapter3-veth,1,2,false,ns1.netns",
            "'-2+3,chapter3-veth,1,2,false,ns1.netns",
            "'@SUM(A1),chapter3-veth,1,2,false,ns1.netns",
            #"\tx,chapter3-veth,1,2,false,ns1.netns"#,
            #"\rx,chapter3-veth,1,2,false,ns1.netns"#,
            "\(Self.evilEscaped),chapter3-veth,1,2,false,ns1.netns",
            #"a|b\nc,chapter3-veth,1,2,false,ns1.netns"#,
            "plain,chapter3-veth,1,2,false,ns1.netns",
        ])
        XCTAssertTrue(Summary.csv([SummaryRow(learner: "bob", exercise: "=1+1", score: 0, maxScore: 1, passed: false, failed: ["-x", "y"])])
            .hasSuffix("\r\nbob,'=1+1,0,1,false,'-x y\r\n"))
        XCTAssertTrue(Summary.csv([SummaryRow(learner: "bob", exercise: "e", score: 1, maxScore: 1, passed: true, failed: [])])
            .hasSuffix("\r\nbob,e,1,1,true,-\r\n"), "netcheck's own '-' is not a formula")

        let md = Summary.markdown(rows)
        XCTAssertEqual(Self.raw(md), [])
        let mdLines = md.split(separator: "\n")
        XCTAssertEqual(mdLines.count, rows.count + 2)
        XCTAssertTrue(mdLines.allSatisfy { $0.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count == 7 }, md)
        XCTAssertTrue(md.contains(#"| a\|b\\nc | chapter3-veth |"#), md)
    }
}
