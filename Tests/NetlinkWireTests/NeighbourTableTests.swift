import Addresses
import XCTest
@testable import NetlinkWire

/// RTM_NEWNEIGHTBL as the kernel writes it for arp_cache: the limit, the entries, and the table-full count.
final class NeighbourTableMessageTests: XCTestCase {
    func attribute(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        RouteAttribute(type: type, payload: payload).write(to: &w)
        return w.bytes
    }

    func testArpCacheLimitEntriesAndTableFulls() throws {
        var config = ByteWriter()
        config.u16le(4); config.u16le(336); config.u32le(1020)
        config.bytes += [UInt8](repeating: 0, count: 24)
        var stats = ByteWriter()
        for i in 0..<11 { stats.u32le(i == 10 ? 0x0000_0007 : UInt32(i)); stats.u32le(i == 10 ? 1 : 0) }
        let payload: [UInt8] = [2, 0, 0, 0] + attribute(1, Array("arp_cache".utf8) + [0]) + attribute(4, [0x00, 0x04, 0, 0])
            + attribute(5, config.bytes) + attribute(7, stats.bytes)
        let m = try NeighbourTableMessage(payload: payload)
        XCTAssertEqual(m.family, 2)
        XCTAssertEqual(m.name, "arp_cache")
        XCTAssertEqual(m.thresh3, 1024)
        XCTAssertEqual(m.entries, 1020)
        XCTAssertEqual(m.tableFulls, 1 << 32 | 7)
    }

    func testShortAttributesAreNotRead() throws {
        let m = try NeighbourTableMessage(payload: [2, 0, 0, 0] + attribute(5, [4, 0, 80, 1]) + attribute(7, [1, 2, 3]))
        XCTAssertNil(m.entries)
        XCTAssertNil(m.tableFulls)
        XCTAssertNil(m.name)
        XCTAssertThrowsError(try NeighbourTableMessage(payload: [2, 0]))
    }

    func testRequestIsADumpOfIPv4Tables() {
        let bytes = NetlinkRequest.dumpNeighbourTables(sequence: 9)
        XCTAssertEqual(bytes.count, 20)
        XCTAssertEqual(Array(bytes[4..<6]), [66, 0], "RTM_GETNEIGHTBL")
        XCTAssertEqual(bytes[16], 2, "AF_INET")
    }
}
