import Addresses
import JSON
import Localization
import NetlinkWire

/// Traffic from `namespace` to `to` leaves via `via` (or directly on a link when `via` is nil).
/// Judged by the route the kernel would use (`ip route get`), so a specific route and a default route
/// both pass.
public struct RouteSpec: Sendable, Hashable {
    public var namespace: String
    public var to: IPv4Prefix
    public var via: IPv4Address?
    /// The book's command that sets this route up, quoted in hints.
    public var command: String?
    public var id: String?
    public var hint: Localized?

    /// The command quoted in hints: the book's, or one built from the spec.
    public var fixCommand: String {
        if let command { return command }
        let via = self.via.map { " via \($0)" } ?? ""
        return inNamespace(namespace, "ip route add \(to.isDefault ? "default" : to.masked.cidr)\(via)")
    }

    /// The address looked up to judge the route: the first host of the prefix, or the address itself.
    public var probeAddress: IPv4Address {
        to.length >= 31 ? to.address : IPv4Address(to.network.value + 1)
    }
}

// MARK: reading it from an exercise file

extension ExerciseLoader {
    static func route(_ node: JSONNode) throws -> RouteSpec {
        let o = try node.object(keys: ["namespace", "to", "via", "command", "id", "hint"])
        return RouteSpec(
            namespace: try o.string("namespace"),
            to: try o.parsed("to", as: "a prefix like 198.51.100.0/24 or \"default\"", IPv4Prefix.init)!,
            via: try o.parsed("via", as: "an IPv4 address", required: false, IPv4Address.init),
            command: try o.optionalString("command"), id: try o.optionalString("id"), hint: try o.localized("hint"))
    }
}
