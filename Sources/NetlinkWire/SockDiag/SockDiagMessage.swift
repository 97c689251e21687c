/// NETLINK_SOCK_DIAG for IPv4/IPv6 sockets (what `ss` reads): `struct inet_diag_req_v2` out,
/// `struct inet_diag_msg` back.
///
///     inet_diag_sockid (48 bytes): sport(be16) dport(be16) src[16] dst[16] if(u32) cookie(u64)
///     inet_diag_msg: family state timer retrans | sockid | expires rqueue wqueue uid inode (u32 each)
public struct InetDiagMessage: Equatable, Sendable {
    public static let size = 72
    public var family: UInt8
    /// TCP state numbers (1 ESTABLISHED … 10 LISTEN); 7 (CLOSE) for an unconnected UDP socket.
    public var state: UInt8
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// The local address, 4 bytes (AF_INET) or 16 (AF_INET6).
    public var source: [UInt8]
    public var uid: UInt32
    public var inode: UInt32

    public init(payload: [UInt8]) throws {
        let r = ByteReader(payload)
        try r.need(0, Self.size)
        family = try r.u8(0)
        state = try r.u8(1)
        sourcePort = UInt16(try r.u8(4)) << 8 | UInt16(try r.u8(5))
        destinationPort = UInt16(try r.u8(6)) << 8 | UInt16(try r.u8(7))
        let length = family == 10 ? 16 : 4
        source = Array(try r.slice(8, length))
        uid = try r.u32(64)
        inode = try r.u32(68)
    }

    /// The local address as `ss` prints it: 127.0.0.1, 0.0.0.0, ::1, ::.
    public var sourceText: String {
        if family == 2 { return IPv4Address(bytes: source)?.description ?? "?" }
        return Self.ipv6(source)
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
        body.u32(states)
        body.bytes += [UInt8](repeating: 0, count: 48)
        return message(type: sockDiagByFamily, flags: NetlinkFlags.request | NetlinkFlags.dump, sequence: sequence, body: body.bytes)
    }
}
