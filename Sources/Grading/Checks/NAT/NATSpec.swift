import Addresses
import JSON
import Localization
import NetlinkWire

/// A translation by `router`, seen on both sides: netcheck sends a probe from `from` to `to` (an ICMP echo, or a
/// TCP SYN to `port`) and watches `inside` (the private side) and `outside` (the public side) at once.
///
/// - source NAT (`iptables -t nat -A POSTROUTING … -j MASQUERADE`): the probe leaves `inside` from its own
///   address and crosses `outside` from `translated`;
/// - destination NAT (`… PREROUTING … -j DNAT --to-destination …`): the probe crosses `outside` to `to:port`
///   and arrives on `inside` to `translated:port`, its source unchanged.
public struct NATSpec: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case source = "snat", destination = "dnat" }
    public var kind: Kind
    public var router: String
    public var from: String
    public var to: IPv4Address
    public var port: UInt16?
    public var inside: Endpoint
    public var outside: Endpoint
    public var translated: IPv4Address
    /// The book's command, quoted in hints.
    public var command: String?
    public var id: String?
    public var hint: Localized?
}

// MARK: reading it from an exercise file

extension ExerciseLoader {
    static func nat(_ node: JSONNode) throws -> NATSpec {
        let o = try node.object(keys: ["type", "router", "from", "to", "port", "inside", "outside", "translated", "command", "id", "hint"])
        let kind = try o.parsed("type", as: "\"snat\" or \"dnat\"", NATSpec.Kind.init(rawValue:))!
        let port = try o.optionalInt("port", in: 1...65535).map(UInt16.init)
        if kind == .destination && port == nil { throw node.error("destination NAT is probed with TCP: give the port", field: "port") }
        return NATSpec(kind: kind, router: try o.string("router"), from: try o.string("from"),
                       to: try o.parsed("to", as: "an IPv4 address", IPv4Address.init)!, port: port,
                       inside: try endpoint(o, "inside"), outside: try endpoint(o, "outside"),
                       translated: try o.parsed("translated", as: "an IPv4 address", IPv4Address.init)!,
                       command: try o.optionalString("command"), id: try o.optionalString("id"), hint: try o.localized("hint"))
    }
}
