import Foundation
import Report
import TestSupport
import XCTest

/// The commands for exercise authors and instructors: `netcheck lint` and `netcheck summarize`.
final class ToolsCLITests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-tools-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func testLintAcceptsEveryExercise() throws {
        let exercises = TestPaths.packageRoot.appendingPathComponent("Exercises")
        let files = try FileManager.default.contentsOfDirectory(atPath: exercises.path).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertFalse(files.isEmpty)
        let r = try runProcess(TestPaths.netcheck, ["lint"] + files.map { "Exercises/\($0)" })
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stderr, "")
        XCTAssertEqual(r.stdout.split(separator: "\n").count, files.count)
        XCTAssertTrue(r.stdout.contains("Exercises/chapter3-router.json: ok (18 checks)\n"), r.stdout)
    }

    /// Variants are looked up beside the file: a missing one is an error at its place, naming itself is one too,
    /// two files naming each other are fine.
    func testLintChecksVariants() throws {
        func write(_ id: String, _ variants: String) throws -> String {
            let file = dir.appendingPathComponent("\(id).json")
            try "{\"id\": \"\(id)\",\n \"title\": {\"en\": \"T\", \"ja\": \"T\"},\n \"namespaces\": [\"ns1\"],\n \"variants\": \(variants)}"
                .write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }
        let a = try write("layout-a", "[\"layout-b\"]"), b = try write("layout-b", "[\"layout-a\"]")
        let ok = try runProcess(TestPaths.netcheck, ["lint", a, b])
        XCTAssertEqual(ok.status, 0, ok.stderr)
        XCTAssertEqual(ok.stdout, "\(a): ok (1 checks; variants: layout-b)\n\(b): ok (1 checks; variants: layout-a)\n")
        let missing = try write("layout-c", "[\"layout-a\", \"layuot-b\"]")
        let selfish = try write("layout-d", "[\"layout-d\"]")
        let r = try runProcess(TestPaths.netcheck, ["lint", missing, selfish])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("\(missing): /variants/1: field \"variants\": no exercise \"layuot-b\" in \(dir.path) (did you mean \"layout-b\"?)"), r.stderr)
        XCTAssertTrue(r.stderr.contains("\(selfish): /variants/0: field \"variants\": names the exercise itself"), r.stderr)
        // `check` refuses the same file the same way, before looking at any namespace.
        let check = try runProcess(TestPaths.netcheck, ["check", "layout-c", "--exercises", dir.path])
        XCTAssertEqual(check.status, 2)
        XCTAssertTrue(check.stderr.contains("layout-c.json: /variants/1: field \"variants\": no exercise \"layuot-b\""), check.stderr)
    }

    func testLintNamesThePositionOfABrokenFile() throws {
        let bad = dir.appendingPathComponent("bad.json")
        try "{\"id\": \"bad\",\n \"title\": {\"en\": \"B\", \"ja\": \"B\"},\n \"namespaces\": [\"ns1\"],\n \"links\": [{\"namespace\": \"ns1\", \"name\": 5}]}"
            .write(to: bad, atomically: true, encoding: .utf8)
        let syntax = dir.appendingPathComponent("syntax.json")
        try "{\"id\": \"syntax\",\n \"title\": {\"en\": \"B\" \"ja\": \"B\"}}".write(to: syntax, atomically: true, encoding: .utf8)
        let r = try runProcess(TestPaths.netcheck, ["lint", "Exercises/chapter3-veth.json", bad.path, syntax.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "Exercises/chapter3-veth.json: ok (8 checks)\n")
        XCTAssertTrue(r.stderr.contains("bad.json: /links/0: field \"name\": expected a string, found number"), r.stderr)
        XCTAssertTrue(r.stderr.contains("syntax.json: line 2, column"), r.stderr)
    }

    func testSummarizeTwoReportsAsCSV() throws {
        func write(_ learner: String, _ report: Report) throws -> String {
            let folder = dir.appendingPathComponent("reports/\(learner)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("\(report.exercise).json")
            try report.jsonText().write(to: file, atomically: true, encoding: .utf8)
            return file.path
        }
        let pass = CheckResult(id: "ns1.netns", title: "ns1", status: .pass, expected: "ns1", observed: "ns1", hint: "")
        let fail = CheckResult(id: "ns1.ping.192.0.2.2", title: "ping", status: .fail, expected: "reply", observed: "100% loss", hint: "h")
        let zoe = try write("zoe", Report(exercise: "chapter3-veth", title: "veth", checks: [pass, pass], durationMs: 9, netcheckVersion: "0.1.0"))
        let amy = try write("amy", Report(exercise: "chapter3-veth", title: "veth", checks: [pass, fail], durationMs: 9, netcheckVersion: "0.1.0"))
        let expected = """
            learner,exercise,score,max_score,passed,failed\r
            amy,chapter3-veth,1,2,false,ns1.ping.192.0.2.2\r
            zoe,chapter3-veth,2,2,true,-\r

            """
        let r = try runProcess(TestPaths.netcheck, ["summarize", zoe, amy])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout, expected)

        // A broken report is named on stderr and left out; the others still print, and the status is 2.
        let broken = dir.appendingPathComponent("reports/bob/chapter3-veth.json")
        try FileManager.default.createDirectory(at: broken.deletingLastPathComponent(), withIntermediateDirectories: true)
        try "{\"schema_version\": 1}".write(to: broken, atomically: true, encoding: .utf8)
        let b = try runProcess(TestPaths.netcheck, ["summarize", zoe, broken.path, amy, dir.appendingPathComponent("none.json").path])
        XCTAssertEqual(b.status, 2)
        XCTAssertEqual(b.stdout, expected)
        XCTAssertTrue(b.stderr.contains("netcheck: \(broken.path): exercise: is missing"), b.stderr)
        XCTAssertTrue(b.stderr.contains("none.json: No such file or directory"), b.stderr)

        let md = try runProcess(TestPaths.netcheck, ["summarize", "--format", "markdown", zoe, amy])
        XCTAssertEqual(md.status, 0, md.stderr)
        XCTAssertTrue(md.stdout.hasPrefix("| learner | exercise | score | max_score | passed | failed |\n"), md.stdout)
    }

    func testCheckWritesGradescopeAndJUnit() throws {
        // No namespaces exist in the sandbox: every check fails or is skipped, and the run exits 1.
        let g = try ScriptSandbox.run("\"$NETCHECK\" chapter3-veth --timeout 200 --format gradescope || [ $? = 1 ]")
        XCTAssertEqual(g.status, 0, g.stderr)
        XCTAssertTrue(g.stdout.contains("\"number\": \"ns1.netns\""), g.stdout)
        XCTAssertTrue(g.stdout.contains(": 0/8 checks passed\","), g.stdout)
        let j = try ScriptSandbox.run("\"$NETCHECK\" chapter3-veth --timeout 200 --format junit || [ $? = 1 ]")
        XCTAssertEqual(j.status, 0, j.stderr)
        XCTAssertTrue(j.stdout.contains("<testsuite name=\"chapter3-veth\" tests=\"8\""), j.stdout)
        XCTAssertTrue(j.stdout.contains("<testcase classname=\"netcheck.chapter3-veth\" name=\"ns1.netns\" time=\"0\">"), j.stdout)
    }
}
