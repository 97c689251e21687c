import XCTest
@testable import Report

/// Hostile input (issue 11), reports: `netcheck summarize` reads what learners hand in, so a report cannot say one
/// thing to netcheck and another to a person or to jq. Siblings: HostileFileTests in JSONTests, GradingTests and
/// IntegrationTests (`swift test --filter HostileFileTests`).
final class HostileFileTests: XCTestCase {
    let report = Report(exercise: "chapter3-veth", title: "veth",
                        checks: [CheckResult(id: "ns1.netns", title: "ns1", status: .pass, expected: "ns1", observed: "ns1", hint: "")],
                        durationMs: 9, netcheckVersion: "0.1.0")

    /// The report as netcheck writes it (compact), with `member` put in front of "title".
    func forged(_ member: String) -> String {
        let text = report.jsonText(pretty: false)
        let title = text.range(of: "\"title\"")!
        return text.replacingCharacters(in: title.lowerBound..<title.lowerBound, with: member + ",")
    }

    func refusal(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let read = try Report(jsonText: text)
            XCTFail("read a forged report as \(read.exercise)", file: file, line: line)
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testTheSampleReportReadsBack() throws {
        XCTAssertEqual(try Report(jsonText: report.jsonText(pretty: false)), report)
    }

    /// A second "exercise", spelled with an escape, replaced the first (json-c keeps the last value of a key).
    func testAKeyWrittenTwoWaysIsRefused() throws {
        let reason = try XCTUnwrap(refusal(forged(#""\u0065xercise": "chapter7-dnat""#)))
        XCTAssertTrue(reason.hasPrefix("line 1, column "), reason)
        XCTAssertTrue(reason.hasSuffix(#"field "exercise": appears more than once"#), reason)
    }

    /// `"exercise\u0000"` was cut to `exercise` and replaced the real one.
    func testU0000InAKeyIsRefused() throws {
        let reason = try XCTUnwrap(refusal(forged(#""exercise\u0000": "chapter7-dnat""#)))
        XCTAssertTrue(reason.hasSuffix(#"field "exercise\x00": a key must not contain U+0000"#), reason)
    }

    /// 10^26 was read as 9223372036854775807.
    func testAnIntegerOutOfRangeIsRefused() throws {
        let text = report.jsonText(pretty: false).replacingOccurrences(of: "\"duration_ms\":9", with: "\"duration_ms\":100000000000000000000000000")
        let reason = try XCTUnwrap(refusal(text))
        XCTAssertTrue(reason.contains(#"100000000000000000000000000 is not a valid integer for "duration_ms""#), reason)
    }
}
