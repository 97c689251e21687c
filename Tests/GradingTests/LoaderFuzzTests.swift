import Foundation
@testable import Grading
import XCTest

/// Exercise files come from instructors and students: every mangled file must load or be refused with an
/// ExerciseFileError naming the file and a position, never trap or throw anything else.
final class LoaderFuzzTests: XCTestCase {
    /// A small deterministic generator (SplitMix64), so a failure can be replayed.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    func testMangledExerciseFilesAreRefusedCleanly() throws {
        let dir = ExerciseLoaderTests.root.appendingPathComponent("Exercises")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertFalse(files.isEmpty)
        let pieces = ["{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "-1", "1e999", "\"root\"", "\"\\u0000\"",
                      "\"999.1.1.1/33\"", "\"zz:zz\"", "\u{3042}", "\n", "\"ns1\"", "{\"en\": 1}"]
        var rng = Seeded(state: 20261126)
        var loaded = 0, refused = 0
        for file in files {
            let original = Array(try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8).unicodeScalars)
            for _ in 0..<300 {
                var text = original
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let at = Int.random(in: 0...text.count, using: &rng)
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: text.removeSubrange(at..<min(text.count, at + Int.random(in: 1...20, using: &rng)))
                    case 1: text.insert(contentsOf: pieces.randomElement(using: &rng)!.unicodeScalars, at: at)
                    case 2: text = Array(text.prefix(at))
                    default:
                        let from = Int.random(in: 0...text.count, using: &rng)
                        text.insert(contentsOf: text[from..<min(text.count, from + 40)], at: at)
                    }
                }
                var s = String.UnicodeScalarView()
                s.append(contentsOf: text)
                do {
                    _ = try ExerciseLoader.load(text: String(s), file: file)
                    loaded += 1
                } catch let e as ExerciseFileError {
                    refused += 1
                    XCTAssertTrue(e.description.hasPrefix(file + ":"), e.description)
                    XCTAssertFalse(e.position.isEmpty, e.description)
                } catch {
                    XCTFail("\(file): not an ExerciseFileError: \(error)")
                }
            }
        }
        XCTAssertGreaterThan(refused, loaded, "most mutations break a file")
    }
}
