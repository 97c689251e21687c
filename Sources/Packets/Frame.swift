import Addresses

// Captured Ethernet frames as values: Ethernet II, ARP (Ethernet/IPv4 only), IPv4, and in IPv4 the headers of
// ICMP, UDP and TCP. Pure decoding: no system calls, every read bounds-checked, bad input throws.

/// Why a frame could not be decoded. `layer` names the header being read ("Ethernet", "ARP", "IPv4", ...).
public enum FrameDecodeError: Error, Equatable, Sendable {
    /// The bytes end before the header (or the datagram its length field announces) is complete.
    case truncated(layer: String, needed: Int, got: Int)
    /// The bytes are there but say something impossible or unsupported (wrong version, lengths, address sizes).
    case malformed(layer: String, reason: String)
}

/// An Ethernet II frame as captured: the 14-byte header and what it carries.
public struct EthernetFrame: Equatable, Sendable {
    public var destination: MACAddress
    public var source: MACAddress
    public var etherType: UInt16
    /// The length of the frame on the wire (pcap `len`); the captured bytes may be fewer (snaplen).
    public var wireLength: Int
    public var payload: FramePayload

    public static let etherTypeIPv4: UInt16 = 0x0800
    public static let etherTypeARP: UInt16 = 0x0806

    /// Decodes captured bytes; `wireLength` defaults to `bytes.count`.
    public static func decode(_ bytes: [UInt8], wireLength: Int? = nil) throws -> EthernetFrame {
        let r = ByteReader(bytes, layer: "Ethernet")
        try r.require(14)
        let etherType = try r.u16(12)
        let body = Array(bytes[14...])
        let payload: FramePayload
        switch etherType {
        case etherTypeIPv4: payload = .ipv4(try IPv4Packet.decode(body))
        case etherTypeARP: payload = .arp(try ARPPacket.decode(body))
        default: payload = .other(body)
        }
        return EthernetFrame(destination: try r.mac(0), source: try r.mac(6), etherType: etherType,
                             wireLength: wireLength ?? bytes.count, payload: payload)
    }
}

/// What an Ethernet frame carries.
public enum FramePayload: Equatable, Sendable {
    case arp(ARPPacket)
    case ipv4(IPv4Packet)
    /// Any other ethertype: the bytes after the Ethernet header.
    case other([UInt8])
}

/// An ARP packet for IPv4 over Ethernet (hardware type 1, protocol 0x0800, address lengths 6 and 4).
public struct ARPPacket: Equatable, Sendable {
    /// 1 request, 2 reply (3/4 RARP, 8/9 InARP).
    public var operation: UInt16
    public var senderMAC: MACAddress
    public var senderIP: IPv4Address
    public var targetMAC: MACAddress
    public var targetIP: IPv4Address

    /// The 28 bytes of an Ethernet/IPv4 ARP packet; anything after them (Ethernet padding) is ignored.
    static func decode(_ bytes: [UInt8]) throws -> ARPPacket {
        let r = ByteReader(bytes, layer: "ARP")
        try r.require(8)
        let htype = try r.u16(0), ptype = try r.u16(2), hlen = try r.u8(4), plen = try r.u8(5)
        guard htype == 1, ptype == 0x0800 else {
            throw FrameDecodeError.malformed(layer: "ARP", reason: "hardware type \(htype), protocol 0x\(hex4(ptype)); only Ethernet/IPv4")
        }
        guard hlen == 6, plen == 4 else {
            throw FrameDecodeError.malformed(layer: "ARP", reason: "address lengths \(hlen)/\(plen); expected 6/4")
        }
        try r.require(28)
        return ARPPacket(operation: try r.u16(6), senderMAC: try r.mac(8), senderIP: try r.ipv4(14),
                         targetMAC: try r.mac(18), targetIP: try r.ipv4(24))
    }
}

/// An IPv4 datagram header and its decoded transport header.
public struct IPv4Packet: Equatable, Sendable {
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
    /// `.other` for protocols other than ICMP/UDP/TCP and for every fragment but the first.
    public var transport: Transport

    /// Decodes a datagram. Bytes past the total length (Ethernet padding) are ignored; fewer bytes than the
    /// total length throw `.truncated`. With `lenient` (a datagram quoted in an ICMP error) only the header
    /// and whatever follows it up to the total length are needed, and transport headers are read as far as
    /// the bytes go.
    /// Decodes a whole IPv4 datagram as a raw socket returns it (IP header first).
    public static func decode(datagram bytes: [UInt8]) throws -> IPv4Packet { try decode(bytes) }

    static func decode(_ bytes: [UInt8], lenient: Bool = false) throws -> IPv4Packet {
        let r = ByteReader(bytes, layer: "IPv4")
        try r.require(20)
        let versionIHL = try r.u8(0)
        guard versionIHL >> 4 == 4 else {
            throw FrameDecodeError.malformed(layer: "IPv4", reason: "version \(versionIHL >> 4)")
        }
        let headerLength = Int(versionIHL & 0x0f) * 4
        guard headerLength >= 20 else {
            throw FrameDecodeError.malformed(layer: "IPv4", reason: "header length \(headerLength) < 20")
        }
        let totalLength = Int(try r.u16(2))
        guard totalLength >= headerLength else {
            throw FrameDecodeError.malformed(layer: "IPv4", reason: "total length \(totalLength) < header length \(headerLength)")
        }
        try r.require(lenient ? headerLength : totalLength)
        let flagsOffset = try r.u16(6)
        let fragmentOffset = Int(flagsOffset & 0x1fff) * 8
        let protocolNumber = try r.u8(9)
        let data = Array(bytes[headerLength..<min(totalLength, bytes.count)])
        var transport = Transport.other
        if fragmentOffset == 0 {
            switch protocolNumber {
            case 1: transport = .icmp(try ICMPMessage.decode(data, length: totalLength - headerLength, lenient: lenient))
            case 17: transport = .udp(try UDPDatagram.decode(data, lenient: lenient))
            case 6: transport = .tcp(try TCPSegment.decode(data, lenient: lenient))
            default: break
            }
        }
        return IPv4Packet(source: try r.ipv4(12), destination: try r.ipv4(16), ttl: try r.u8(8),
                          protocolNumber: protocolNumber, identification: try r.u16(4), totalLength: totalLength,
                          headerLength: headerLength, fragmentOffset: fragmentOffset,
                          moreFragments: flagsOffset & 0x2000 != 0, transport: transport)
    }
}

/// The transport header of an IPv4 datagram.
public enum Transport: Equatable, Sendable {
    /// `indirect`: an ICMP error quotes an IPv4 datagram, which holds a `Transport` again.
    indirect case icmp(ICMPMessage)
    case udp(UDPDatagram)
    case tcp(TCPSegment)
    case other
}

/// An ICMP message header.
public struct ICMPMessage: Equatable, Sendable {
    public var type: UInt8
    public var code: UInt8
    /// Echo request/reply (types 8 and 0) only.
    public var identifier: UInt16?
    /// Echo request/reply (types 8 and 0) only.
    public var sequence: UInt16?
    /// ICMP bytes according to the IP total length (header and data).
    public var length: Int
    /// For destination unreachable (3) and time exceeded (11): the quoted datagram, decoded leniently
    /// (its header and the first 8 bytes of its data); nil when the quote is too short or not IPv4.
    public var quoted: IPv4Packet?
    /// For destination unreachable, fragmentation needed (type 3 code 4): the next-hop MTU (RFC 1191), 0 if unset.
    public var nextHopMTU: UInt16? = nil

    static func decode(_ bytes: [UInt8], length: Int, lenient: Bool) throws -> ICMPMessage {
        let r = ByteReader(bytes, layer: "ICMP")
        try r.require(lenient ? 4 : 8)
        let type = try r.u8(0)
        var message = ICMPMessage(type: type, code: try r.u8(1), identifier: nil, sequence: nil, length: length, quoted: nil)
        if (type == 0 || type == 8), bytes.count >= 8 {
            message.identifier = try r.u16(4)
            message.sequence = try r.u16(6)
        }
        if type == 3, message.code == 4, bytes.count >= 8 { message.nextHopMTU = try r.u16(6) }
        if (type == 3 || type == 11), !lenient, bytes.count > 8 {
            message.quoted = try? IPv4Packet.decode(Array(bytes[8...]), lenient: true)
        }
        return message
    }
}

/// A UDP header.
public struct UDPDatagram: Equatable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// The UDP length field: header (8 bytes) plus data.
    public var length: Int
    /// When either port is 67 or 68 (BOOTP) and the data decodes as a DHCP message; nil otherwise, also for
    /// malformed BOOTP data (the datagram itself still decodes).
    public var dhcp: DHCPMessage? = nil
    /// For BOOTP ports: the first (up to 34) bytes after the UDP header, op … chaddr, which is what tcpdump's
    /// non-verbose BOOTP printer reads, so that even a malformed or cut message is printed as tcpdump does.
    var bootpHead: [UInt8]? = nil

    /// `bytes` is the IP data; the UDP data ends at the UDP length or the IP data, whichever is first.
    static func decode(_ bytes: [UInt8], lenient: Bool) throws -> UDPDatagram {
        let r = ByteReader(bytes, layer: "UDP")
        try r.require(lenient ? 4 : 8)
        let length = bytes.count >= 6 ? Int(try r.u16(4)) : 0
        if !lenient, length < 8 {
            throw FrameDecodeError.malformed(layer: "UDP", reason: "length \(length) < 8")
        }
        var datagram = UDPDatagram(sourcePort: try r.u16(0), destinationPort: try r.u16(2), length: length)
        let bootpPorts = [DHCPMessage.serverPort, DHCPMessage.clientPort]
        if !lenient, bootpPorts.contains(datagram.sourcePort) || bootpPorts.contains(datagram.destinationPort) {
            let data = Array(bytes[8..<min(length, bytes.count)])
            datagram.dhcp = try? DHCPMessage.decode(data)
            datagram.bootpHead = Array(bytes[8...].prefix(34))
        }
        return datagram
    }
}

/// A TCP header, its options kept as raw bytes.
public struct TCPSegment: Equatable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequence: UInt32
    public var acknowledgement: UInt32
    /// FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80.
    public var flags: UInt8
    public var window: UInt16
    /// Data offset × 4.
    public var headerLength: Int
    /// Data bytes after the header, per the IP total length.
    public var payloadLength: Int
    /// The option bytes: the header from byte 20 to `headerLength` (empty in a quoted datagram).
    public var options: [UInt8] = []
    /// The urgent pointer (tcpdump prints it as ", urg N" for URG segments).
    public var urgentPointer: UInt16 = 0

    /// In a quoted datagram (`lenient`) only the ports and sequence number are usually present; the other
    /// fields are zero when their bytes are missing.
    static func decode(_ bytes: [UInt8], lenient: Bool) throws -> TCPSegment {
        let r = ByteReader(bytes, layer: "TCP")
        if lenient {
            try r.require(4)
            func u32(_ at: Int) -> UInt32 { bytes.count >= at + 4 ? ((try? r.u32(at)) ?? 0) : 0 }
            return TCPSegment(sourcePort: try r.u16(0), destinationPort: try r.u16(2), sequence: u32(4),
                              acknowledgement: u32(8), flags: bytes.count > 13 ? try r.u8(13) : 0,
                              window: bytes.count >= 16 ? try r.u16(14) : 0,
                              headerLength: bytes.count > 12 ? Int(try r.u8(12) >> 4) * 4 : 0, payloadLength: 0)
        }
        try r.require(20)
        let headerLength = Int(try r.u8(12) >> 4) * 4
        guard headerLength >= 20 else {
            throw FrameDecodeError.malformed(layer: "TCP", reason: "header length \(headerLength) < 20")
        }
        guard headerLength <= bytes.count else {
            throw FrameDecodeError.malformed(layer: "TCP", reason: "header length \(headerLength) > segment length \(bytes.count)")
        }
        return TCPSegment(sourcePort: try r.u16(0), destinationPort: try r.u16(2), sequence: try r.u32(4),
                          acknowledgement: try r.u32(8), flags: try r.u8(13), window: try r.u16(14),
                          headerLength: headerLength, payloadLength: bytes.count - headerLength,
                          options: Array(try r.slice(20, headerLength - 20)), urgentPointer: try r.u16(18))
    }
}

/// Bounds-checked big-endian reads from one layer's bytes; every failed read throws `.truncated`.
struct ByteReader {
    let bytes: [UInt8]
    let layer: String

    init(_ bytes: [UInt8], layer: String) { self.bytes = bytes; self.layer = layer }

    func require(_ count: Int) throws {
        guard bytes.count >= count else { throw FrameDecodeError.truncated(layer: layer, needed: count, got: bytes.count) }
    }

    func slice(_ at: Int, _ count: Int) throws -> ArraySlice<UInt8> {
        try require(at + count)
        return bytes[at..<(at + count)]
    }

    func u8(_ at: Int) throws -> UInt8 { try slice(at, 1).first ?? 0 }
    func u16(_ at: Int) throws -> UInt16 { try slice(at, 2).reduce(0) { $0 << 8 | UInt16($1) } }
    func u32(_ at: Int) throws -> UInt32 { try slice(at, 4).reduce(0) { $0 << 8 | UInt32($1) } }

    func mac(_ at: Int) throws -> MACAddress {
        guard let m = MACAddress(bytes: try slice(at, 6)) else { throw FrameDecodeError.truncated(layer: layer, needed: at + 6, got: bytes.count) }
        return m
    }

    func ipv4(_ at: Int) throws -> IPv4Address {
        guard let a = IPv4Address(bytes: try slice(at, 4)) else { throw FrameDecodeError.truncated(layer: layer, needed: at + 4, got: bytes.count) }
        return a
    }
}

/// Four lower-case hex digits, as tcpdump prints an ethertype.
func hex4(_ v: UInt16) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
