import Addresses
import JSON
import Localization
import NetlinkWire

/// A server on `address:port` in `namespace` (usually the root namespace, on 127.0.0.1), checked in two parts:
/// something is bound there (`ss -ltun`), and it behaves: netcheck `talk`s to it.
public struct ServiceSpec: Sendable, Hashable {
    public enum Transport: String, Sendable, Hashable, CaseIterable { case tcp, udp }
    public enum Talk: String, Sendable, Hashable, CaseIterable {
        /// UDP: a datagram is delivered (no ICMP port unreachable comes back).
        case datagram
        /// TCP: the three-way handshake completes and sent data is acknowledged.
        case connect
        /// TCP: `GET / HTTP/1.0` is answered 200 with an HTML page whose title is `title`.
        case http
        /// TCP: what is sent comes back, several messages on one connection, one larger than a segment.
        case echo
        /// TCP: two signed 32-bit big-endian integers in, their sum out as a signed 64-bit big-endian integer
        /// (the book's addserver.py: `'!ii'` / `'!q'`), one question on one connection.
        case sum
    }
    public var namespace: String
    public var transport: Transport
    public var address: IPv4Address
    public var port: UInt16
    public var talk: Talk
    public var title: String?
    /// The book's command that starts the server, quoted in hints.
    public var command: String?
    public var id: String?
    public var hint: Localized?

    public var label: String { "\(transport.rawValue.uppercased()) \(address):\(port)" }
}

// MARK: reading it from an exercise file

extension ExerciseLoader {
    static func service(_ node: JSONNode) throws -> ServiceSpec {
        let o = try node.object(keys: ["namespace", "protocol", "address", "port", "talk", "title", "command", "id", "hint"])
        let transport = try o.parsed("protocol", as: "\"tcp\" or \"udp\"", ServiceSpec.Transport.init(rawValue:))!
        let talks = ServiceSpec.Talk.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        let talk = try o.parsed("talk", as: "one of \(talks)", ServiceSpec.Talk.init(rawValue:))!
        guard (transport == .udp) == (talk == .datagram) else {
            throw node.error(transport == .udp ? "a UDP service is talked to with \"datagram\"" : "\"datagram\" is for UDP services", field: "talk")
        }
        let title = try o.optionalString("title")
        if talk == .http && title == nil { throw node.error("an HTTP check needs the page's title", field: "title") }
        return ServiceSpec(namespace: try o.optionalString("namespace") ?? World.rootName, transport: transport,
                           address: try o.parsed("address", as: "an IPv4 address", IPv4Address.init)!,
                           port: UInt16(try o.optionalInt("port", in: 1...65535) ?? { throw o.missing("port") }()),
                           talk: talk, title: title, command: try o.optionalString("command"),
                           id: try o.optionalString("id"), hint: try o.localized("hint"))
    }
}
