import Addresses

/// RTM_NEWNEIGH: `struct ndmsg` and its NDA_* attributes. With family AF_INET it is an ARP cache entry
/// (`ip neigh show`); with family AF_BRIDGE a bridge forwarding-database entry (`bridge fdb show`).
///
///     0        1       4             8         10      11     12
///     +--------+-------+-------------+---------+-------+------+
///     | family | pad   | ifindex     | state   | flags | type |
///     +--------+-------+-------------+---------+-------+------+
public struct NeighbourMessage: Equatable, Sendable {
    public static let headerSize = 12
    public static let familyInet: UInt8 = 2, familyBridge: UInt8 = 7

    public var family: UInt8
    /// The interface (for an fdb entry: the bridge port the MAC was learned on).
    public var interfaceIndex: Int32
    /// NUD_* bits: 0x01 INCOMPLETE, 0x02 REACHABLE, 0x04 STALE, 0x08 DELAY, 0x10 PROBE, 0x20 FAILED,
    /// 0x40 NOARP, 0x80 PERMANENT.
    public var state: UInt16
    /// NTF_* bits: 0x02 SELF, 0x04 MASTER (an entry of the bridge itself), 0x10 EXT_LEARNED.
    public var flags: UInt8
    public var attributes: [RouteAttribute]

    public init(payload: [UInt8]) throws {
        let r = NetlinkReader(payload)
        try r.need(0, Self.headerSize)
        family = try r.u8(0)
        interfaceIndex = try r.i32le(4)
        state = try r.u16le(8)
        flags = try r.u8(10)
        attributes = try RouteAttribute.parse(payload.dropFirst(Self.headerSize))
    }

    /// NDA_DST (1) as an IPv4 address.
    public var destination: IPv4Address? { attribute(1).flatMap { IPv4Address(bytes: $0.payload) } }
    /// NDA_LLADDR (2): the MAC address.
    public var linkLayerAddress: MACAddress? { attribute(2).flatMap { MACAddress(bytes: $0.payload) } }
    /// NDA_VLAN (5)
    public var vlan: UInt16? { attribute(5).flatMap { $0.payload.count >= 2 ? UInt16($0.payload[0]) | UInt16($0.payload[1]) << 8 : nil } }
    /// NDA_MASTER (9): the bridge of an fdb entry.
    public var master: Int32? { attribute(9)?.i32 }

    func attribute(_ type: UInt16) -> RouteAttribute? { attributes.first { $0.type == type } }
}

/// NUD_* state names as `ip neigh` prints them.
public func neighbourStateNames(_ state: UInt16) -> [String] {
    let names: [(UInt16, String)] = [(0x01, "INCOMPLETE"), (0x02, "REACHABLE"), (0x04, "STALE"), (0x08, "DELAY"),
                                     (0x10, "PROBE"), (0x20, "FAILED"), (0x40, "NOARP"), (0x80, "PERMANENT")]
    let found = names.filter { state & $0.0 != 0 }.map(\.1)
    return found.isEmpty ? ["NONE"] : found
}
