import Addresses
import JSON
import Localization
import NetlinkWire

/// `ip netns exec NS ip neigh` maps `address` to `mac`.
public struct NeighbourSpec: Sendable, Hashable {
    public var namespace: String
    public var address: IPv4Address
    public var mac: MACAddress
    public var id: String?
    public var hint: Localized?
}

// MARK: reading it from an exercise file

extension ExerciseLoader {
    static func neighbour(_ node: JSONNode) throws -> NeighbourSpec {
        let o = try node.object(keys: ["namespace", "address", "mac", "id", "hint"])
        return NeighbourSpec(namespace: try o.string("namespace"),
                             address: try o.parsed("address", as: "an IPv4 address", IPv4Address.init)!, mac: try mac(o, "mac")!,
                             id: try o.optionalString("id"), hint: try o.localized("hint"))
    }
}
