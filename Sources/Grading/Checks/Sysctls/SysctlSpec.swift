import Addresses
import JSON
import Localization
import NetlinkWire

/// `sysctl KEY=VALUE` in a namespace (e.g. net.ipv4.ip_forward=1 on a router).
public struct SysctlSpec: Sendable, Hashable {
    public var namespace: String
    public var key: String
    public var value: String
    public var id: String?
    public var hint: Localized?
}

// MARK: reading it from an exercise file

extension ExerciseLoader {
    static func sysctl(_ node: JSONNode) throws -> SysctlSpec {
        let o = try node.object(keys: ["namespace", "key", "value", "id", "hint"])
        let key = try o.string("key")
        guard key.split(separator: ".").count >= 2, key.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" }) else {
            throw node.error("\"\(key)\" is not a sysctl key like net.ipv4.ip_forward", field: "key")
        }
        return SysctlSpec(namespace: try o.string("namespace"), key: key, value: try o.string("value"),
                          id: try o.optionalString("id"), hint: try o.localized("hint"))
    }
}
