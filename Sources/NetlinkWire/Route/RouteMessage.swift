import Addresses

/// RTM_NEWROUTE: `struct rtmsg` and its RTA_* attributes, as `ip route show` prints them.
///
///     0       1        2        3     4       5          6       7      8              12
///     +-------+--------+--------+-----+-------+----------+-------+------+--------------+
///     |family |dst_len |src_len | tos | table | protocol | scope | type | rtm_flags    |
///     +-------+--------+--------+-----+-------+----------+-------+------+--------------+
public struct RouteMessage: Equatable, Sendable {
    public static let headerSize = 12

    public var family: UInt8
    public var destinationLength: UInt8
    public var sourceLength: UInt8
    public var table: UInt8
    /// RTPROT_*: 2 kernel, 3 boot, 4 static, 16 dhcp.
    public var routeProtocol: UInt8
    public var scope: UInt8
    /// RTN_*: 1 unicast, 2 local, 3 broadcast, 6 blackhole, 7 unreachable, 8 prohibit.
    public var type: UInt8
    public var flags: UInt32
    public var attributes: [RouteMessageAttribute]

    public init(payload: [UInt8]) throws {
        let r = NetlinkReader(payload)
        try r.need(0, Self.headerSize)
        family = try r.u8(0)
        destinationLength = try r.u8(1)
        sourceLength = try r.u8(2)
        table = try r.u8(4)
        routeProtocol = try r.u8(5)
        scope = try r.u8(6)
        type = try r.u8(7)
        flags = try r.u32le(8)
        attributes = try RouteAttribute.parse(payload.dropFirst(Self.headerSize)).map(RouteMessageAttribute.init)
    }

    public var destination: IPv4Address? { first { if case .destination(let b) = $0 { return IPv4Address(bytes: b) }; return nil } }
    public var gateway: IPv4Address? { first { if case .gateway(let b) = $0 { return IPv4Address(bytes: b) }; return nil } }
    public var preferredSource: IPv4Address? { first { if case .preferredSource(let b) = $0 { return IPv4Address(bytes: b) }; return nil } }
    public var outputInterface: Int32? { first { if case .outputInterface(let i) = $0 { return i }; return nil } }
    public var priority: UInt32? { first { if case .priority(let p) = $0 { return p }; return nil } }
    /// RTA_TABLE when present (tables above 255), else rtm_table.
    public var fullTable: UInt32 { first { if case .table(let t) = $0 { return t }; return nil } ?? UInt32(table) }

    func first<T>(_ pick: (RouteMessageAttribute) -> T?) -> T? { attributes.lazy.compactMap(pick).first }
}

public enum RouteMessageAttribute: Equatable, Sendable {
    /// RTA_DST (1)
    case destination([UInt8])
    /// RTA_SRC (2)
    case source([UInt8])
    /// RTA_OIF (4)
    case outputInterface(Int32)
    /// RTA_GATEWAY (5)
    case gateway([UInt8])
    /// RTA_PRIORITY (6): the metric.
    case priority(UInt32)
    /// RTA_PREFSRC (7)
    case preferredSource([UInt8])
    /// RTA_TABLE (15)
    case table(UInt32)
    case other(RouteAttribute)

    init(_ a: RouteAttribute) throws {
        func int() throws -> UInt32 { try NetlinkReader(a.payload).u32le(0) }
        switch a.type {
        case 1: self = .destination(a.payload)
        case 2: self = .source(a.payload)
        case 4: self = .outputInterface(Int32(bitPattern: try int()))
        case 5: self = .gateway(a.payload)
        case 6: self = .priority(try int())
        case 7: self = .preferredSource(a.payload)
        case 15: self = .table(try int())
        default: self = .other(a)
        }
    }
}
