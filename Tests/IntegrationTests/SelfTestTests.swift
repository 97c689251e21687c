import Foundation
import TestSupport
import XCTest

/// `netcheck lint --self-test`: an exercise against its own solution, the empty sandbox and the solution less each
/// of its commands, for authors.
final class SelfTestTests: XCTestCase {
    /// An exercise folder of its own: chapter3-router's file, and a solution written by the test.
    func folder(solution: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-selftest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Exercises"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("Solutions"), withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: TestPaths.packageRoot.appendingPathComponent("Exercises/chapter3-router.json"),
                                         to: dir.appendingPathComponent("Exercises/chapter3-router.json"))
        try solution.write(to: dir.appendingPathComponent("Solutions/chapter3-router.sh"), atomically: true, encoding: .utf8)
        return dir
    }

    var bookSolution: String {
        get throws { try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Solutions/chapter3-router.sh"), encoding: .utf8) }
    }

    func testTheBooksSolutionPassesItsSelfTest() throws {
        let r = try runProcess(TestPaths.netcheck, ["lint", "--self-test", "Exercises/chapter3-router.json"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("self-test ok"), r.stdout)
        XCTAssertTrue(r.stdout.contains("the empty sandbox fails"), r.stdout)
        XCTAssertFalse(r.stdout.contains("untested"), r.stdout)
    }

    /// A command no check looks at (a namespace the exercise does not have) is named, with its line.
    func testAnUncheckedCommandIsReportedAsUntested() throws {
        let solution = try bookSolution + "\nip netns add spare\n"
        let dir = try folder(solution: solution)
        let line = solution.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "ip netns add spare" }! + 1
        let r = try runProcess(TestPaths.netcheck, ["lint", "--self-test", dir.appendingPathComponent("Exercises/chapter3-router.json").path])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("line \(line) of"), r.stdout)
        XCTAssertTrue(r.stdout.contains("is untested (without it every check still passes): ip netns add spare"), r.stdout)
        XCTAssertEqual(r.stdout.components(separatedBy: "untested").count - 1, 1, r.stdout)
    }

    /// A solution that does not pass fails the self-test (status 1) and names the checks that fail.
    func testASolutionThatFailsFailsTheSelfTest() throws {
        let solution = try bookSolution.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("ip_forward") }.joined(separator: "\n")
        let dir = try folder(solution: solution)
        let r = try runProcess(TestPaths.netcheck, ["lint", "--self-test", dir.appendingPathComponent("Exercises/chapter3-router.json").path])
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("does not pass: "), r.stdout)
        XCTAssertTrue(r.stdout.contains("router.ip_forward"), r.stdout)
    }

    /// A service's solution sources wait-for-port.sh beside it and writes its page with a here-document: the
    /// replay finds the script's siblings, and the here-document is one command, never cut in two.
    func testServiceSolutionsFindTheirFilesAndHereDocumentsAreOneCommand() throws {
        let r = try runProcess(TestPaths.netcheck, ["lint", "--self-test", "Exercises/chapter6-http.json"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("self-test ok"), r.stdout)
        XCTAssertFalse(r.stdout.contains("<html>") || r.stdout.contains("</html>"), r.stdout)
        let commands = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Solutions/chapter6-http.sh"), encoding: .utf8)
        XCTAssertTrue(commands.contains("<<'HTML'"), "the solution still writes its page with a here-document")
    }
}
