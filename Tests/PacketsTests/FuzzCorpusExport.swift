import Foundation
import XCTest
@testable import Packets

/// Writes the frames of these tests as the seed corpus of the FrameFuzzer (Fuzz/make-corpus.sh sets
/// NETCHECK_FUZZ_CORPUS to the corpus folder); otherwise checks that the committed corpus holds them all.
final class FuzzCorpusExport: XCTestCase {
    func testExportFrameCorpus() throws {
        // With NETCHECK_FUZZ_CORPUS set (Fuzz/make-corpus.sh) the corpus is written there; otherwise the committed
        // corpus is checked: every fixture of these tests must be in it, so the fuzzer starts from all of them.
        let committed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")
        let writing = ProcessInfo.processInfo.environment["NETCHECK_FUZZ_CORPUS"]
        let dir = URL(fileURLWithPath: writing ?? committed.path).appendingPathComponent("FrameFuzzer")
        if writing != nil { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        let committedFiles = Set(((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .compactMap { try? Data(contentsOf: dir.appendingPathComponent($0)) })
        var frames = DecodeTests.fixtures.map { (name: $0.0, bytes: $0.1) }
        frames += FrameKit.differentialFrames().map { (name: $0.name, bytes: $0.bytes) }
        var seen = Set<[UInt8]>()
        for (index, frame) in frames.enumerated() where seen.insert(frame.bytes).inserted {
            // Several fixtures share a name: the index keeps every one of them.
            let name = String(format: "%03d-", index) + String(frame.name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
            if writing != nil {
                try Data(frame.bytes).write(to: dir.appendingPathComponent(name + ".bin"))
            } else {
                XCTAssertTrue(committedFiles.contains(Data(frame.bytes)), "Fuzz/corpus/FrameFuzzer lacks \(frame.name): run Fuzz/make-corpus.sh")
            }
        }
    }
}
