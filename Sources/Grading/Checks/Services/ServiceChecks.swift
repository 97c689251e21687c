import Kernel
import NetlinkWire
import Packets

/// Chapters 5, 6 and 8: the learner's servers, found with NETLINK_SOCK_DIAG (`ss -tuanp`) before netcheck talks
/// to anything, then judged by talking to them once from inside their namespace (ServiceTalks).
enum ServiceChecks {
    // MARK: bound

    static func evaluateBound(_ spec: ServiceSpec, probes: ProbeResults, world: World) -> Verdict {
        let proto = spec.transport.rawValue.uppercased()
        let expected = Localized(en: "a \(proto) socket bound to \(spec.address):\(spec.port) (or to 0.0.0.0)",
                                 ja: "\(spec.address):\(spec.port) (または 0.0.0.0) に \(proto) のソケットがある")
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
            return .pass(expected, observed: Localized(
                en: "\(describe(connected)), connected to \(peer): it takes datagrams from that sender only, as `nc -u -l` does after its first one",
                ja: "\(describe(connected))。\(peer) に接続済みで、その送信元からのデータグラムだけを受け取ります (`nc -u -l` は最初のデータグラムの後そうなります)"))
        }
        let onPort = state.onPort
        return .fail(expected, observed: Localized(en: onPort.isEmpty ? "nothing on port \(spec.port)" : onPort.map(describe).joined(separator: ", "),
                                                   ja: onPort.isEmpty ? "\(spec.port) 番ポートには何もありません" : onPort.map(describe).joined(separator: "、")),
                     hint: boundHint(state))
    }

    static func describe(_ s: SocketEntry) -> String {
        var text = "\(s.transport.rawValue.uppercased()) \(s.isIPv6 ? "[\(s.address)]" : s.address):\(s.port)"
        if s.isIPv6 && s.address == "::" && s.v6Only == true { text += " (IPV6_V6ONLY)" }
        if s.state == .connected, let peer = s.peerAddress, let port = s.peerPort { text += " ↔ \(s.isIPv6 ? "[\(peer)]" : peer):\(port)" }
        return text + (s.process.map { " (\($0))" } ?? "")
    }

    /// The book's command that starts the server, as a sentence to append.
    static func start(_ spec: ServiceSpec, again: Bool = false) -> Localized {
        guard let command = spec.command else { return .empty }
        return again
            ? Localized(en: " Start it again: `\(command)`.", ja: "もう一度起動してください: `\(command)`。")
            : Localized(en: " Start it as the book does: `\(command)`.", ja: "本のとおりに起動してください: `\(command)`。")
    }

    /// Says what is wrong with what is (or is not) there: a server that served someone and stopped, another
    /// address, IPv6 only, the other protocol, a port nearby, nothing at all.
    static func boundHint(_ state: ServiceState) -> Localized {
        let spec = state.spec
        let onPort = state.onPort
        if let accepted = state.accepted {
            let peer = "\(accepted.peerAddress ?? "?"):\(accepted.peerPort ?? 0)"
            let who = accepted.process ?? "the server"
            return Localized(
                en: "\(who) accepted a connection from \(peer) and no longer listens: a server such as `nc -l` serves one connection. End that client (Ctrl-C in its terminal); netcheck connects by itself." + start(spec, again: true).en,
                ja: "\(who) は \(peer) からの接続を受け付けたので、もう待ち受けていません。`nc -l` のようなサーバーは 1 回の接続しか受けません。そのクライアントを終了してください (その端末で Ctrl-C)。netcheck は自分で接続します。" + start(spec, again: true).ja)
        }
        let listeners = onPort.filter(\.isListening)
        if let v6 = listeners.first(where: { $0.isIPv6 }) {
            if v6.address == "::" && v6.v6Only == true {
                return Localized(en: "It listens on [::] with IPV6_V6ONLY set, so it takes IPv6 only; netcheck, like the book, connects to \(spec.address). Bind \(spec.address) (or 0.0.0.0), or leave IPV6_V6ONLY unset." + start(spec).en,
                                 ja: "IPV6_V6ONLY を付けた [::] で待ち受けているので IPv6 しか受けません。本と同じく netcheck は \(spec.address) に接続します。\(spec.address) (または 0.0.0.0) にバインドするか、IPV6_V6ONLY を外してください。" + start(spec).ja)
            }
            return Localized(en: "It listens on \(v6.address) only (IPv6); netcheck, like the book, connects to \(spec.address)." + start(spec).en,
                             ja: "\(v6.address) (IPv6) だけで待ち受けています。本と同じく netcheck は \(spec.address) に接続します。" + start(spec).ja)
        }
        if let other = listeners.first {
            return Localized(en: "It is bound to \(other.address), not to \(spec.address) or 0.0.0.0." + start(spec).en,
                             ja: "\(spec.address) や 0.0.0.0 ではなく \(other.address) にバインドされています。" + start(spec).ja)
        }
        let sockets = state.sockets.filter(\.isListening)
        if let other = sockets.first(where: { $0.port == spec.port }) {
            let flag = spec.transport == .udp ? "-u" : "no -u"
            let flagJa = spec.transport == .udp ? "nc に -u を付けます" : "nc に -u は付けません"
            return Localized(en: "\(describe(other)) listens on that port, but the exercise is \(spec.transport.rawValue.uppercased()) (nc: \(flag))." + start(spec).en,
                             ja: "そのポートでは \(describe(other)) が待ち受けていますが、この演習は \(spec.transport.rawValue.uppercased()) です (\(flagJa))。" + start(spec).ja)
        }
        if let near = sockets.first(where: { $0.transport == state.transport && $0.port != spec.port }) {
            return Localized(en: "Nothing listens on \(spec.port), but \(describe(near)) does: a typo in the port?" + start(spec).en,
                             ja: "\(spec.port) 番では誰も待ち受けていませんが、\(describe(near)) があります。ポート番号を打ち間違えていませんか。" + start(spec).ja)
        }
        if let seconds = state.secondsSinceLastConnection {
            return Localized(
                en: "Nothing listens on \(spec.label) now, but a connection to it ended \(seconds) s ago (netcheck's last run, or your client): a server that serves one connection and exits, as the book's does, must be started again before each check." + start(spec, again: true).en,
                ja: "\(spec.label) では今は誰も待ち受けていませんが、\(seconds) 秒前にそこへの接続が終わっています (前回の netcheck かあなたのクライアント)。本のサーバーのように 1 回の接続で終了するサーバーは、チェックのたびに起動し直す必要があります。" + start(spec, again: true).ja)
        }
        return Localized(en: "Nothing listens on \(spec.label)." + start(spec).en, ja: "\(spec.label) で待ち受けているものがありません。" + start(spec).ja)
    }

    // MARK: talk

    static func evaluateTalk(_ spec: ServiceSpec, check: PlannedCheck, probes: ProbeResults, world: World) -> Verdict {
        let expected = check.title
        guard world.place(spec.namespace) != nil else { return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace)) }
        guard let talk = probes.talks[check.id] else { return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace)) }
        let before = (try? probes.sockets[spec.namespace]?.before.get()).map { ServiceState(spec: spec, sockets: $0) }
        var verdict: Verdict
        if talk.passed {
            verdict = .pass(expected, observed: talk.observed)
            if let before, let after = probes.sockets[spec.namespace]?.after {
                verdict.note = servedNote(before, after: after, sourcePort: talk.sourcePort)
            }
        } else if talk.refused {
            let bound = evaluateBound(spec, probes: probes, world: world)
            let hint = bound.status == .fail ? bound.hint : Localized(
                en: "A socket was there before netcheck talked to it, but the \(spec.transport == .udp ? "datagram" : "connection") was refused: did the server stop in the meantime?" + start(spec, again: true).en,
                ja: "netcheck が話しかける前にはソケットがありましたが、\(spec.transport == .udp ? "データグラム" : "接続") は拒否されました。その間にサーバーが止まっていないか確認してください。" + start(spec, again: true).ja)
            verdict = .fail(expected, observed: talk.observed, hint: hint)
        } else {
            verdict = .fail(expected, observed: talk.observed, hint: talk.hint ?? spec.hint ?? Layer2.watchHint)
        }
        if case .success(let record)? = probes.captures[check.id], !record.frames.isEmpty {
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
        let who = before.listener?.process.map { "\($0)" } ?? "the server"
        let whoJa = before.listener?.process ?? "サーバー"
        if before.stoppedListening(after: after) {
            return Localized(
                en: "\(who) served netcheck's connection and stopped listening, as the book's server does: that is a pass. Start it again before the next check or your own client\(spec.command.map { ": `\($0)`" } ?? "")." ,
                ja: "\(whoJa) は netcheck の接続に応えて待ち受けを終えました。本のサーバーと同じ動きで、合格です。次のチェックや自分のクライアントの前に、もう一度起動してください\(spec.command.map { ": `\($0)`" } ?? "")。")
        }
        if let connected = before.connectedToNetcheck(after: after, sourcePort: sourcePort) {
            let peer = "\(connected.peerAddress ?? "?"):\(connected.peerPort ?? 0)"
            return Localized(
                en: "\(who) is now connected to netcheck's \(peer) (`nc -u -l` keeps talking to the first sender it hears): that is a pass, and netcheck can check it again, but your own `nc -u` client will get \"port unreachable\" until you restart it." + start(spec, again: true).en,
                ja: "\(whoJa) は netcheck の \(peer) と接続した状態になりました (`nc -u -l` は最初に受け取った送信元とだけやり取りします)。合格で、netcheck は何度でもチェックできますが、自分の `nc -u` クライアントは再起動するまで \"port unreachable\" になります。" + start(spec, again: true).ja)
        }
        return nil
    }
}
