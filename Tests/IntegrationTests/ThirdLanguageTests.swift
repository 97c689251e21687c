import Foundation
import Report
import TestSupport
import XCTest

/// A language netcheck has never heard of, added by files only: a small French catalogue in a folder of its own
/// (`--messages DIR` or NETCHECK_MESSAGES) and a `"fr"` title in a copy of an exercise file. What it translates is
/// said in French, everything else in English, message by message; no Swift is edited.
final class ThirdLanguageTests: XCTestCase {
    var dir: URL!
    var messages: String { dir.appendingPathComponent("messages").path }
    var exercises: String { dir.appendingPathComponent("exercises").path }

    /// A handful of messages, one of them plural (French has one, many and other).
    static let french = #"""
    {
      "check.namespace.title": "l'espace de noms {namespace} existe",
      "cause.namespaceMissing.finding": "l'espace de noms {namespace} n'existe pas",
      "skip.namespaceMissing": "l'espace de noms {namespace} n'est pas là (voir {namespace}.netns)",
      "report.label.expected": "attendu :",
      "report.label.observed": "constaté :",
      "report.label.hint": "conseil :",
      "report.summary.checks": "{passed}/{total} vérifications réussies.",
      "capture.omitted.unkept": {"one": "{count} trame de plus sur {link}, non montrée ({first} gardées)",
                                 "many": "{count} de trames de plus sur {link}, non montrées ({first} gardées)",
                                 "other": "{count} trames de plus sur {link}, non montrées ({first} gardées)"}
    }
    """#

    static let frenchTitle = "Deux espaces de noms reliés par une paire veth"

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-fr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: messages, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: exercises, withIntermediateDirectories: true)
        try Self.french.write(toFile: messages + "/fr.json", atomically: true, encoding: .utf8)
        // The book's exercise with a French title beside its English and Japanese ones.
        let original = TestPaths.packageRoot.appendingPathComponent("Exercises/chapter3-veth.json").path
        let text = try String(contentsOfFile: original, encoding: .utf8)
        let japanese = "\"ja\": \"veth ペアで 2 つのネームスペースをつなぐ\""
        XCTAssertTrue(text.contains(japanese))
        try text.replacingOccurrences(of: japanese, with: japanese + ",\n    \"fr\": \"\(Self.frenchTitle)\"")
            .write(toFile: exercises + "/chapter3-veth.json", atomically: true, encoding: .utf8)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    /// No namespace exists in the sandbox: every check fails or is skipped, in French where the catalogue says it.
    func testAFrenchCatalogueInAFolderOfItsOwn() throws {
        let r = try ScriptSandbox.run("""
            "$NETCHECK" check chapter3-veth --exercises \(ScriptSandbox.shellQuote(exercises)) \
              --messages \(ScriptSandbox.shellQuote(messages)) --lang fr --format text --timeout 200
            """)
        XCTAssertEqual(r.status, 1, r.stderr)
        let out = r.stdout
        XCTAssertTrue(out.hasPrefix(Self.frenchTitle + "  (chapter3-veth)"), "the exercise's own French title:\n\(out)")
        XCTAssertTrue(out.contains("[FAIL] l'espace de noms ns1 existe  [ns1.netns]"), out)
        // Labels padded to the widest French one.
        XCTAssertTrue(out.contains("       attendu :  /run/netns/ns1 exists\n"), "translated label, English expectation:\n\(out)")
        XCTAssertTrue(out.contains("       constaté : l'espace de noms ns1 n'existe pas\n"), out)
        // The finding in French, the fix (not translated) in English, in one hint.
        XCTAssertTrue(out.contains("       conseil :  l'espace de noms ns1 n'existe pas. Create it: `ip netns add ns1`.\n"), out)
        XCTAssertTrue(out.contains("l'espace de noms ns1 n'est pas là (voir ns1.netns)"), out)
        XCTAssertTrue(out.contains("Step 1/"), "a step heading French does not have is in English:\n\(out)")
        XCTAssertTrue(out.contains(" vérifications réussies."), out)
        XCTAssertFalse(out.contains("checks passed"), out)
    }

    /// The same from the environment: LANG=fr_CA.UTF-8 speaks fr-CA, which falls back on fr, then English;
    /// NETCHECK_MESSAGES names the folder. The JSON report carries the French texts.
    func testTheLocaleAndTheEnvironmentFindIt() throws {
        let r = try ScriptSandbox.run("""
            LC_ALL= LC_MESSAGES= LANG=fr_CA.UTF-8 NETCHECK_MESSAGES=\(ScriptSandbox.shellQuote(messages)) \
              "$NETCHECK" check chapter3-veth --exercises \(ScriptSandbox.shellQuote(exercises)) --format json --timeout 200
            """)
        XCTAssertEqual(r.status, 1, r.stderr)
        let report = try Report(jsonText: r.stdout)
        XCTAssertEqual(report.title, Self.frenchTitle)
        XCTAssertEqual(report.checks.first { $0.id == "ns2.netns" }?.title, "l'espace de noms ns2 existe")
        XCTAssertEqual(report.checks.first { $0.id == "ns1.addr.192.0.2.1" }?.title, "ns1-veth0 in ns1 has 192.0.2.1/24", "English for the rest")
    }

    /// `netcheck lint` checks a catalogue against en.json: what it translates, and what is wrong with it.
    func testLintChecksTheCatalogue() throws {
        let ok = try runProcess(TestPaths.netcheck, ["lint", messages + "/fr.json", exercises + "/chapter3-veth.json"])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let english = try JSONSerialization.jsonObject(with: Data(contentsOf: TestPaths.packageRoot.appendingPathComponent("Messages/en.json"))) as! [String: Any]
        XCTAssertEqual(ok.stdout, """
            \(messages)/fr.json: ok (8 of \(english.count) messages; the others are said in English)
            \(exercises)/chapter3-veth.json: ok (8 checks)

            """)
        try #"{"check.namespace.title": "l'espace {nom} existe", "cause.nothing.such": "x", "capture.omitted.unkept": {"one": "{count}", "other": "{count}"}}"#
            .write(toFile: messages + "/fr.json", atomically: true, encoding: .utf8)
        let broken = try runProcess(TestPaths.netcheck, ["lint", messages + "/fr.json"])
        XCTAssertEqual(broken.status, 2)
        XCTAssertEqual(broken.stderr, """
            netcheck: \(messages)/fr.json: check.namespace.title: uses {nom}, which the English message does not have (it has {namespace})
            netcheck: \(messages)/fr.json: cause.nothing.such: is not a message of \(TestPaths.packageRoot.path)/Messages/en.json
            netcheck: \(messages)/fr.json: capture.omitted.unkept: has the plural forms one, other; fr has one, many, other

            """)
        // A broken catalogue stops a run before it starts, with status 2.
        let run = try runProcess(TestPaths.netcheck, ["show", "chapter3-veth", "--exercises", exercises, "--messages", messages, "--lang", "fr"])
        XCTAssertEqual(run.status, 0, "the catalogue parses; what lint finds is no reason to stop: \(run.stderr)")
        try "{\"check.namespace.title\": 3}".write(toFile: messages + "/fr.json", atomically: true, encoding: .utf8)
        let stopped = try runProcess(TestPaths.netcheck, ["show", "chapter3-veth", "--exercises", exercises, "--messages", messages, "--lang", "fr"])
        XCTAssertEqual(stopped.status, 2)
        XCTAssertEqual(stopped.stderr, "netcheck: \(messages)/fr.json: check.namespace.title: expected a string or an object of plural forms, found number\n")
    }
}
