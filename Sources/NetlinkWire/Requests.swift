import Addresses

/// The requests netcheck sends. All of them only read: dumps and single lookups, never a change.
public enum NetlinkRequest {
    static let afUnspec: UInt8 = 0, afInet: UInt8 = 2

    /// `ip link show`: RTM_GETLINK dump with an empty ifinfomsg.
    public static func dumpLinks(sequence: UInt32) -> [UInt8] {
        message(type: NetlinkMessageType.getLink, flags: NetlinkFlags.request | NetlinkFlags.dump, sequence: sequence,
                body: [UInt8](repeating: 0, count: LinkMessage.headerSize))
    }

    /// `ip -4 address show`: RTM_GETADDR dump for AF_INET.
    public static func dumpAddresses(sequence: UInt32) -> [UInt8] {
        message(type: NetlinkMessageType.getAddress, flags: NetlinkFlags.request | NetlinkFlags.dump, sequence: sequence,
                body: [afInet] + [UInt8](repeating: 0, count: AddressMessage.headerSize - 1))
    }

    /// `ip -4 route show table all`: RTM_GETROUTE dump for AF_INET.
    public static func dumpRoutes(sequence: UInt32) -> [UInt8] {
        message(type: NetlinkMessageType.getRoute, flags: NetlinkFlags.request | NetlinkFlags.dump, sequence: sequence,
                body: [afInet] + [UInt8](repeating: 0, count: RouteMessage.headerSize - 1))
    }

    /// `ip route get DST [from SRC]`: RTM_GETROUTE for one destination; the kernel answers with the route it
    /// would use or with an error (ENETUNREACH).
    public static func getRoute(to destination: IPv4Address, from source: IPv4Address?, sequence: UInt32) -> [UInt8] {
        var body = ByteWriter()
        body.u8(afInet); body.u8(32); body.u8(source == nil ? 0 : 32); body.u8(0)
        body.u8(0); body.u8(0); body.u8(0); body.u8(0)
        body.u32le(0)
        RouteAttribute(type: 1, payload: destination.bytes).write(to: &body)
        if let source { RouteAttribute(type: 2, payload: source.bytes).write(to: &body) }
        return message(type: NetlinkMessageType.getRoute, flags: NetlinkFlags.request, sequence: sequence, body: body.bytes)
    }

    /// `ip netns list-id` for one namespace: RTM_GETNSID with NETNSA_FD, the namespace's file descriptor.
    public static func getNSID(fileDescriptor: Int32, sequence: UInt32) -> [UInt8] {
        var body = ByteWriter()
        body.u8(afUnspec); body.pad()
        var fd = ByteWriter(); fd.i32le(fileDescriptor)
        RouteAttribute(type: 3, payload: fd.bytes).write(to: &body)
        return message(type: NetlinkMessageType.getNSID, flags: NetlinkFlags.request, sequence: sequence, body: body.bytes)
    }

    /// `ip -4 neigh show` (AF_INET) or `bridge fdb show` (AF_BRIDGE): RTM_GETNEIGH dump.
    public static func dumpNeighbours(family: UInt8, sequence: UInt32) -> [UInt8] {
        message(type: NetlinkMessageType.getNeighbour, flags: NetlinkFlags.request | NetlinkFlags.dump, sequence: sequence,
                body: [family] + [UInt8](repeating: 0, count: NeighbourMessage.headerSize - 1))
    }

    /// `ip -s ntable show`: RTM_GETNEIGHTBL dump of the IPv4 neighbour tables (`struct ndtmsg`: family, 3 pad).
    public static func dumpNeighbourTables(sequence: UInt32) -> [UInt8] {
        message(type: NetlinkMessageType.getNeighbourTable, flags: NetlinkFlags.request | NetlinkFlags.dump, sequence: sequence,
                body: [NeighbourMessage.familyInet, 0, 0, 0])
    }

    static func message(type: UInt16, flags: UInt16, sequence: UInt32, body: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        NetlinkHeader(length: UInt32(NetlinkHeader.size + body.count), type: type, flags: flags, sequence: sequence).write(to: &w)
        w.bytes += body
        return w.bytes
    }
}
