import Foundation
import Localization
import XCTest
@testable import Report

/// class.html as text: one self-contained page in the run's language, every learner's text escaped. How a browser
/// shows it: IntegrationTests' ClassPageBrowserTests.
final class ClassPageTests: XCTestCase {
    func check(_ id: String, _ status: CheckStatus, hint: String = "") -> CheckResult {
        CheckResult(id: id, title: id, status: status, expected: "x", observed: "y", hint: hint)
    }

    func table() -> ClassTable {
        let hostile = "<script>alert('x')</script> & \"quoted\" \u{1b}[2J"
        return ClassTable(exercise: "chapter3-router", rows: [
            ClassRow(learner: "bob", outcome: .graded(Report(exercise: "chapter3-router", title: "Router", checks: [
                check("ns1.netns", .pass), check("router.ip_forward", .fail, hint: hostile), check("ns1.ping", .skipped),
            ], durationMs: 1, netcheckVersion: "0"))),
            ClassRow(learner: "alice", outcome: .graded(Report(exercise: "chapter3-router", title: "Router", checks: [
                check("ns1.netns", .pass), check("router.ip_forward", .pass), check("ns1.ping", .error),
            ], durationMs: 1, netcheckVersion: "0"))),
            ClassRow(learner: "carol", outcome: .unreadable(Localized("carol.txt <img src=x onerror='y'>"))),
            ClassRow(learner: "dave", outcome: .timeLimit(seconds: 5)),
        ])
    }

    func testThePageIsSelfContainedAndEscaped() {
        let html = table().html(language: .en)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n"), html)
        XCTAssertTrue(html.contains("<title>chapter3-router: 0 of 4 learners passed</title>"), html)
        // Nothing runs, nothing is fetched: no script, no URL, and a policy that forbids both should one slip in.
        XCTAssertTrue(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""))
        for forbidden in ["<script", "<img", "<link", "src=\"", "href=\"", "url(", "http:", "https:", "@import", "\u{1b}"] {
            XCTAssertFalse(html.contains(forbidden), forbidden)
        }
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot; \\e[2J"), html)
        XCTAssertTrue(html.contains("carol.txt &lt;img src=x onerror=&#39;y&#39;&gt;"), html)
        XCTAssertEqual(html.components(separatedBy: "<").count, html.components(separatedBy: ">").count)
    }

    func testCellsCarrySymbolAndTooltip() {
        let html = table().html(language: .en)
        // Sorted: alice, bob, carol, dave.
        let rows = html.components(separatedBy: "\n").filter { $0.hasPrefix("<tr><th scope=\"row\">") }
        XCTAssertEqual(rows.map { String($0.dropFirst(20).prefix { $0 != "<" }) }, ["alice", "bob", "carol", "dave"])
        XCTAssertTrue(rows[0].contains("<td class=\"s pass\" title=\"alice, ns1.netns: pass\">✓</td>"), rows[0])
        XCTAssertTrue(rows[0].contains("<td class=\"s error\" title=\"alice, ns1.ping: error (netcheck could not look)\">!</td>"), rows[0])
        XCTAssertTrue(rows[1].contains("<td class=\"s fail\" title=\"bob, router.ip_forward: fail\">✗</td>"), rows[1])
        XCTAssertTrue(rows[1].contains("<td class=\"s skipped\" title=\"bob, ns1.ping: skipped (needs a check that failed)\">–</td>"), rows[1])
        XCTAssertTrue(rows[1].contains("<td class=\"first\"><details><summary><code>router.ip_forward</code></summary>&lt;script&gt;"), rows[1])
        // No report: one band across the three checks, with the reason.
        XCTAssertTrue(rows[3].contains("<td class=\"none\" colspan=\"3\" title=\"dave: no report\">ran past the time limit of 5 s"), rows[3])
        // Pass rates: ns1.netns 2 of 4 (50%, shade 5), the others 1 of 4 (25%, shade 3) and 0.
        let rate = html.components(separatedBy: "\n").first { $0.hasPrefix("<tr class=\"rate\">") } ?? ""
        XCTAssertTrue(rate.contains("<td class=\"s r5\" title=\"ns1.netns: 50% (2 of 4 learners)\">50%</td>"), rate)
        XCTAssertTrue(rate.contains("<td class=\"s r3\" title=\"router.ip_forward: 25% (1 of 4 learners)\">25%</td>"), rate)
        XCTAssertTrue(rate.contains("<td class=\"s r0\" title=\"ns1.ping: 0% (0 of 4 learners)\">0%</td>"), rate)
        XCTAssertTrue(html.contains("<p class=\"common\">Most common first failure: <code>router.ip_forward</code>, for 1 of 4 learners.</p>"), html)
    }

    func testJapanese() {
        let html = table().html(language: .ja)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"ja\">\n"), html)
        XCTAssertTrue(html.contains("<title>chapter3-router: 4 人中 0 人が合格</title>"), html)
        XCTAssertTrue(html.contains("title=\"alice、ns1.netns: 合格\">✓</td>"), html)
        XCTAssertTrue(html.contains("<th scope=\"col\">受講者</th>"), html)
        XCTAssertTrue(html.contains("最も多い最初の不合格: <code>router.ip_forward</code> (4 人中 1 人)。"), html)
    }

    func testPassRateShades() {
        XCTAssertEqual([0, 1, 2, 3, 4, 5].map { ClassTable.tenths($0, of: 5) }, [0, 2, 4, 6, 8, 10])
        XCTAssertEqual(ClassTable.tenths(0, of: 0), 0)
        XCTAssertEqual(HTMLText.hex(27, 94, 320), "#1b5eff")
        XCTAssertEqual(HTMLText.escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f")
    }
}
