import Addresses

/// NETLINK_SOCK_DIAG for IPv4/IPv6 sockets (what `ss` reads): `struct inet_diag_req_v2` out,
/// `struct inet_diag_msg` back, followed by attributes.
///
///     inet_diag_sockid (48 bytes): sport(be16) dport(be16) src[16] dst[16] if(u32) cookie(u64)
///     inet_diag_msg: family state timer retrans | sockid | expires rqueue wqueue uid inode (u32 each)
public struct InetDiagMessage: Equatable, Sendable {
    public static let size = 72
    public var family: UInt8
    /// TCP state numbers (1 ESTABLISHED … 6 TIME_WAIT … 10 LISTEN); for UDP, 7 (CLOSE) for an unconnected
    /// socket and 1 (ESTABLISHED) once it is `connect`ed to a peer (what `nc -u -l` does after its first datagram).
    public var state: UInt8
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// The local address, 4 bytes (AF_INET) or 16 (AF_INET6).
    public var source: [UInt8]
    /// The peer's address (zeros when there is none), same length as `source`.
    public var destination: [UInt8]
    /// Milliseconds until the socket's timer fires (for TIME_WAIT: until the socket goes away).
    public var expires: UInt32
    public var uid: UInt32
    public var inode: UInt32
    /// INET_DIAG_SKV6ONLY (attribute 11, sent for IPv6 listening and unconnected sockets): IPV6_V6ONLY is set,
    /// so a `::` socket does not take IPv4. nil when the kernel did not say.
    public var v6Only: Bool?
    /// Attributes this reader does not interpret, kept as they came.
    public var otherAttributes: [RouteAttribute]

    public static let stateEstablished: UInt8 = 1
    public static let stateTimeWait: UInt8 = 6
    public static let stateClose: UInt8 = 7
    public static let stateListen: UInt8 = 10

    public init(payload: [UInt8]) throws {
        let r = NetlinkReader(payload)
        try r.need(0, Self.size)
        family = try r.u8(0)
        state = try r.u8(1)
        sourcePort = try r.u16be(4)
        destinationPort = try r.u16be(6)
        let length = family == 10 ? 16 : 4
        source = Array(try r.slice(8, length))
        destination = Array(try r.slice(24, length))
        expires = try r.u32le(52)
        uid = try r.u32le(64)
        inode = try r.u32le(68)
        v6Only = nil
        otherAttributes = []
        for attribute in try RouteAttribute.parse(payload.dropFirst(Self.size)) {
            if attribute.type == 11, let flag = attribute.u8 { v6Only = flag != 0 } else { otherAttributes.append(attribute) }
        }
    }

    /// The local address as `ss` prints it: 127.0.0.1, 0.0.0.0, ::1, ::.
    public var sourceText: String { Self.text(source, family: family) }
    /// The peer's address, the same way.
    public var destinationText: String { Self.text(destination, family: family) }

    static func text(_ bytes: [UInt8], family: UInt8) -> String {
        if family == 2 { return IPv4Address(bytes: bytes)?.description ?? "?" }
        return ipv6(bytes)
    }

    static func ipv6(_ b: [UInt8]) -> String {
        guard b.count == 16 else { return "?" }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(b[$0]) << 8 | UInt16(b[$0 + 1]) }
        if groups.allSatisfy({ $0 == 0 }) { return "::" }
        if groups.dropLast().allSatisfy({ $0 == 0 }) { return "::\(String(groups[7], radix: 16))" }
        if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xffff {
            return "::ffff:" + IPv4Address(bytes: b[12..<16])!.description
        }
        return groups.map { String($0, radix: 16) }.joined(separator: ":")
    }
}

extension NetlinkRequest {
    public static let sockDiagByFamily: UInt16 = 20

    /// Every socket of one family and protocol (6 TCP, 17 UDP) in the given TCP states (a bit per state;
    /// 0xffffffff: all), as `ss -a` asks for them.
    public static func dumpInetSockets(family: UInt8, protocol transport: UInt8, states: UInt32 = 0xffff_ffff, sequence: UInt32) -> [UInt8] {
        var body = ByteWriter()
        body.u8(family); body.u8(transport); body.u8(0); body.u8(0)
        body.u32le(states)
        body.bytes += [UInt8](repeating: 0, count: 48)
        return message(type: sockDiagByFamily, flags: NetlinkFlags.request | NetlinkFlags.dump, sequence: sequence, body: body.bytes)
    }
}
