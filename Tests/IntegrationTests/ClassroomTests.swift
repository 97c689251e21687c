import Foundation
import JSON
import Report
import TestSupport
import XCTest

/// docs/classroom/: the GitHub Classroom workflow and the script its grading step runs. The workflow is read as
/// text (its step, the variable it hands the reporter, the runner id), so that it and grade.sh cannot drift apart;
/// grade.sh is run as the step runs it, in a private sandbox, and its `result=` read as the reporter reads it.
final class ClassroomTests: XCTestCase {
    static let folder = TestPaths.packageRoot.appendingPathComponent("docs/classroom")

    /// The lines of the step whose `id:` is `id`.
    static func step(_ id: String, in lines: [String]) -> [String] {
        step(where: { $0 == "id: \(id)" }, in: lines)
    }

    /// The lines of the step holding a line (trimmed) that `matches`, from its `- ` to the next step.
    static func step(where matches: (String) -> Bool, in lines: [String]) -> [String] {
        guard let at = lines.firstIndex(where: { matches($0.trimmingCharacters(in: .whitespaces)) }) else { return [] }
        let start = lines[...at].lastIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- ") } ?? at
        let indent = lines[start].prefix { $0 == " " }.count
        let end = lines[(start + 1)...].firstIndex { line in
            let spaces = line.prefix { $0 == " " }.count
            return spaces <= indent && !line.trimmingCharacters(in: .whitespaces).isEmpty
        } ?? lines.count
        return Array(lines[start..<end])
    }

    func testTheWorkflowRunsGradeShAndHandsItsResultToTheReporter() throws {
        let yml = try String(contentsOf: Self.folder.appendingPathComponent("classroom.yml"), encoding: .utf8)
        let lines = yml.components(separatedBy: "\n")
        let trimmed = lines.map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(trimmed.contains("runs-on: ubuntu-latest"))
        for permission in ["checks: write", "actions: read", "contents: read"] { XCTAssertTrue(trimmed.contains(permission), permission) }

        // The reporter: which runners it reads, and from which variables (its main.js: the id upper-cased + _RESULTS).
        XCTAssertEqual(trimmed.filter { $0.hasPrefix("uses: classroom-resources/autograding-grading-reporter@") }, [
            "uses: classroom-resources/autograding-grading-reporter@v1"])
        let reporter = Self.step(where: { $0.hasPrefix("uses: classroom-resources/autograding-grading-reporter@") }, in: lines)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        let runners = try XCTUnwrap(reporter.first { $0.hasPrefix("runners:") }, "\(reporter)").dropFirst("runners:".count)
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertEqual(runners, ["netcheck"])
        for runner in runners {
            XCTAssertTrue(reporter.contains("\(runner.uppercased())_RESULTS: ${{ steps.\(runner).outputs.result }}"), "\(reporter)")
            // The step with that id runs grade.sh, at the path the README tells the instructor to copy it to.
            let step = Self.step(runner, in: lines)
            let run = try XCTUnwrap(step.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("run:") }, "\(step)")
            XCTAssertEqual(run.trimmingCharacters(in: .whitespaces), "run: bash .github/netcheck/grade.sh")
            XCTAssertTrue(step.contains { $0.contains("EXERCISE: ${{ vars.NETCHECK_EXERCISE }}") }, "\(step)")
            XCTAssertTrue(step.contains { $0.contains("SUBMISSION: submission.sh") }, "\(step)")
        }
        XCTAssertTrue(trimmed.contains("NETCHECK_DEB_URL: ${{ vars.NETCHECK_DEB_URL }}"))
        let readme = try String(contentsOf: Self.folder.appendingPathComponent("README.md"), encoding: .utf8)
        XCTAssertTrue(readme.contains("`.github/netcheck/grade.sh`: a copy of [grade.sh](grade.sh)"), readme)
        XCTAssertTrue(readme.contains("`.github/workflows/classroom.yml`: a copy of [classroom.yml](classroom.yml)"), readme)
        // What the step's output is called, on both sides.
        let script = try String(contentsOf: Self.folder.appendingPathComponent("grade.sh"), encoding: .utf8)
        XCTAssertTrue(script.contains("echo \"result=$(base64 -w0 "), script)
        XCTAssertTrue(script.contains("grade \"$EXERCISE\" \"$SUBMISSION\" --out \"$OUT\" --also classroom"), script)
    }

    /// grade.sh on one submission, in a private sandbox with the built netcheck: its status, what it appended to
    /// GITHUB_OUTPUT, and the learner's report.json.
    func grade(_ submission: String, named name: String) throws -> (status: Int32, output: String, out: URL, log: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-classroom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent(name), output = dir.appendingPathComponent("github_output"), out = dir.appendingPathComponent("grades")
        try submission.write(to: file, atomically: true, encoding: .utf8)
        try "earlier=1\n".write(to: output, atomically: true, encoding: .utf8)
        let q = ScriptSandbox.shellQuote
        let r = try ScriptSandbox.run("""
            EXERCISE=chapter3-router SUBMISSION=\(q(file.path)) OUT=\(q(out.path)) GITHUB_OUTPUT=\(q(output.path)) \
            NETCHECK="$NETCHECK" bash docs/classroom/grade.sh
            """)
        return (r.status, try String(contentsOf: output, encoding: .utf8), out, r.stdout + r.stderr)
    }

    /// `result=` decoded and checked as the reporter reads it: version 1, a status, tests each with a known status,
    /// the scores adding up to the report's score out of its max_score.
    func result(_ output: String) throws -> JSONObject {
        let lines = output.components(separatedBy: "\n").filter { !$0.isEmpty }
        XCTAssertEqual(lines.first, "earlier=1", "appended, not overwritten")
        let encoded = try XCTUnwrap(lines.last?.hasPrefix("result=") == true ? lines.last?.dropFirst("result=".count) : nil, output)
        XCTAssertEqual(lines.count, 2, output)
        let data = try XCTUnwrap(Data(base64Encoded: String(encoded)), "not base64: \(encoded)")
        let o = try XCTUnwrap(JSON.parse(String(decoding: data, as: UTF8.self)).object)
        XCTAssertEqual(o["version"], 1)
        XCTAssertTrue(["pass", "fail", "error"].contains(o["status"]?.string ?? ""), "\(String(describing: o["status"]))")
        let tests = try XCTUnwrap(o["tests"]?.array).compactMap(\.object)
        XCTAssertFalse(tests.isEmpty)
        for test in tests {
            XCTAssertTrue(["pass", "fail", "error"].contains(test["status"]?.string ?? ""), "\(test.keys)")
            XCTAssertFalse(test["name"]?.string?.isEmpty ?? true)
            XCTAssertNotNil(test["message"]?.string)
            XCTAssertNotNil(test["score"]?.number)
        }
        XCTAssertGreaterThan(o["max_score"]?.number ?? 0, 0, "the reporter leaves out a runner with no max_score")
        return o
    }

    func totalScore(_ o: JSONObject) -> Double { (o["tests"]?.array ?? []).compactMap { $0.object?["score"]?.number }.reduce(0, +) }

    /// grade.sh on `script` as the learner's submission.sh: it ends with 0 whatever the learner did, and hands the
    /// reporter its result; with the learner's report.
    func classroom(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> (result: JSONObject, report: Report) {
        let graded = try grade(script, named: "submission.sh")
        XCTAssertEqual(graded.status, 0, graded.log, file: file, line: line)
        let report = try Report(jsonText: String(contentsOf: graded.out.appendingPathComponent("submission/report.json"), encoding: .utf8))
        return (try result(graded.output), report)
    }

    func testGradeShGivesThePointsOfAPassAndOfAFailure() throws {
        let solution = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Solutions/chapter3-router.sh"), encoding: .utf8)
        let withoutForwarding = solution.components(separatedBy: "\n").filter { !$0.contains("ip_forward=1") }.joined(separator: "\n")
        XCTAssertNotEqual(withoutForwarding, solution)

        let (pass, passReport) = try classroom(solution)
        XCTAssertTrue(passReport.passed)
        XCTAssertEqual(pass["status"], "pass")
        XCTAssertEqual(totalScore(pass), passReport.score)
        XCTAssertEqual(pass["max_score"]?.number, passReport.maxScore)
        XCTAssertEqual(pass["tests"]?.array?.count, passReport.checks.count)

        // The learner failed: still status 0, so that the reporter runs and gives the points (and fails the job).
        let (fail, failReport) = try classroom(withoutForwarding)
        XCTAssertFalse(failReport.passed)
        XCTAssertEqual(fail["status"], "fail")
        XCTAssertEqual(totalScore(fail), failReport.score)
        XCTAssertLessThan(failReport.score, failReport.maxScore)
        XCTAssertEqual(fail["max_score"]?.number, failReport.maxScore)
        let forwarding = fail["tests"]?.array?.compactMap(\.object).first { $0["name"]?.string?.hasSuffix("[router.ip_forward]") ?? false }
        XCTAssertEqual(forwarding?["status"], "fail")
        XCTAssertTrue(forwarding?["message"]?.string?.contains("sysctl net.ipv4.ip_forward=1") ?? false, "\(String(describing: forwarding))")

        // Nothing to replay: one failed test, 0 out of the exercise's points.
        let empty = try grade("", named: "submission.sh")
        XCTAssertEqual(empty.status, 0, empty.log)
        let none = try result(empty.output)
        XCTAssertEqual(none["status"], "fail")
        XCTAssertEqual(totalScore(none), 0)
        XCTAssertEqual(none["max_score"]?.number, passReport.maxScore)
        XCTAssertEqual(none["tests"]?.array?.count, 1)
    }
}
