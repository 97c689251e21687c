import Addresses
import SafeText
import Foundation
@testable import Grading
import NetlinkWire
import Report
import XCTest

/// Hostile input, printing side: names with terminal and bidi controls in `show`'s drawings, and learner text
/// copied into a report kept short. (The sandboxed runs are IntegrationTests' HostileTextTests.)
final class HostileTextTests: XCTestCase {
    let catalog = ExerciseCatalog(directory: ExerciseLoaderTests.root.appendingPathComponent("Exercises").path)
    /// 11 bytes, a valid interface name (`ip link add "$(printf 'n\e[2J\u202ex')" type veth …`).
    static let evilLink = "n\u{1b}[2J\u{202e}x"
    static let evilLinkEscaped = #"n\e[2J\u202ex"#
    static let evilNamespace = "evil\u{1b}[2J\n[ OK ] forged\u{202e}"
    static let evilNamespaceEscaped = #"evil\e[2J\n[ OK ] forged\u202e"#

    static func raw(_ text: String) -> [String] {
        text.unicodeScalars.filter { $0 != "\n" && TerminalText.needsEscape($0) }.map { "U+" + String($0.value, radix: 16) }
    }

    /// chapter3-veth with ns2-veth0 named with ESC and U+202E, and a title and description with controls, as an
    /// exercise file may carry them.
    func hostileExercise() throws -> Exercise {
        var e = try catalog.load("chapter3-veth")
        e.title = Localized("Two namespaces\n[ OK ] forged\u{1b}[31m")
        e.description = Localized("bell\u{7} nul\u{0} rtl\u{202e}")
        for i in e.links.indices {
            if e.links[i].name == "ns2-veth0" { e.links[i].name = Self.evilLink }
            if e.links[i].peer?.name == "ns2-veth0" { e.links[i].peer?.name = Self.evilLink }
        }
        for i in e.addresses.indices where e.addresses[i].link == "ns2-veth0" { e.addresses[i].link = Self.evilLink }
        return e
    }

    /// `show` and `show --found` as text: escaped, the boxes still aligned (widths counted on the escapes).
    func testTextDrawing() throws {
        let exercise = try hostileExercise()
        var found = Topology(exercise: exercise)
        found.namespaces[1].name = Self.evilNamespace
        found.namespaces[1].mark = .wrong
        found.namespaces[1].problems = [Localized("ns2-veth0 is in \(Self.evilNamespace), not in ns2")]
        found.wires[0].mark = .wrong
        found.wires[0].problems = [Localized("veth: ns1-veth0's peer is \(Self.evilLink) (\(Self.evilNamespace))")]
        for text in [TopologyText(language: .en).render(exercise), TopologyText(language: .en).render(exercise, found: found)] {
            XCTAssertEqual(Self.raw(text), [], text.debugDescription)
            XCTAssertFalse(text.split(separator: "\n").contains { $0.hasPrefix("[ OK ]") }, text)
            XCTAssertTrue(text.hasPrefix(#"chapter3-veth: Two namespaces\n[ OK ] forged\e[31m"# + "\n" + #"bell\x07 nul\x00 rtl\u202e"# + "\n"), text)
            XCTAssertTrue(text.contains("\(Self.evilLinkEscaped)  192.0.2.2/24"), text)
        }
        let pictures = TopologyText(language: .en).render(exercise, found: found).components(separatedBy: "\n\n")
        let drawn = try XCTUnwrap(pictures.first { $0.hasPrefix("Found now:") })
        let rows = drawn.split(separator: "\n").dropFirst().prefix { !$0.hasPrefix("links:") }.map { displayWidth(String($0)) }
        XCTAssertEqual(Set(rows).count, 1, "every row of the found picture as wide as the others:\n\(drawn)")
        let text = TopologyText(language: .en).render(exercise, found: found)
        XCTAssertTrue(text.contains("┌─ ✗ \(Self.evilNamespaceEscaped) ─"), text)
        XCTAssertTrue(text.contains("✗ ns2-veth0 is in \(Self.evilNamespaceEscaped), not in ns2\n"), text)
        XCTAssertTrue(text.contains("✗ veth: ns1-veth0's peer is \(Self.evilLinkEscaped) (\(Self.evilNamespaceEscaped))\n"), text)
    }

    /// DOT: its own quoting on top of the escapes (a backslash of an escape doubled), nothing raw in the file.
    func testDotDrawing() throws {
        let exercise = try hostileExercise()
        var found = Topology(exercise: exercise)
        found.namespaces[1].name = Self.evilNamespace
        let dot = TopologyDot(language: .en).render(exercise, found: found)
        XCTAssertEqual(Self.raw(dot), [], dot)
        XCTAssertTrue(dot.contains(#"label="chapter3-veth: Two namespaces\\n[ OK ] forged\\e[31m";"#), dot)
        XCTAssertTrue(dot.contains(#""expected:ns2/n\\e[2J\\u202ex" [label="n\\e[2J\\u202ex\n192.0.2.2/24"];"#), dot)
        XCTAssertTrue(dot.contains(#"label="evil\\e[2J\\n[ OK ] forged\\u202e";"#), dot)
        XCTAssertFalse(dot.split(separator: "\n").contains { $0.hasPrefix("[ OK ]") }, dot)
    }

    /// A page title of one character carrying 100,000 combining accents was copied whole (the cut counted
    /// characters); controls in it reach the JSON report as they were, cut.
    func testHTTPTitleAndStatusAreCut() {
        let spec = ServiceSpec(namespace: "root", transport: .tcp, address: IPv4Address(127, 0, 0, 1), port: 80, talk: .http,
                               title: "Hello, World", command: nil)
        let accents = String(repeating: "\u{301}", count: 100_000)
        let reply = Array("HTTP/1.0 200 OK\(accents)\r\n\r\n<title>x\(accents)</title>".utf8)
        let t = HTTPTalk.judge(spec, reply: reply)
        XCTAssertLessThan(t.observed.en.unicodeScalars.count, 400, "cut in scalars")
        XCTAssertLessThan(t.observed.ja.unicodeScalars.count, 400)
        let evil = HTTPTalk.judge(spec, reply: Array("HTTP/1.0 200 OK\u{1b}[2J\r\n\r\n<title>\u{1b}]0;x\u{7}\u{202e}</title>".utf8))
        XCTAssertEqual(evil.observed.en, "HTTP/1.0 200 OK\u{1b}[2J; title: \"\u{1b}]0;x\u{7}\u{202e}\"", "faithful for the JSON report")
    }

    /// An nft rule (a set of thousands of addresses, a long comment) and a ruleset of thousands of NAT rules were
    /// quoted whole in the hint.
    func testNATRulesAreCut() {
        let rule = "ip saddr { " + (0..<500).map { "10.0.\($0 / 256).\($0 % 256)" }.joined(separator: ", ") + " } masquerade"
        let many = Cause.natNotApplied(namespace: "router", rules: Array(repeating: rule, count: 200), command: nil).finding
        XCTAssertLessThan(many.en.unicodeScalars.count, 3000, String(many.en.prefix(500)))
        XCTAssertLessThan(many.ja.unicodeScalars.count, 3000)
        XCTAssertTrue(many.en.contains("ip saddr { 10.0.0.0, 10.0.0.1"), String(many.en.prefix(500)))
        XCTAssertTrue(many.en.contains("…"), "what was left out is marked")
        let name = String(repeating: "c", count: 100_000)
        for cause in [Cause.natWrongInterface(namespace: "router", rule: rule, found: name, expected: "gw-veth1", command: nil),
                      .natWrongChain(namespace: "router", rule: rule, found: name, expected: "POSTROUTING", command: nil),
                      .natWrongMatch(namespace: "router", rule: rule, what: Localized("x"), command: nil),
                      .natWrongTarget(namespace: "router", rule: rule, found: "192.0.2.9", expected: "192.0.2.1", command: nil)] {
            XCTAssertLessThan(cause.finding.en.unicodeScalars.count, 1000, "\(cause)".prefix(200).description)
            XCTAssertLessThan(cause.hint.ja.unicodeScalars.count, 1500)
        }
    }
}
