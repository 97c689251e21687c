/// Why bytes could not be read as a netlink message. Every read checks its length first.
public enum NetlinkDecodeError: Error, Equatable, Sendable {
    /// The bytes end before the structure does.
    case truncated(needed: Int, got: Int)
    /// The bytes are there but make no sense (a length field smaller than its header, say).
    case malformed(String)
}

/// Reads host-order integers and byte runs from a buffer, never past its end.
struct ByteReader {
    let bytes: ArraySlice<UInt8>

    init<C: Collection>(_ bytes: C) where C.Element == UInt8 { self.bytes = ArraySlice(bytes) }

    var count: Int { bytes.count }

    func need(_ offset: Int, _ size: Int) throws {
        guard offset >= 0, size >= 0, offset + size <= bytes.count else {
            throw NetlinkDecodeError.truncated(needed: offset + size, got: bytes.count)
        }
    }

    func u8(_ offset: Int) throws -> UInt8 {
        try need(offset, 1)
        return bytes[bytes.startIndex + offset]
    }

    /// Little-endian (host order on the machines netcheck runs on; netlink headers use host order).
    func u16(_ offset: Int) throws -> UInt16 {
        try need(offset, 2)
        let b = bytes.startIndex + offset
        return UInt16(bytes[b]) | UInt16(bytes[b + 1]) << 8
    }

    func u32(_ offset: Int) throws -> UInt32 {
        try need(offset, 4)
        let b = bytes.startIndex + offset
        return UInt32(bytes[b]) | UInt32(bytes[b + 1]) << 8 | UInt32(bytes[b + 2]) << 16 | UInt32(bytes[b + 3]) << 24
    }

    func i32(_ offset: Int) throws -> Int32 { Int32(bitPattern: try u32(offset)) }

    func slice(_ offset: Int, _ size: Int) throws -> ArraySlice<UInt8> {
        try need(offset, size)
        return bytes[(bytes.startIndex + offset)..<(bytes.startIndex + offset + size)]
    }
}

/// Appends host-order integers, for requests.
struct ByteWriter {
    var bytes: [UInt8] = []

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { bytes += [UInt8(v & 0xff), UInt8(v >> 8)] }
    mutating func u32(_ v: UInt32) { for s in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(v >> UInt32(s) & 0xff)) } }
    mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
    mutating func pad(to alignment: Int = 4) { while bytes.count % alignment != 0 { bytes.append(0) } }
}

/// Netlink aligns headers and attributes to 4 bytes (NLMSG_ALIGN, RTA_ALIGN).
func align4(_ n: Int) -> Int { (n + 3) & ~3 }
