import Foundation
import JSON
import Localization
import XCTest
@testable import Report

/// The Gradescope, JUnit and GitHub Classroom forms of a report.
final class WriterTests: XCTestCase {
    let report = Report(exercise: "chapter3-router", title: "Router", checks: [
        CheckResult(id: "ns1.netns", title: "namespace ns1 exists", status: .pass, expected: "ns1", observed: "ns1", hint: ""),
        CheckResult(id: "router.ip_forward", title: "router forwards", status: .fail, expected: "net.ipv4.ip_forward = 1",
                    observed: "net.ipv4.ip_forward = 0", hint: "Type `a < b && \"c\" 'd'` — ルーターを有効にする\u{1}",
                    evidence: ["frame <1>", "フレーム 2"]),
        CheckResult(id: "ns1.ping.198.51.100.1", title: "ns1 reaches 198.51.100.1", status: .skipped, expected: "reply",
                    observed: "skipped: router is missing", hint: ""),
        CheckResult(id: "ns2.route.default", title: "route", status: .error, expected: "x", observed: "netlink failed", hint: ""),
    ], durationMs: 1004, netcheckVersion: "0.1.0")

    func testGradescopeResults() throws {
        let o = try XCTUnwrap(JSON.parse(GradescopeWriter().write(report)).object)
        XCTAssertEqual(o.keys, ["score", "max_score", "execution_time", "output", "tests"])
        XCTAssertEqual(o["score"], 1)
        XCTAssertEqual(o["max_score"], 4)
        XCTAssertEqual(o["execution_time"]?.number, 1.004)
        XCTAssertEqual(o["output"], "Router: 1/4 checks passed")
        let tests = try XCTUnwrap(o["tests"]?.array).compactMap(\.object)
        XCTAssertEqual(tests.count, 4)
        XCTAssertEqual(tests[0].keys, ["name", "number", "score", "max_score", "status", "output"])
        XCTAssertEqual(tests.map { $0["name"]?.string }, ["namespace ns1 exists [ns1.netns]", "router forwards [router.ip_forward]",
                                                         "ns1 reaches 198.51.100.1 [ns1.ping.198.51.100.1]", "route [ns2.route.default]"])
        XCTAssertEqual(tests.map { $0["number"]?.string }, report.checks.map(\.id))
        XCTAssertEqual(tests.map { $0["score"] }, [1, 0, 0, 0])
        XCTAssertEqual(tests.map { $0["max_score"] }, [1, 1, 1, 1])
        XCTAssertEqual(tests.map { $0["status"] }, ["passed", "failed", "failed", "failed"])
        XCTAssertEqual(tests[1]["output"]?.string, """
            expected: net.ipv4.ip_forward = 1
            observed: net.ipv4.ip_forward = 0
            hint: Type `a < b && "c" 'd'` — ルーターを有効にする\\x01
            frame <1>
            フレーム 2
            """)
        XCTAssertEqual(tests[2]["output"], "observed: skipped: router is missing")
        XCTAssertEqual(tests[3]["output"], "expected: x\nobserved: netlink failed")
    }

    func testJUnitXML() {
        let xml = JUnitWriter().write(report)
        XCTAssertEqual(xml, """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites>
              <testsuite name="chapter3-router" tests="4" failures="1" errors="1" skipped="1" time="1.004">
                <testcase classname="netcheck.chapter3-router" name="ns1.netns" time="0"/>
                <testcase classname="netcheck.chapter3-router" name="router.ip_forward" time="0">
                  <failure message="Type `a &lt; b &amp;&amp; &quot;c&quot; &apos;d&apos;` — ルーターを有効にする\\x01">expected: net.ipv4.ip_forward = 1
            observed: net.ipv4.ip_forward = 0
            frame &lt;1&gt;
            フレーム 2</failure>
                </testcase>
                <testcase classname="netcheck.chapter3-router" name="ns1.ping.198.51.100.1" time="0">
                  <skipped message="skipped: router is missing"/>
                </testcase>
                <testcase classname="netcheck.chapter3-router" name="ns2.route.default" time="0">
                  <error message="netlink failed">expected: x
            observed: netlink failed</error>
                </testcase>
              </testsuite>
            </testsuites>

            """)
    }

    /// A variant graded instead of the exercise asked for is named in every form: the text's second line (en and
    /// ja), Gradescope's output, JUnit's properties.
    func testGradedAsInEveryForm() throws {
        var r = report
        r.gradedAs = GradedAs(exercise: "chapter4-bridge-netns", layout: "br0 in the namespace bridge, as the book's 2nd edition builds it")
        let text = TextRenderer(language: .en, color: false).render(r).split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(Array(text.prefix(3)), ["Router  (chapter3-router)",
                                               "graded as chapter4-bridge-netns: br0 in the namespace bridge, as the book's 2nd edition builds it", ""])
        r.gradedAs?.layout = "本の第 2 版と同じく、br0 はネームスペース bridge の中にあります"
        XCTAssertTrue(TextRenderer(language: .ja, color: false).render(r)
            .contains("\nchapter4-bridge-netns として採点しました: 本の第 2 版と同じく、br0 はネームスペース bridge の中にあります\n"))
        let o = try XCTUnwrap(JSON.parse(GradescopeWriter().write(r)).object)
        XCTAssertEqual(o["output"]?.string, "Router: 1/4 checks passed\ngraded as chapter4-bridge-netns: 本の第 2 版と同じく、br0 はネームスペース bridge の中にあります")
        let xml = JUnitWriter().write(r)
        XCTAssertTrue(xml.contains("""
              <testsuite name="chapter3-router" tests="4" failures="1" errors="1" skipped="1" time="1.004">
                <properties>
                  <property name="graded_as" value="chapter4-bridge-netns"/>
            """), xml)
        XCTAssertFalse(TextRenderer(language: .en, color: false).render(report).contains("graded as"))
    }

    /// GitHub Classroom's runner result: one test per check, their scores adding up to the report's score.
    func testClassroomResult() throws {
        let o = try XCTUnwrap(JSON.parse(ClassroomWriter().write(report)).object)
        XCTAssertEqual(o.keys, ["version", "status", "max_score", "tests"])
        XCTAssertEqual(o["version"], 1)
        XCTAssertEqual(o["status"], "fail")
        XCTAssertEqual(o["max_score"], 4)
        let tests = try XCTUnwrap(o["tests"]?.array).compactMap(\.object)
        XCTAssertEqual(tests.count, 4)
        XCTAssertEqual(tests[0].keys, ["name", "status", "message", "score", "test_code", "filename", "line_no", "execution_time"])
        XCTAssertEqual(tests.map { $0["name"]?.string }, ["namespace ns1 exists [ns1.netns]", "router forwards [router.ip_forward]",
                                                         "ns1 reaches 198.51.100.1 [ns1.ping.198.51.100.1]", "route [ns2.route.default]"])
        XCTAssertEqual(tests.map { $0["status"] }, ["pass", "fail", "fail", "error"])
        XCTAssertEqual(tests.map { $0["score"] }, [1, 0, 0, 0])
        XCTAssertEqual(tests.compactMap { $0["score"]?.number }.reduce(0, +), report.score)
        // The hint, else what was observed; escaped for the job's log.
        XCTAssertEqual(tests.map { $0["message"]?.string }, ["ns1", "Type `a < b && \"c\" 'd'` — ルーターを有効にする\\x01",
                                                            "skipped: router is missing", "netlink failed"])
        XCTAssertEqual(tests[1]["test_code"], "expected: net.ipv4.ip_forward = 1")
        XCTAssertEqual(tests[1]["filename"], "")
        XCTAssertEqual(tests[1]["line_no"], 0)

        var passed = report
        passed.checks = [report.checks[0]]
        XCTAssertEqual(try XCTUnwrap(JSON.parse(ClassroomWriter().write(passed)).object)["status"], "pass")
        // Nothing failed, but a check could not be looked at: an error, not a pass.
        var errored = report
        errored.checks = [report.checks[0], report.checks[3]]
        XCTAssertEqual(try XCTUnwrap(JSON.parse(ClassroomWriter().write(errored)).object)["status"], "error")
    }

    /// A learner without a report: each writer's one failing test, with the reason, out of the exercise's points.
    func testNoReportIsAZeroInEveryForm() throws {
        let missing = ClassRow(learner: "erin", outcome: .unreadable(.init("erin.txt is empty \u{1b}[2J")))
            .noReport(exercise: "chapter3-router", maxScore: 18, language: .en)!
        XCTAssertEqual(missing.reason, "unreadable: erin.txt is empty \u{1b}[2J")
        XCTAssertNil(ClassRow(learner: "a", outcome: .graded(report)).noReport(exercise: "x", maxScore: 4, language: .en))

        let classroom = try XCTUnwrap(JSON.parse(ClassroomWriter().write(missing)).object)
        XCTAssertEqual(classroom["status"], "fail")
        XCTAssertEqual(classroom["max_score"], 18)
        let test = try XCTUnwrap(classroom["tests"]?.array?.first?.object)
        XCTAssertEqual(test["name"], "the submission was replayed and checked [submission]")
        XCTAssertEqual(test["status"], "fail")
        XCTAssertEqual(test["score"], 0)
        XCTAssertEqual(test["message"], "unreadable: erin.txt is empty \\e[2J")

        let gradescope = try XCTUnwrap(JSON.parse(GradescopeWriter().write(missing)).object)
        XCTAssertEqual(gradescope["score"], 0)
        XCTAssertEqual(gradescope["max_score"], 18)
        XCTAssertEqual(gradescope["tests"]?.array?.first?.object?["status"], "failed")
        XCTAssertEqual(gradescope["tests"]?.array?.first?.object?["output"], "unreadable: erin.txt is empty \\e[2J")

        XCTAssertEqual(JUnitWriter().write(missing), """
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites>
              <testsuite name="chapter3-router" tests="1" failures="1" errors="0" skipped="0" time="0.000">
                <testcase classname="netcheck.chapter3-router" name="submission" time="0">
                  <failure message="unreadable: erin.txt is empty \\e[2J">the submission was replayed and checked</failure>
                </testcase>
              </testsuite>
            </testsuites>

            """)
        // netcheck could not grade: an error.
        let error = ClassRow(learner: "x", outcome: .error(.init("the check gave no report"))).noReport(exercise: "e", maxScore: 3, language: .ja)!
        XCTAssertEqual(error.reason, "エラー: the check gave no report")
        XCTAssertEqual(try XCTUnwrap(JSON.parse(ClassroomWriter(language: .ja).write(error)).object)["status"], "error")
        XCTAssertTrue(JUnitWriter().write(error).contains("failures=\"0\" errors=\"1\""))
        XCTAssertTrue(JUnitWriter().write(error).contains("<error message=\"エラー: the check gave no report\">"))
    }

    func testXMLEscaping() {
        XCTAssertEqual(JUnitWriter.escape("a<b>&\"'\u{0}\u{1b}\u{7f}é日本\u{FFFE}😀"), "a&lt;b&gt;&amp;&quot;&apos;\u{7f}é日本😀")
        XCTAssertEqual(JUnitWriter.escape("1\n2\t3\r"), "1&#10;2&#9;3&#13;")
        XCTAssertEqual(JUnitWriter.escape("1\n2\t3\r", attribute: false), "1\n2\t3&#13;")
        XCTAssertEqual(JUnitWriter.seconds(5), "0.005")
        XCTAssertEqual(JUnitWriter.seconds(12_340), "12.340")
    }

    /// An XML parser reads the hint back exactly, the control character escaped visibly (XML 1.0 cannot carry it).
    func testJUnitParsesWithAnXMLParser() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-junit-\(UUID().uuidString).xml")
        try JUnitWriter().write(report).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try python(["-c", """
            import sys, xml.etree.ElementTree as ET
            t = ET.parse(sys.argv[1]).getroot()
            sys.stdout.write(t.find('testsuite/testcase/failure').get('message'))
            """, file.path])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(r.output, "Type `a < b && \"c\" 'd'` — ルーターを有効にする\\x01")
    }
}

/// Runs Debian's python3 and returns its exit status and stdout + stderr.
func python(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["PYTHONIOENCODING"] = "utf-8"
    p.environment = env
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}
