import JSON
import XCTest
@testable import Report

/// The report contract graders parse, and the text a learner reads.
final class ReportTests: XCTestCase {
    let sample = Report(exercise: "chapter3-router", title: "Router", checks: [
        CheckResult(id: "router.ip_forward", title: "router forwards", status: .fail, expected: "net.ipv4.ip_forward = 1",
                    observed: "net.ipv4.ip_forward = 0", hint: "ip netns exec router sysctl net.ipv4.ip_forward=1"),
        CheckResult(id: "ns1.netns", title: "namespace ns1 exists", status: .pass, expected: "ns1", observed: "ns1", hint: ""),
        CheckResult(id: "ns1.ping.198.51.100.1", title: "ns1 reaches 198.51.100.1", status: .skipped, expected: "reply",
                    observed: "skipped: router is missing", hint: "", evidence: ["line one", "ライン二"]),
        CheckResult(id: "ns2.route.default", title: "route", status: .error, expected: "x", observed: "netlink failed", hint: ""),
    ], durationMs: 12, netcheckVersion: "0.1.0")

    func testJSONHasTheDocumentedKeysInOrder() throws {
        let o = try XCTUnwrap(sample.json().object)
        XCTAssertEqual(o.keys, ["schema_version", "exercise", "title", "passed", "score", "max_score", "checks",
                                "duration_ms", "netcheck_version"])
        XCTAssertEqual(o["schema_version"], 1)
        XCTAssertEqual(o["passed"], false)
        XCTAssertEqual(o["score"], 1, "a whole score is an integer")
        XCTAssertEqual(o["max_score"], 4)
        let checks = try XCTUnwrap(o["checks"]?.array)
        XCTAssertEqual(checks[0].object?.keys, ["id", "title", "status", "expected", "observed", "hint"])
        XCTAssertEqual(checks[2].object?.keys.last, "evidence")
        XCTAssertEqual(checks.map { $0.object?["status"]?.string }, ["fail", "pass", "skipped", "error"])
    }

    func testRoundTripThroughJSONC() throws {
        for pretty in [true, false] {
            XCTAssertEqual(try Report(jsonText: sample.jsonText(pretty: pretty)), sample)
        }
        let allPass = Report(exercise: "e", title: "t", checks: [sample.checks[1]], durationMs: 1, netcheckVersion: "v")
        XCTAssertTrue(try Report(jsonText: allPass.jsonText()).passed)
        XCTAssertFalse(Report(exercise: "e", title: "t", checks: [], durationMs: 1, netcheckVersion: "v").passed,
                       "a report with no checks proves nothing")
    }

    func testDecodingNamesTheBadField() throws {
        var o = try XCTUnwrap(sample.json().object)
        var checks = try XCTUnwrap(o["checks"]?.array)
        var c1 = try XCTUnwrap(checks[1].object)
        c1["status"] = "ok"
        checks[1] = .object(c1)
        o["checks"] = .array(checks)
        XCTAssertThrowsError(try Report(json: .object(o))) { XCTAssertTrue("\($0)".hasPrefix("checks[1].status"), "\($0)") }

        var missing = try XCTUnwrap(sample.json().object)
        missing["exercise"] = nil
        XCTAssertThrowsError(try Report(json: .object(missing))) { XCTAssertTrue("\($0)".contains("exercise"), "\($0)") }

        var lying = try XCTUnwrap(sample.json().object)
        lying["passed"] = true
        XCTAssertThrowsError(try Report(json: .object(lying))) { XCTAssertEqual(($0 as? ReportDecodingError)?.path, "passed") }

        var future = try XCTUnwrap(sample.json().object)
        future["schema_version"] = 2
        XCTAssertThrowsError(try Report(json: .object(future)))
    }

    func testTextShowsDetailsOnlyForWhatDidNotPass() {
        let text = TextRenderer(language: .en, color: false).render(sample)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "Router  (chapter3-router)")
        XCTAssertTrue(lines.contains("[FAIL] router forwards  [router.ip_forward]"))
        XCTAssertTrue(lines.contains("       hint:     ip netns exec router sysctl net.ipv4.ip_forward=1"))
        XCTAssertTrue(lines.contains("[ OK ] namespace ns1 exists  [ns1.netns]"))
        XCTAssertFalse(text.contains("observed: ns1"), "no details under a pass without evidence")
        XCTAssertTrue(lines.contains("[SKIP] ns1 reaches 198.51.100.1  [ns1.ping.198.51.100.1]"))
        XCTAssertTrue(lines.contains("[ERR ] route  [ns2.route.default]"))
        XCTAssertTrue(lines.contains("1/4 checks passed."))
        XCTAssertFalse(text.contains("\u{1b}["), "no color when asked for none")
    }

    func testEvidenceIsShownUnderAPassToo() {
        let seen = CheckResult(id: "router.snat.lan", title: "NAT", status: .pass, expected: "e", observed: "translated", hint: "",
                               evidence: ["a > b: ICMP echo request"])
        let text = TextRenderer(language: .en, color: false).render(Report(exercise: "x", title: "X", checks: [seen], durationMs: 1, netcheckVersion: "v"))
        XCTAssertTrue(text.contains("[ OK ] NAT  [router.snat.lan]\n       observed: translated\n         a > b: ICMP echo request\n"), text)
    }

    func testJapaneseAndColor() {
        let text = TextRenderer(language: .ja, color: true).render(sample)
        XCTAssertTrue(text.contains("ヒント: "))
        XCTAssertTrue(text.contains("4 項目中 1 項目が合格"))
        XCTAssertTrue(text.contains("\u{1b}[31m[FAIL]\u{1b}[0m"))
        let pass = Report(exercise: "e", title: "t", checks: [sample.checks[1]], durationMs: 1, netcheckVersion: "v")
        XCTAssertTrue(TextRenderer(language: .ja, color: false).render(pass).contains("すべて合格です"))
    }
}
