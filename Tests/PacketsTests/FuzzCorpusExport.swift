import Foundation
import NetlinkWire
import XCTest
@testable import Packets

/// Writes the frames of these tests as the seed corpus of the FrameFuzzer (Fuzz/make-corpus.sh sets
/// NETCHECK_FUZZ_CORPUS to the corpus folder); skipped otherwise.
final class FuzzCorpusExport: XCTestCase {
    func testExportFrameCorpus() throws {
        guard let root = ProcessInfo.processInfo.environment["NETCHECK_FUZZ_CORPUS"] else {
            throw XCTSkip("set NETCHECK_FUZZ_CORPUS to write the fuzz seed corpus")
        }
        let dir = URL(fileURLWithPath: root).appendingPathComponent("FrameFuzzer")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var frames = DecodeTests.fixtures.map { (name: $0.0, bytes: $0.1) }
        frames += FrameKit.differentialFrames().map { (name: $0.name, bytes: $0.bytes) }
        var seen = Set<[UInt8]>()
        for frame in frames where seen.insert(frame.bytes).inserted {
            let name = frame.name.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" }
            try Data(frame.bytes).write(to: dir.appendingPathComponent(String(name) + ".bin"))
        }
    }
}
