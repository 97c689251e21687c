import Addresses

/// `struct nlmsghdr`, the 16-byte header of every netlink message.
///
///     0               4       6       8               12              16
///     +---------------+-------+-------+---------------+---------------+
///     | nlmsg_len     | type  | flags | nlmsg_seq     | nlmsg_pid     |
///     +---------------+-------+-------+---------------+---------------+
public struct NetlinkHeader: Equatable, Sendable {
    public static let size = 16

    public var length: UInt32
    public var type: UInt16
    public var flags: UInt16
    public var sequence: UInt32
    public var portID: UInt32

    public init(length: UInt32, type: UInt16, flags: UInt16, sequence: UInt32, portID: UInt32 = 0) {
        self.length = length; self.type = type; self.flags = flags; self.sequence = sequence; self.portID = portID
    }

    func write(to w: inout ByteWriter) {
        w.u32le(length); w.u16le(type); w.u16le(flags); w.u32le(sequence); w.u32le(portID)
    }
}

/// Message types and flags from <linux/netlink.h> and <linux/rtnetlink.h>.
public enum NetlinkMessageType {
    /// NLMSG_ERROR: an error code (0 for an acknowledgement) and the request's header.
    public static let error: UInt16 = 2
    /// NLMSG_DONE: the end of a dump.
    public static let done: UInt16 = 3
    /// RTM_NEWLINK / RTM_GETLINK
    public static let newLink: UInt16 = 16, getLink: UInt16 = 18
    /// RTM_NEWADDR / RTM_GETADDR
    public static let newAddress: UInt16 = 20, getAddress: UInt16 = 22
    /// RTM_NEWROUTE / RTM_GETROUTE
    public static let newRoute: UInt16 = 24, getRoute: UInt16 = 26
    /// RTM_NEWNSID / RTM_GETNSID
    public static let newNeighbour: UInt16 = 28, getNeighbour: UInt16 = 30
    public static let newNeighbourTable: UInt16 = 64, getNeighbourTable: UInt16 = 66
    public static let newNSID: UInt16 = 88, getNSID: UInt16 = 90
}

public enum NetlinkFlags {
    /// NLM_F_REQUEST
    public static let request: UInt16 = 0x1
    /// NLM_F_MULTI: part of a multi-part reply.
    public static let multi: UInt16 = 0x2
    /// NLM_F_ACK
    public static let ack: UInt16 = 0x4
    /// NLM_F_DUMP_INTR: the dump was interrupted by a change; its contents may be inconsistent.
    public static let dumpInterrupted: UInt16 = 0x10
    /// NLM_F_DUMP (NLM_F_ROOT | NLM_F_MATCH)
    public static let dump: UInt16 = 0x300
}

/// One message: its header and the bytes after it (up to nlmsg_len).
public struct NetlinkMessage: Equatable, Sendable {
    public var header: NetlinkHeader
    public var payload: [UInt8]

    /// Splits a datagram from a netlink socket into its messages.
    public static func split(_ bytes: [UInt8]) throws -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = 0
        let r = NetlinkReader(bytes)
        while offset < bytes.count {
            try r.need(offset, NetlinkHeader.size)
            let header = NetlinkHeader(length: try r.u32le(offset), type: try r.u16le(offset + 4), flags: try r.u16le(offset + 6),
                                       sequence: try r.u32le(offset + 8), portID: try r.u32le(offset + 12))
            let length = Int(header.length)
            guard length >= NetlinkHeader.size else {
                throw NetlinkDecodeError.malformed("nlmsg_len \(length) is shorter than the header")
            }
            let payload = try r.slice(offset + NetlinkHeader.size, length - NetlinkHeader.size)
            messages.append(NetlinkMessage(header: header, payload: Array(payload)))
            offset += align4(length)
        }
        return messages
    }

    /// For NLMSG_ERROR: the error code (negative errno, or 0 for an acknowledgement).
    public func errorCode() throws -> Int32 {
        try NetlinkReader(payload).i32le(0)
    }
}
