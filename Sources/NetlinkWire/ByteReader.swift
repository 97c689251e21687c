import Addresses

/// Why bytes could not be read as a netlink message. Every read checks its length first.
public enum NetlinkDecodeError: Error, Equatable, Sendable {
    /// The bytes end before the structure does.
    case truncated(needed: Int, got: Int)
    /// The bytes are there but make no sense (a length field smaller than its header, say).
    case malformed(String)
}

extension NetlinkDecodeError: TruncationError {
    /// What `ByteReader` throws: a netlink structure has no layer name to give.
    public static func truncated(layer: String, needed: Int, got: Int) -> NetlinkDecodeError { .truncated(needed: needed, got: got) }
}

/// The shared `ByteReader` throwing netlink's error. Netlink's fields are in host order: the `le` reads.
typealias NetlinkReader = ByteReader<NetlinkDecodeError>

extension ByteReader where Failure == NetlinkDecodeError {
    init<C: Collection>(_ bytes: C) where C.Element == UInt8 { self.init(bytes, layer: "netlink") }
}

/// Netlink aligns headers and attributes to 4 bytes (NLMSG_ALIGN, RTA_ALIGN).
func align4(_ n: Int) -> Int { (n + 3) & ~3 }
