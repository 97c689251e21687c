import Addresses
import XCTest
@testable import Packets

/// The layers one at a time (gopacket's DecodingLayer shape), what a frame keeps when a layer deep in it fails, and
/// the typed TCP flags and options.
final class LayerTests: XCTestCase {
    func testEachLayerSaysWhatComesNext() throws {
        let eth = try EthernetHeader.decode(layer: DecodeTests.tcp[...])
        XCTAssertEqual(eth.header, EthernetHeader(destination: DecodeTests.mac2, source: DecodeTests.mac1, etherType: 0x0800))
        XCTAssertEqual(eth.next, .ipv4)
        XCTAssertEqual(eth.payload.startIndex, 0)
        let ip = try IPv4Header.decode(layer: eth.payload, in: eth.context)
        XCTAssertEqual(ip.next, .tcp)
        XCTAssertEqual(ip.header.ttl, 64)
        XCTAssertEqual(ip.context, LayerContext(quoted: false, length: 23))
        let tcp = try TCPSegment.decode(layer: ip.payload, in: ip.context)
        XCTAssertEqual(tcp.next, .none)
        XCTAssertEqual(Array(tcp.payload), Array("GET".utf8))
        XCTAssertEqual(try EthernetHeader.decode(layer: DecodeTests.arpRequest[...]).next, .arp)
        // ARP padding, IPv4 padding: not part of the payload.
        XCTAssertEqual(try IPv4Header.decode(layer: DecodeTests.udp.dropFirst(14) + [0, 0, 0]).payload.count, 12)
        let udp = try UDPDatagram.decode(layer: DecodeTests.udp.dropFirst(34))
        XCTAssertEqual(udp.next, .none)
        XCTAssertEqual(Array(udp.payload), [0xde, 0xad, 0xbe, 0xef])
        let echo = try ICMPMessage.decode(layer: DecodeTests.echoRequest.dropFirst(34))
        XCTAssertEqual(echo.payload.count, 56, "an echo's data")
    }

    /// A TCP header cut by the IPv4 total length: the frame fails in TCP, and still gives its MAC addresses and TTL.
    func testAFailureDeepInAFrameKeepsTheLayersBeforeIt() throws {
        var frame = Array(DecodeTests.tcp.prefix(14 + 20 + 12))
        frame[17] = 32   // total length 32: 12 bytes of TCP header
        let layers = FrameLayers(frame)
        XCTAssertEqual(layers.failure, .truncated(layer: "TCP", needed: 20, got: 12))
        XCTAssertNil(layers.frame)
        XCTAssertEqual(layers.ethernet?.source, DecodeTests.mac1)
        XCTAssertEqual(layers.ipv4?.ttl, 64)
        XCTAssertEqual(layers.ipv4?.destination, IPv4Address("192.0.2.2"))
        XCTAssertNil(layers.transport)
        XCTAssertThrowsError(try EthernetFrame.decode(frame)) { XCTAssertEqual($0 as? FrameDecodeError, layers.failure) }

        // Cut by the snap length before the total length: IPv4 fails, its header (all there) is kept.
        let snapped = FrameLayers(Array(DecodeTests.echoRequest.prefix(40)), wireLength: 98)
        XCTAssertEqual(snapped.failure, .truncated(layer: "IPv4", needed: 84, got: 26))
        XCTAssertEqual(snapped.ipv4?.ttl, 64)
        XCTAssertEqual(snapped.wireLength, 98)
        // Cut inside the IPv4 header: only Ethernet.
        let short = FrameLayers(Array(DecodeTests.echoRequest.prefix(30)))
        XCTAssertEqual(short.failure, .truncated(layer: "IPv4", needed: 20, got: 16))
        XCTAssertNotNil(short.ethernet)
        XCTAssertNil(short.ipv4)
        // A malformed ARP packet keeps Ethernet.
        var arp = DecodeTests.arpRequest
        arp[18] = 8
        XCTAssertEqual(FrameLayers(arp).ethernet?.etherType, 0x0806)
        XCTAssertEqual(FrameLayers(arp).failure, .malformed(layer: "ARP", reason: "address lengths 8/4; expected 6/4"))
        XCTAssertEqual(FrameLayers([1, 2, 3]).failure, .truncated(layer: "Ethernet", needed: 14, got: 3))
        XCTAssertNil(FrameLayers([1, 2, 3]).ethernet)
    }

    /// Every prefix of every fixture: FrameLayers agrees with EthernetFrame.decode, and what it keeps is what the
    /// whole frame has.
    func testEveryPrefixKeepsTheLayersItHas() throws {
        for (name, bytes) in DecodeTests.fixtures {
            let whole = FrameLayers(bytes)
            XCTAssertNil(whole.failure, name)
            for n in 0...bytes.count {
                let layers = FrameLayers(Array(bytes.prefix(n)))
                XCTAssertEqual(layers.result, Result { () throws(FrameDecodeError) in try EthernetFrame.decode(Array(bytes.prefix(n))) }, "\(name) \(n)")
                if n >= 14 { XCTAssertEqual(layers.ethernet, whole.ethernet, "\(name) \(n)") }
                if let ip = layers.ipv4 { XCTAssertEqual(ip, whole.ipv4, "\(name) \(n)") }
                if n >= 14 + 20, whole.ipv4 != nil { XCTAssertEqual(layers.ipv4, whole.ipv4, "\(name) \(n): the header is all there") }
            }
        }
    }

    func testTypedFlags() throws {
        guard case .ipv4(let ip) = try EthernetFrame.decode(DecodeTests.tcp).payload, case .tcp(let t) = ip.transport else { return XCTFail() }
        XCTAssertEqual(t.flags, [.psh, .ack])
        XCTAssertEqual(t.flags.rawValue, 0x18)
        XCTAssertEqual(TCPFlags(rawValue: 0xff), [.fin, .syn, .rst, .psh, .ack, .urg, .ece, .cwr])
        XCTAssertTrue(TCPFlags(rawValue: 0x12).isSuperset(of: [.syn, .ack]))
    }

    func testTypedOptions() {
        func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
        // Linux's SYN: mss 65495, sackOK, TS val 2187005123 ecr 0, nop, wscale 7.
        let syn: [UInt8] = [2, 4, 0xff, 0xd7, 4, 2, 8, 10] + be32(2187005123) + be32(0) + [1, 3, 3, 7]
        XCTAssertEqual(TCPOption.parse(syn[...]), [.maximumSegmentSize(65495), .sackPermitted,
                                                    .timestamps(value: 2187005123, echoReply: 0), .noOperation, .windowScale(7)])
        XCTAssertEqual(TCPOption.parse(([1, 1, 5, 18] + be32(3000) + be32(4000) + be32(5000) + be32(6000))[...]),
                       [.noOperation, .noOperation, .sack([.init(left: 3000, right: 4000), .init(left: 5000, right: 6000)])])
        let cases: [([UInt8], [TCPOption])] = [
            ([], []),
            ([1, 0, 2, 4], [.noOperation, .endOfList, .malformed([2, 4])]),
            ([0, 0, 0, 0], [.endOfList, .endOfList, .endOfList, .endOfList]),
            ([2, 6, 0x05, 0xb4, 0, 0, 1, 1], [.other(kind: 2, data: [0x05, 0xb4, 0, 0]), .noOperation, .noOperation]),
            ([3, 4, 7, 0], [.other(kind: 3, data: [7, 0])]),
            ([5, 6, 1, 2, 3, 4, 1, 1], [.other(kind: 5, data: [1, 2, 3, 4]), .noOperation, .noOperation]),
            ([99, 2, 1, 1], [.other(kind: 99, data: []), .noOperation, .noOperation]),
            ([2, 1, 0, 0], [.malformed([2, 1, 0, 0])]),
            ([1, 2, 8, 0], [.noOperation, .malformed([2, 8, 0])]),
            ([1, 1, 1, 2], [.noOperation, .noOperation, .noOperation, .malformed([2])]),
        ]
        for (bytes, options) in cases {
            XCTAssertEqual(TCPOption.parse(bytes[...]), options, "\(bytes)")
            XCTAssertEqual(TCPOption.bytes(options), bytes, "\(bytes)")
        }
    }

    /// Random option bytes of every length a header holds: parsed, they give the same bytes back (what the tcpdump
    /// printer relies on), and parsing never traps.
    func testOptionsGiveTheirBytesBack() {
        var rng = SplitMix64(seed: 0x0b7)
        for i in 0..<20_000 {
            let count = Int(rng.next() % 41)
            // Half the time small kinds and lengths, so that the known kinds come up with every length.
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: i % 2 == 0 ? rng.next() % 12 : rng.next()) }
            let options = TCPOption.parse(bytes[...])
            XCTAssertEqual(TCPOption.bytes(options), bytes, "\(bytes)")
        }
    }
}
