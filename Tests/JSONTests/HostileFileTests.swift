import XCTest
@testable import JSON

/// Hostile input (issue 11), the JSON layer: text an instructor's exercise file or a learner's report controls must
/// not be read as something other than what it says — no key cut short, no two spellings of one key, no number
/// clamped — and must be read in time linear in its size. `swift test --filter HostileFileTests` runs these with
/// their siblings in GradingTests, ReportTests and IntegrationTests.
final class HostileFileTests: XCTestCase {
    /// The error `JSON.parse` throws for `text`, as it is printed.
    func refusal(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            let value = try JSON.parse(text)
            XCTFail("accepted \(text) as \(value)", file: file, line: line)
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Every insert into a JSONObject searched its keys, so a file of 100k keys took minutes. 40k keys took about
    /// a minute in a debug build before; now well under a second.
    func testManyKeysParseInLinearTime() throws {
        let text = "{" + (0..<40_000).map { "\"k\($0)\": \($0)" }.joined(separator: ", ") + "}"
        let start = ContinuousClock.now
        let object = try XCTUnwrap(try JSON.parse(text).object)
        let elapsed = ContinuousClock.now - start
        XCTAssertEqual(object.keys.count, 40_000)
        XCTAssertEqual(object["k39999"], 39_999)
        XCTAssertLessThan(elapsed, .seconds(5), "40k keys took \(elapsed)")
    }
}
