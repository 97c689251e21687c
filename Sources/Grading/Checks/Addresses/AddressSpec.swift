import Addresses
import JSON
import Localization
import NetlinkWire

/// `ip address add ADDRESS/LEN dev LINK` in a namespace.
public struct AddressSpec: Sendable, Hashable {
    public var namespace: String
    public var link: String
    public var address: IPv4Prefix
    public var id: String?
    public var hint: Localized?
}

// MARK: reading it from an exercise file

extension ExerciseLoader {
    static func address(_ node: JSONNode) throws -> AddressSpec {
        let o = try node.object(keys: ["namespace", "link", "address", "id", "hint"])
        let prefix = try o.parsed("address", as: "an address with prefix length like 192.0.2.1/24") { text in
            text.contains("/") ? IPv4Prefix(text) : nil
        }!
        return AddressSpec(namespace: try o.string("namespace"), link: try interfaceName(o, "link"), address: prefix,
                           id: try o.optionalString("id"), hint: try o.localized("hint"))
    }
}
