import Foundation
@testable import Grading
import Report
import XCTest

/// `netcheck show`: the topology model built from exercise files, and its text and DOT drawings.
///
/// The drawings are compared with golden files in `Tests/GradingTests/Golden/`. After an intended change to
/// the drawing, regenerate them and review the diff:
///
///     NETCHECK_UPDATE_GOLDEN=1 swift test --filter TopologyTests
///
/// (with the variable set, each golden test writes its file instead of comparing, and passes).
final class TopologyTests: XCTestCase {
    let catalog = ExerciseCatalog(directory: ExerciseLoaderTests.root.appendingPathComponent("Exercises").path)
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// Compares `text` with `Golden/<name>`, or writes it there when NETCHECK_UPDATE_GOLDEN=1.
    func assertGolden(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["NETCHECK_UPDATE_GOLDEN"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text, expected, "\(name) differs; if intended, regenerate with NETCHECK_UPDATE_GOLDEN=1", file: file, line: line)
    }

    func testGoldenDrawings() throws {
        let router = try catalog.load("chapter3-router")
        try assertGolden(TopologyText(language: .en).render(router), "chapter3-router.en.txt")
        try assertGolden(TopologyText(language: .ja).render(router), "chapter3-router.ja.txt")
        try assertGolden(TopologyText(language: .en).render(try catalog.load("chapter4-bridge-netns")), "chapter4-bridge-netns.en.txt")
        try assertGolden(TopologyText(language: .en).render(try catalog.load("chapter3-multi-router")), "chapter3-multi-router.en.txt")
        try assertGolden(TopologyDot(language: .en).render(try catalog.load("chapter7-dnat")), "chapter7-dnat.dot")
    }

    func testDisplayWidth() {
        XCTAssertEqual(displayWidth(""), 0)
        XCTAssertEqual(displayWidth("ns1-veth0"), 9)
        XCTAssertEqual(displayWidth("ルーター"), 8)
        XCTAssertEqual(displayWidth("現在の状態:"), 11)
        XCTAssertEqual(displayWidth("ＡＢ"), 4, "fullwidth forms")
        XCTAssertEqual(displayWidth("┌─┐✓✗"), 5, "box drawing and marks are narrow")
        XCTAssertEqual(displayWidth("e\u{301}"), 1, "a combining accent adds nothing")
        XCTAssertEqual(padDisplay("ルーター", to: 10), "ルーター  ")
        XCTAssertEqual(padDisplay("too long", to: 3), "too long")
    }

    func testEveryExerciseDrawsWithAlignedBoxes() throws {
        for id in try catalog.ids() {
            let exercise = try catalog.load(id)
            for language in [Language.en, .ja] {
                let lines = TopologyText(language: language).render(Topology(exercise: exercise))
                let boxRows = lines.prefix { $0 != TopologyText(language: language).text(en: "links:", ja: "リンク:") }
                // Every row ends at the same column on its last border (rows are trimmed only of spaces).
                let widths = Set(boxRows.map(displayWidth))
                XCTAssertEqual(widths.count, 1, "\(id) \(language): rows of different widths:\n\(lines.joined(separator: "\n"))")
            }
            XCTAssertTrue(TopologyDot(language: .en).render(exercise).hasPrefix("graph netcheck {"))
        }
    }

    func testModelFromBridgeExercise() throws {
        let t = Topology(exercise: try catalog.load("chapter4-bridge"))
        XCTAssertEqual(t.namespaces.map(\.name), ["ns1", "ns2", "ns3", "root"], "root comes last, only because links live there")
        XCTAssertEqual(t.namespaces[3].drawingOrder.map(\.name), ["br0", "ns1-br0", "ns2-br0", "ns3-br0"])
        XCTAssertEqual(t.wires.count, 3)
        XCTAssertEqual(t.namespaces[0].interfaces.first?.mac, "00:00:5e:00:53:01")
    }

    /// A found picture marks the wrong interface and veth line, and lists the problems in the chosen language.
    func testFoundMarksWrongParts() throws {
        let exercise = try catalog.load("chapter3-router")
        var found = Topology(exercise: exercise)
        for i in found.namespaces.indices {
            found.namespaces[i].mark = .ok
            for j in found.namespaces[i].interfaces.indices { found.namespaces[i].interfaces[j].mark = .ok }
        }
        for k in found.wires.indices { found.wires[k].mark = .ok }
        found.namespaces[2].interfaces[0].addresses = ["198.51.100.10/24"]
        found.namespaces[2].interfaces[0].mark = .wrong
        found.namespaces[2].interfaces[0].problems = [Localized(en: "ns2/ns2-veth0 lacks 198.51.100.1/24", ja: "アドレスがありません")]
        let en = TopologyText(language: .en).render(exercise, found: found)
        XCTAssertTrue(en.contains("│ ✗ ns2-veth0  198.51.100.10/24 │"), en)
        XCTAssertTrue(en.contains("│ ✓ ns1-veth0  192.0.2.1/24 ├"), en)
        XCTAssertTrue(en.hasSuffix("✗ ns2/ns2-veth0 lacks 198.51.100.1/24\n"), en)
        let ja = TopologyText(language: .ja).render(exercise, found: found)
        XCTAssertTrue(ja.contains("現在の状態:") && ja.contains("✗ アドレスがありません"), ja)
        let dot = TopologyDot(language: .en).render(exercise, found: found)
        XCTAssertTrue(dot.contains(#""found:ns2/ns2-veth0" [label="ns2-veth0\n198.51.100.10/24", color="red""#), dot)
    }

    func testDotQuotesEverything() {
        let dot = TopologyDot(language: .en)
        XCTAssertEqual(dot.quote(#"a "b" \c"#), #""a \"b\" \\c""#)
        XCTAssertEqual(dot.escape("x\ny"), #"x\ny"#)
    }
}
