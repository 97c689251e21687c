import Addresses
import Packets
import XCTest
@testable import Probes

/// What the echo probe makes of the datagrams its raw ICMP socket reads, decoded by Packets' decoders: every kind
/// of answer, someone else's traffic, and cut or malformed input (never a trap).
final class EchoAnswerTests: XCTestCase {
    /// An IPv4 header (20 bytes, no options) in front of `payload`.
    func ipv4(from: String, to: String, ttl: UInt8, protocolNumber: UInt8 = 1, payload: [UInt8]) -> [UInt8] {
        let total = 20 + payload.count
        var h: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0x12, 0x34, 0x40, 0, ttl, protocolNumber, 0, 0]
        h += IPv4Address(from)!.bytes + IPv4Address(to)!.bytes
        let sum = internetChecksum(h)
        h[10] = UInt8(sum >> 8); h[11] = UInt8(sum & 0xff)
        return h + payload
    }

    let token: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]

    func answer(_ datagram: [UInt8]) -> EchoProbe.Answer? { EchoProbe.answer(datagram[...]) }

    func testEchoReply() throws {
        var reply = ICMPMessage.echoRequest(identifier: 7, sequence: 1, token: token)
        reply[0] = 0
        let datagram = ipv4(from: "198.51.100.1", to: "192.0.2.1", ttl: 62, payload: reply)
        XCTAssertEqual(answer(datagram),
                       .echoReply(from: IPv4Address("198.51.100.1")!, ttl: 62, identifier: 7, sequence: 1, data: Array(reply[8...])))
        // Bytes after the total length (none come from a raw socket, but a capture pads) are not echo data.
        XCTAssertEqual(answer(datagram + [0, 0, 0]), answer(datagram))
    }

    func testErrorsQuoteTheRequest() throws {
        let request = ICMPMessage.echoRequest(identifier: 9, sequence: 1, token: token)
        let quoted = Array(ipv4(from: "192.0.2.1", to: "203.0.113.9", ttl: 63, payload: request).prefix(28))
        let unreachable = ipv4(from: "192.0.2.254", to: "192.0.2.1", ttl: 64, payload: [3, 0, 0, 0, 0, 0, 0, 0] + quoted)
        XCTAssertEqual(answer(unreachable),
                       .error(type: 3, code: 0, from: IPv4Address("192.0.2.254")!, identifier: 9, sequence: 1,
                              quotedDestination: IPv4Address("203.0.113.9")!))
        let exceeded = ipv4(from: "203.0.113.1", to: "192.0.2.1", ttl: 63, payload: [11, 0, 0, 0, 0, 0, 0, 0] + quoted)
        guard case .error(11, 0, _, 9, 1, _)? = answer(exceeded) else { return XCTFail() }
        // Linux quotes the whole request (up to 576 bytes in all): the same answer.
        let whole = ipv4(from: "192.0.2.254", to: "192.0.2.1", ttl: 64,
                         payload: [3, 1, 0, 0, 0, 0, 0, 0] + ipv4(from: "192.0.2.1", to: "203.0.113.9", ttl: 63, payload: request))
        guard case .error(3, 1, _, 9, 1, IPv4Address("203.0.113.9")!)? = answer(whole) else { return XCTFail("\(String(describing: answer(whole)))") }
    }

    func testOtherTrafficIsNoAnswer() throws {
        // Someone else's echo request, a UDP datagram, an error quoting a UDP datagram, an error whose quote is cut
        // before the echo's identifier.
        let request = ICMPMessage.echoRequest(identifier: 1, sequence: 1, token: token)
        XCTAssertNil(answer(ipv4(from: "192.0.2.2", to: "192.0.2.1", ttl: 64, payload: request)))
        XCTAssertNil(answer(ipv4(from: "192.0.2.2", to: "192.0.2.1", ttl: 64, protocolNumber: 17, payload: [0, 53, 0, 53, 0, 8, 0, 0])))
        let udp = Array(ipv4(from: "192.0.2.1", to: "192.0.2.9", ttl: 64, protocolNumber: 17, payload: [0, 53, 0, 53, 0, 8, 0, 0]))
        XCTAssertNil(answer(ipv4(from: "192.0.2.9", to: "192.0.2.1", ttl: 64, payload: [3, 3, 0, 0, 0, 0, 0, 0] + udp)))
        let cutQuote = Array(ipv4(from: "192.0.2.1", to: "203.0.113.9", ttl: 63, payload: request).prefix(24))
        XCTAssertNil(answer(ipv4(from: "192.0.2.254", to: "192.0.2.1", ttl: 64, payload: [3, 1, 0, 0, 0, 0, 0, 0] + cutQuote)))
    }

    /// Every prefix of every kind of answer is no answer (the datagram ends before its total length); bad headers
    /// are no answer either; nothing traps.
    func testTruncatedAndMalformedInput() throws {
        let request = ICMPMessage.echoRequest(identifier: 9, sequence: 1, token: token)
        var reply = request; reply[0] = 0
        let quoted = Array(ipv4(from: "192.0.2.1", to: "203.0.113.9", ttl: 63, payload: request).prefix(28))
        let datagrams = [
            ipv4(from: "198.51.100.1", to: "192.0.2.1", ttl: 62, payload: reply),
            ipv4(from: "192.0.2.254", to: "192.0.2.1", ttl: 64, payload: [3, 1, 0, 0, 0, 0, 0, 0] + quoted),
        ]
        for datagram in datagrams {
            XCTAssertNotNil(answer(datagram))
            for n in 0..<datagram.count {
                XCTAssertNil(answer(Array(datagram.prefix(n))), "prefix \(n)")
                XCTAssertThrowsError(try IPv4Packet.decode(datagram: Array(datagram.prefix(n))), "prefix \(n)") { error in
                    XCTAssertTrue(error is FrameDecodeError)
                }
            }
        }
        var badVersion = datagrams[0]; badVersion[0] = 0x65
        XCTAssertNil(answer(badVersion))
        var shortHeader = datagrams[0]; shortHeader[0] = 0x44
        XCTAssertNil(answer(shortHeader))
        var longTotal = datagrams[0]; longTotal[3] = 0xff
        XCTAssertNil(answer(longTotal))
    }
}
