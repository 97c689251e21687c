import Addresses
import Packets

/// Building echo requests and reading what comes back, without system calls.
///
/// An ICMP echo request (RFC 792), as netcheck sends it (64 bytes, like ping(8), so tcpdump prints
/// "ICMP echo request, id …, seq 1, length 64"):
///
///     0      1      2             4             6             8
///     +------+------+-------------+-------------+-------------+---------------------+
///     | type | code | checksum    | identifier  | sequence    | payload (56 bytes)  |
///     +------+------+-------------+-------------+-------------+---------------------+
public enum ICMPPacket {
    public static let echoReply: UInt8 = 0
    public static let destinationUnreachable: UInt8 = 3
    public static let echoRequest: UInt8 = 8
    public static let timeExceeded: UInt8 = 11
    public static let payloadSize = 56

    public enum DecodeError: Error, Equatable {
        case truncated(needed: Int, got: Int)
        case malformed(String)
    }

    /// What a received IPv4 datagram says about our probes.
    public enum Received: Equatable {
        case echoReply(from: IPv4Address, ttl: UInt8, identifier: UInt16, sequence: UInt16, payload: [UInt8])
        /// An ICMP error quoting one of our echo requests (identifier and sequence from the quoted header).
        case error(type: UInt8, code: UInt8, from: IPv4Address, identifier: UInt16, sequence: UInt16, quotedDestination: IPv4Address)
        /// Any other ICMP message.
        case other
    }

    /// An echo request with its checksum; `token` opens the payload so replies to someone else's probe
    /// with the same identifier are not taken for ours.
    public static func echoRequest(identifier: UInt16, sequence: UInt16, token: [UInt8]) -> [UInt8] {
        var packet: [UInt8] = [echoRequest, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xff),
                               UInt8(sequence >> 8), UInt8(sequence & 0xff)]
        var payload = Array(token.prefix(payloadSize))
        while payload.count < payloadSize { payload.append(UInt8(truncatingIfNeeded: payload.count)) }
        packet += payload
        let sum = checksum(packet)
        packet[2] = UInt8(sum >> 8)
        packet[3] = UInt8(sum & 0xff)
        return packet
    }

    /// The Internet checksum (RFC 1071).
    public static func checksum<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        internetChecksum(Array(bytes))
    }

    /// Decodes an IPv4 datagram as a raw ICMP socket delivers it (IP header included).
    public static func decode(_ bytes: [UInt8]) throws -> Received {
        let ip = try IPv4Header(bytes)
        guard ip.protocolNumber == 1 else { return .other }
        let icmp = Array(bytes[ip.headerLength..<min(bytes.count, Int(ip.totalLength))])
        try need(icmp, 8)
        let type = icmp[0], code = icmp[1]
        switch type {
        case echoReply:
            return .echoReply(from: ip.source, ttl: ip.ttl, identifier: u16(icmp, 4), sequence: u16(icmp, 6), payload: Array(icmp[8...]))
        case destinationUnreachable, timeExceeded:
            // The error quotes the offending datagram: its IP header and at least 8 bytes of our ICMP header.
            let quoted = Array(icmp[8...])
            let inner = try IPv4Header(quoted, requireTotalLength: false)
            let innerICMP = Array(quoted[inner.headerLength...])
            try need(innerICMP, 8)
            guard inner.protocolNumber == 1, innerICMP[0] == echoRequest else { return .other }
            return .error(type: type, code: code, from: ip.source, identifier: u16(innerICMP, 4), sequence: u16(innerICMP, 6),
                          quotedDestination: inner.destination)
        default:
            return .other
        }
    }

    static func need(_ bytes: [UInt8], _ n: Int) throws {
        guard bytes.count >= n else { throw DecodeError.truncated(needed: n, got: bytes.count) }
    }

    static func u16(_ b: [UInt8], _ i: Int) -> UInt16 { UInt16(b[i]) << 8 | UInt16(b[i + 1]) }

    /// The fields of an IPv4 header netcheck reads.
    struct IPv4Header {
        var headerLength: Int
        var totalLength: UInt16
        var ttl: UInt8
        var protocolNumber: UInt8
        var source: IPv4Address
        var destination: IPv4Address

        init(_ b: [UInt8], requireTotalLength: Bool = true) throws {
            try need(b, 20)
            guard b[0] >> 4 == 4 else { throw DecodeError.malformed("IP version \(b[0] >> 4)") }
            headerLength = Int(b[0] & 0x0f) * 4
            guard headerLength >= 20 else { throw DecodeError.malformed("IP header length \(headerLength)") }
            try need(b, headerLength)
            totalLength = u16(b, 2)
            if requireTotalLength {
                guard Int(totalLength) >= headerLength else { throw DecodeError.malformed("IP total length \(totalLength)") }
                try need(b, Int(totalLength))
            }
            ttl = b[8]
            protocolNumber = b[9]
            source = IPv4Address(bytes: b[12..<16])!
            destination = IPv4Address(bytes: b[16..<20])!
        }
    }
}
