import Addresses
import Glibc
import Kernel
import NetlinkWire
import Probes

/// A ping from a namespace: does the destination answer, with the TTL that says how many routers the reply
/// crossed? When it does not, PathWalk names the first thing in the way.
enum ReachabilityCheck {
    static func expected(_ spec: ReachabilitySpec) -> Localized {
        let src = spec.source.map { " from \($0)" } ?? ""
        let srcJa = spec.source.map { " (送信元 \($0))" } ?? ""
        guard spec.reachable else {
            let how = spec.failsWith.map { ": " + describe($0).en } ?? ""
            let howJa = spec.failsWith.map { "せず\(describe($0).ja)になる" } ?? "しない"
            return Localized(en: "no echo reply from \(spec.to) to \(spec.from)\(src)\(how)",
                             ja: "\(spec.from)\(srcJa) からの ping に \(spec.to) が応答\(howJa)")
        }
        let ttl = spec.ttl.map { " with TTL \($0)" } ?? ""
        let ttlJa = spec.ttl.map { " TTL \($0) で" } ?? ""
        return Localized(en: "echo reply from \(spec.to) to \(spec.from)\(src)\(ttl)",
                         ja: "\(spec.from)\(srcJa) からの ping に \(spec.to) が\(ttlJa)応答する")
    }

    /// "ping 198.51.100.1 from ns1: 100% loss", in the words of ping(8) (in Japanese, ping's words where they
    /// are the message, 「100% パケットロス」 for its summary line).
    static func describe(_ outcome: EchoOutcome, spec: ReachabilitySpec, timeoutMs: Int, cutByDeadline: Bool = false) -> Localized {
        let head = "ping \(spec.to) from \(spec.from)" + (spec.source.map { " (\($0))" } ?? "") + ": "
        let headJa = "\(spec.from)" + (spec.source.map { " (\($0))" } ?? "") + " から \(spec.to) への ping: "
        switch outcome {
        case let .reply(from, ttl, rtt):
            let ms = String(rtt / 1000) + "." + String(rtt % 1000 / 100)
            return Localized(en: head + "reply from \(from), ttl=\(ttl), time=\(ms) ms", ja: headJa + "\(from) から応答 ttl=\(ttl) time=\(ms) ms")
        case let .destinationUnreachable(from, code):
            let what = ["Destination Net Unreachable", "Destination Host Unreachable", "Destination Protocol Unreachable",
                        "Destination Port Unreachable"]
            let text = Int(code) < what.count ? what[Int(code)] : "Destination Unreachable (code \(code))"
            return Localized(en: head + "From \(from): \(text)", ja: headJa + "\(from) から \(text)")
        case let .timeExceeded(from):
            return Localized(en: head + "From \(from): Time to live exceeded", ja: headJa + "\(from) から Time to live exceeded")
        case let .sendFailed(e):
            let text = String(cString: strerror(e))
            return Localized(en: head + text, ja: headJa + text)
        case .timeout where cutByDeadline:
            return Localized(en: head + "100% loss (no reply within \(timeoutMs) ms, all the run's --deadline left for it)",
                             ja: headJa + "\(timeoutMs) ms 以内に応答なし (100% パケットロス、--deadline の残りがそれだけでした)")
        case .timeout:
            return Localized(en: head + "100% loss (no reply within \(timeoutMs) ms)", ja: headJa + "\(timeoutMs) ms 以内に応答なし (100% パケットロス)")
        }
    }

    static func evaluate(_ spec: ReachabilitySpec, outcome: Result<EchoOutcome, Error>?, timeoutMs: Int, cutByDeadline: Bool = false,
                         exercise: Exercise, world: World) -> Verdict {
        let expected = expected(spec)
        guard world.place(spec.from) != nil, let outcome else {
            return .skipped(expected, reason: SkipReason.namespaceMissing(spec.from))
        }
        let result: EchoOutcome
        switch outcome {
        case .failure(let e): return .error(expected, e)
        case .success(let o): result = o
        }
        let observed = describe(result, spec: spec, timeoutMs: timeoutMs, cutByDeadline: cutByDeadline)
        let fallback = spec.hint ?? Localized(
            en: "Follow the packet: check the routes (`ip netns exec NS ip route`) and watch with `ip netns exec NS tcpdump -tnl -i IFACE icmp`.",
            ja: "パケットの通り道を確かめてください: 経路 (`ip netns exec NS ip route`) を見て、`ip netns exec NS tcpdump -tnl -i IFACE icmp` で観察しましょう。")

        if !spec.reachable {
            switch result {
            case .reply:
                return .fail(expected, observed: observed, hint: spec.hint ?? Localized(
                    en: "\(spec.to) answered, but this exercise expects it not to.", ja: "\(spec.to) が応答しましたが、この演習では応答しないはずです。"))
            case .sendFailed(EADDRNOTAVAIL):
                return .skipped(expected, reason: observed)
            default:
                guard let want = spec.failsWith, !failure(result, is: want) else { return .pass(expected, observed: observed) }
                let walk = PathWalk(world: world, exercise: exercise)
                let cause = walk.explain(from: spec.from, source: spec.source, to: spec.to)
                let why = Localized(en: "at this step it should fail with \(describe(want).en), not like this",
                                    ja: "この段階では\(describe(want).ja)で失敗するはずです")
                if want != .networkUnreachable, let cause, case .noRoute = cause {
                    return .fail(expected, cause: cause, observedPrefix: Localized.join([observed, why]))
                }
                return .fail(expected, observed: Localized.join([observed, why]), hint: spec.hint ?? Localized(
                    en: "Compare with the book's output at this step: \(describe(want).en) means \(meaning(want).en).",
                    ja: "本のこの段階の出力と比べてください。\(describe(want).ja)は「\(meaning(want).ja)」という意味です。"))
            }
        }
        if case let .reply(_, ttl, _) = result {
            guard let want = spec.ttl, ttl != want else { return .pass(expected, observed: observed) }
            // Exercises count routers from Linux's initial TTL, 64. A replier set to start elsewhere
            // (net.ipv4.ip_default_ttl) crossed the same routers if the difference is the same.
            let initial = initialTTL(of: spec.to, world: world)
            if initial != 64, Int(initial) - Int(ttl) == 64 - Int(want) {
                return .pass(expected, observed: Localized(
                    en: observed.en + "; the replier starts at TTL \(initial) (net.ipv4.ip_default_ttl), so that is \(64 - Int(want)) router(s), as with TTL \(want)",
                    ja: observed.ja + "。応答した側の TTL の初期値は \(initial) (net.ipv4.ip_default_ttl) なので、TTL \(want) と同じくルーター \(64 - Int(want)) 台を通っています"))
            }
            return .fail(expected, observed: observed, hint: ttlHint(spec, got: ttl, want: want, initial: initial, world: world, fallback: fallback))
        }
        let walk = PathWalk(world: world, exercise: exercise)
        if let cause = walk.explain(from: spec.from, source: spec.source, to: spec.to) {
            return .fail(expected, cause: cause, observedPrefix: observed)
        }
        return .fail(expected, observed: observed, hint: fallback)
    }

    /// Whether a failed ping failed the way a step expects.
    static func failure(_ outcome: EchoOutcome, is want: ReachabilitySpec.Failure) -> Bool {
        switch (want, outcome) {
        case (.networkUnreachable, .sendFailed(ENETUNREACH)), (.networkUnreachable, .destinationUnreachable(_, 0)): return true
        case (.hostUnreachable, .sendFailed(EHOSTUNREACH)), (.hostUnreachable, .destinationUnreachable(_, 1)): return true
        case (.timeout, .timeout): return true
        default: return false
        }
    }

    /// In Japanese always in 「」, so that it fits into a sentence as one word.
    static func describe(_ f: ReachabilitySpec.Failure) -> Localized {
        switch f {
        case .networkUnreachable: return Localized(en: "\"Network is unreachable\"", ja: "「Network is unreachable」")
        case .hostUnreachable: return Localized(en: "\"Destination Host Unreachable\"", ja: "「Destination Host Unreachable」")
        case .timeout: return Localized(en: "100% packet loss", ja: "「100% パケットロス」")
        }
    }

    static func meaning(_ f: ReachabilitySpec.Failure) -> Localized {
        switch f {
        case .networkUnreachable: return Localized(en: "no route to the destination yet", ja: "宛先への経路がまだない")
        case .hostUnreachable: return Localized(en: "no one on the link answers ARP for it", ja: "リンク上で ARP に答える相手がいない")
        case .timeout: return Localized(en: "the packet leaves but nothing comes back (a router that does not forward, or no way back)",
                                        ja: "パケットは出ていくが何も返ってこない (ルーターが転送しない、または戻りの経路がない)")
        }
    }

    /// The reply came, but over a different number of routers than the exercise builds.
    /// The TTL the owner of `address` gives the packets it sends (net.ipv4.ip_default_ttl, 64 unless changed).
    static func initialTTL(of address: IPv4Address, world: World) -> UInt8 {
        guard let owner = world.owners(of: address).first,
              case .success(let value?) = world.sysctl(owner.place.label, "net.ipv4.ip_default_ttl"),
              let ttl = UInt8(value.filter { !$0.isWhitespace }), ttl > 0 else { return 64 }
        return ttl
    }

    static func ttlHint(_ spec: ReachabilitySpec, got: UInt8, want: UInt8, initial: UInt8 = 64, world: World, fallback: Localized) -> Localized {
        let owners = world.owners(of: spec.to).map(\.place.label)
        if owners.contains(spec.from) {
            return Localized(en: "\(spec.to) is configured in \(spec.from) itself, so the reply never crossed a router. Remove it there.",
                             ja: "\(spec.to) が \(spec.from) 自身に設定されているため、応答がルーターを通っていません。そこから削除してください。")
        }
        let crossed = Int(initial) - Int(got), expected = 64 - Int(want)
        guard crossed >= 0 else {
            // More than the replier starts with: its TTL is not what netcheck read (the reply came from elsewhere).
            return Localized.join([Localized(
                en: "The reply's TTL \(got) is above \(spec.to)'s initial TTL \(initial): it did not come from where the exercise expects.",
                ja: "応答の TTL \(got) は \(spec.to) の TTL の初期値 \(initial) より大きく、演習の想定とは別の場所から返っています。"), fallback], en: " ", ja: "")
        }
        return Localized.join([Localized(
            en: "The reply crossed \(crossed) router(s) instead of \(expected): the packets take another path than the exercise builds.",
            ja: "応答が通ったルーターは \(expected) 台ではなく \(crossed) 台です。演習とは別の経路を通っています。"), fallback], en: " ", ja: "")
    }
}
