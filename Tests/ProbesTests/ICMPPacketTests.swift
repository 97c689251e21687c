import Addresses
import XCTest
@testable import Probes

/// Echo requests built as ping builds them, and every kind of answer decoded from raw IPv4 datagrams.
final class ICMPPacketTests: XCTestCase {
    /// An IPv4 header (20 bytes, no options) in front of `payload`.
    func ipv4(from: String, to: String, ttl: UInt8, protocolNumber: UInt8 = 1, payload: [UInt8]) -> [UInt8] {
        let total = 20 + payload.count
        var h: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0x12, 0x34, 0x40, 0, ttl, protocolNumber, 0, 0]
        h += IPv4Address(from)!.bytes + IPv4Address(to)!.bytes
        let sum = ICMPPacket.checksum(h)
        h[10] = UInt8(sum >> 8); h[11] = UInt8(sum & 0xff)
        return h + payload
    }

    let token: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]

    func testEchoRequestLayout() {
        let p = ICMPPacket.echoRequest(identifier: 0xfb73, sequence: 1, token: token)
        XCTAssertEqual(p.count, 64, "tcpdump prints length 64, as for ping")
        XCTAssertEqual(Array(p[0..<2]), [8, 0])
        XCTAssertEqual(Array(p[4..<8]), [0xfb, 0x73, 0, 1])
        XCTAssertEqual(Array(p[8..<16]), token)
        XCTAssertEqual(ICMPPacket.checksum(p), 0, "a packet with its checksum sums to zero")
    }

    func testChecksumKnownValue() {
        // RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, so the checksum is 220d.
        XCTAssertEqual(ICMPPacket.checksum([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]), 0x220d)
        XCTAssertEqual(ICMPPacket.checksum([0xff]), ~UInt16(0xff00), "an odd byte is padded with zero")
    }

    func testEchoReply() throws {
        var reply = ICMPPacket.echoRequest(identifier: 7, sequence: 1, token: token)
        reply[0] = 0
        let datagram = ipv4(from: "198.51.100.1", to: "192.0.2.1", ttl: 62, payload: reply)
        XCTAssertEqual(try ICMPPacket.decode(datagram),
                       .echoReply(from: IPv4Address("198.51.100.1")!, ttl: 62, identifier: 7, sequence: 1, payload: Array(reply[8...])))
    }

    func testErrorsQuoteTheRequest() throws {
        let request = ICMPPacket.echoRequest(identifier: 9, sequence: 1, token: token)
        let quoted = Array(ipv4(from: "192.0.2.1", to: "203.0.113.9", ttl: 63, payload: request).prefix(28))
        let unreachable = ipv4(from: "192.0.2.254", to: "192.0.2.1", ttl: 64, payload: [3, 0, 0, 0, 0, 0, 0, 0] + quoted)
        XCTAssertEqual(try ICMPPacket.decode(unreachable),
                       .error(type: 3, code: 0, from: IPv4Address("192.0.2.254")!, identifier: 9, sequence: 1,
                              quotedDestination: IPv4Address("203.0.113.9")!))
        let exceeded = ipv4(from: "203.0.113.1", to: "192.0.2.1", ttl: 63, payload: [11, 0, 0, 0, 0, 0, 0, 0] + quoted)
        guard case .error(11, 0, _, 9, 1, _) = try ICMPPacket.decode(exceeded) else { return XCTFail() }
    }

    func testOtherTrafficIsOther() throws {
        // Someone else's echo request, a UDP datagram, an error quoting a UDP datagram.
        let request = ICMPPacket.echoRequest(identifier: 1, sequence: 1, token: token)
        XCTAssertEqual(try ICMPPacket.decode(ipv4(from: "192.0.2.2", to: "192.0.2.1", ttl: 64, payload: request)), .other)
        XCTAssertEqual(try ICMPPacket.decode(ipv4(from: "192.0.2.2", to: "192.0.2.1", ttl: 64, protocolNumber: 17,
                                                  payload: [0, 53, 0, 53, 0, 8, 0, 0])), .other)
        let udp = Array(ipv4(from: "192.0.2.1", to: "192.0.2.9", ttl: 64, protocolNumber: 17, payload: [0, 53, 0, 53, 0, 8, 0, 0]))
        XCTAssertEqual(try ICMPPacket.decode(ipv4(from: "192.0.2.9", to: "192.0.2.1", ttl: 64, payload: [3, 3, 0, 0, 0, 0, 0, 0] + udp)), .other)
    }

    /// Every prefix of every kind of datagram decodes or throws a DecodeError; none traps.
    func testTruncatedAndMalformedInput() throws {
        let request = ICMPPacket.echoRequest(identifier: 9, sequence: 1, token: token)
        var reply = request; reply[0] = 0
        let quoted = Array(ipv4(from: "192.0.2.1", to: "203.0.113.9", ttl: 63, payload: request).prefix(28))
        let datagrams = [
            ipv4(from: "198.51.100.1", to: "192.0.2.1", ttl: 62, payload: reply),
            ipv4(from: "192.0.2.254", to: "192.0.2.1", ttl: 64, payload: [3, 1, 0, 0, 0, 0, 0, 0] + quoted),
        ]
        for datagram in datagrams {
            for n in 0..<datagram.count {
                XCTAssertThrowsError(try ICMPPacket.decode(Array(datagram.prefix(n))), "prefix \(n)") { error in
                    XCTAssertTrue(error is ICMPPacket.DecodeError)
                }
            }
        }
        var badVersion = datagrams[0]; badVersion[0] = 0x65
        XCTAssertThrowsError(try ICMPPacket.decode(badVersion))
        var shortHeader = datagrams[0]; shortHeader[0] = 0x44
        XCTAssertThrowsError(try ICMPPacket.decode(shortHeader))
        var longTotal = datagrams[0]; longTotal[3] = 0xff
        XCTAssertThrowsError(try ICMPPacket.decode(longTotal))
    }
}

final class TCPSynTests: XCTestCase {
    func testSynHeaderAndChecksum() {
        let src = IPv4Address("203.0.113.1")!, dst = IPv4Address("203.0.113.254")!
        let tcp = TCPSyn.segment(source: src, sourcePort: 40000, destination: dst, destinationPort: 54321, sequence: 0x01020304)
        XCTAssertEqual(tcp.count, 20)
        XCTAssertEqual(Array(tcp[0..<4]), [0x9c, 0x40, 0xd4, 0x31], "ports 40000 -> 54321")
        XCTAssertEqual(Array(tcp[4..<8]), [1, 2, 3, 4])
        XCTAssertEqual(tcp[13], 0x02, "SYN only")
        // Summing the pseudo-header and the segment with its checksum gives zero.
        XCTAssertEqual(ICMPPacket.checksum(src.bytes + dst.bytes + [0, 6, 0, 20] + tcp), 0)
    }
}
