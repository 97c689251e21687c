import Addresses

/// RTM_NEWADDR: `struct ifaddrmsg` and its IFA_* attributes, as `ip address show` prints them.
///
///     0        1         2       3       4              8
///     +--------+---------+-------+-------+--------------+
///     | family | prefixlen| flags | scope | ifa_index   |
///     +--------+---------+-------+-------+--------------+
public struct AddressMessage: Equatable, Sendable {
    public static let headerSize = 8

    /// AF_INET (2) or AF_INET6 (10).
    public var family: UInt8
    public var prefixLength: UInt8
    public var flags: UInt8
    /// RT_SCOPE_*: 0 global, 253 link, 254 host.
    public var scope: UInt8
    public var interfaceIndex: Int32
    public var attributes: [AddressAttribute]

    public init(payload: [UInt8]) throws {
        let r = NetlinkReader(payload)
        try r.need(0, Self.headerSize)
        family = try r.u8(0)
        prefixLength = try r.u8(1)
        flags = try r.u8(2)
        scope = try r.u8(3)
        interfaceIndex = try r.i32le(4)
        attributes = try RouteAttribute.parse(payload.dropFirst(Self.headerSize)).map(AddressAttribute.init)
    }

    /// IFA_LOCAL, else IFA_ADDRESS (they differ only on point-to-point links), for IPv4.
    public var ipv4: IPv4Address? {
        var address: IPv4Address?
        for a in attributes {
            if case .local(let bytes) = a, let v = IPv4Address(bytes: bytes) { return v }
            if case .address(let bytes) = a { address = IPv4Address(bytes: bytes) }
        }
        return address
    }

    /// Valid lifetime from IFA_CACHEINFO, in seconds (UInt32.max: forever).
    public var validLifetime: UInt32? {
        attributes.lazy.compactMap { if case .cacheInfo(_, let valid) = $0 { return valid }; return nil }.first
    }
}

public enum AddressAttribute: Equatable, Sendable {
    /// IFA_ADDRESS (1)
    case address([UInt8])
    /// IFA_LOCAL (2)
    case local([UInt8])
    /// IFA_LABEL (3)
    case label(String)
    /// IFA_CACHEINFO (6): preferred and valid lifetimes.
    case cacheInfo(preferred: UInt32, valid: UInt32)
    /// IFA_FLAGS (8): the full 32-bit flags.
    case flags(UInt32)
    case other(RouteAttribute)

    init(_ a: RouteAttribute) throws {
        switch a.type {
        case 1: self = .address(a.payload)
        case 2: self = .local(a.payload)
        case 3: self = .label(a.string)
        case 6:
            let r = NetlinkReader(a.payload)
            self = .cacheInfo(preferred: try r.u32le(0), valid: try r.u32le(4))
        case 8: self = .flags(try NetlinkReader(a.payload).u32le(0))
        default: self = .other(a)
        }
    }
}
