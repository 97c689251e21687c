import Foundation
import XCTest
@testable import Report

/// Folding many learners' reports into one table.
final class SummaryTests: XCTestCase {
    func check(_ id: String, _ status: CheckStatus) -> CheckResult {
        CheckResult(id: id, title: id, status: status, expected: "e", observed: "o", hint: status == .pass ? "" : "h")
    }

    /// Reports written as netcheck writes them, into `reports/<learner>/<exercise>.json`, read back as rows.
    func rows() throws -> [SummaryRow] {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-summary-\(UUID().uuidString)/reports")
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        let reports: [(String, Report)] = [
            ("bob", Report(exercise: "chapter3-veth", title: "veth", checks: [check("ns1.netns", .pass), check("ns2.netns", .pass)],
                           durationMs: 5, netcheckVersion: "0.1.0")),
            ("alice", Report(exercise: "chapter3-veth", title: "veth", checks: [check("ns1.netns", .pass), check("ns1.ping.192.0.2.2", .skipped)],
                             durationMs: 5, netcheckVersion: "0.1.0")),
            ("alice", Report(exercise: "chapter3-router", title: "ルーター", checks: [
                check("router.ip_forward", .fail), check("ns1.netns", .pass), check("ns2.route.default", .error)],
                             durationMs: 5, netcheckVersion: "0.1.0")),
        ]
        var paths: [String] = []
        for (learner, report) in reports {
            let dir = root.appendingPathComponent(learner)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let file = dir.appendingPathComponent("\(report.exercise).json")
            try report.jsonText().write(to: file, atomically: true, encoding: .utf8)
            paths.append(file.path)
        }
        return try paths.map { SummaryRow(report: try Report(jsonText: String(contentsOfFile: $0, encoding: .utf8)), path: $0) }
    }

    func testRowsAreSortedByLearnerThenExercise() throws {
        let sorted = Summary.sorted(try rows())
        XCTAssertEqual(sorted.map { "\($0.learner)/\($0.exercise)" }, ["alice/chapter3-router", "alice/chapter3-veth", "bob/chapter3-veth"])
        XCTAssertEqual(sorted[0], SummaryRow(learner: "alice", exercise: "chapter3-router", score: 1, maxScore: 3, passed: false,
                                             failed: ["router.ip_forward", "ns2.route.default"]))
        XCTAssertEqual(sorted[1].failed, ["ns1.ping.192.0.2.2"], "a skipped check did not pass")
        XCTAssertTrue(sorted[2].passed)
    }

    func testCSV() throws {
        XCTAssertEqual(Summary.csv(Summary.sorted(try rows())), """
            learner,exercise,score,max_score,passed,failed\r
            alice,chapter3-router,1,3,false,router.ip_forward ns2.route.default\r
            alice,chapter3-veth,1,2,false,ns1.ping.192.0.2.2\r
            bob,chapter3-veth,2,2,true,-\r

            """)
    }

    func testMarkdown() throws {
        XCTAssertEqual(Summary.markdown(Summary.sorted(try rows())), """
            | learner | exercise | score | max_score | passed | failed |
            | --- | --- | --- | --- | --- | --- |
            | alice | chapter3-router | 1 | 3 | false | router.ip_forward ns2.route.default |
            | alice | chapter3-veth | 1 | 2 | false | ns1.ping.192.0.2.2 |
            | bob | chapter3-veth | 2 | 2 | true | - |

            """)
    }

    func testQuotingAndEscaping() {
        XCTAssertEqual(Summary.csvField("plain"), "plain")
        XCTAssertEqual(Summary.csvField("a,b"), "\"a,b\"")
        XCTAssertEqual(Summary.csvField("say \"hi\""), "\"say \"\"hi\"\"\"")
        XCTAssertEqual(Summary.csvField("two\nlines"), "\"two\nlines\"")
        XCTAssertEqual(Summary.csvField("山田"), "山田")
        XCTAssertEqual(Summary.markdownCell("a|b\\c\nd"), "a\\|b\\\\c d")
        XCTAssertEqual(Summary.format(16.5), "16.5")
    }

    func testLearnerIsTheFolderName() {
        XCTAssertEqual(Summary.learner(path: "reports/alice/chapter3-router.json"), "alice")
        XCTAssertEqual(Summary.learner(path: "/srv/r/bob//x.json"), "bob")
        XCTAssertEqual(Summary.learner(path: "x.json"), "-")
    }
}
