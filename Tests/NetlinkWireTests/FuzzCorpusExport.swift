import Foundation
import XCTest
import Addresses
@testable import NetlinkWire

/// Writes the kernel's messages of Fixtures.swift, a multi-message dump and hand-made neighbour and nsid
/// messages as the seed corpus of the NetlinkFuzzer (Fuzz/make-corpus.sh sets NETCHECK_FUZZ_CORPUS);
/// otherwise checks that the committed corpus holds them all.
final class FuzzCorpusExport: XCTestCase {
    func testExportNetlinkCorpus() throws {
        // With NETCHECK_FUZZ_CORPUS set (Fuzz/make-corpus.sh) the corpus is written there; otherwise the committed
        // corpus is checked: every fixture of these tests must be in it, so the fuzzer starts from all of them.
        let committed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")
        let writing = ProcessInfo.processInfo.environment["NETCHECK_FUZZ_CORPUS"]
        let dir = URL(fileURLWithPath: writing ?? committed.path).appendingPathComponent("NetlinkFuzzer")
        if writing != nil { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        let committedFiles = Set(((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [])
            .compactMap { try? Data(contentsOf: dir.appendingPathComponent($0)) })
        let seeds: [(String, [UInt8])] = [
            ("link", Fixtures.link), ("address", Fixtures.address), ("connected-route", Fixtures.connectedRoute),
            ("static-route", Fixtures.staticRoute), ("local-route", Fixtures.localRoute), ("route-get", Fixtures.routeGet),
            ("error-unreachable", Fixtures.unreachable),
            ("dump-address-routes", Fixtures.address + Fixtures.connectedRoute + Fixtures.staticRoute + Self.done),
            ("neighbour-arp", Self.neighbourARP), ("neighbour-fdb", Self.neighbourFDB), ("nsid", Self.nsid),
            ("done", Self.done),
        ]
        for (name, bytes) in seeds {
            if writing != nil {
                try Data(bytes).write(to: dir.appendingPathComponent(name + ".bin"))
            } else {
                XCTAssertTrue(committedFiles.contains(Data(bytes)), "Fuzz/corpus/NetlinkFuzzer lacks \(name): run Fuzz/make-corpus.sh")
            }
        }
    }

    static func message(type: UInt16, flags: UInt16 = NetlinkFlags.multi, _ payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        NetlinkHeader(length: UInt32(NetlinkHeader.size + payload.count), type: type, flags: flags, sequence: 1, portID: 4242)
            .write(to: &w)
        w.append(payload)
        w.pad()
        return w.bytes
    }

    static func attribute(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        RouteAttribute(type: type, payload: payload).write(to: &w)
        return w.bytes
    }

    /// `ip neigh`: 192.0.2.2 lladdr 00:00:5e:00:53:02 REACHABLE on ifindex 7.
    static let neighbourARP = message(type: NetlinkMessageType.newNeighbour,
        [2, 0, 0, 0, 7, 0, 0, 0, 0x02, 0, 0, 1] + attribute(1, [192, 0, 2, 2]) + attribute(2, [0, 0, 0x5e, 0, 0x53, 2])
            + attribute(4, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
    /// `bridge fdb`: 00:00:5e:00:53:01 on port 5 of bridge 3, vlan 1, master.
    static let neighbourFDB = message(type: NetlinkMessageType.newNeighbour,
        [7, 0, 0, 0, 5, 0, 0, 0, 0x02, 0, 0x04, 0] + attribute(2, [0, 0, 0x5e, 0, 0x53, 1]) + attribute(5, [1, 0])
            + attribute(9, [3, 0, 0, 0]))
    /// RTM_NEWNSID answering RTM_GETNSID: nsid 0.
    static let nsid = message(type: NetlinkMessageType.newNSID, flags: 0, [0, 0, 0, 0] + attribute(1, [0, 0, 0, 0]))
    static let done = message(type: NetlinkMessageType.done, [0, 0, 0, 0])
}
