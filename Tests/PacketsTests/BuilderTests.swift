import Addresses
import XCTest
@testable import Packets

/// What netcheck sends, byte by byte, and read back by the decoders that read captures.
final class BuilderTests: XCTestCase {
    let token: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]

    func testEchoRequestLayout() throws {
        let p = ICMPMessage.echoRequest(identifier: 0xfb73, sequence: 1, token: token)
        XCTAssertEqual(p.count, 64, "tcpdump prints length 64, as for ping")
        XCTAssertEqual(Array(p[0..<2]), [8, 0])
        XCTAssertEqual(Array(p[4..<8]), [0xfb, 0x73, 0, 1])
        XCTAssertEqual(Array(p[8..<16]), token)
        XCTAssertEqual(Array(p[16..<18]), [8, 9], "the rest counts up")
        XCTAssertEqual(internetChecksum(p), 0, "a packet with its checksum sums to zero")
        let m = try ICMPMessage.decode(layer: p[...]).header
        XCTAssertEqual([m.type, m.code], [8, 0])
        XCTAssertEqual(m.identifier, 0xfb73)
        XCTAssertEqual(m.sequence, 1)
        XCTAssertEqual(ICMPMessage.echoRequest(identifier: 1, sequence: 1, token: [UInt8](repeating: 7, count: 80)).count, 64,
                       "a long token is cut")
    }

    func testChecksumKnownValue() {
        // RFC 1071's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, so the checksum is 220d.
        XCTAssertEqual(internetChecksum([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]), 0x220d)
        XCTAssertEqual(internetChecksum([0xff]), ~UInt16(0xff00), "an odd byte is padded with zero")
        XCTAssertEqual(internetChecksum([UInt8]([9, 0x00, 0x01]).dropFirst()), ~UInt16(0x0001), "any collection")
    }

    func testSynHeaderAndChecksum() throws {
        let src = IPv4Address("203.0.113.1")!, dst = IPv4Address("203.0.113.254")!
        let tcp = TCPSegment.syn(source: src, sourcePort: 40000, destination: dst, destinationPort: 54321, sequence: 0x01020304)
        XCTAssertEqual(tcp.count, 20)
        XCTAssertEqual(Array(tcp[0..<4]), [0x9c, 0x40, 0xd4, 0x31], "ports 40000 -> 54321")
        XCTAssertEqual(Array(tcp[4..<8]), [1, 2, 3, 4])
        XCTAssertEqual(tcp[13], 0x02, "SYN only")
        // Summing the pseudo-header and the segment with its checksum gives zero.
        XCTAssertEqual(internetChecksum(src.bytes + dst.bytes + [0, 6, 0, 20] + tcp), 0)
        let s = try TCPSegment.decode(layer: tcp[...]).header
        XCTAssertEqual(s.flags, .syn)
        XCTAssertEqual(s.window, 64240)
        XCTAssertEqual(s.options, [])
    }

    func testUDPDatagramAndChecksum() throws {
        let src = IPv4Address("127.0.0.1")!
        let udp = UDPDatagram.datagram(source: src, sourcePort: 40000, destination: src, destinationPort: 54321, payload: Array("hi\n".utf8))
        XCTAssertEqual(udp.count, 11)
        XCTAssertEqual(Array(udp[4..<6]), [0, 11])
        XCTAssertEqual(internetChecksum(src.bytes + src.bytes + [0, 17, 0, 11] + udp), 0)
        let u = try UDPDatagram.decode(layer: udp[...]).header
        XCTAssertEqual(u, UDPDatagram(sourcePort: 40000, destinationPort: 54321, length: 11))
    }

    func testDiscoverFrameDecodes() throws {
        let mac = MACAddress("02:00:5e:10:00:01")!
        let frame = DHCPMessage.discoverFrame(clientMAC: mac, transactionID: 0x1234_5678)
        XCTAssertEqual(frame.count, 342)
        guard case .ipv4(let ip) = try EthernetFrame.decode(frame).payload, case .udp(let u) = ip.transport else { return XCTFail() }
        XCTAssertEqual(internetChecksum(frame[14..<34]), 0, "the IPv4 header checksum is right")
        XCTAssertEqual(ip.ttl, 64)
        XCTAssertEqual(u.dhcp?.transactionID, 0x1234_5678)
        XCTAssertEqual(u.dhcp?.clientMAC, mac)
        XCTAssertEqual(u.dhcp?.messageType, 1)
    }
}
