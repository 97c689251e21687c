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

    /// json-c merges keys once it has decoded them, so `"c\u0068apter"` beside `"chapter"` was one key with the last
    /// value while the duplicate-key check, which compared keys as written, saw two. Keys are now compared as decoded,
    /// and the error points at the second one.
    func testKeysAreComparedAsDecoded() {
        XCTAssertEqual(refusal(#"{"chapter": 3, "c\u0068apter": 4}"#), #"line 1, column 16: field "chapter": appears more than once"#)
        XCTAssertEqual(refusal("{\"a\": {\"x/y\": 1,\n  \"x\\/y\": 2}}"), #"line 2, column 3: field "x/y": appears more than once"#)
        // A surrogate pair is its character; json-c reads each lone surrogate as U+FFFD, so those are one key too.
        XCTAssertEqual(refusal(#"{"😀": 1, "\ud83d\ude00": 2}"#), #"line 1, column 10: field "😀": appears more than once"#)
        XCTAssertEqual(refusal(#"{"\ud800": 1, "\udc00": 2}"#), #"line 1, column 15: field "�": appears more than once"#)
        // Swift compares strings by canonical equivalence (so does JSONObject): "é" and "e" + U+0301 are one key.
        XCTAssertEqual(refusal("{\"\u{e9}\": 1, \"e\\u0301\": 2}"), "line 1, column 10: field \"\u{e9}\": appears more than once")
        XCTAssertEqual(try JSON.parse(#"{"a": {"a": 1}, "\\u0061": 2, "s": "\"a\": 1"}"#).object?.keys, ["a", "\\u0061", "s"],
                       "nesting, an escaped backslash and strings are not duplicates")
    }

    /// Keys are decoded exactly as json-c decodes them, or the check would miss keys json-c merges (or see twice
    /// ones it keeps apart): escapes, surrogate pairs in either case, lone surrogates (U+FFFD) in every position.
    func testKeysDecodeAsJSONCDecodesThem() throws {
        let keys = [#"\ud800\ud800\udc00"#, #"\udc00\ud800"#, #"\ud800x"#, #"\ud800\u0041"#, #"\uD83D\uDE00"#, #"a\ud800"#,
                    #"\/\b\f\n\r\t\"\\"#, #"\u00e9\uffff\u0080"#, #"\u0068\u00E9"#, "ネット", #"\\u0000"#]
        for key in keys {
            let text = "{\"\(key)\": 1}"
            let fromJSONC = try XCTUnwrap(JSON.parse(text).object?.keys.first, key)
            var scanner = ContentScanner(Array(text.utf8))
            scanner.i = 1
            XCTAssertEqual(Array(scanner.string(decoding: true, key: nil).utf8), Array(fromJSONC.utf8), key)
        }
    }

    /// json-c keeps keys as C strings, and netcheck read them with String(cString:): `"id\u0000"` became `id` and
    /// silently replaced the real one. A key or string holding U+0000 is now refused where it is written.
    func testU0000InAKeyOrStringIsRefused() {
        XCTAssertEqual(refusal(#"{"id": "x", "id\u0000": "evil"}"#), #"line 1, column 13: field "id\x00": a key must not contain U+0000"#)
        XCTAssertEqual(refusal(#"{"title": {"en": "x\u0000y"}}"#), #"line 1, column 20: field "en": a string must not contain U+0000"#)
        XCTAssertEqual(refusal(#"["\u0000"]"#), "line 1, column 3: a string must not contain U+0000")
        XCTAssertEqual(try JSON.parse(#"{"a\\u0000": "\\u0000"}"#).object?["a\\u0000"], "\\u0000", "an escaped backslash, then text")
    }

    /// RFC 8259 wants control characters in strings escaped; json-c 0.16 takes a raw newline or tab even when strict.
    func testRawControlCharactersInStringsAreSyntaxErrors() {
        XCTAssertEqual(refusal("{\"a\": \"x\ny\"}"), "line 1, column 9: control characters in strings must be escaped (\\n)")
        XCTAssertEqual(refusal("{\"a\u{1b}\": 1}"), "line 1, column 4: control characters in strings must be escaped (\\e)")
    }

    /// json-c clamps integers to Int64 (10^26 was read as 9223372036854775807) and reads 1e999 as infinity.
    func testNumbersOutOfRangeAreRefused() {
        XCTAssertEqual(refusal(#"{"chapter": 100000000000000000000000000}"#),
                       #"line 1, column 13: 100000000000000000000000000 is not a valid integer for "chapter" (integers run from -9223372036854775808 to 9223372036854775807)"#)
        XCTAssertNotNil(refusal("[9223372036854775808]"))
        XCTAssertNotNil(refusal("[-9223372036854775809]"))
        XCTAssertEqual(refusal(#"{"score": 1e999}"#), #"line 1, column 11: 1e999 is out of range for "score" (more than a 64-bit floating-point number holds)"#)
        XCTAssertNotNil(refusal("[-2e308]"))
        XCTAssertEqual(try JSON.parse("[9223372036854775807, -9223372036854775808, -0, 1e-999, 1.5e308]"),
                       [.int(.max), .int(.min), .int(0), .double(0), .double(1.5e308)])
        // The number is quoted short: a file cannot turn the message into a megabyte.
        let long = refusal("[" + String(repeating: "9", count: 5000) + "]") ?? ""
        XCTAssertLessThan(long.count, 200, long)
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
