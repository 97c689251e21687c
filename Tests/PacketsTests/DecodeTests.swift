import Addresses
import TestSupport
import XCTest
@testable import Packets

/// Hand-written frames decoded field by field; every prefix of each and random bytes decode or throw, never trap.
/// Checksums are left zero where the decoder does not verify them.
final class DecodeTests: XCTestCase {
    static let mac1 = MACAddress("00:00:5e:00:53:01")!, mac2 = MACAddress("00:00:5e:00:53:02")!

    /// ping 192.0.2.2 from 192.0.2.1: 98 bytes.
    static let echoRequest: [UInt8] = [
        0x00, 0x00, 0x5e, 0x00, 0x53, 0x02, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x08, 0x00, // Ethernet: dst, src, IPv4
        0x45, 0x00, 0x00, 0x54,        // IPv4, IHL 5, TOS 0, total length 84
        0x12, 0x34, 0x40, 0x00,        // id 0x1234, DF, offset 0
        0x40, 0x01, 0x00, 0x00,        // TTL 64, ICMP, checksum
        0xc0, 0x00, 0x02, 0x01,        // 192.0.2.1
        0xc0, 0x00, 0x02, 0x02,        // 192.0.2.2
        0x08, 0x00, 0x00, 0x00,        // ICMP echo request, code 0, checksum
        0xfb, 0x73, 0x00, 0x01,        // id 64371, seq 1
    ] + [UInt8](repeating: 0xa5, count: 56) // 56 data bytes, as ping sends

    /// The answer to `echoRequest`: addresses swapped, type 0.
    static let echoReply: [UInt8] = [
        0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x02, 0x08, 0x00, // Ethernet
        0x45, 0x00, 0x00, 0x54,        // IPv4, total length 84
        0xab, 0xcd, 0x00, 0x00,        // id 0xabcd, no flags
        0x3f, 0x01, 0x00, 0x00,        // TTL 63, ICMP
        0xc0, 0x00, 0x02, 0x02,        // 192.0.2.2
        0xc0, 0x00, 0x02, 0x01,        // 192.0.2.1
        0x00, 0x00, 0x00, 0x00,        // ICMP echo reply
        0xfb, 0x73, 0x00, 0x01,        // id 64371, seq 1
    ] + [UInt8](repeating: 0xa5, count: 56)

    /// Who has 192.0.2.2? Tell 192.0.2.1: 42 bytes, unpadded as the sender hands it to the NIC.
    static let arpRequest: [UInt8] = [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x08, 0x06, // broadcast, ARP
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, // Ethernet, IPv4, hlen 6, plen 4
        0x00, 0x01,                         // request
        0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0xc0, 0x00, 0x02, 0x01, // sender 00:00:5e:00:53:01 192.0.2.1
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xc0, 0x00, 0x02, 0x02, // target unknown, 192.0.2.2
    ]

    /// 192.0.2.2 is at 00:00:5e:00:53:02, padded to the 60-byte Ethernet minimum.
    static let arpReply: [UInt8] = [
        0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x02, 0x08, 0x06, // Ethernet, ARP
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02, // Ethernet/IPv4, reply
        0x00, 0x00, 0x5e, 0x00, 0x53, 0x02, 0xc0, 0x00, 0x02, 0x02, // sender
        0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0xc0, 0x00, 0x02, 0x01, // target
    ] + [UInt8](repeating: 0, count: 18) // padding

    /// A router (192.0.2.254) says host 198.51.100.7 is unreachable, quoting 192.0.2.1's echo request.
    static let hostUnreachable: [UInt8] = [
        0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x53, 0xfe, 0x08, 0x00, // Ethernet
        0x45, 0xc0, 0x00, 0x38,        // IPv4, TOS 0xc0, total length 56 = 20 + 8 + 28
        0x00, 0x01, 0x00, 0x00,        // id 1
        0xff, 0x01, 0x00, 0x00,        // TTL 255, ICMP
        0xc0, 0x00, 0x02, 0xfe,        // 192.0.2.254
        0xc0, 0x00, 0x02, 0x01,        // 192.0.2.1
        0x03, 0x01, 0x00, 0x00,        // destination unreachable, host
        0x00, 0x00, 0x00, 0x00,        // unused
        0x45, 0x00, 0x00, 0x54,        // quoted IPv4 header: total length 84 (only 28 bytes quoted)
        0x56, 0x78, 0x40, 0x00,        // id 0x5678, DF
        0x3f, 0x01, 0x00, 0x00,        // TTL 63, ICMP
        0xc0, 0x00, 0x02, 0x01,        // 192.0.2.1
        0xc6, 0x33, 0x64, 0x07,        // 198.51.100.7
        0x08, 0x00, 0x00, 0x00,        // quoted echo request
        0x00, 0x07, 0x00, 0x03,        // id 7, seq 3
    ]

    /// TTL expired at 192.0.2.254 for a traceroute UDP probe to 203.0.113.9 port 33434.
    static let timeExceeded: [UInt8] = [
        0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x00, 0x00, 0x5e, 0x00, 0x53, 0xfe, 0x08, 0x00, // Ethernet
        0x45, 0x00, 0x00, 0x38, 0x00, 0x02, 0x00, 0x00, 0xff, 0x01, 0x00, 0x00, // IPv4, 56 bytes, TTL 255, ICMP
        0xc0, 0x00, 0x02, 0xfe, 0xc0, 0x00, 0x02, 0x01, // 192.0.2.254 > 192.0.2.1
        0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // time exceeded in transit, unused
        0x45, 0x00, 0x00, 0x3c, 0x9c, 0x41, 0x00, 0x00, 0x01, 0x11, 0x00, 0x00, // quoted: 60 bytes, TTL 1, UDP
        0xc0, 0x00, 0x02, 0x01, 0xcb, 0x00, 0x71, 0x09, // 192.0.2.1 > 203.0.113.9
        0x9c, 0x41, 0x82, 0x9a, 0x00, 0x28, 0x00, 0x00, // UDP 40001 > 33434, length 40
    ]

    /// UDP 192.0.2.1:40000 > 192.0.2.2:50000 with 4 data bytes, fragment 0 with more fragments set.
    static let udp: [UInt8] = [
        0x00, 0x00, 0x5e, 0x00, 0x53, 0x02, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x08, 0x00, // Ethernet
        0x45, 0x00, 0x00, 0x20, 0x00, 0x09, 0x20, 0x00, 0x40, 0x11, 0x00, 0x00, // IPv4, 32 bytes, id 9, MF, TTL 64, UDP
        0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, // 192.0.2.1 > 192.0.2.2
        0x9c, 0x40, 0xc3, 0x50, 0x00, 0x0c, 0x00, 0x00, // 40000 > 50000, length 12, no checksum
        0xde, 0xad, 0xbe, 0xef,                         // data
    ]

    /// TCP PSH+ACK 192.0.2.1:40000 > 192.0.2.2:8080 with 3 data bytes.
    static let tcp: [UInt8] = [
        0x00, 0x00, 0x5e, 0x00, 0x53, 0x02, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x08, 0x00, // Ethernet
        0x45, 0x00, 0x00, 0x2b, 0x00, 0x0a, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, // IPv4, 43 bytes, TTL 64, TCP
        0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, // 192.0.2.1 > 192.0.2.2
        0x9c, 0x40, 0x1f, 0x90,                         // 40000 > 8080
        0x00, 0x00, 0x03, 0xe9,                         // seq 1001
        0x00, 0x00, 0x13, 0x89,                         // ack 5001
        0x50, 0x18, 0x02, 0x00,                         // data offset 5, PSH|ACK, window 512
        0x00, 0x00, 0x00, 0x00,                         // checksum, urgent pointer
        0x47, 0x45, 0x54,                               // "GET"
    ]

    static let fixtures: [(String, [UInt8])] = [
        ("echo request", echoRequest), ("echo reply", echoReply), ("ARP request", arpRequest), ("ARP reply", arpReply),
        ("host unreachable", hostUnreachable), ("time exceeded", timeExceeded), ("UDP", udp), ("TCP", tcp),
    ]

    func ipv4(_ frame: EthernetFrame) throws -> IPv4Packet {
        guard case .ipv4(let p) = frame.payload else { throw NotIPv4(payload: frame.payload) }
        return p
    }

    func testEchoRequestAndReply() throws {
        let request = try EthernetFrame.decode(Self.echoRequest)
        XCTAssertEqual(request.destination, Self.mac2)
        XCTAssertEqual(request.source, Self.mac1)
        XCTAssertEqual(request.etherType, 0x0800)
        XCTAssertEqual(request.wireLength, 98)
        let ip = try ipv4(request)
        XCTAssertEqual(ip, IPv4Packet(source: IPv4Address("192.0.2.1")!, destination: IPv4Address("192.0.2.2")!, ttl: 64,
                                      protocolNumber: 1, identification: 0x1234, totalLength: 84, headerLength: 20,
                                      fragmentOffset: 0, moreFragments: false,
                                      transport: .icmp(ICMPMessage(type: 8, code: 0, identifier: 64371, sequence: 1, length: 64, quoted: nil))))
        let reply = try ipv4(EthernetFrame.decode(Self.echoReply, wireLength: 98))
        XCTAssertEqual(reply.ttl, 63)
        XCTAssertEqual(reply.identification, 0xabcd)
        XCTAssertEqual(reply.source, IPv4Address("192.0.2.2"))
        XCTAssertEqual(reply.transport, .icmp(ICMPMessage(type: 0, code: 0, identifier: 64371, sequence: 1, length: 64, quoted: nil)))
    }

    func testARP() throws {
        let request = try EthernetFrame.decode(Self.arpRequest)
        XCTAssertEqual(request.destination, .broadcast)
        XCTAssertEqual(request.payload, .arp(ARPPacket(operation: 1, senderMAC: Self.mac1, senderIP: IPv4Address("192.0.2.1")!,
                                                       targetMAC: MACAddress("00:00:00:00:00:00")!, targetIP: IPv4Address("192.0.2.2")!)))
        let reply = try EthernetFrame.decode(Self.arpReply)
        XCTAssertEqual(reply.wireLength, 60)
        XCTAssertEqual(reply.payload, .arp(ARPPacket(operation: 2, senderMAC: Self.mac2, senderIP: IPv4Address("192.0.2.2")!,
                                                     targetMAC: Self.mac1, targetIP: IPv4Address("192.0.2.1")!)))
    }

    func testRequestFrameBuilder() {
        XCTAssertEqual(ARPPacket.requestFrame(senderMAC: Self.mac1, senderIP: IPv4Address("192.0.2.1")!,
                                              targetIP: IPv4Address("192.0.2.2")!), Self.arpRequest)
    }

    func testUnreachableQuotesTheEchoRequest() throws {
        let ip = try ipv4(EthernetFrame.decode(Self.hostUnreachable))
        XCTAssertEqual(ip.ttl, 255)
        guard case .icmp(let m) = ip.transport else { return XCTFail("\(ip.transport)") }
        XCTAssertEqual(m.type, 3)
        XCTAssertEqual(m.code, 1)
        XCTAssertEqual(m.length, 36)
        XCTAssertNil(m.identifier)
        let q = try XCTUnwrap(m.quoted)
        XCTAssertEqual(q.destination, IPv4Address("198.51.100.7"))
        XCTAssertEqual(q.totalLength, 84, "the quoted header's own total length, though only 28 bytes are quoted")
        XCTAssertEqual(q.identification, 0x5678)
        XCTAssertEqual(q.transport, .icmp(ICMPMessage(type: 8, code: 0, identifier: 7, sequence: 3, length: 64, quoted: nil)))
    }

    func testTimeExceededQuotesTheUDPProbe() throws {
        let ip = try ipv4(EthernetFrame.decode(Self.timeExceeded))
        guard case .icmp(let m) = ip.transport else { return XCTFail("\(ip.transport)") }
        XCTAssertEqual([m.type, m.code], [11, 0])
        XCTAssertEqual(m.length, 36)
        let q = try XCTUnwrap(m.quoted)
        XCTAssertEqual(q.ttl, 1)
        XCTAssertEqual(q.destination, IPv4Address("203.0.113.9"))
        XCTAssertEqual(q.transport, .udp(UDPDatagram(sourcePort: 40001, destinationPort: 33434, length: 40)))
    }

    func testUDP() throws {
        let ip = try ipv4(EthernetFrame.decode(Self.udp))
        XCTAssertTrue(ip.moreFragments)
        XCTAssertEqual(ip.fragmentOffset, 0)
        XCTAssertEqual(ip.transport, .udp(UDPDatagram(sourcePort: 40000, destinationPort: 50000, length: 12)))
    }

    func testTCP() throws {
        let ip = try ipv4(EthernetFrame.decode(Self.tcp))
        XCTAssertEqual(ip.transport, .tcp(TCPSegment(sourcePort: 40000, destinationPort: 8080, sequence: 1001, acknowledgement: 5001,
                                                     flags: [.psh, .ack], window: 512, headerLength: 20, payloadLength: 3)))
    }

    func testNonFirstFragmentHasNoTransport() throws {
        var frame = Self.udp
        frame[20] = 0x00; frame[21] = 0x03 // offset 3 × 8 = 24 bytes, no MF
        let ip = try ipv4(EthernetFrame.decode(frame))
        XCTAssertEqual(ip.fragmentOffset, 24)
        XCTAssertFalse(ip.moreFragments)
        XCTAssertEqual(ip.transport, .other)
    }

    func testOtherEtherType() throws {
        let frame = try EthernetFrame.decode(Array(Self.arpRequest[0..<12]) + [0x88, 0xb5, 1, 2, 3])
        XCTAssertEqual(frame.etherType, 0x88b5)
        XCTAssertEqual(frame.payload, .other([1, 2, 3]))
    }

    /// Every prefix of every fixture decodes or throws FrameDecodeError; fewer than 14 bytes always throw,
    /// and cutting into an IPv4 datagram (before its total length) throws `.truncated`.
    func testEveryPrefixDecodesOrThrows() {
        for (name, bytes) in Self.fixtures {
            for n in 0..<bytes.count {
                let prefix = Array(bytes.prefix(n))
                do {
                    _ = try EthernetFrame.decode(prefix)
                    XCTAssertGreaterThanOrEqual(n, 14, "\(name): \(n) bytes decoded")
                } catch let error as FrameDecodeError {
                    if n < 14 { XCTAssertEqual(error, .truncated(layer: "Ethernet", needed: 14, got: n), name) }
                    if case .malformed = error { XCTFail("\(name) prefix \(n): \(error)") }
                } catch {
                    XCTFail("\(name) prefix \(n): unexpected \(error)")
                }
            }
        }
        XCTAssertThrowsError(try EthernetFrame.decode(Array(Self.echoRequest.prefix(97)))) { error in
            XCTAssertEqual(error as? FrameDecodeError, .truncated(layer: "IPv4", needed: 84, got: 83))
        }
    }

    /// Random bytes of lengths 0...200, with the ethertype forced to IPv4 and ARP half the time: no traps.
    func testRandomBytesNeverTrap() {
        var rng = SplitMix64(seed: 0x5eed)
        var decoded = 0, thrown = 0
        for i in 0..<20_000 {
            var bytes = (0..<Int(rng.next() % 201)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            if bytes.count >= 15, i % 2 == 0 {
                bytes[12] = 0x08; bytes[13] = i % 4 == 0 ? 0x00 : 0x06
                if i % 4 == 0 { bytes[14] = 0x40 | bytes[14] & 0x0f } // version 4, random IHL
            }
            do { _ = try EthernetFrame.decode(bytes); decoded += 1 } catch is FrameDecodeError { thrown += 1 } catch {
                XCTFail("unexpected \(error)")
            }
        }
        XCTAssertEqual(decoded + thrown, 20_000)
        XCTAssertGreaterThan(decoded, 0)
        XCTAssertGreaterThan(thrown, 0)
    }

    func testMalformed() {
        var ihl3 = Self.echoRequest
        ihl3[14] = 0x43
        XCTAssertEqual(decodeError(ihl3), .malformed(layer: "IPv4", reason: "header length 12 < 20"))
        var version6 = Self.echoRequest
        version6[14] = 0x65
        XCTAssertEqual(decodeError(version6), .malformed(layer: "IPv4", reason: "version 6"))
        var totalShort = Self.echoRequest
        totalShort[17] = 19 // total length 19 < header length 20
        XCTAssertEqual(decodeError(totalShort), .malformed(layer: "IPv4", reason: "total length 19 < header length 20"))
        var hlen8 = Self.arpRequest
        hlen8[18] = 8
        XCTAssertEqual(decodeError(hlen8), .malformed(layer: "ARP", reason: "address lengths 8/4; expected 6/4"))
        var tcpOffset4 = Self.tcp
        tcpOffset4[46] = 0x40
        XCTAssertEqual(decodeError(tcpOffset4), .malformed(layer: "TCP", reason: "header length 16 < 20"))
        var udpLength7 = Self.udp
        udpLength7[39] = 7
        XCTAssertEqual(decodeError(udpLength7), .malformed(layer: "UDP", reason: "length 7 < 8"))
    }

    func decodeError(_ bytes: [UInt8]) -> FrameDecodeError? {
        do { _ = try EthernetFrame.decode(bytes); return nil } catch { return error as? FrameDecodeError }
    }

    func testTcpdumpLinesForFixtures() throws {
        XCTAssertEqual(TcpdumpFormat.line(try EthernetFrame.decode(Self.echoRequest)),
                       "00:00:5e:00:53:01 > 00:00:5e:00:53:02, ethertype IPv4 (0x0800), length 98: 192.0.2.1 > 192.0.2.2: ICMP echo request, id 64371, seq 1, length 64")
        XCTAssertEqual(TcpdumpFormat.line(try EthernetFrame.decode(Self.arpRequest)),
                       "00:00:5e:00:53:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.0.2.2 tell 192.0.2.1, length 28")
        XCTAssertEqual(TcpdumpFormat.line(try EthernetFrame.decode(Self.arpReply, wireLength: 60)),
                       "00:00:5e:00:53:02 > 00:00:5e:00:53:01, ethertype ARP (0x0806), length 60: Reply 192.0.2.2 is-at 00:00:5e:00:53:02, length 46")
    }

    func testPcapHeader() {
        let file = PcapFile.bytes([(bytes: [1, 2, 3], wireLength: 60)])
        XCTAssertEqual(Array(file[0..<24]), [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                             0x00, 0x00, 0x04, 0x00, 1, 0, 0, 0])
        XCTAssertEqual(Array(file[24...]), [0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 60, 0, 0, 0, 1, 2, 3])
    }
}

struct NotIPv4: Error { var payload: FramePayload }

/// A small seeded generator so the random test is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
