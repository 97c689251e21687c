import Addresses
import JSON
import Kernel
import Netfilter
import NetlinkWire
import Probes

/// The values of a run as JSON, for `netcheck check --record FILE` and the fixtures the verdict tests replay: what
/// the inspector answered and what the probes saw, in the form the kernel and the wire gave them (snapshots field
/// by field, frames as hex), never as text netcheck wrote.
public struct RecordError: Error, CustomStringConvertible, Equatable, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Reads a recorded value, or says where it is malformed.
struct RecordReader {
    let value: JSONValue
    let path: String

    init(_ value: JSONValue, path: String = "") { self.value = value; self.path = path }

    func fail(_ what: String) -> RecordError { RecordError("recording\(path.isEmpty ? "" : " at \(path)"): expected \(what)") }
    subscript(_ key: String) -> RecordReader {
        RecordReader(value.object?[key] ?? .null, path: path + "/" + key)
    }
    var isNull: Bool { value == .null }
    func string() throws -> String { guard let s = value.string else { throw fail("a string") }; return s }
    func optionalString() throws -> String? { isNull ? nil : try string() }
    func int() throws -> Int64 { guard let n = value.int else { throw fail("an integer") }; return n }
    func optionalInt() throws -> Int64? { isNull ? nil : try int() }
    func bool() throws -> Bool { guard let b = value.bool else { throw fail("a boolean") }; return b }
    func array() throws -> [RecordReader] {
        guard let a = value.array else { throw fail("an array") }
        return a.enumerated().map { RecordReader($1, path: path + "/\($0)") }
    }
    func int32() throws -> Int32 { Int32(truncatingIfNeeded: try int()) }
    func uint32() throws -> UInt32 { UInt32(truncatingIfNeeded: try int()) }
    func uint16() throws -> UInt16 { UInt16(truncatingIfNeeded: try int()) }
    func uint8() throws -> UInt8 { UInt8(truncatingIfNeeded: try int()) }
    func ipv4() throws -> IPv4Address { guard let a = IPv4Address(try string()) else { throw fail("an IPv4 address") }; return a }
    func optionalIPv4() throws -> IPv4Address? { isNull ? nil : try ipv4() }
    func prefix() throws -> IPv4Prefix { guard let p = IPv4Prefix(try string()) else { throw fail("an IPv4 prefix") }; return p }
    func optionalPrefix() throws -> IPv4Prefix? { isNull ? nil : try prefix() }
    func mac() throws -> MACAddress { guard let m = MACAddress(try string()) else { throw fail("a MAC address") }; return m }
    func optionalMAC() throws -> MACAddress? { isNull ? nil : try mac() }
    func bytes() throws -> [UInt8] {
        let text = Array(try string().utf8)
        guard text.count % 2 == 0 else { throw fail("hex bytes") }
        var out: [UInt8] = []
        out.reserveCapacity(text.count / 2)
        func nibble(_ c: UInt8) throws -> UInt8 {
            switch c {
            case 0x30...0x39: return c - 0x30
            case 0x61...0x66: return c - 0x61 + 10
            default: throw fail("hex bytes")
            }
        }
        var i = 0
        while i < text.count { out.append(try nibble(text[i]) << 4 | nibble(text[i + 1])); i += 2 }
        return out
    }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xf)]) }
    return String(decoding: out, as: UTF8.self)
}

func object(_ pairs: [(String, JSONValue?)]) -> JSONValue {
    .object(JSONObject(pairs.compactMap { k, v in v.map { (k, $0) } }))
}

extension Optional where Wrapped == String { var json: JSONValue { map { .string($0) } ?? .null } }
extension Optional where Wrapped: BinaryInteger { var json: JSONValue { map { .int(Int64($0)) } ?? .null } }
extension Optional where Wrapped == IPv4Address { var json: JSONValue { map { .string($0.description) } ?? .null } }
extension Optional where Wrapped == IPv4Prefix { var json: JSONValue { map { .string($0.cidr) } ?? .null } }
extension Optional where Wrapped == MACAddress { var json: JSONValue { map { .string($0.description) } ?? .null } }
func int<I: BinaryInteger>(_ n: I) -> JSONValue { .int(Int64(n)) }

// MARK: kernel values

extension KernelError {
    var record: JSONValue {
        object([("operation", .string(operation)), ("namespace", namespace.json), ("errno", int(errno)), ("entry", entry?.record)])
    }
    init(record r: RecordReader) throws {
        self.init(try r["operation"].string(), namespace: try r["namespace"].optionalString(), errno: try r["errno"].int32(),
                  entry: r["entry"].isNull ? nil : try NamespaceEntryProblem(record: r["entry"]))
    }
}

extension NamespaceEntryProblem {
    var record: JSONValue {
        switch self {
        case .symlink(let target): return object([("kind", "symlink"), ("target", .string(target))])
        case .notAFile(let kind): return object([("kind", "notAFile"), ("what", .string(kind))])
        case .notANamespace: return object([("kind", "notANamespace")])
        case .otherNamespaceType: return object([("kind", "otherNamespaceType")])
        case .sameAsRoot: return object([("kind", "sameAsRoot")])
        case .sameAs(let names): return object([("kind", "sameAs"), ("names", .array(names.map { .string($0) }))])
        }
    }
    init(record r: RecordReader) throws {
        switch try r["kind"].string() {
        case "symlink": self = .symlink(target: try r["target"].string())
        case "notAFile": self = .notAFile(kind: try r["what"].string())
        case "notANamespace": self = .notANamespace
        case "otherNamespaceType": self = .otherNamespaceType
        case "sameAsRoot": self = .sameAsRoot
        case "sameAs": self = .sameAs(try r["names"].array().map { try $0.string() })
        default: throw r.fail("a namespace entry problem")
        }
    }
}

extension Link {
    var record: JSONValue {
        object([("index", int(index)), ("name", .string(name)), ("kind", kind.json), ("up", .bool(isUp)), ("carrier", .bool(hasCarrier)),
                ("loopback", .bool(isLoopback)), ("operstate", .string(operState)), ("mac", mac.json), ("mtu", int(mtu)),
                ("master", masterIndex.json), ("link", linkIndex.json), ("link_netnsid", linkNetnsID.json)])
    }
    init(record r: RecordReader) throws {
        self.init(index: try r["index"].int32(), name: try r["name"].string(), kind: try r["kind"].optionalString(),
                  isUp: try r["up"].bool(), hasCarrier: try r["carrier"].bool(), operState: try r["operstate"].string(),
                  mac: try r["mac"].optionalMAC(), mtu: try r["mtu"].uint32(), masterIndex: try r["master"].optionalInt().map(Int32.init),
                  linkIndex: try r["link"].optionalInt().map(Int32.init), linkNetnsID: try r["link_netnsid"].optionalInt().map(Int32.init))
        isLoopback = try r["loopback"].bool()
    }
}

extension InterfaceAddress {
    var record: JSONValue {
        object([("index", int(interfaceIndex)), ("prefix", .string(prefix.cidr)), ("scope", int(scope)), ("valid_lft", validLifetime.json)])
    }
    init(record r: RecordReader) throws {
        self.init(interfaceIndex: try r["index"].int32(), prefix: try r["prefix"].prefix(), scope: try r["scope"].uint8(),
                  validLifetime: try r["valid_lft"].optionalInt().map(UInt32.init))
    }
}

extension Route {
    var record: JSONValue {
        object([("table", int(table)), ("dst", .string(destination.cidr)), ("via", gateway.json), ("oif", outputInterfaceIndex.json),
                ("src", preferredSource.json), ("type", int(type)), ("protocol", int(routeProtocol)), ("scope", int(scope)),
                ("priority", priority.json)])
    }
    init(record r: RecordReader) throws {
        self.init(table: try r["table"].uint32(), destination: try r["dst"].prefix(), gateway: try r["via"].optionalIPv4(),
                  outputInterfaceIndex: try r["oif"].optionalInt().map(Int32.init), preferredSource: try r["src"].optionalIPv4(),
                  type: try r["type"].uint8(), routeProtocol: try r["protocol"].uint8(), scope: try r["scope"].uint8(),
                  priority: try r["priority"].optionalInt().map(UInt32.init))
    }
}

extension Snapshot {
    var record: JSONValue {
        object([("links", .array(links.map(\.record))), ("addresses", .array(addresses.map(\.record))), ("routes", .array(routes.map(\.record)))])
    }
    init(record r: RecordReader) throws {
        self.init(links: try r["links"].array().map(Link.init(record:)), addresses: try r["addresses"].array().map(InterfaceAddress.init(record:)),
                  routes: try r["routes"].array().map(Route.init(record:)))
    }
}

extension NetworkNamespace.Identity {
    var record: JSONValue { object([("dev", .int(Int64(bitPattern: device))), ("ino", .int(Int64(bitPattern: inode)))]) }
    init(record r: RecordReader) throws {
        self.init(device: UInt64(bitPattern: try r["dev"].int()), inode: UInt64(bitPattern: try r["ino"].int()))
    }
}

extension World.Place {
    var record: JSONValue { object([("name", name.json), ("identity", identity.record), ("snapshot", snapshot.record)]) }
    init(record r: RecordReader) throws {
        self.init(name: try r["name"].optionalString(), identity: try NetworkNamespace.Identity(record: r["identity"]),
                  snapshot: try Snapshot(record: r["snapshot"]))
    }
}

extension RouteLookup {
    var record: JSONValue {
        switch self {
        case let .route(gateway, oif, src, type):
            return object([("route", .bool(true)), ("via", gateway.json), ("oif", oif.json), ("src", src.json), ("type", int(type))])
        case .unreachable(let errno):
            return object([("route", .bool(false)), ("errno", int(errno))])
        }
    }
    init(record r: RecordReader) throws {
        if try r["route"].bool() {
            self = .route(gateway: try r["via"].optionalIPv4(), outputInterfaceIndex: try r["oif"].optionalInt().map(Int32.init),
                          preferredSource: try r["src"].optionalIPv4(), type: try r["type"].uint8())
        } else {
            self = .unreachable(errno: try r["errno"].int32())
        }
    }
}

extension Neighbour {
    var record: JSONValue {
        object([("index", int(interfaceIndex)), ("address", .string(address.description)), ("mac", mac.json),
                ("states", .array(states.map { .string($0) }))])
    }
    init(record r: RecordReader) throws {
        self.init(interfaceIndex: try r["index"].int32(), address: try r["address"].ipv4(), mac: try r["mac"].optionalMAC(),
                  states: try r["states"].array().map { try $0.string() })
    }
}

extension ForwardingEntry {
    var record: JSONValue {
        object([("port", int(portIndex)), ("bridge", bridgeIndex.json), ("mac", .string(mac.description)), ("vlan", vlan.json),
                ("states", .array(states.map { .string($0) }))])
    }
    init(record r: RecordReader) throws {
        self.init(portIndex: try r["port"].int32(), bridgeIndex: try r["bridge"].optionalInt().map(Int32.init), mac: try r["mac"].mac(),
                  vlan: try r["vlan"].optionalInt().map(UInt16.init), states: try r["states"].array().map { try $0.string() })
    }
}

extension SocketEntry {
    var record: JSONValue {
        object([("transport", .string(transport.rawValue)), ("address", .string(address)), ("port", int(port)), ("ipv6", .bool(isIPv6)),
                ("state", .string(state.rawValue)), ("peer", peerAddress.json), ("peer_port", peerPort.json),
                ("v6only", v6Only.map { .bool($0) } ?? .null), ("inode", int(inode)), ("expires_ms", int(expiresMs)),
                ("process", process.json), ("pid", pid.json)])
    }
    init(record r: RecordReader) throws {
        guard let transport = Transport(rawValue: try r["transport"].string()), let state = State(rawValue: try r["state"].string()) else {
            throw r.fail("a socket")
        }
        self.init(transport: transport, address: try r["address"].string(), port: try r["port"].uint16(), isIPv6: try r["ipv6"].bool(),
                  state: state, peerAddress: try r["peer"].optionalString(), peerPort: try r["peer_port"].optionalInt().map(UInt16.init),
                  v6Only: r["v6only"].isNull ? nil : try r["v6only"].bool(), inode: try r["inode"].uint32(),
                  expiresMs: try r["expires_ms"].uint32(), process: try r["process"].optionalString(),
                  pid: try r["pid"].optionalInt().map(Int32.init))
    }
}

// MARK: nft

extension NATRule {
    var record: JSONValue {
        let action: JSONValue
        switch self.action {
        case .masquerade: action = object([("kind", "masquerade")])
        case .snat(let to): action = object([("kind", "snat"), ("to", to.json)])
        case .dnat(let to, let port): action = object([("kind", "dnat"), ("to", to.json), ("port", port.json)])
        }
        return object([("family", .string(family)), ("table", .string(table)), ("chain", .string(chain)), ("hook", hook.json),
                       ("action", action), ("oif", outputInterface.json), ("iif", inputInterface.json), ("saddr", source.json),
                       ("daddr", destination.json), ("proto", transportProtocol.json), ("dport", destinationPort.json), ("text", .string(text))])
    }
    init(record r: RecordReader) throws {
        let a = r["action"]
        let action: Action
        switch try a["kind"].string() {
        case "masquerade": action = .masquerade
        case "snat": action = .snat(to: try a["to"].optionalIPv4())
        case "dnat": action = .dnat(to: try a["to"].optionalIPv4(), port: try a["port"].optionalInt().map(UInt16.init))
        default: throw a.fail("a NAT action")
        }
        self.init(family: try r["family"].string(), table: try r["table"].string(), chain: try r["chain"].string(), hook: try r["hook"].optionalString(),
                  action: action, outputInterface: try r["oif"].optionalString(), inputInterface: try r["iif"].optionalString(),
                  source: try r["saddr"].optionalPrefix(), destination: try r["daddr"].optionalPrefix(),
                  transportProtocol: try r["proto"].optionalString(), destinationPort: try r["dport"].optionalInt().map(UInt16.init),
                  text: try r["text"].string())
    }
}

extension Ruleset {
    var record: JSONValue {
        object([("nat_rules", .array(natRules.map(\.record))),
                ("unread", unread.map { object([("rules_read", int($0.rulesRead)), ("deadline", .bool($0.deadline)),
                                                 ("too_large", int($0.tooLarge)), ("at_limit", .bool($0.atLimit))]) }),
                ("forward_drop_chains", .array(forwardDropChains.map { .string($0) }))])
    }
    init(record r: RecordReader) throws {
        let u = r["unread"]
        self.init(natRules: try r["nat_rules"].array().map(NATRule.init(record:)),
                  unread: u.isNull ? nil : Unread(rulesRead: Int(try u["rules_read"].int()), deadline: try u["deadline"].bool(),
                                                  tooLarge: Int(try u["too_large"].int()), atLimit: try u["at_limit"].bool()),
                  forwardDropChains: r["forward_drop_chains"].isNull ? [] : try r["forward_drop_chains"].array().map { try $0.string() })
    }
}

extension NetfilterError {
    var record: JSONValue {
        let kind: JSONValue
        switch self.kind {
        case .spawn(let errno): kind = object([("kind", "spawn"), ("errno", int(errno))])
        case .exit(let status, let stderr): kind = object([("kind", "exit"), ("status", int(status)), ("stderr", .string(stderr))])
        case .timeout(let seconds): kind = object([("kind", "timeout"), ("seconds", .double(seconds))])
        case .badJSON(let message): kind = object([("kind", "badJSON"), ("message", .string(message))])
        }
        return object([("netfilter", kind), ("command", command.json)])
    }
    init(record r: RecordReader) throws {
        let k = r["netfilter"]
        let kind: Kind
        switch try k["kind"].string() {
        case "spawn": kind = .spawn(errno: try k["errno"].int32())
        case "exit": kind = .exit(status: try k["status"].int32(), stderr: try k["stderr"].string())
        case "timeout": kind = .timeout(seconds: k["seconds"].value.number ?? 0)
        case "badJSON": kind = .badJSON(try k["message"].string())
        default: throw k.fail("a netfilter error")
        }
        self.init(kind, command: try r["command"].optionalString())
    }
}

/// Any error as recorded: the two netcheck tells apart by kind (KernelError, NetfilterError), any other by its text.
func recordError(_ error: Error) -> JSONValue {
    if let e = error as? KernelError { return object([("kernel", e.record)]) }
    if let e = error as? NetfilterError { return e.record }
    return object([("other", .string("\(error)"))])
}

func replayError(_ r: RecordReader) throws -> Error {
    if !r["kernel"].isNull { return try KernelError(record: r["kernel"]) }
    if !r["netfilter"].isNull { return try NetfilterError(record: r) }
    return RecordError(try r["other"].string())
}

/// A `Result` as `{"ok": …}` or `{"error": …}`.
func recordResult<T>(_ result: Result<T, some Error>, _ encode: (T) -> JSONValue) -> JSONValue {
    switch result {
    case .success(let v): return object([("ok", encode(v))])
    case .failure(let e): return object([("error", recordError(e))])
    }
}

func replayResult<T>(_ r: RecordReader, _ decode: (RecordReader) throws -> T) throws -> Result<T, Error> {
    if !r["error"].isNull { return .failure(try replayError(r["error"])) }
    return .success(try decode(r["ok"]))
}

func replayKernelResult<T>(_ r: RecordReader, _ decode: (RecordReader) throws -> T) throws -> Result<T, KernelError> {
    if !r["error"].isNull {
        guard let e = try replayError(r["error"]) as? KernelError else { throw r.fail("a kernel error") }
        return .failure(e)
    }
    return .success(try decode(r["ok"]))
}

// MARK: probes

extension EchoOutcome {
    var record: JSONValue {
        switch self {
        case let .reply(from, ttl, rtt): return object([("reply", .string(from.description)), ("ttl", int(ttl)), ("rtt_us", int(rtt))])
        case let .destinationUnreachable(from, code): return object([("unreachable", .string(from.description)), ("code", int(code))])
        case let .timeExceeded(from): return object([("time_exceeded", .string(from.description))])
        case let .sendFailed(errno): return object([("send_failed", int(errno))])
        case .timeout: return object([("timeout", .bool(true))])
        }
    }
    init(record r: RecordReader) throws {
        if !r["reply"].isNull { self = .reply(from: try r["reply"].ipv4(), ttl: try r["ttl"].uint8(), rttMicroseconds: Int(try r["rtt_us"].int())) }
        else if !r["unreachable"].isNull { self = .destinationUnreachable(from: try r["unreachable"].ipv4(), code: try r["code"].uint8()) }
        else if !r["time_exceeded"].isNull { self = .timeExceeded(from: try r["time_exceeded"].ipv4()) }
        else if !r["send_failed"].isNull { self = .sendFailed(errno: try r["send_failed"].int32()) }
        else if !r["timeout"].isNull { self = .timeout }
        else { throw r.fail("an echo outcome") }
    }
}
