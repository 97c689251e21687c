import Addresses

/// The IPv4 header (RFC 791), options skipped.
///
///     0        1        2                 4                 6                 8        9        10        12         16              20
///     +--------+--------+-----------------+-----------------+-----------------+--------+--------+---------+----------+---------------+
///     |ver|IHL | TOS    | total length    | identification  |flags| fragment  | TTL    |protocol|checksum | source   | destination   |
///     +--------+--------+-----------------+-----------------+-----------------+--------+--------+---------+----------+---------------+
public struct IPv4Header: LayerDecoding {
    public var source: IPv4Address
    public var destination: IPv4Address
    public var ttl: UInt8
    public var protocolNumber: UInt8
    public var identification: UInt16
    /// The total length field: header plus data, in bytes.
    public var totalLength: Int
    /// IHL × 4.
    public var headerLength: Int
    /// In bytes (the field × 8).
    public var fragmentOffset: Int
    public var moreFragments: Bool

    public static let layerName = "IPv4"
    public static let icmp: UInt8 = 1, tcp: UInt8 = 6, udp: UInt8 = 17

    /// The header. Bytes past the total length (Ethernet padding) are not part of the payload; fewer bytes than the
    /// total length throw `.truncated`, except in a quote (`context.quoted`), where only the header must be there.
    /// Next: ICMP, UDP or TCP in the first fragment, nothing in later ones or for other protocols.
    public static func decode(layer bytes: ArraySlice<UInt8>, in context: LayerContext = .whole) throws(FrameDecodeError) -> DecodedLayer<IPv4Header> {
        let r = FrameReader(bytes, layer: layerName)
        try r.need(20)
        let versionIHL = try r.u8(0)
        guard versionIHL >> 4 == 4 else { throw .malformed(layer: layerName, reason: "version \(versionIHL >> 4)") }
        let headerLength = Int(versionIHL & 0x0f) * 4
        guard headerLength >= 20 else { throw .malformed(layer: layerName, reason: "header length \(headerLength) < 20") }
        let totalLength = Int(try r.u16be(2))
        guard totalLength >= headerLength else {
            throw .malformed(layer: layerName, reason: "total length \(totalLength) < header length \(headerLength)")
        }
        try r.need(context.quoted ? headerLength : totalLength)
        let flagsOffset = try r.u16be(6)
        let header = IPv4Header(source: try r.ipv4(12), destination: try r.ipv4(16), ttl: try r.u8(8), protocolNumber: try r.u8(9),
                                identification: try r.u16be(4), totalLength: totalLength, headerLength: headerLength,
                                fragmentOffset: Int(flagsOffset & 0x1fff) * 8, moreFragments: flagsOffset & 0x2000 != 0)
        var next = NextLayer.none
        if header.fragmentOffset == 0 {
            switch header.protocolNumber {
            case icmp: next = .icmp
            case udp: next = .udp
            case tcp: next = .tcp
            default: break
            }
        }
        return DecodedLayer(header: header, next: next, payload: try r.slice(headerLength, min(totalLength, r.count) - headerLength),
                            context: LayerContext(quoted: context.quoted, length: totalLength - headerLength))
    }
}

/// An IPv4 datagram: its header (whose fields read as the datagram's own: `ip.ttl`) and its decoded transport header.
@dynamicMemberLookup
public struct IPv4Packet: Equatable, Sendable {
    public var header: IPv4Header
    /// `.other` for protocols other than ICMP/UDP/TCP and for every fragment but the first.
    public var transport: Transport

    public subscript<T>(dynamicMember field: WritableKeyPath<IPv4Header, T>) -> T {
        get { header[keyPath: field] }
        set { header[keyPath: field] = newValue }
    }

    /// A whole IPv4 datagram as a raw socket returns it (IP header first).
    public static func decode(datagram bytes: [UInt8]) throws(FrameDecodeError) -> IPv4Packet { try decode(bytes[...]) }

    /// The header and the transport header after it; `context.quoted` for a datagram quoted in an ICMP error, of which
    /// only the header and whatever follows it up to the total length are needed, transport headers read as far as
    /// the bytes go.
    static func decode(_ bytes: ArraySlice<UInt8>, in context: LayerContext = .whole) throws(FrameDecodeError) -> IPv4Packet {
        let ip = try IPv4Header.decode(layer: bytes, in: context)
        return IPv4Packet(header: ip.header, transport: try Transport.decode(ip))
    }
}

extension IPv4Packet {
    /// The header's fields and the transport, flat (for tests that spell a datagram out).
    init(source: IPv4Address, destination: IPv4Address, ttl: UInt8, protocolNumber: UInt8, identification: UInt16,
         totalLength: Int, headerLength: Int, fragmentOffset: Int, moreFragments: Bool, transport: Transport) {
        self.init(header: IPv4Header(source: source, destination: destination, ttl: ttl, protocolNumber: protocolNumber,
                                     identification: identification, totalLength: totalLength, headerLength: headerLength,
                                     fragmentOffset: fragmentOffset, moreFragments: moreFragments),
                  transport: transport)
    }
}

/// The transport header of an IPv4 datagram.
public enum Transport: Equatable, Sendable {
    /// `indirect`: an ICMP error quotes an IPv4 datagram, which holds a `Transport` again.
    indirect case icmp(ICMPMessage)
    case udp(UDPDatagram)
    case tcp(TCPSegment)
    case other

    /// What `ip` carries: its next layer decoded, and for UDP on the BOOTP ports the DHCP message in it (a malformed
    /// one leaves `dhcp` nil; the datagram still decodes).
    static func decode(_ ip: DecodedLayer<IPv4Header>) throws(FrameDecodeError) -> Transport {
        switch ip.next {
        case .icmp: return .icmp(try ICMPMessage.decode(layer: ip.payload, in: ip.context).header)
        case .udp:
            let udp = try UDPDatagram.decode(layer: ip.payload, in: ip.context)
            var datagram = udp.header
            if udp.next == .dhcp { datagram.dhcp = try? DHCPMessage.decode(layer: udp.payload, in: udp.context).header }
            return .udp(datagram)
        case .tcp: return .tcp(try TCPSegment.decode(layer: ip.payload, in: ip.context).header)
        default: return .other
        }
    }
}
