/// Address values shared by every layer: IPv4 addresses and prefixes, Ethernet MAC addresses.
/// Plain values, parsed from and printed in the notation `ip` uses.

/// An IPv4 address, kept in host order so that prefixes are simple arithmetic.
public struct IPv4Address: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: UInt32

    public init(_ value: UInt32) { self.value = value }

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        value = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    /// Four bytes in network order, as they appear in packets and netlink attributes.
    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 4 else { return nil }
        value = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Dotted quad, strictly: four decimal parts 0...255, no leading zeros beyond "0".
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var v: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, let n = decimal(part), n <= 255,
                  !(part.count > 1 && part.first == "0") else { return nil }
            v = v << 8 | n
        }
        value = v
    }

    public var bytes: [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }
    public var description: String { bytes.map(String.init).joined(separator: ".") }
    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.value < b.value }
}

/// An IPv4 prefix such as `192.0.2.0/24`; also used for an interface address with its prefix length
/// (`192.0.2.1/24`), so `address` is kept as given, not masked.
public struct IPv4Prefix: Hashable, Sendable, CustomStringConvertible {
    public var address: IPv4Address
    public var length: Int

    public init(_ address: IPv4Address, _ length: Int) {
        precondition((0...32).contains(length), "prefix length out of range")
        self.address = address
        self.length = length
    }

    /// `a.b.c.d/len`, `a.b.c.d` (a /32) or `default` (0.0.0.0/0).
    public init?(_ text: String) {
        if text == "default" { self.init(IPv4Address(0), 0); return }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard let addr = IPv4Address(String(parts[0])) else { return nil }
        switch parts.count {
        case 1: self.init(addr, 32)
        case 2:
            guard let n = decimal(parts[1]), n <= 32 else { return nil }
            self.init(addr, Int(n))
        default: return nil
        }
    }

    public var mask: UInt32 { length == 0 ? 0 : UInt32.max << UInt32(32 - length) }
    public var network: IPv4Address { IPv4Address(address.value & mask) }
    /// The prefix with host bits cleared, as the kernel stores a route destination.
    public var masked: IPv4Prefix { IPv4Prefix(network, length) }
    public func contains(_ a: IPv4Address) -> Bool { a.value & mask == address.value & mask }
    public var isDefault: Bool { length == 0 }
    public var description: String { isDefault && address.value == 0 ? "default" : "\(address)/\(length)" }
    /// Always `a.b.c.d/len`, even for the default route (`0.0.0.0/0`).
    public var cidr: String { "\(address)/\(length)" }
}

/// A 48-bit Ethernet address, printed lower-case with colons like `ip link` and `tcpdump -e`.
public struct MACAddress: Hashable, Sendable, CustomStringConvertible {
    public var bytes: [UInt8]

    public init?<C: Collection>(bytes: C) where C.Element == UInt8 {
        guard bytes.count == 6 else { return nil }
        self.bytes = Array(bytes)
    }

    /// Six groups of one or two hex digits (either case) separated by colons, as `ip link` reads them: nothing
    /// else, so neither a sign (`UInt8("+f", radix: 16)` is 15) nor a digit outside ASCII.
    public init?(_ text: String) {
        let parts = text.utf8.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var out: [UInt8] = []
        for p in parts {
            guard (1...2).contains(p.count) else { return nil }
            var b: UInt8 = 0
            for c in p {
                guard let digit = hexDigit(c) else { return nil }
                b = b << 4 | digit
            }
            out.append(b)
        }
        bytes = out
    }

    public static let broadcast = MACAddress(bytes: [UInt8](repeating: 0xff, count: 6))!
    public var description: String {
        bytes.map { b in let s = String(b, radix: 16); return s.count == 1 ? "0" + s : s }.joined(separator: ":")
    }
}

/// A run of ASCII decimal digits (at least one; no sign, no other digits) as a number; nil for anything else and
/// for a number past UInt32.max.
func decimal(_ text: Substring) -> UInt32? {
    guard !text.isEmpty else { return nil }
    var n: UInt32 = 0
    for c in text.utf8 {
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(c) else { return nil }
        let (times10, o1) = n.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times10.addingReportingOverflow(UInt32(c - UInt8(ascii: "0")))
        guard !o1, !o2 else { return nil }
        n = sum
    }
    return n
}

/// One ASCII hex digit's value, either case; nil for anything else.
func hexDigit(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}
