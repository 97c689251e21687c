import Addresses

/// RTM_NEWNEIGHTBL: `struct ndtmsg` (family, 3 bytes of padding) and its NDTA_* attributes, one message per table
/// (`ip -s ntable show`). IPv4's is "arp_cache": one table for every namespace, whichever namespace asks.
public struct NeighbourTableMessage: Equatable, Sendable {
    public static let headerSize = 4

    public var family: UInt8
    public var attributes: [RouteAttribute]

    public init(payload: [UInt8]) throws {
        let r = NetlinkReader(payload)
        try r.need(0, Self.headerSize)
        family = try r.u8(0)
        attributes = try RouteAttribute.parse(payload.dropFirst(Self.headerSize))
    }

    /// NDTA_NAME (1): "arp_cache" for IPv4.
    public var name: String? { attribute(1)?.string }
    /// NDTA_THRESH3 (4): net.ipv4.neigh.default.gc_thresh3, the most dynamic entries the table holds.
    public var thresh3: UInt32? { attribute(4)?.u32 }
    /// NDTA_CONFIG (5), `struct ndt_config`: key_len u16, entry_size u16, entries u32, …: how many entries it holds now.
    public var entries: UInt32? {
        guard let p = attribute(5)?.payload, p.count >= 8 else { return nil }
        return try? NetlinkReader(p).u32le(4)
    }
    /// NDTA_STATS (7), `struct ndt_stats` (eleven u64): the last, ndts_table_fulls, counts the entries that could
    /// not be made because the table was full, since boot.
    public var tableFulls: UInt64? {
        guard let p = attribute(7)?.payload, p.count >= 88 else { return nil }
        let r = NetlinkReader(p)
        guard let low = try? r.u32le(80), let high = try? r.u32le(84) else { return nil }
        return UInt64(high) << 32 | UInt64(low)
    }

    func attribute(_ type: UInt16) -> RouteAttribute? { attributes.first { $0.type == type } }
}
