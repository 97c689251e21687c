import Addresses
import Capture
import Glibc
import JSON
import Kernel
import Netfilter
import NetlinkWire
import Probes

/// One run as recorded (`netcheck check ID --record FILE`): every answer the inspector gave, keyed by the question,
/// and everything the probes saw. Judged again with `Grader.report(replaying:)`, it gives the same report without
/// root, a kernel or a network: the fixtures of the verdict tests are such recordings of real runs.
public struct RunRecording {
    /// The exercise graded (a variant's id when one was chosen) and the one asked for.
    public var exercise: String
    public var askedFor: String
    /// The inspector's answers, by question (`InspectorQuestion`).
    var answers: [String: JSONValue]
    var probes: ProbeResults
    public var durationMs: Int

    public static let formatVersion = 1

    public var json: JSONValue {
        object([("netcheck_recording", int(Self.formatVersion)), ("exercise", .string(exercise)), ("asked_for", .string(askedFor)),
                ("duration_ms", int(durationMs)),
                ("answers", .object(JSONObject(answers.keys.sorted().map { ($0, answers[$0]!) }))),
                ("probes", probes.record)])
    }

    public init(jsonText: String) throws {
        let value = try JSON.parse(jsonText)
        let r = RecordReader(value)
        guard try r["netcheck_recording"].int() == Int64(Self.formatVersion) else { throw r.fail("recording format \(Self.formatVersion)") }
        exercise = try r["exercise"].string()
        askedFor = try r["asked_for"].string()
        durationMs = Int(try r["duration_ms"].int())
        guard let answers = value.object?["answers"]?.object else { throw r.fail("answers") }
        self.answers = Dictionary(uniqueKeysWithValues: answers.pairs.map { ($0.key, $0.value) })
        probes = try ProbeResults(record: r["probes"])
    }

    init(exercise: String, askedFor: String, answers: [String: JSONValue], probes: ProbeResults, durationMs: Int) {
        self.exercise = exercise; self.askedFor = askedFor; self.answers = answers; self.probes = probes; self.durationMs = durationMs
    }
}

/// The questions an inspector is asked, as the keys of a recording.
enum InspectorQuestion {
    static func inspect(_ name: String?) -> String { "inspect " + (name ?? "") }
    static let others = "others"
    static func other(_ name: String) -> String { "other " + name }
    static let own = "own"
    static func sysctl(_ place: World.Place, _ key: String) -> String { "sysctl \(place.label) \(key)" }
    static func lookup(_ place: World.Place, _ to: IPv4Address, _ from: IPv4Address?) -> String {
        "route get \(place.label) \(to)" + (from.map { " from \($0)" } ?? "")
    }
    static func namespaceID(_ place: World.Place, _ other: World.Place) -> String { "nsid \(place.label) \(other.label)" }
    static func neighbours(_ place: World.Place) -> String { "neigh \(place.label)" }
    static func forwarding(_ place: World.Place) -> String { "fdb \(place.label)" }
    static func udp(_ place: World.Place) -> String { "udp \(place.label)" }
    static func ruleset(_ place: World.Place) -> String { "ruleset \(place.label)" }
    static let nameservers = "nameservers"
    static let netcat = "netcat"
}

/// Asks another inspector and writes down every answer.
public final class RecordingInspector: Inspector {
    let inner: Inspector
    private(set) var answers: [String: JSONValue] = [:]

    public init(_ inner: Inspector) { self.inner = inner }

    private func keep<T>(_ key: String, _ value: T, _ encode: (T) -> JSONValue) -> T {
        answers[key] = encode(value)
        return value
    }

    public func inspect(_ name: String?) -> Result<World.Place, KernelError> {
        keep(InspectorQuestion.inspect(name), inner.inspect(name)) { recordResult($0, \.record) }
    }
    public func otherNamespaceNames() -> [String] {
        keep(InspectorQuestion.others, inner.otherNamespaceNames()) { .array($0.map { .string($0) }) }
    }
    public func inspectOther(_ name: String) -> Result<World.Place, KernelError> {
        keep(InspectorQuestion.other(name), inner.inspectOther(name)) { recordResult($0, \.record) }
    }
    public func ownIdentity() -> NetworkNamespace.Identity? {
        keep(InspectorQuestion.own, inner.ownIdentity()) { $0?.record ?? .null }
    }
    public func sysctl(_ place: World.Place, _ key: String) -> Result<String?, KernelError> {
        keep(InspectorQuestion.sysctl(place, key), inner.sysctl(place, key)) { recordResult($0) { $0.json } }
    }
    public func lookup(_ place: World.Place, to: IPv4Address, from: IPv4Address?) -> Result<RouteLookup, KernelError> {
        keep(InspectorQuestion.lookup(place, to, from), inner.lookup(place, to: to, from: from)) { recordResult($0, \.record) }
    }
    public func namespaceID(_ place: World.Place, of other: World.Place) -> Int32? {
        keep(InspectorQuestion.namespaceID(place, other), inner.namespaceID(place, of: other)) { $0.json }
    }
    public func neighbours(_ place: World.Place) -> Result<[Neighbour], KernelError> {
        keep(InspectorQuestion.neighbours(place), inner.neighbours(place)) { recordResult($0) { .array($0.map(\.record)) } }
    }
    public func forwardingDatabase(_ place: World.Place) -> Result<[ForwardingEntry], KernelError> {
        keep(InspectorQuestion.forwarding(place), inner.forwardingDatabase(place)) { recordResult($0) { .array($0.map(\.record)) } }
    }
    public func boundUDPPorts(_ place: World.Place) -> Result<Set<UInt16>, KernelError> {
        keep(InspectorQuestion.udp(place), inner.boundUDPPorts(place)) { recordResult($0) { .array($0.sorted().map(int)) } }
    }
    public func ruleset(_ place: World.Place, until: Double?) -> Result<Ruleset, Error> {
        keep(InspectorQuestion.ruleset(place), inner.ruleset(place, until: until)) { recordResult($0, \.record) }
    }
    public func hostNameservers() -> [IPv4Address] {
        keep(InspectorQuestion.nameservers, inner.hostNameservers()) { .array($0.map { .string($0.description) }) }
    }
    public func hostNetcat() -> String? {
        keep(InspectorQuestion.netcat, inner.hostNetcat()) { $0.map { .string($0) } ?? .null }
    }
}

/// Answers from a recording. A question the recorded run did not ask is an error: the verdicts judged again
/// would then differ from the recorded ones, and the fixture no longer fits the code.
public final class RecordedInspector: Inspector {
    let answers: [String: JSONValue]
    /// The questions asked that the recording cannot answer.
    public private(set) var unanswered: [String] = []

    public init(_ recording: RunRecording) { answers = recording.answers }

    private func answer<T>(_ key: String, _ decode: (RecordReader) throws -> T, otherwise: T) -> T {
        guard let value = answers[key] else { unanswered.append(key); return otherwise }
        do { return try decode(RecordReader(value, path: key)) } catch { unanswered.append("\(key): \(error)"); return otherwise }
    }

    private static func missing(_ key: String) -> KernelError { KernelError("not recorded: \(key)", errno: ENODATA) }

    public func inspect(_ name: String?) -> Result<World.Place, KernelError> {
        let key = InspectorQuestion.inspect(name)
        return answer(key, { try replayKernelResult($0, World.Place.init(record:)) }, otherwise: .failure(Self.missing(key)))
    }
    public func otherNamespaceNames() -> [String] {
        answer(InspectorQuestion.others, { try $0.array().map { try $0.string() } }, otherwise: [])
    }
    public func inspectOther(_ name: String) -> Result<World.Place, KernelError> {
        let key = InspectorQuestion.other(name)
        return answer(key, { try replayKernelResult($0, World.Place.init(record:)) }, otherwise: .failure(Self.missing(key)))
    }
    public func ownIdentity() -> NetworkNamespace.Identity? {
        answer(InspectorQuestion.own, { $0.isNull ? nil : try NetworkNamespace.Identity(record: $0) }, otherwise: nil)
    }
    public func sysctl(_ place: World.Place, _ key: String) -> Result<String?, KernelError> {
        let q = InspectorQuestion.sysctl(place, key)
        return answer(q, { try replayKernelResult($0) { try $0.optionalString() } }, otherwise: .failure(Self.missing(q)))
    }
    public func lookup(_ place: World.Place, to: IPv4Address, from: IPv4Address?) -> Result<RouteLookup, KernelError> {
        let q = InspectorQuestion.lookup(place, to, from)
        return answer(q, { try replayKernelResult($0, RouteLookup.init(record:)) }, otherwise: .failure(Self.missing(q)))
    }
    public func namespaceID(_ place: World.Place, of other: World.Place) -> Int32? {
        answer(InspectorQuestion.namespaceID(place, other), { try $0.optionalInt().map(Int32.init) }, otherwise: nil)
    }
    public func neighbours(_ place: World.Place) -> Result<[Neighbour], KernelError> {
        let q = InspectorQuestion.neighbours(place)
        return answer(q, { try replayKernelResult($0) { try $0.array().map(Neighbour.init(record:)) } }, otherwise: .failure(Self.missing(q)))
    }
    public func forwardingDatabase(_ place: World.Place) -> Result<[ForwardingEntry], KernelError> {
        let q = InspectorQuestion.forwarding(place)
        return answer(q, { try replayKernelResult($0) { try $0.array().map(ForwardingEntry.init(record:)) } }, otherwise: .failure(Self.missing(q)))
    }
    public func boundUDPPorts(_ place: World.Place) -> Result<Set<UInt16>, KernelError> {
        let q = InspectorQuestion.udp(place)
        return answer(q, { try replayKernelResult($0) { Set(try $0.array().map { try $0.uint16() }) } }, otherwise: .failure(Self.missing(q)))
    }
    public func ruleset(_ place: World.Place, until: Double?) -> Result<Ruleset, Error> {
        let q = InspectorQuestion.ruleset(place)
        return answer(q, { try replayResult($0, Ruleset.init(record:)) }, otherwise: .failure(Self.missing(q)))
    }
    public func hostNameservers() -> [IPv4Address] {
        answer(InspectorQuestion.nameservers, { try $0.array().map { r in
            guard let a = IPv4Address(try r.string()) else { throw r.fail("an IPv4 address") }
            return a
        } }, otherwise: [])
    }
    public func hostNetcat() -> String? {
        answer(InspectorQuestion.netcat, { try $0.optionalString() }, otherwise: nil)
    }
}

// MARK: the probes' results

extension Conversation {
    var record: JSONValue {
        let exchange: JSONValue
        switch self.exchange {
        case let .datagram(outcome, posing):
            let result: JSONValue
            switch outcome {
            case .delivered: result = "delivered"
            case .refused: result = "refused"
            case .failed(let e): result = object([("errno", int(e))])
            }
            exchange = object([("kind", "datagram"), ("outcome", result), ("posing_as", posing.json)])
        case let .notConnected(e):
            exchange = object([("kind", "not_connected"), ("errno", int(e))])
        case let .connected(sendErrno, pending):
            exchange = object([("kind", "connected"), ("send_errno", sendErrno.json), ("unacknowledged", int(pending))])
        case let .http(reply):
            exchange = object([("kind", "http"), ("reply", .string(hex(reply)))])
        case let .echo(rounds):
            exchange = object([("kind", "echo"), ("rounds", .array(rounds.map { r in
                object([("size", int(r.size)), ("send_errno", r.sendErrno.json), ("received", int(r.received)), ("same", .bool(r.same)),
                        ("closed", .bool(r.closed))])
            }))])
        case let .sum(a, b, sendErrno, answer, closed):
            exchange = object([("kind", "sum"), ("a", int(a)), ("b", int(b)), ("send_errno", sendErrno.json),
                               ("answer", .string(hex(answer))), ("closed", .bool(closed))])
        case let .failed(text):
            exchange = object([("kind", "failed"), ("text", .string(text))])
        }
        return object([("exchange", exchange), ("source_port", sourcePort.json)])
    }

    init(record r: RecordReader) throws {
        let x = r["exchange"]
        let exchange: Exchange
        switch try x["kind"].string() {
        case "datagram":
            let o = x["outcome"]
            let outcome: ServiceProbe.DatagramOutcome
            if o.isNull { throw o.fail("a datagram outcome") }
            if let text = o.value.string {
                switch text {
                case "delivered": outcome = .delivered
                case "refused": outcome = .refused
                default: throw o.fail("delivered or refused")
                }
            } else {
                outcome = .failed(errno: try o["errno"].int32())
            }
            exchange = .datagram(outcome, posingAs: try x["posing_as"].optionalString())
        case "not_connected": exchange = .notConnected(errno: try x["errno"].int32())
        case "connected":
            exchange = .connected(sendErrno: try x["send_errno"].optionalInt().map(Int32.init), unacknowledged: Int(try x["unacknowledged"].int()))
        case "http": exchange = .http(reply: try x["reply"].bytes())
        case "echo":
            exchange = .echo(try x["rounds"].array().map { r in
                Conversation.EchoRound(size: Int(try r["size"].int()), sendErrno: try r["send_errno"].optionalInt().map(Int32.init),
                                       received: Int(try r["received"].int()), same: try r["same"].bool(), closed: try r["closed"].bool())
            })
        case "sum":
            exchange = .sum(a: try x["a"].int32(), b: try x["b"].int32(), sendErrno: try x["send_errno"].optionalInt().map(Int32.init),
                            answer: try x["answer"].bytes(), closed: try x["closed"].bool())
        case "failed": exchange = .failed(try x["text"].string())
        default: throw x.fail("a conversation")
        }
        self.init(exchange, sourcePort: try r["source_port"].optionalInt().map(UInt16.init))
    }
}

extension CaptureRecord {
    var record: JSONValue {
        object([("link", .string(link)), ("frames", .array(frames.map { object([("bytes", .string(hex($0.bytes))), ("wire", int($0.wireLength))]) })),
                ("unkept", int(unkept)), ("kernel_drops", int(kernelDrops))])
    }
    init(record r: RecordReader) throws {
        self.init(link: try r["link"].string(),
                  frames: try r["frames"].array().map { DecodedFrame(CapturedFrame(bytes: try $0["bytes"].bytes(), wireLength: Int(try $0["wire"].int()),
                                                                                    timestampMicroseconds: 0)) },
                  unkept: Int(try r["unkept"].int()), kernelDrops: Int(try r["kernel_drops"].int()))
    }
}

extension ServiceSockets {
    var record: JSONValue {
        object([("before", recordResult(before) { .array($0.map(\.record)) }), ("after", after.map { .array($0.map(\.record)) })])
    }
    init(record r: RecordReader) throws {
        before = try replayKernelResult(r["before"]) { try $0.array().map(SocketEntry.init(record:)) }
        after = r["after"].isNull ? nil : try r["after"].array().map(SocketEntry.init(record:))
    }
}

extension ProbeResults {
    var record: JSONValue {
        func map<V>(_ d: [String: V], _ encode: (V) -> JSONValue) -> JSONValue {
            .object(JSONObject(d.keys.sorted().map { ($0, encode(d[$0]!)) }))
        }
        return object([
            ("echo", map(echo) { recordResult($0, \.record) }),
            ("identifiers", map(identifiers, int)),
            ("captures", map(Dictionary(uniqueKeysWithValues: captures.map { ($0.key.recordKey, $0.value) })) { recordResult($0, \.record) }),
            ("syn_ports", map(synPorts, int)),
            ("syn_errors", map(synErrors, recordError)),
            ("dhcp_transactions", map(dhcpTransactions, int)),
            ("talks", map(talks, \.record)),
            ("sockets", map(sockets, \.record)),
            ("neighbour_table", object([("before", neighbourTableBefore?.record ?? .null), ("after", neighbourTableAfter?.record ?? .null)])),
            ("timeout_ms", int(timeoutMs)),
            ("timeout_cut_by_deadline", .bool(timeoutCutByDeadline)),
        ])
    }

    init(record r: RecordReader) throws {
        func map<V>(_ key: String, _ decode: (RecordReader) throws -> V) throws -> [String: V] {
            guard let o = r.value.object?[key]?.object else { throw r[key].fail("an object") }
            var out: [String: V] = [:]
            for (k, v) in o.pairs { out[k] = try decode(RecordReader(v, path: "\(r.path)/\(key)/\(k)")) }
            return out
        }
        self.init()
        echo = try map("echo") { try replayResult($0, EchoOutcome.init(record:)) }
        identifiers = try map("identifiers") { try $0.uint16() }
        captures = Dictionary(uniqueKeysWithValues: try map("captures") { try replayResult($0, CaptureRecord.init(record:)) }
            .map { (CaptureKey(recordKey: $0.key), $0.value) })
        synPorts = try map("syn_ports") { try $0.uint16() }
        synErrors = try map("syn_errors", replayError)
        dhcpTransactions = try map("dhcp_transactions") { try $0.uint32() }
        talks = try map("talks", Conversation.init(record:))
        sockets = try map("sockets", ServiceSockets.init(record:))
        let table = r["neighbour_table"]
        if !table.isNull {
            neighbourTableBefore = table["before"].isNull ? nil : try NeighbourTableState(record: table["before"])
            neighbourTableAfter = table["after"].isNull ? nil : try NeighbourTableState(record: table["after"])
        }
        timeoutMs = Int(try r["timeout_ms"].int())
        timeoutCutByDeadline = try r["timeout_cut_by_deadline"].bool()
    }
}

extension CaptureKey {
    /// As a recording names it: the check id, with `#inside` or `#outside` for the two sides of a NAT check.
    var recordKey: String { side == .only ? check : check + "#" + side.rawValue }
    init(recordKey key: String) {
        for side in [Side.inside, .outside] where key.hasSuffix("#" + side.rawValue) {
            self.init(String(key.dropLast(side.rawValue.count + 1)), side)
            return
        }
        self.init(key)
    }
}

extension NeighbourTableState {
    var record: JSONValue { object([("limit", int(limit)), ("entries", int(entries)), ("table_fulls", .string(String(tableFulls)))]) }
    init(record r: RecordReader) throws {
        guard let fulls = UInt64(try r["table_fulls"].string()) else { throw r["table_fulls"].fail("a count") }
        self.init(limit: Int(try r["limit"].int()), entries: Int(try r["entries"].int()), tableFulls: fulls)
    }
}
