import Foundation
@testable import Grading
import Report
import XCTest

/// The recorded runs of Fixtures/runs (written by Fixtures/capture.sh from real runs in sandboxes): judged again
/// from the recording alone, without root, a kernel or a network.
enum Replay {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static let runs = root.appendingPathComponent("Tests/GradingTests/Fixtures/runs")
    static let catalog = ExerciseCatalog(directory: root.appendingPathComponent("Exercises").path)

    /// The names of the recorded runs.
    static var names: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: runs.path)) ?? [])
            .filter { $0.hasSuffix(".recording.json") }.map { String($0.dropLast(".recording.json".count)) }.sorted()
    }

    static func recording(_ name: String) throws -> RunRecording {
        try RunRecording(jsonText: try String(contentsOf: runs.appendingPathComponent("\(name).recording.json"), encoding: .utf8))
    }

    /// The report the live run printed (English, JSON).
    static func liveReport(_ name: String) throws -> String {
        try String(contentsOf: runs.appendingPathComponent("\(name).report.json"), encoding: .utf8)
    }

    static func grader(_ recording: RunRecording) throws -> Grader {
        Grader(exercise: try catalog.load(recording.exercise), askedFor: try catalog.load(recording.askedFor))
    }

    /// The run judged again, in `language`: the report, and the questions the recording could not answer.
    static func report(_ name: String, _ language: Language = .en) throws -> (report: Report, unanswered: [String]) {
        let recording = try recording(name)
        return try grader(recording).report(language: language, replaying: recording)
    }

    /// One check of a recorded run, judged again.
    static func check(_ name: String, _ id: String, _ language: Language = .en, file: StaticString = #filePath, line: UInt = #line) throws -> CheckResult {
        let (report, unanswered) = try report(name, language)
        XCTAssertEqual(unanswered, [], file: file, line: line)
        let all = report.checks + (report.steps ?? []).flatMap(\.checks)
        return try XCTUnwrap(all.first { $0.id == id }, "\(name) has no check \(id): \(all.map(\.id))", file: file, line: line)
    }
}

/// Every recorded run gives, judged again, the report its live run printed: the verdicts depend on the inventory
/// and the probes' results alone.
final class ReplayTests: XCTestCase {
    func testEveryRecordedRunJudgesAsItDidLive() throws {
        XCTAssertGreaterThanOrEqual(Replay.names.count, 30, "Fixtures/runs: \(Replay.names)")
        for name in Replay.names {
            let (report, unanswered) = try Replay.report(name)
            XCTAssertEqual(unanswered, [], "\(name): questions the recording cannot answer")
            XCTAssertEqual(report.jsonText() + "\n", try Replay.liveReport(name), "\(name): judged again, the report differs")
            // Japanese too: every question answered the same way.
            XCTAssertEqual(try Replay.report(name, .ja).unanswered, [], name)
        }
    }
}
