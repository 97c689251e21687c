import Addresses

/// A TCP header (RFC 9293), its options decoded.
///
///     0              2                  4                8                 12     13      14         16         18         20
///     +--------------+------------------+----------------+-----------------+------+-------+----------+----------+----------+---------
///     | source port  | destination port | sequence       | acknowledgement |offset| flags | window   | checksum | urgent   | options
///     +--------------+------------------+----------------+-----------------+------+-------+----------+----------+----------+---------
public struct TCPSegment: LayerDecoding {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequence: UInt32
    public var acknowledgement: UInt32
    public var flags: TCPFlags
    public var window: UInt16
    /// Data offset × 4.
    public var headerLength: Int
    /// Data bytes after the header, per the IP total length.
    public var payloadLength: Int
    /// The options between byte 20 and `headerLength`, all of them (empty in a quoted datagram);
    /// `TCPOption.bytes(options)` gives the header's bytes back.
    public var options: [TCPOption] = []
    /// The urgent pointer (tcpdump prints it as ", urg N" for URG segments).
    public var urgentPointer: UInt16 = 0

    public static let layerName = "TCP"

    /// `bytes` is the IP data. In a quoted datagram only the ports and sequence number are usually present; the other
    /// fields are zero when their bytes are missing. Next: none (the payload is the segment's data).
    public static func decode(layer bytes: ArraySlice<UInt8>, in context: LayerContext = .whole) throws(FrameDecodeError) -> DecodedLayer<TCPSegment> {
        let r = FrameReader(bytes, layer: layerName)
        if context.quoted {
            try r.need(4)
            let n = r.count
            let segment = TCPSegment(sourcePort: try r.u16be(0), destinationPort: try r.u16be(2),
                                     sequence: n >= 8 ? try r.u32be(4) : 0, acknowledgement: n >= 12 ? try r.u32be(8) : 0,
                                     flags: TCPFlags(rawValue: n > 13 ? try r.u8(13) : 0), window: n >= 16 ? try r.u16be(14) : 0,
                                     headerLength: n > 12 ? Int(try r.u8(12) >> 4) * 4 : 0, payloadLength: 0)
            return DecodedLayer(header: segment, next: .none, payload: [])
        }
        try r.need(20)
        let headerLength = Int(try r.u8(12) >> 4) * 4
        guard headerLength >= 20 else { throw .malformed(layer: layerName, reason: "header length \(headerLength) < 20") }
        guard headerLength <= r.count else {
            throw .malformed(layer: layerName, reason: "header length \(headerLength) > segment length \(r.count)")
        }
        let segment = TCPSegment(sourcePort: try r.u16be(0), destinationPort: try r.u16be(2), sequence: try r.u32be(4),
                                 acknowledgement: try r.u32be(8), flags: TCPFlags(rawValue: try r.u8(13)), window: try r.u16be(14),
                                 headerLength: headerLength, payloadLength: r.count - headerLength,
                                 options: TCPOption.parse(try r.slice(20, headerLength - 20)), urgentPointer: try r.u16be(18))
        return DecodedLayer(header: segment, next: .none, payload: try r.rest(from: headerLength))
    }
}

/// The control bits of byte 13, as tcpdump prints them in this order: `Flags [FSRP.UEW]`.
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x01)
    public static let syn = TCPFlags(rawValue: 0x02)
    public static let rst = TCPFlags(rawValue: 0x04)
    public static let psh = TCPFlags(rawValue: 0x08)
    public static let ack = TCPFlags(rawValue: 0x10)
    public static let urg = TCPFlags(rawValue: 0x20)
    /// ECN-Echo (RFC 3168).
    public static let ece = TCPFlags(rawValue: 0x40)
    /// Congestion Window Reduced (RFC 3168).
    public static let cwr = TCPFlags(rawValue: 0x80)
}

/// One TCP option (RFC 9293 3.2, RFC 7323, RFC 2018) as it stands in the header: kinds netcheck reads by name,
/// every other one (and a known kind with a length it does not have) kept whole as `.other`, so that `bytes(_:)`
/// gives the header's option bytes back exactly.
public enum TCPOption: Equatable, Sendable {
    /// Kind 0. The options end; what follows is padding (each zero byte another `.endOfList`).
    case endOfList
    /// Kind 1, padding between options.
    case noOperation
    /// Kind 2, length 4.
    case maximumSegmentSize(UInt16)
    /// Kind 3, length 3: the shift count.
    case windowScale(UInt8)
    /// Kind 4, length 2.
    case sackPermitted
    /// Kind 5, length 2 + 8 × blocks: left and right edges of each block received.
    case sack([SACKBlock])
    /// Kind 8, length 10.
    case timestamps(value: UInt32, echoReply: UInt32)
    /// Any other kind, or one of the above with another length: the kind and the data after the length byte.
    case other(kind: UInt8, data: [UInt8])
    /// From an option whose length byte is missing, below 2 or beyond the header, to the end: the bytes as they
    /// are, since nothing after them can be read as options.
    case malformed([UInt8])

    public struct SACKBlock: Equatable, Sendable {
        public var left: UInt32
        public var right: UInt32
        public init(left: UInt32, right: UInt32) { self.left = left; self.right = right }
    }

    public static let endOfListKind: UInt8 = 0, noOperationKind: UInt8 = 1

    /// Every option of `bytes` (the header from byte 20 to the data offset), in order. Never fails: what cannot be
    /// read ends as `.malformed`.
    public static func parse(_ bytes: ArraySlice<UInt8>) -> [TCPOption] {
        let o = Array(bytes)
        var options: [TCPOption] = []
        var i = 0
        func be16(_ at: Int) -> UInt16 { UInt16(o[at]) << 8 | UInt16(o[at + 1]) }
        func be32(_ at: Int) -> UInt32 { UInt32(be16(at)) << 16 | UInt32(be16(at + 2)) }
        while i < o.count {
            let kind = o[i]
            if kind == endOfListKind || kind == noOperationKind {
                options.append(kind == endOfListKind ? .endOfList : .noOperation)
                i += 1
                continue
            }
            guard i + 1 < o.count, o[i + 1] >= 2, Int(o[i + 1]) <= o.count - i else {
                options.append(.malformed(Array(o[i...])))
                break
            }
            let length = Int(o[i + 1]), data = i + 2
            switch (kind, length) {
            case (2, 4): options.append(.maximumSegmentSize(be16(data)))
            case (3, 3): options.append(.windowScale(o[data]))
            case (4, 2): options.append(.sackPermitted)
            case (5, _) where (length - 2) % 8 == 0:
                options.append(.sack(stride(from: data, to: i + length, by: 8).map { SACKBlock(left: be32($0), right: be32($0 + 4)) }))
            case (8, 10): options.append(.timestamps(value: be32(data), echoReply: be32(data + 4)))
            default: options.append(.other(kind: kind, data: Array(o[data..<(i + length)])))
            }
            i += length
        }
        return options
    }

    /// The option as it stands in a header.
    public var bytes: [UInt8] {
        var w = ByteWriter()
        switch self {
        case .endOfList: w.u8(Self.endOfListKind)
        case .noOperation: w.u8(Self.noOperationKind)
        case .maximumSegmentSize(let mss): w.u8(2); w.u8(4); w.u16be(mss)
        case .windowScale(let shift): w.u8(3); w.u8(3); w.u8(shift)
        case .sackPermitted: w.u8(4); w.u8(2)
        case .sack(let blocks):
            w.u8(5); w.u8(UInt8(truncatingIfNeeded: 2 + 8 * blocks.count))
            for b in blocks { w.u32be(b.left); w.u32be(b.right) }
        case .timestamps(let value, let echoReply): w.u8(8); w.u8(10); w.u32be(value); w.u32be(echoReply)
        case .other(let kind, let data): w.u8(kind); w.u8(UInt8(truncatingIfNeeded: 2 + data.count)); w.append(data)
        case .malformed(let raw): w.append(raw)
        }
        return w.bytes
    }

    /// The options' bytes, as in the header they were parsed from.
    public static func bytes(_ options: [TCPOption]) -> [UInt8] { options.flatMap(\.bytes) }
}
