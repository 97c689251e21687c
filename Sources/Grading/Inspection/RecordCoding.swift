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

// MARK: nft and iptables-legacy

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
                       ("daddr", destination.json), ("proto", transportProtocol.json), ("dport", destinationPort.json), ("text", .string(text)),
                       ("backend", .string(backend.rawValue))])
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
                  text: try r["text"].string(), backend: try Backend(record: r["backend"]))
    }
}

extension Backend {
    /// nft when not recorded (recordings from before legacy tables were read).
    init(record r: RecordReader) throws {
        guard !r.isNull else { self = .nft; return }
        guard let b = Backend(rawValue: try r.string()) else { throw r.fail("\"nft\" or \"legacy\"") }
        self = b
    }
}

extension FilterRule {
    var record: JSONValue {
        let verdict: JSONValue
        switch self.verdict {
        case .accept: verdict = "accept"
        case .drop: verdict = "drop"
        case .reject: verdict = "reject"
        case .return: verdict = "return"
        case .continue: verdict = "continue"
        case .jump(let c): verdict = object([("jump", .string(c))])
        case .goto(let c): verdict = object([("goto", .string(c))])
        case .other(let s): verdict = object([("other", .string(s))])
        }
        return object([("backend", .string(backend.rawValue)), ("family", .string(family)), ("table", .string(table)),
                       ("chain", .string(chain)), ("conditions", .array(conditions.map(\.record))),
                       ("unjudged", .array(unjudged.map { .string($0) })), ("verdict", verdict), ("handle", handle.json),
                       ("text", .string(text)), ("words", .array(words.map { .string($0) }))])
    }
    init(record r: RecordReader) throws {
        let v = r["verdict"]
        let verdict: Verdict
        switch v.value {
        case "accept": verdict = .accept
        case "drop": verdict = .drop
        case "reject": verdict = .reject
        case "return": verdict = .return
        case "continue": verdict = .continue
        default:
            if let c = v.value.object?["jump"]?.string { verdict = .jump(c) }
            else if let c = v.value.object?["goto"]?.string { verdict = .goto(c) }
            else if let c = v.value.object?["other"]?.string { verdict = .other(c) }
            else { throw v.fail("a verdict") }
        }
        self.init(backend: try Backend(record: r["backend"]), family: try r["family"].string(), table: try r["table"].string(),
                  chain: try r["chain"].string(), conditions: try r["conditions"].array().map(Condition.init(record:)),
                  unjudged: try r["unjudged"].array().map { try $0.string() }, verdict: verdict, handle: try r["handle"].optionalInt(),
                  text: try r["text"].string(), words: try r["words"].array().map { try $0.string() })
    }
}

extension FilterRule.Condition {
    var record: JSONValue {
        let (key, value): (String, JSONValue)
        switch field {
        case .source(let p): (key, value) = ("saddr", .string(p.cidr))
        case .destination(let p): (key, value) = ("daddr", .string(p.cidr))
        case .inputInterface(let i): (key, value) = ("iif", .string(i))
        case .outputInterface(let o): (key, value) = ("oif", .string(o))
        case .transportProtocol(let p): (key, value) = ("proto", .string(p))
        case .notIPv4: (key, value) = ("not_ipv4", .bool(true))
        }
        return object([(key, value), ("negated", .bool(negated))])
    }
    init(record r: RecordReader) throws {
        let field: Field
        if !r["saddr"].isNull { field = .source(try r["saddr"].prefix()) }
        else if !r["daddr"].isNull { field = .destination(try r["daddr"].prefix()) }
        else if !r["iif"].isNull { field = .inputInterface(try r["iif"].string()) }
        else if !r["oif"].isNull { field = .outputInterface(try r["oif"].string()) }
        else if !r["proto"].isNull { field = .transportProtocol(try r["proto"].string()) }
        else if !r["not_ipv4"].isNull { field = .notIPv4 }
        else { throw r.fail("a filter condition") }
        self.init(field, negated: try r["negated"].bool())
    }
}

extension FilterChain {
    var record: JSONValue {
        object([("backend", .string(backend.rawValue)), ("family", .string(family)), ("table", .string(table)), ("name", .string(name)),
                ("hook", hook.json), ("priority", int(priority)), ("policy", policy.json), ("rules", .array(rules.map(\.record))),
                ("complete", .bool(complete))])
    }
    init(record r: RecordReader) throws {
        self.init(backend: try Backend(record: r["backend"]), family: try r["family"].string(), table: try r["table"].string(),
                  name: try r["name"].string(), hook: try r["hook"].optionalString(), priority: Int(try r["priority"].int()),
                  policy: try r["policy"].optionalString(), rules: try r["rules"].array().map(FilterRule.init(record:)),
                  complete: try r["complete"].bool())
    }
}

extension Ruleset {
    var record: JSONValue {
        object([("nat_rules", .array(natRules.map(\.record))),
                ("unread", unread.map { object([("rules_read", int($0.rulesRead)), ("deadline", .bool($0.deadline)),
                                                 ("too_large", int($0.tooLarge)), ("at_limit", .bool($0.atLimit))]) }),
                ("filter_chains", .array(filterChains.map(\.record)))])
    }
    init(record r: RecordReader) throws {
        let u = r["unread"]
        self.init(natRules: try r["nat_rules"].array().map(NATRule.init(record:)),
                  unread: u.isNull ? nil : Unread(rulesRead: Int(try u["rules_read"].int()), deadline: try u["deadline"].bool(),
                                                  tooLarge: Int(try u["too_large"].int()), atLimit: try u["at_limit"].bool()),
                  filterChains: try Self.filterChains(record: r))
    }

    /// The recorded chains; from a recording of before they were (only "forward_drop_chains", "family table
    /// chain"), those base chains with policy drop and no rule.
    static func filterChains(record r: RecordReader) throws -> [FilterChain] {
        if !r["filter_chains"].isNull { return try r["filter_chains"].array().map(FilterChain.init(record:)) }
        guard !r["forward_drop_chains"].isNull else { return [] }
        return try r["forward_drop_chains"].array().map { c in
            let words = try c.string().split(separator: " ", maxSplits: 2).map(String.init)
            guard words.count == 3 else { throw c.fail("\"family table chain\"") }
            return FilterChain(backend: .nft, family: words[0], table: words[1], name: words[2], hook: "forward", policy: "drop")
        }
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
