import Addresses
import XCTest

/// A decoder's error, as the reader builds it.
enum TestError: TruncationError, Equatable {
    case truncated(layer: String, needed: Int, got: Int)
}

/// The one byte reader: both byte orders, bounds checked before every read, never a trap.
final class ByteReaderTests: XCTestCase {
    let r = ByteReader<TestError>([0x12, 0x34, 0x56, 0x78, 0x9a], layer: "Test")

    func testByteOrders() throws {
        XCTAssertEqual(try r.u8(4), 0x9a)
        XCTAssertEqual(try r.u16be(0), 0x1234)
        XCTAssertEqual(try r.u16le(0), 0x3412)
        XCTAssertEqual(try r.u32be(1), 0x3456_789a)
        XCTAssertEqual(try r.u32le(1), 0x9a78_5634)
        XCTAssertEqual(try ByteReader<TestError>([0xff, 0xff, 0xff, 0xff], layer: "").i32le(0), -1)
        XCTAssertEqual(try r.ipv4(0), IPv4Address(0x12, 0x34, 0x56, 0x78))
        XCTAssertEqual(try ByteReader<TestError>([9, 0, 0, 0x5e, 0, 0x53, 1], layer: "").mac(1), MACAddress("00:00:5e:00:53:01"))
    }

    func testSlicesAreIndexedFromZero() throws {
        // A reader over a slice whose indices do not start at 0 reads by offset all the same.
        let tail = ByteReader<TestError>([UInt8]([0, 0, 0xab, 0xcd]).dropFirst(2), layer: "Test")
        XCTAssertEqual(try tail.u16be(0), 0xabcd)
        let s = try r.slice(1, 3)
        XCTAssertEqual(s.startIndex, 0)
        XCTAssertEqual(Array(s), [0x34, 0x56, 0x78])
        XCTAssertEqual(Array(try r.rest(from: 3)), [0x78, 0x9a])
        XCTAssertEqual(try r.rest(from: 5).count, 0)
    }

    func testEveryReadPastTheEndThrowsWhatItNeeded() {
        func error(_ read: () throws -> Void) -> TestError? {
            do { try read(); return nil } catch { return error as? TestError }
        }
        // The reads throw the decoder's own type (typed throws): this compiles only if they do.
        func typed() throws(TestError) { _ = try r.u8(0); _ = try r.u32be(0); _ = try r.slice(0, 1) }
        XCTAssertNil(error(typed))
        XCTAssertEqual(error { _ = try r.u8(5) }, .truncated(layer: "Test", needed: 6, got: 5))
        XCTAssertEqual(error { _ = try r.u16be(4) }, .truncated(layer: "Test", needed: 6, got: 5))
        XCTAssertEqual(error { _ = try r.u32le(2) }, .truncated(layer: "Test", needed: 6, got: 5))
        XCTAssertEqual(error { _ = try r.mac(0) }, .truncated(layer: "Test", needed: 6, got: 5))
        XCTAssertEqual(error { try r.need(20) }, .truncated(layer: "Test", needed: 20, got: 5))
        XCTAssertEqual(error { _ = try r.rest(from: 6) }, .truncated(layer: "Test", needed: 6, got: 5))
        // Offsets no decoder should compute still throw instead of trapping.
        XCTAssertNotNil(error { _ = try r.u8(-1) })
        XCTAssertNotNil(error { _ = try r.slice(2, -1) })
        XCTAssertEqual(error { _ = try r.slice(Int.max, 2) }, .truncated(layer: "Test", needed: Int.max, got: 5))
        XCTAssertEqual(error { _ = try r.slice(1, Int.max) }, .truncated(layer: "Test", needed: Int.max, got: 5))
        let empty = ByteReader<TestError>([UInt8](), layer: "Empty")
        XCTAssertEqual(error { _ = try empty.u8(0) }, .truncated(layer: "Empty", needed: 1, got: 0))
        XCTAssertNil(error { try empty.need(0) })
    }

    func testWriter() {
        var w = ByteWriter()
        w.u8(1); w.u16be(0x0203); w.u16le(0x0504); w.u32be(0x0607_0809); w.u32le(0x0d0c_0b0a); w.i32le(-1)
        w.append([0xaa]); w.zeros(2)
        XCTAssertEqual(w.bytes, [1, 2, 3, 4, 5, 6, 7, 8, 9, 0x0a, 0x0b, 0x0c, 0x0d, 0xff, 0xff, 0xff, 0xff, 0xaa, 0, 0])
        w.pad()
        XCTAssertEqual(w.bytes.count, 20)
        w.u8(0); w.pad(to: 8)
        XCTAssertEqual(w.bytes.count, 24)
    }
}
