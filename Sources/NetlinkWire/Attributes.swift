import Addresses

/// One `struct rtattr` (or nlattr): type, then a payload, padded to 4 bytes.
///
///     0       2       4
///     +-------+-------+------------------------+
///     | len   | type  | payload (len - 4 bytes) |
///     +-------+-------+------------------------+
public struct RouteAttribute: Equatable, Sendable {
    /// The type with the NLA_F_NESTED / NLA_F_NET_BYTEORDER bits cleared.
    public var type: UInt16
    public var payload: [UInt8]

    public init(type: UInt16, payload: [UInt8]) { self.type = type; self.payload = payload }

    /// Parses the attributes that fill `bytes`.
    public static func parse<C: Collection>(_ bytes: C) throws -> [RouteAttribute] where C.Element == UInt8 {
        let r = NetlinkReader(bytes)
        var result: [RouteAttribute] = []
        var offset = 0
        while offset + 4 <= r.count {
            let length = Int(try r.u16le(offset))
            let type = try r.u16le(offset + 2) & 0x3fff
            guard length >= 4 else { throw NetlinkDecodeError.malformed("attribute \(type) has length \(length)") }
            result.append(RouteAttribute(type: type, payload: Array(try r.slice(offset + 4, length - 4))))
            offset += align4(length)
        }
        if offset < r.count { throw NetlinkDecodeError.truncated(needed: offset + 4, got: r.count) }
        return result
    }

    public var u32: UInt32? { payload.count >= 4 ? try? NetlinkReader(payload).u32le(0) : nil }
    public var i32: Int32? { u32.map { Int32(bitPattern: $0) } }
    public var u8: UInt8? { payload.first }
    /// A NUL-terminated string (IFLA_IFNAME, IFA_LABEL, IFLA_INFO_KIND).
    public var string: String { String(decoding: payload.prefix { $0 != 0 }, as: UTF8.self) }

    func write(to w: inout ByteWriter) {
        w.u16le(UInt16(4 + payload.count)); w.u16le(type)
        w.bytes += payload
        w.pad()
    }
}
