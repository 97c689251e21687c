import Addresses
import JSON
import Localization
import NetlinkWire

/// `bridge fdb` in NS: `bridge` has learned `mac` on `port`.
public struct ForwardingSpec: Sendable, Hashable {
    public var namespace: String
    public var bridge: String
    public var port: String
    public var mac: MACAddress
    public var id: String?
    public var hint: Localized?
}

// MARK: reading it from an exercise file

extension ExerciseLoader {
    static func forwarding(_ node: JSONNode) throws -> ForwardingSpec {
        let o = try node.object(keys: ["namespace", "bridge", "port", "mac", "id", "hint"])
        return ForwardingSpec(namespace: try o.string("namespace"), bridge: try interfaceName(o, "bridge"),
                              port: try interfaceName(o, "port"), mac: try mac(o, "mac")!,
                              id: try o.optionalString("id"), hint: try o.localized("hint"))
    }
}
