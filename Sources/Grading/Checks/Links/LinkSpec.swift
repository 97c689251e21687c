import Addresses
import JSON
import Localization
import NetlinkWire

/// An interface the learner creates (`ip link add`), where it must end up, and its state.
public struct LinkSpec: Sendable, Hashable {
    public var namespace: String
    public var name: String
    /// "veth", "bridge", "dummy", … as `ip -d link` prints it; nil accepts any kind.
    public var kind: String?
    /// For a veth: the other end of the same pair.
    public var peer: Endpoint?
    /// `ip link set NAME up` was run.
    public var up: Bool
    public var mac: MACAddress?
    /// The bridge this interface must be a port of.
    public var master: String?
    public var id: String?
    public var hint: Localized?
}

/// An interface named by its namespace: `ns2/ns2-veth0`.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public var description: String { "\(namespace)/\(name)" }
}

// MARK: reading it from an exercise file

extension ExerciseLoader {
    static func link(_ node: JSONNode) throws -> LinkSpec {
        let o = try node.object(keys: ["namespace", "name", "kind", "peer", "up", "mac", "master", "id", "hint"])
        var peer: Endpoint?
        if let p = o.child("peer") {
            let po = try p.object(keys: ["namespace", "name"])
            peer = Endpoint(namespace: try po.string("namespace"), name: try interfaceName(po, "name"))
        }
        let kind = try o.optionalString("kind")
        if peer != nil, let kind, kind != "veth" {
            throw node.error("only a veth has a peer, but kind is \"\(kind)\"", field: "peer")
        }
        return LinkSpec(
            namespace: try o.string("namespace"), name: try interfaceName(o, "name"),
            kind: kind ?? (peer != nil ? "veth" : nil), peer: peer,
            up: try o.bool("up", default: true),
            mac: try o.parsed("mac", as: "a MAC address like 00:00:5e:00:53:01", required: false, MACAddress.init),
            master: try o.optionalString("master"), id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func endpoint(_ o: JSONObjectReader, _ key: String) throws -> Endpoint {
        guard let node = o.child(key) else { throw o.missing(key) }
        let e = try node.object(keys: ["namespace", "link"])
        return Endpoint(namespace: try e.string("namespace"), name: try interfaceName(e, "link"))
    }
}
