/// Reading and writing wire formats: the one byte reader netcheck has, used by the rtnetlink decoders (host order,
/// which is little-endian on every machine netcheck runs on) and the frame decoders (network order, big-endian).
/// Each method names its byte order; every read checks its bounds first and throws the decoder's own error.

#if _endian(big)
#error("NetlinkWire reads netlink's host-order fields as little-endian (u16le, u32le): port it before building here")
#endif

/// An error a decoder throws when its bytes end too soon: `needed` bytes from the start of what `layer` (the
/// header being read: "Ethernet", "IPv4", …) was given, of which only `got` came. Each decoder's error type
/// says it in its own words (`FrameDecodeError.truncated(layer:needed:got:)`, `NetlinkDecodeError.truncated`,
/// which has no layer), and `ByteReader` throws it.
public protocol TruncationError: Error {
    static func truncated(layer: String, needed: Int, got: Int) -> Self
}

/// Bounds-checked reads at offsets into one layer's bytes. A read past the end throws
/// `Failure.truncated(layer:needed:got:)` and never traps, whatever the offsets (negative, or so large that
/// offset + size overflows).
public struct ByteReader<Failure: TruncationError> {
    public let bytes: ArraySlice<UInt8>
    /// The header being read, for the error.
    public let layer: String

    public init<C: Collection>(_ bytes: C, layer: String) where C.Element == UInt8 {
        self.bytes = ArraySlice(bytes)
        self.layer = layer
    }

    public var count: Int { bytes.count }

    /// At least `count` bytes, or `.truncated(needed: count)`.
    public func need(_ count: Int) throws(Failure) {
        guard bytes.count >= count else { throw Failure.truncated(layer: layer, needed: count, got: bytes.count) }
    }

    /// `size` bytes from `offset`, or `.truncated(needed: offset + size)`.
    public func need(_ offset: Int, _ size: Int) throws(Failure) {
        guard offset >= 0, size >= 0, offset <= bytes.count, size <= bytes.count - offset else {
            let (end, overflow) = offset.addingReportingOverflow(size)
            throw Failure.truncated(layer: layer, needed: overflow ? Int.max : end, got: bytes.count)
        }
    }

    /// The `size` bytes from `offset`, indexed from 0.
    public func slice(_ offset: Int, _ size: Int) throws(Failure) -> ArraySlice<UInt8> {
        try need(offset, size)
        let start = bytes.startIndex + offset
        return ArraySlice(bytes[start..<(start + size)])
    }

    /// Everything from `offset` to the end (nothing when `offset` is the end), indexed from 0.
    public func rest(from offset: Int) throws(Failure) -> ArraySlice<UInt8> {
        try need(offset, 0)
        return try slice(offset, bytes.count - offset)
    }

    public func u8(_ offset: Int) throws(Failure) -> UInt8 {
        try need(offset, 1)
        return bytes[bytes.startIndex + offset]
    }

    /// Network order (most significant byte first), as in every packet header.
    public func u16be(_ offset: Int) throws(Failure) -> UInt16 {
        try need(offset, 2)
        let b = bytes.startIndex + offset
        return UInt16(bytes[b]) << 8 | UInt16(bytes[b + 1])
    }

    /// Network order.
    public func u32be(_ offset: Int) throws(Failure) -> UInt32 {
        try need(offset, 4)
        let b = bytes.startIndex + offset
        return UInt32(bytes[b]) << 24 | UInt32(bytes[b + 1]) << 16 | UInt32(bytes[b + 2]) << 8 | UInt32(bytes[b + 3])
    }

    /// Least significant byte first: netlink's host order on the machines netcheck runs on.
    public func u16le(_ offset: Int) throws(Failure) -> UInt16 {
        try need(offset, 2)
        let b = bytes.startIndex + offset
        return UInt16(bytes[b]) | UInt16(bytes[b + 1]) << 8
    }

    /// Least significant byte first.
    public func u32le(_ offset: Int) throws(Failure) -> UInt32 {
        try need(offset, 4)
        let b = bytes.startIndex + offset
        return UInt32(bytes[b]) | UInt32(bytes[b + 1]) << 8 | UInt32(bytes[b + 2]) << 16 | UInt32(bytes[b + 3]) << 24
    }

    /// Least significant byte first, two's complement.
    public func i32le(_ offset: Int) throws(Failure) -> Int32 { Int32(bitPattern: try u32le(offset)) }

    /// Four bytes in network order.
    public func ipv4(_ offset: Int) throws(Failure) -> IPv4Address { IPv4Address(try u32be(offset)) }

    /// Six bytes.
    public func mac(_ offset: Int) throws(Failure) -> MACAddress {
        let six = try slice(offset, 6)
        // Six bytes always make a MAC address; the fallback only keeps the reader free of `!`.
        return MACAddress(bytes: six) ?? .broadcast
    }
}

/// Appends integers in the byte order each method names, for the few things netcheck writes itself: netlink
/// requests, the frames and segments it sends, pcap files in the tests.
public struct ByteWriter: Sendable {
    public var bytes: [UInt8] = []

    public init() {}

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16be(_ v: UInt16) { bytes += [UInt8(v >> 8), UInt8(v & 0xff)] }
    public mutating func u32be(_ v: UInt32) { bytes += [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
    public mutating func u16le(_ v: UInt16) { bytes += [UInt8(v & 0xff), UInt8(v >> 8)] }
    public mutating func u32le(_ v: UInt32) { bytes += [UInt8(v & 0xff), UInt8(v >> 8 & 0xff), UInt8(v >> 16 & 0xff), UInt8(v >> 24)] }
    public mutating func i32le(_ v: Int32) { u32le(UInt32(bitPattern: v)) }
    public mutating func append<C: Collection>(_ more: C) where C.Element == UInt8 { bytes += more }
    /// `count` zero bytes.
    public mutating func zeros(_ count: Int) { bytes += repeatElement(0, count: count) }
    /// Zero bytes up to a multiple of `alignment` (netlink aligns to 4).
    public mutating func pad(to alignment: Int = 4) { while bytes.count % alignment != 0 { bytes.append(0) } }
}
