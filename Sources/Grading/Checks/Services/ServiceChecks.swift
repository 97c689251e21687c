import Kernel
import NetlinkWire
import Packets
import Localization

/// Chapters 5, 6 and 8: the learner's servers, found with NETLINK_SOCK_DIAG (`ss -tuanp`) before netcheck talks
/// to anything, then judged by talking to them once from inside their namespace (ServiceTalks).
enum ServiceChecks {
    // MARK: bound

    static func evaluateBound(_ spec: ServiceSpec, probes: ProbeResults, world: World) -> Verdict {
        let proto = spec.transport.rawValue.uppercased()
        let expected = Localized(id: "service.bound.expected", ["protocol": proto, "address": "\(spec.address):\(spec.port)"])
        guard world.place(spec.namespace) != nil else { return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace)) }
        guard let read = probes.sockets[spec.namespace] else { return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace)) }
        let state: ServiceState
        switch read.before {
        case .success(let sockets): state = ServiceState(spec: spec, sockets: sockets)
        case .failure(let error): return .error(expected, error)
        }
        if let good = state.listener {
            return .pass(expected, observed: Localized(describe(good)))
        }
        if let connected = state.connectedUDP {
            let peer = "\(connected.peerAddress ?? "?"):\(connected.peerPort ?? 0)"
            return .pass(expected, observed: Localized(id: "service.bound.observed.connected", ["socket": describe(connected), "peer": peer]))
        }
        let onPort = state.onPort
        return .fail(expected, observed: onPort.isEmpty ? Localized(id: "service.bound.observed.nothing", ["port": spec.port])
                                                        : Localized.list(onPort.map(describe)),
                     hint: Localized.join([boundHint(state), netcatHint(spec, onPort: onPort, world: world)], by: .sentences))
    }

    /// Nothing on the port of a server the book starts with `nc`, and this machine's nc is not netcat-openbsd (which
    /// the book chooses with `update-alternatives --config nc`): its `nc -ulnv` fails on its options, or listens
    /// elsewhere. Said after the hint: the learner's command may have printed "invalid option".
    static func netcatHint(_ spec: ServiceSpec, onPort: [SocketEntry], world: World) -> Localized {
        guard onPort.isEmpty, let command = spec.command, command.hasPrefix("nc "),
              let variant = world.hostNetcat, variant != "openbsd" else { return .empty }
        return Localized(id: "service.bound.hint.netcat", ["variant": variant, "command": "sudo update-alternatives --config nc",
                                                          "install": "sudo apt install netcat-openbsd"])
    }

    static func describe(_ s: SocketEntry) -> String {
        var text = "\(s.transport.rawValue.uppercased()) \(s.isIPv6 ? "[\(s.address)]" : s.address):\(s.port)"
        if s.isIPv6 && s.address == "::" && s.v6Only == true { text += " (IPV6_V6ONLY)" }
        if s.state == .connected, let peer = s.peerAddress, let port = s.peerPort { text += " ↔ \(s.isIPv6 ? "[\(peer)]" : peer):\(port)" }
        return text + (s.process.map { " (\($0))" } ?? "")
    }

    /// The book's command that starts the server, as a sentence to append (`then`).
    static func start(_ spec: ServiceSpec, again: Bool = false) -> Localized {
        guard let command = spec.command else { return .empty }
        return Localized(id: again ? "service.start.again" : "service.start", ["command": command])
    }

    /// `sentence`, then the book's command that starts the server, when there is one.
    static func then(_ sentence: Localized, _ spec: ServiceSpec, again: Bool = false) -> Localized {
        Localized.join([sentence, start(spec, again: again)], by: .sentences)
    }

    /// Says what is wrong with what is (or is not) there: a server that served someone and stopped, another
    /// address, IPv6 only, the other protocol, a port nearby, nothing at all.
    static func boundHint(_ state: ServiceState) -> Localized {
        let spec = state.spec
        let onPort = state.onPort
        if let accepted = state.accepted {
            let peer = "\(accepted.peerAddress ?? "?"):\(accepted.peerPort ?? 0)"
            let who = accepted.process.map(Localized.init) ?? Localized(id: "service.who.accepted")
            return then(Localized(id: "service.bound.hint.accepted", ["who": who, "peer": peer]), spec, again: true)
        }
        let listeners = onPort.filter(\.isListening)
        if let v6 = listeners.first(where: { $0.isIPv6 }) {
            if v6.address == "::" && v6.v6Only == true {
                return then(Localized(id: "service.bound.hint.v6only", ["address": spec.address]), spec)
            }
            return then(Localized(id: "service.bound.hint.v6", ["found": v6.address, "address": spec.address]), spec)
        }
        if let other = listeners.first {
            return then(Localized(id: "service.bound.hint.otherAddress", ["found": other.address, "address": spec.address]), spec)
        }
        let sockets = state.sockets.filter(\.isListening)
        if let other = sockets.first(where: { $0.port == spec.port }) {
            let id = spec.transport == .udp ? "service.bound.hint.otherProtocol.udp" : "service.bound.hint.otherProtocol.tcp"
            return then(Localized(id: id, ["socket": describe(other)]), spec)
        }
        if let near = sockets.first(where: { $0.transport == state.transport && $0.port != spec.port }) {
            return then(Localized(id: "service.bound.hint.otherPort", ["port": spec.port, "socket": describe(near)]), spec)
        }
        if let seconds = state.secondsSinceLastConnection {
            return then(Localized(id: "service.bound.hint.recent", ["service": spec.label, "seconds": seconds]), spec, again: true)
        }
        return then(Localized(id: "service.bound.hint.nothing", ["service": spec.label]), spec)
    }

    // MARK: talk

    static func evaluateTalk(_ spec: ServiceSpec, check: PlannedCheck, probes: ProbeResults, world: World) -> Verdict {
        let expected = check.title
        guard world.place(spec.namespace) != nil else { return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace)) }
        guard let conversation = probes.talks[check.id] else { return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace)) }
        let talk = ServiceTalks.judge(spec, conversation)
        let before = (try? probes.sockets[spec.namespace]?.before.get()).map { ServiceState(spec: spec, sockets: $0) }
        var verdict: Verdict
        if talk.passed {
            verdict = .pass(expected, observed: talk.observed)
            if let before, let after = probes.sockets[spec.namespace]?.after {
                verdict.note = servedNote(before, after: after, sourcePort: conversation.sourcePort)
            }
        } else if talk.refused {
            let bound = evaluateBound(spec, probes: probes, world: world)
            let hint = bound.status == .fail ? bound.hint
                : then(Localized(id: spec.transport == .udp ? "service.talk.hint.refused.udp" : "service.talk.hint.refused.tcp"), spec, again: true)
            verdict = .fail(expected, observed: talk.observed, hint: hint)
        } else {
            verdict = .fail(expected, observed: talk.observed, hint: talk.hint ?? spec.hint ?? Layer2.watchHint)
        }
        if case .success(let record)? = probes.captures[CaptureKey(check.id)], !record.frames.isEmpty {
            let session = TcpdumpSession()   // one tcpdump run over the capture: relative sequence numbers
            verdict.evidence = record.frames.map { f in
                Localized(f.frame.map(session.lineWithoutLinkLayer) ?? "(\(f.wireLength) bytes)")
            } + (record.omitted.map { [$0] } ?? [])
        }
        return verdict
    }

    /// What netcheck's conversation left behind, for the learner to know: a server that stopped listening after
    /// serving it (`nc -l`, the book's echoserver.py and addserver.py), or `nc -u -l` now connected to netcheck.
    static func servedNote(_ before: ServiceState, after: [SocketEntry], sourcePort: UInt16?) -> Localized? {
        let spec = before.spec
        let who = before.listener?.process.map(Localized.init) ?? Localized(id: "service.who.served")
        if before.stoppedListening(after: after) {
            guard let command = spec.command else { return Localized(id: "service.note.stopped", ["who": who]) }
            return Localized(id: "service.note.stopped.command", ["who": who, "command": command])
        }
        if let connected = before.connectedToNetcheck(after: after, sourcePort: sourcePort) {
            let peer = "\(connected.peerAddress ?? "?"):\(connected.peerPort ?? 0)"
            return then(Localized(id: "service.note.connected", ["who": who, "peer": peer]), spec, again: true)
        }
        return nil
    }
}
