import Capture
import Glibc
import Kernel
import NetlinkWire
import Packets
import Probes

/// Chapters 5, 6 and 8: the learner's servers, found with NETLINK_SOCK_DIAG (`ss -ltun`) and judged by talking
/// to them from inside their namespace.
enum ServiceChecks {
    /// What talking to a service gave: whether it behaved, what was seen, and (when it did not) why.
    struct Talk {
        var passed: Bool
        var observed: Localized
        var hint: Localized?
        /// Nothing answered at the port at all (ECONNREFUSED, port unreachable).
        var refused = false
    }

    static let greeting = Array("Hello, World!\n".utf8)

    // MARK: bound

    static func evaluateBound(_ spec: ServiceSpec, world: World) -> Verdict {
        let expected = Localized(en: "a \(spec.transport.rawValue.uppercased()) socket bound to \(spec.address):\(spec.port) (or to 0.0.0.0)",
                                 ja: "\(spec.address):\(spec.port) (または 0.0.0.0) に \(spec.transport.rawValue.uppercased()) のソケットがある")
        guard let place = world.place(spec.namespace) else { return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace)) }
        let sockets: [SocketEntry]
        do { sockets = try place.namespace.listeningSockets() } catch { return .error(expected, error) }
        let onPort = sockets.filter { $0.port == spec.port && $0.transport.rawValue == spec.transport.rawValue }
        func describe(_ s: SocketEntry) -> String {
            "\(s.transport.rawValue.uppercased()) \(s.isIPv6 ? "[\(s.address)]" : s.address):\(s.port)" + (s.process.map { " (\($0))" } ?? "")
        }
        if let good = onPort.first(where: { $0.accepts(spec.address) }) {
            return .pass(expected, observed: Localized(describe(good)))
        }
        return .fail(expected, observed: Localized(en: onPort.isEmpty ? "nothing on port \(spec.port)" : onPort.map(describe).joined(separator: ", "),
                                                   ja: onPort.isEmpty ? "\(spec.port) 番ポートには何もありません" : onPort.map(describe).joined(separator: "、")),
                     hint: boundHint(spec, sockets: sockets, onPort: onPort, describe: describe))
    }

    /// Says what is wrong with what is (or is not) there: another address, IPv6 only, the other protocol,
    /// a port nearby.
    static func boundHint(_ spec: ServiceSpec, sockets: [SocketEntry], onPort: [SocketEntry],
                          describe: (SocketEntry) -> String) -> Localized {
        let start = spec.command.map { Localized(en: " Start it as the book does: `\($0)`.", ja: " 本のとおりに起動してください: `\($0)`。") } ?? .empty
        if let v6 = onPort.first(where: { $0.isIPv6 }) {
            return Localized(en: "It listens on \(v6.address) only (IPv6); netcheck, like the book, connects to \(spec.address)." + start.en,
                             ja: "\(v6.address) (IPv6) だけで待ち受けています。本と同じく netcheck は \(spec.address) に接続します。" + start.ja)
        }
        if let other = onPort.first {
            return Localized(en: "It is bound to \(other.address), not to \(spec.address) or 0.0.0.0." + start.en,
                             ja: "\(spec.address) や 0.0.0.0 ではなく \(other.address) にバインドされています。" + start.ja)
        }
        let otherProtocol = sockets.first { $0.port == spec.port }
        if let other = otherProtocol {
            let flag = spec.transport == .udp ? "-u" : "no -u"
            return Localized(en: "\(describe(other)) listens on that port, but the exercise is \(spec.transport.rawValue.uppercased()) (nc: \(flag))." + start.en,
                             ja: "そのポートでは \(describe(other)) が待ち受けていますが、この演習は \(spec.transport.rawValue.uppercased()) です (nc の \(flag))。" + start.ja)
        }
        let near = sockets.filter { $0.transport == ServiceSocketTransport.of(spec) && abs(Int($0.port) - Int(spec.port)) <= 10 }
        if let n = near.first {
            return Localized(en: "Nothing listens on \(spec.port), but \(describe(n)) does: a typo in the port?" + start.en,
                             ja: "\(spec.port) 番では誰も待ち受けていませんが、\(describe(n)) があります。ポート番号の打ち間違いでは?" + start.ja)
        }
        return Localized(en: "Nothing listens on \(spec.label)." + start.en, ja: "\(spec.label) で待ち受けているものがありません。" + start.ja)
    }

    // MARK: talk

    /// Talks to the service (bounded by `timeout`), from inside its namespace.
    static func talk(_ spec: ServiceSpec, in place: World.Place, timeout: Duration) -> Talk {
        do {
            switch spec.talk {
            case .datagram:
                switch try ServiceProbe.datagram(from: place.namespace, to: spec.address, port: spec.port, payload: greeting,
                                                 wait: min(timeout, .milliseconds(300))) {
                case .delivered:
                    return Talk(passed: true, observed: Localized(en: "a 14-byte datagram was delivered (no port unreachable)",
                                                                  ja: "14 バイトのデータグラムが届きました (port unreachable は返りません)"))
                case .refused:
                    return Talk(passed: false, observed: Localized(en: "ICMP \(spec.address) udp port \(spec.port) unreachable", ja: "ICMP \(spec.address) udp port \(spec.port) unreachable"), refused: true)
                case .failed(let e):
                    return Talk(passed: false, observed: Localized(String(cString: strerror(e))))
                }
            case .connect, .http, .echo, .sum:
                return try stream(spec, in: place, timeout: timeout)
            }
        } catch {
            return Talk(passed: false, observed: Localized("\(error)"))
        }
    }

    static func stream(_ spec: ServiceSpec, in place: World.Place, timeout: Duration) throws -> Talk {
        let deadline = ServiceProbe.deadline(after: timeout)
        func open() throws -> Result<ServiceProbe.Connection, KernelError> {
            try ServiceProbe.connect(from: place.namespace, to: spec.address, port: spec.port, until: deadline)
        }
        func refused(_ e: KernelError) -> Talk {
            Talk(passed: false, observed: Localized(en: "connect: \(String(cString: strerror(e.errno)))", ja: "connect: \(String(cString: strerror(e.errno)))"),
                 refused: e.errno == ECONNREFUSED)
        }
        switch spec.talk {
        case .connect:
            let c: ServiceProbe.Connection
            switch try open() { case .failure(let e): return refused(e); case .success(let x): c = x }
            if let e = c.send(greeting, until: deadline) { return Talk(passed: false, observed: Localized("send: \(String(cString: strerror(e)))")) }
            let pending = c.unacknowledged(until: deadline)
            return pending == 0
                ? Talk(passed: true, observed: Localized(en: "connected (three-way handshake) and 14 bytes acknowledged", ja: "接続でき (3 ウェイハンドシェイク)、14 バイトに ACK が返りました"))
                : Talk(passed: false, observed: Localized(en: "\(pending) of 14 bytes never acknowledged", ja: "14 バイト中 \(pending) バイトに ACK が返りません"))
        case .http:
            let c: ServiceProbe.Connection
            switch try open() { case .failure(let e): return refused(e); case .success(let x): c = x }
            _ = c.send(Array("GET / HTTP/1.0\r\nHost: \(spec.address)\r\n\r\n".utf8), until: deadline)
            let reply = String(decoding: c.receive(atLeast: 1 << 20, until: deadline).bytes, as: UTF8.self)
            let statusLine = reply.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
            let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            let title = htmlTitle(reply)
            let seen = Localized(en: "\(statusLine.isEmpty ? "no answer" : statusLine); title: \(title.map { "\"\($0)\"" } ?? "none")",
                                 ja: "\(statusLine.isEmpty ? "応答なし" : statusLine)、タイトル: \(title.map { "「\($0)」" } ?? "なし")")
            if status == 200 && title == spec.title { return Talk(passed: true, observed: seen) }
            let hint: Localized
            if status != 200 {
                hint = Localized(en: "The server must answer GET / with 200: is index.html in the folder it serves?",
                                 ja: "GET / に 200 を返す必要があります。配信するフォルダに index.html がありますか?")
            } else {
                hint = Localized(en: "The page's <title> must be \"\(spec.title ?? "")\".", ja: "ページの <title> は「\(spec.title ?? "")」のはずです。")
            }
            return Talk(passed: false, observed: seen, hint: hint)
        case .echo:
            let messages: [[UInt8]] = [greeting, Array("netcheck: second message\n".utf8),
                                       (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }]
            let c: ServiceProbe.Connection
            switch try open() { case .failure(let e): return refused(e); case .success(let x): c = x }
            var total = 0
            for (i, message) in messages.enumerated() {
                if let e = c.send(message, until: deadline) { return Talk(passed: false, observed: Localized("send: \(String(cString: strerror(e)))")) }
                let (back, closed) = c.receive(atLeast: message.count, until: deadline)
                guard back.count >= message.count, Array(back.prefix(message.count)) == message else {
                    let what = closed ? "the connection was closed" : "timed out"
                    return Talk(passed: false, observed: Localized(
                        en: "message \(i + 1) (\(message.count) bytes): \(back.count) bytes came back, \(back.count >= message.count ? "different" : what)",
                        ja: "\(i + 1) 番目のメッセージ (\(message.count) バイト): 返ってきたのは \(back.count) バイト (\(back.count >= message.count ? "内容が違います" : (closed ? "接続が閉じられました" : "時間切れ")))"),
                                hint: i == 2 && back.count < message.count
                                    ? Localized(en: "Short messages come back but a long one does not: read in a loop until everything is echoed (one recv() is not one message).",
                                                ja: "短いメッセージは返りますが長いものが返りません。すべて返すまでループで読み書きしてください (recv() 1 回が 1 メッセージとは限りません)。")
                                    : Localized(en: "An echo server sends back exactly what it receives, byte for byte, for as long as the connection lasts.",
                                                ja: "エコーサーバーは接続が続くかぎり、受け取ったバイト列をそのまま返します。"))
                }
                total += message.count
            }
            return Talk(passed: true, observed: Localized(en: "3 messages echoed, \(total) bytes, the last larger than a segment",
                                                          ja: "3 つのメッセージ、計 \(total) バイトがそのまま返りました (最後は 1 セグメントより大きい)"))
        case .sum:
            var rng = SystemRandomNumberGenerator()
            let pairs: [(UInt32, UInt32)] = [(1000, 2000), (UInt32.random(in: 0...UInt32.max, using: &rng), UInt32.random(in: 0...UInt32.max, using: &rng)),
                                             (UInt32.max, UInt32.max)]
            for (a, b) in pairs {
                let c: ServiceProbe.Connection
                switch try open() { case .failure(let e): return refused(e); case .success(let x): c = x }
                _ = c.send(bigEndian(a) + bigEndian(b), until: deadline)
                let (back, _) = c.receive(atLeast: 8, until: deadline)
                let want = UInt64(a) + UInt64(b)
                guard back.count >= 8 else {
                    return Talk(passed: false, observed: Localized(en: "\(a) + \(b): \(back.count) bytes came back, not 8", ja: "\(a) + \(b): 返ってきたのは 8 バイトではなく \(back.count) バイト"),
                                hint: Localized(en: "The answer is the sum as an unsigned 64-bit big-endian integer (8 bytes).", ja: "答えは 64 ビット符号なし整数 (ビッグエンディアン、8 バイト) の和です。"))
                }
                let got = back.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                if got == want { continue }
                let littleAnswer = back.prefix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                let swappedOperands = UInt64(a.byteSwapped) + UInt64(b.byteSwapped)
                let byteOrder = littleAnswer == want || got == swappedOperands || littleAnswer == swappedOperands
                return Talk(passed: false, observed: Localized(en: "\(a) + \(b) = \(want), the server answered \(got)", ja: "\(a) + \(b) = \(want) のところ、サーバーの答えは \(got)"),
                            hint: byteOrder
                                ? Localized(en: "The byte order is wrong: numbers go over the network big-endian (struct.pack('!I') / ('!Q'), or htonl).",
                                            ja: "バイトオーダーが違います。ネットワーク上の数値はビッグエンディアンです (struct.pack('!I') / ('!Q')、htonl)。")
                                : Localized(en: "Read two unsigned 32-bit big-endian numbers, answer their sum as an unsigned 64-bit big-endian number.",
                                            ja: "32 ビット符号なし整数 (ビッグエンディアン) を 2 つ読み、その和を 64 ビット符号なし整数 (ビッグエンディアン) で返してください。"))
            }
            return Talk(passed: true, observed: Localized(en: "1000 + 2000 = 3000, a random pair and 4294967295 + 4294967295 = 8589934590 all right",
                                                          ja: "1000 + 2000 = 3000、ランダムな組、4294967295 + 4294967295 = 8589934590 がすべて正しい"))
        case .datagram:
            return Talk(passed: false, observed: Localized("UDP"))
        }
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }

    static func htmlTitle(_ html: String) -> String? {
        guard let open = html.range(of: "<title>", options: .caseInsensitive),
              let close = html.range(of: "</title>", options: .caseInsensitive, range: open.upperBound..<html.endIndex) else { return nil }
        return String(html[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func evaluateTalk(_ spec: ServiceSpec, check: PlannedCheck, probes: ProbeResults, world: World) -> Verdict {
        let expected = check.title
        guard world.place(spec.namespace) != nil else { return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace)) }
        guard let talk = probes.talks[check.id] else { return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace)) }
        var verdict: Verdict
        if talk.passed {
            verdict = .pass(expected, observed: talk.observed)
        } else if talk.refused {
            let bound = evaluateBound(spec, world: world)
            verdict = .fail(expected, observed: talk.observed, hint: bound.status == .fail ? bound.hint : (spec.hint ?? .empty))
        } else {
            verdict = .fail(expected, observed: talk.observed, hint: talk.hint ?? spec.hint ?? Layer2.watchHint)
        }
        if case .success(let frames)? = probes.captures[check.id], !frames.isEmpty {
            let session = TcpdumpSession()   // one tcpdump run over the capture: relative sequence numbers
            verdict.evidence = frames.map { f in
                (try? EthernetFrame.decode(f.bytes, wireLength: f.wireLength)).map(session.lineWithoutLinkLayer) ?? "(\(f.wireLength) bytes)"
            }
        }
        return verdict
    }
}

enum ServiceSocketTransport {
    static func of(_ spec: ServiceSpec) -> SocketEntry.Transport { spec.transport == .tcp ? .tcp : .udp }
}
