/// RTM_NEWLINK: `struct ifinfomsg` and its IFLA_* attributes, as `ip link show` prints them.
///
///     0      1      2        4              8              12             16
///     +------+------+--------+--------------+--------------+--------------+
///     |family| pad  | type   | ifi_index    | ifi_flags    | ifi_change   |
///     +------+------+--------+--------------+--------------+--------------+
public struct LinkMessage: Equatable, Sendable {
    public static let headerSize = 16

    public var family: UInt8
    /// ARPHRD_* (1 Ethernet, 772 loopback).
    public var deviceType: UInt16
    public var index: Int32
    /// IFF_* flags: IFF_UP 0x1, IFF_LOOPBACK 0x8, IFF_LOWER_UP 0x10000.
    public var flags: UInt32
    public var attributes: [LinkAttribute]

    public static let flagUp: UInt32 = 0x1
    public static let flagLoopback: UInt32 = 0x8
    public static let flagLowerUp: UInt32 = 0x10000

    public init(payload: [UInt8]) throws {
        let r = NetlinkReader(payload)
        try r.need(0, Self.headerSize)
        family = try r.u8(0)
        deviceType = try r.u16le(2)
        index = try r.i32le(4)
        flags = try r.u32le(8)
        attributes = try RouteAttribute.parse(payload.dropFirst(Self.headerSize)).map(LinkAttribute.init)
    }

    public var name: String? { attributes.lazy.compactMap { if case .name(let n) = $0 { return n }; return nil }.first }
}

/// The IFLA_* attributes netcheck reads; every other one is kept as `.other`.
public enum LinkAttribute: Equatable, Sendable {
    /// IFLA_ADDRESS (1): the hardware address.
    case address([UInt8])
    /// IFLA_IFNAME (3)
    case name(String)
    /// IFLA_MTU (4)
    case mtu(UInt32)
    /// IFLA_LINK (5): for a veth, the peer's ifindex in the peer's namespace.
    case link(Int32)
    /// IFLA_MASTER (10): the bridge (or bond) this interface is enslaved to.
    case master(Int32)
    /// IFLA_OPERSTATE (16): RFC 2863 state, 0 unknown … 6 up.
    case operState(UInt8)
    /// IFLA_LINKINFO (18), nested; netcheck reads IFLA_INFO_KIND (1) from it.
    case linkInfo(kind: String?, nested: [RouteAttribute])
    /// IFLA_CARRIER (33)
    case carrier(UInt8)
    /// IFLA_LINK_NETNSID (37): the id of the peer's namespace, as seen from this one.
    case linkNetnsID(Int32)
    case other(RouteAttribute)

    init(_ a: RouteAttribute) throws {
        switch a.type {
        case 1: self = .address(a.payload)
        case 3: self = .name(a.string)
        case 4: self = try .mtu(Self.require(a.u32, a))
        case 5: self = try .link(Self.require(a.i32, a))
        case 10: self = try .master(Self.require(a.i32, a))
        case 16: self = try .operState(Self.require(a.u8, a))
        case 18:
            let nested = try RouteAttribute.parse(a.payload)
            self = .linkInfo(kind: nested.first { $0.type == 1 }?.string, nested: nested)
        case 33: self = try .carrier(Self.require(a.u8, a))
        case 37: self = try .linkNetnsID(Self.require(a.i32, a))
        default: self = .other(a)
        }
    }

    static func require<T>(_ value: T?, _ a: RouteAttribute) throws -> T {
        guard let value else { throw NetlinkDecodeError.malformed("attribute \(a.type) has \(a.payload.count) bytes") }
        return value
    }
}

/// IFLA_OPERSTATE values as `ip` prints them.
public func operStateName(_ state: UInt8) -> String {
    let names = ["UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"]
    return Int(state) < names.count ? names[Int(state)] : "UNKNOWN"
}
