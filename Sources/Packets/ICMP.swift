import Addresses

/// An ICMP message header (RFC 792): type, code, checksum, then 4 bytes whose meaning depends on the type.
///
///     0      1      2            4                            8
///     +------+------+------------+----------------------------+---------------------------------------
///     | type | code | checksum   | identifier  | sequence     | echo data, or the quoted datagram ...
///     +------+------+------------+----------------------------+---------------------------------------
public struct ICMPMessage: LayerDecoding {
    public var type: UInt8
    public var code: UInt8
    /// Echo request/reply (types 8 and 0) only.
    public var identifier: UInt16?
    /// Echo request/reply (types 8 and 0) only.
    public var sequence: UInt16?
    /// ICMP bytes according to the IP total length (header and data).
    public var length: Int
    /// For destination unreachable (3) and time exceeded (11): the quoted datagram, decoded as a quote (its header and
    /// the first bytes of its data); nil when the quote is too short or not IPv4.
    public var quoted: IPv4Packet?
    /// For destination unreachable, fragmentation needed (type 3 code 4): the next-hop MTU (RFC 1191), 0 if unset.
    public var nextHopMTU: UInt16? = nil

    public static let layerName = "ICMP"
    public static let echoReply: UInt8 = 0, destinationUnreachable: UInt8 = 3, echoRequest: UInt8 = 8, timeExceeded: UInt8 = 11

    /// The 8-byte header (4 in a quote), with an error's quote decoded into `quoted`. Next: none; the payload is the
    /// bytes after the 8-byte header (an echo's data, an error's quote).
    public static func decode(layer bytes: ArraySlice<UInt8>, in context: LayerContext = .whole) throws(FrameDecodeError) -> DecodedLayer<ICMPMessage> {
        let r = FrameReader(bytes, layer: layerName)
        try r.need(context.quoted ? 4 : 8)
        let type = try r.u8(0)
        var message = ICMPMessage(type: type, code: try r.u8(1), identifier: nil, sequence: nil,
                                  length: context.length ?? bytes.count, quoted: nil)
        let whole = r.count >= 8
        if type == echoReply || type == echoRequest, whole {
            message.identifier = try r.u16be(4)
            message.sequence = try r.u16be(6)
        }
        if type == destinationUnreachable, message.code == 4, whole { message.nextHopMTU = try r.u16be(6) }
        let data = whole ? try r.rest(from: 8) : []
        if type == destinationUnreachable || type == timeExceeded, !context.quoted, !data.isEmpty {
            message.quoted = try? IPv4Packet.decode(data, in: LayerContext(quoted: true))
        }
        return DecodedLayer(header: message, next: .none, payload: data)
    }
}
