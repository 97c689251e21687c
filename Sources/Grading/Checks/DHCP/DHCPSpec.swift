import Addresses
import JSON
import Localization
import NetlinkWire

/// A DHCP server in `server` serving the segment of `link` in `client`: netcheck's own DHCPDISCOVER from that
/// link is answered with an offer inside `range`; the client holds a leased (finite-lifetime) address in the
/// range.
public struct DHCPSpec: Sendable, Hashable {
    public var client: String
    public var link: String
    public var server: String
    public var rangeStart: IPv4Address
    public var rangeEnd: IPv4Address
    /// The book's commands for the server and the client, quoted in hints.
    public var serverCommand: String?
    public var clientCommand: String?
    public var id: String?
    public var hint: Localized?

    public func inRange(_ a: IPv4Address) -> Bool { rangeStart <= a && a <= rangeEnd }
    public var rangeText: String { "\(rangeStart)-\(rangeEnd)" }
}

// MARK: reading it from an exercise file

extension ExerciseLoader {
    static func dhcp(_ node: JSONNode) throws -> DHCPSpec {
        let o = try node.object(keys: ["client", "link", "server", "range", "server_command", "client_command", "id", "hint"])
        guard let rangeNode = o.child("range") else { throw o.missing("range") }
        let bounds = try rangeNode.array()
        guard bounds.count == 2 else { throw rangeNode.error("expected [first, last], two IPv4 addresses", field: "range") }
        let addresses = try bounds.map { b -> IPv4Address in
            guard let a = IPv4Address(try b.string()) else { throw b.error("expected an IPv4 address", field: "range") }
            return a
        }
        guard addresses[0] <= addresses[1] else { throw rangeNode.error("the first address is after the last", field: "range") }
        return DHCPSpec(client: try o.string("client"), link: try interfaceName(o, "link"), server: try o.string("server"),
                        rangeStart: addresses[0], rangeEnd: addresses[1],
                        serverCommand: try o.optionalString("server_command"), clientCommand: try o.optionalString("client_command"),
                        id: try o.optionalString("id"), hint: try o.localized("hint"))
    }
}
