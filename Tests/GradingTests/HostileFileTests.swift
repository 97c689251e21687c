import Dispatch
import Foundation
@testable import Grading
import XCTest

/// Hostile input (issue 11), exercise files: whatever an instructor's file (or a file put in its place) is, netcheck
/// reads it from a regular file of sane size, refuses what it cannot read faithfully at the place it is written, in
/// time linear in the file's size, and says so on one clean line. Siblings: HostileFileTests in JSONTests,
/// ReportTests and IntegrationTests (`swift test --filter HostileFileTests`).
final class HostileFileTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    final class Outcome<T>: @unchecked Sendable {
        var value: T?
        let done = DispatchSemaphore(value: 0)
    }

    /// `body`'s result, or nil when it has not finished within `seconds`; `unblock` then lets it finish.
    func finishes<T>(within seconds: Double, unblock: () -> Void = {}, _ body: @escaping @Sendable () -> T) -> T? {
        let outcome = Outcome<T>()
        Thread { outcome.value = body(); outcome.done.signal() }.start()
        guard outcome.done.wait(timeout: .now() + seconds) == .success else {
            unblock()
            _ = outcome.done.wait(timeout: .now() + 10)
            return nil
        }
        return outcome.value
    }

    /// Why Files.read refused `path`, or nil (with a failure) when it read it or took more than 5 s.
    func refusal(_ path: String, unblock: () -> Void = {}, file: StaticString = #filePath, line: UInt = #line) -> String? {
        let result = finishes(within: 5, unblock: unblock) { Result { try Files.read(path) } }
        switch result {
        case nil: XCTFail("Files.read(\(path)) still waiting after 5 s", file: file, line: line); return nil
        case .success(let text)?: XCTFail("Files.read(\(path)) read \(text.utf8.count) bytes", file: file, line: line); return nil
        case .failure(let error)?: return "\(error)"
        }
    }

    // MARK: what the file is

    /// Opening a FIFO for reading waited for a writer forever (`netcheck lint` hung); it is opened O_NONBLOCK now and
    /// refused after fstat.
    func testAFIFOIsRefusedAtOnce() throws {
        let fifo = path("fifo.json")
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let reason = refusal(fifo, unblock: { let fd = open(fifo, O_WRONLY | O_NONBLOCK); if fd >= 0 { close(fd) } })
        XCTAssertEqual(reason, "cannot read \(fifo): is a FIFO (named pipe), not a regular file")
    }

    /// A symlink to /dev/zero was read until memory ran out (`netcheck lint` aborted); /dev/null read as an empty file.
    func testADeviceIsRefusedEvenThroughASymlink() throws {
        try FileManager.default.createSymbolicLink(atPath: path("null.json"), withDestinationPath: "/dev/null")
        guard let null = refusal(path("null.json")) else { return } // before reading /dev/zero without end
        XCTAssertEqual(null, "cannot read \(path("null.json")): is a character device, not a regular file")
        try FileManager.default.createSymbolicLink(atPath: path("zero.json"), withDestinationPath: "/dev/zero")
        XCTAssertEqual(refusal(path("zero.json")), "cannot read \(path("zero.json")): is a character device, not a regular file")
    }

    func testADirectoryIsRefusedAsNotARegularFile() throws {
        try FileManager.default.createDirectory(atPath: path("folder.json"), withIntermediateDirectories: false)
        XCTAssertEqual(refusal(path("folder.json")), "cannot read \(path("folder.json")): is a directory, not a regular file")
    }

    func testASymlinkToARegularFileIsRead() throws {
        try "{}".write(toFile: path("real.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: path("link.json"), withDestinationPath: path("real.json"))
        XCTAssertEqual(try Files.read(path("link.json")), "{}")
    }

    // MARK: how big it is

    /// A 2.2 GB file was read whole (4 GB of memory) before netcheck died with SIGILL (an Int32 conversion in
    /// JSON.parse). Exercise files and reports are small: more than 1 MiB is refused from fstat, without reading.
    func testAFileOverOneMiBIsRefusedWithoutReadingIt() throws {
        let exactly = String(repeating: " ", count: 1_048_576 - 2) + "{}"
        try exactly.write(toFile: path("exactly.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(try Files.read(path("exactly.json")).utf8.count, 1_048_576, "1 MiB itself is fine")
        try (exactly + " ").write(toFile: path("over.json"), atomically: true, encoding: .utf8)
        guard let over = refusal(path("over.json")) else { return } // before reading 2.2 GB
        XCTAssertEqual(over, "cannot read \(path("over.json")): is 1048577 bytes; netcheck reads at most 1 MiB (1048576 bytes) from an exercise file or report")
        // Sparse: 2.2 GB that take no disk space. Refused in far less time than reading them would take.
        let fd = open(path("huge.json"), O_WRONLY | O_CREAT, 0o600)
        XCTAssertEqual(ftruncate(fd, 2_200_000_000), 0)
        close(fd)
        let start = ContinuousClock.now
        XCTAssertEqual(refusal(path("huge.json")), "cannot read \(path("huge.json")): is 2200000000 bytes; netcheck reads at most 1 MiB (1048576 bytes) from an exercise file or report")
        XCTAssertLessThan(ContinuousClock.now - start, .milliseconds(500))
    }

    // MARK: what it says

    func load(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ExerciseFileError? {
        do {
            let exercise = try ExerciseLoader.load(text: text, file: "hostile.json")
            XCTFail("loaded \(exercise.id)", file: file, line: line)
        } catch let e as ExerciseFileError {
            return e
        } catch {
            XCTFail("not an ExerciseFileError: \(error)", file: file, line: line)
        }
        return nil
    }

    let rest = #""title": {"en": "T", "ja": "T"}, "namespaces": ["ns1"]}"#

    /// The duplicate-key check compared keys as written, so `"c\u0068apter"` beside `"chapter"` passed while json-c
    /// kept only the last: keys are compared as decoded, and the error names the second one's place.
    func testAKeyWrittenTwoWaysIsADuplicate() {
        let e = load(#"{"id": "x", "chapter": 3, "c\u0068apter": 4, "# + rest)
        XCTAssertEqual(e?.description, #"hostile.json: line 1, column 27: field "chapter": appears more than once"#)
    }

    /// `"id\u0000"` was read as `id` (String(cString:) stops at U+0000) and replaced the real id without a word.
    func testU0000InAKeyIsRefusedNotCutShort() {
        let e = load(#"{"id": "x", "id\u0000": "evil", "# + rest)
        XCTAssertEqual(e?.position, "line 1, column 13")
        XCTAssertEqual(e?.field, "id\u{0}")
        XCTAssertEqual(e?.description, #"hostile.json: line 1, column 13: field "id\x00": a key must not contain U+0000"#)
    }

    /// A string with U+0000 would be cut short where netcheck hands it to C (interface names, namespace paths).
    func testU0000InAStringIsRefused() {
        let e = load(#"{"id": "x", "namespaces": ["ns1"], "title": {"en": "T\u0000", "ja": "T"}}"#)
        XCTAssertEqual(e?.description, #"hostile.json: line 1, column 54: field "en": a string must not contain U+0000"#)
    }

    /// json-c clamps integers: 10^26 was reported as 9223372036854775807.
    func testAnIntegerOutOfRangeIsNamedAsWritten() {
        let e = load(#"{"id": "x", "chapter": 100000000000000000000000000, "# + rest)
        XCTAssertEqual(e?.description, #"hostile.json: line 1, column 24: 100000000000000000000000000 is not a valid integer for "chapter" (integers run from -9223372036854775808 to 9223372036854775807)"#)
    }

    /// A newline or ESC copied from the file into a message was printed raw: the message broke into lines, or
    /// steered the terminal. Control characters are escaped as JSON writes them.
    func testErrorsAreOneCleanLine() throws {
        let e = try XCTUnwrap(load(#"{"id": "x", "links": [{"namespace": "ns1\n\u001b[31mRED", "name": "a"}], "# + rest))
        XCTAssertEqual(e.description, #"hostile.json: /links/0: field "namespace": namespace "ns1\n\e[31mRED" is not listed in "namespaces""#)
        let unknown = try XCTUnwrap(load(#"{"id": "x", "\r\u009b2J": 1, "# + rest))
        XCTAssertFalse(unknown.description.unicodeScalars.contains { $0.properties.generalCategory == .control }, unknown.description)
        XCTAssertTrue(unknown.description.contains(#"field "\r\u009b2J": unknown field"#), unknown.description)
    }

    /// "Did you mean …?" compared the unknown word with every candidate by edit distance, quadratic in their lengths:
    /// a step naming a 20,000-character check id took 50 s (a megabyte one, days). Words that long get no
    /// suggestion, and a message quotes at most a few hundred characters of them.
    func testSuggestionsForHugeWordsAreQuick() throws {
        let id = String(repeating: "x", count: 20_000)
        let text = #"{"id": "x", "namespaces": ["ns1"], "title": {"en": "T", "ja": "T"}, "reachability": [{"from": "ns1", "to": "192.0.2.1", "id": ""#
            + id + #""}], "steps": [{"title": {"en": "S", "ja": "S"}, "checks": ["y"# + id.dropFirst() + #""]}]}"#
        let start = ContinuousClock.now
        let e = try XCTUnwrap(load(text))
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(2))
        XCTAssertEqual(e.position, "/steps/0/checks/0")
        XCTAssertLessThan(e.description.count, 1000, "the id is not copied whole into the message")
    }

    /// Every item's namespace and link were looked up by a linear search through all of them: a file of 6,000 links,
    /// addresses and pings (under 1 MiB) took about 10 s in a debug build.
    func testCrossChecksOfABigFileAreLinear() throws {
        let n = 6000
        func ns(_ i: Int) -> String { "\"n\(i)\"" }
        func ip(_ i: Int) -> String { "10.\(i / 256).\(i % 256).1" }
        let text = #"{"id": "wide", "title": {"en": "W", "ja": "W"}, "namespaces": ["# + (0..<n).map(ns).joined(separator: ",")
            + #"], "links": ["# + (0..<n).map { #"{"namespace":\#(ns($0)),"name":"v\#($0)"}"# }.joined(separator: ",")
            + #"], "addresses": ["# + (0..<n).map { #"{"namespace":\#(ns($0)),"link":"v\#($0)","address":"\#(ip($0))/24"}"# }.joined(separator: ",")
            + #"], "reachability": ["# + (0..<n).map { #"{"from":\#(ns($0)),"to":"\#(ip($0))"}"# }.joined(separator: ",") + "]}"
        XCTAssertLessThan(text.utf8.count, 1_048_576)
        let start = ContinuousClock.now
        let exercise = try ExerciseLoader.load(text: text, file: "wide.json")
        XCTAssertEqual(exercise.links.count, n)
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(4))
    }

    // MARK: a folder of exercises

    /// `netcheck list` loads every `*.json` of the folder: a FIFO there hung it, a symlink to /dev/zero ate memory.
    func testTheCatalogRefusesFIFOsAndDevicesInItsFolder() throws {
        try #"{"id": "ok", "title": {"en": "T", "ja": "T"}, "namespaces": ["ns1"]}"#.write(toFile: path("ok.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(mkfifo(path("fifo.json"), 0o600), 0)
        try FileManager.default.createSymbolicLink(atPath: path("null.json"), withDestinationPath: "/dev/null")
        try FileManager.default.createSymbolicLink(atPath: path("zero.json"), withDestinationPath: "/dev/zero")
        let catalog = ExerciseCatalog(directory: dir.path)
        XCTAssertEqual(try catalog.ids(), ["fifo", "null", "ok", "zero"])
        XCTAssertEqual(try catalog.load("ok").id, "ok")
        func reason(_ id: String) -> String? {
            let fifo = path("fifo.json")
            let result = finishes(within: 5, unblock: { let fd = open(fifo, O_WRONLY | O_NONBLOCK); if fd >= 0 { close(fd) } }) {
                Result { try catalog.load(id) }
            }
            guard case .failure(let error)? = result else { XCTFail("\(id): \(String(describing: result))"); return nil }
            return "\(error)"
        }
        XCTAssertEqual(reason("fifo"), "cannot read \(path("fifo.json")): is a FIFO (named pipe), not a regular file")
        guard reason("null") == "cannot read \(path("null.json")): is a character device, not a regular file" else {
            return XCTFail("/dev/null was read") // before reading /dev/zero without end
        }
        XCTAssertEqual(reason("zero"), "cannot read \(path("zero.json")): is a character device, not a regular file")
    }
}
