import Addresses
import JSON
import Localization
import NetlinkWire

/// netcheck sends "who-has TARGET" out of `link` itself and must see "TARGET is-at MAC" come back.
public struct ARPSpec: Sendable, Hashable {
    public var namespace: String
    public var link: String
    public var target: IPv4Address
    public var mac: MACAddress
    public var id: String?
    public var hint: Localized?
}

// MARK: reading it from an exercise file

extension ExerciseLoader {
    static func arp(_ node: JSONNode) throws -> ARPSpec {
        let o = try node.object(keys: ["namespace", "link", "target", "mac", "id", "hint"])
        return ARPSpec(namespace: try o.string("namespace"), link: try interfaceName(o, "link"),
                       target: try o.parsed("target", as: "an IPv4 address", IPv4Address.init)!, mac: try mac(o, "mac")!,
                       id: try o.optionalString("id"), hint: try o.localized("hint"))
    }
}
