import Addresses
import Glibc
import Kernel
import Localization
import NetlinkWire
import Probes

/// A ping from a namespace: does the destination answer, with the TTL that says how many routers the reply
/// crossed? When it does not, PathWalk names the first thing in the way.
enum ReachabilityCheck {
    static func expected(_ spec: ReachabilitySpec) -> Localized {
        var arguments: [String: any MessageArgument] = ["from": spec.from, "to": spec.to]
        if let source = spec.source { arguments["source"] = source }
        if let failure = spec.failsWith { arguments["failure"] = describe(failure) }
        if let ttl = spec.ttl { arguments["ttl"] = ttl }
        let source = spec.source != nil
        let id = switch (spec.reachable, spec.failsWith != nil, spec.ttl != nil) {
        case (false, false, _): source ? "ping.expected.noReply.source" : "ping.expected.noReply"
        case (false, true, _): source ? "ping.expected.failsWith.source" : "ping.expected.failsWith"
        case (true, _, false): source ? "ping.expected.reply.source" : "ping.expected.reply"
        case (true, _, true): source ? "ping.expected.reply.ttl.source" : "ping.expected.reply.ttl"
        }
        return Localized(id: id, arguments)
    }

    /// "ping 198.51.100.1 from ns1: 100% loss", in the words of ping(8) (in Japanese, ping's words where they
    /// are the message, 「100% パケットロス」 for its summary line).
    static func describe(_ outcome: EchoOutcome, spec: ReachabilitySpec, timeoutMs: Int, cutByDeadline: Bool = false) -> Localized {
        let what: Localized
        switch outcome {
        case let .reply(from, ttl, rtt):
            let ms = String(rtt / 1000) + "." + String(rtt % 1000 / 100)
            what = Localized(id: "ping.outcome.reply", ["from": from, "ttl": ttl, "time": ms])
        case let .destinationUnreachable(from, code):
            let words = ["Destination Net Unreachable", "Destination Host Unreachable", "Destination Protocol Unreachable",
                         "Destination Port Unreachable"]
            let text = Int(code) < words.count ? words[Int(code)] : "Destination Unreachable (code \(code))"
            what = Localized(id: "ping.outcome.icmp", ["from": from, "message": text])
        case let .timeExceeded(from):
            what = Localized(id: "ping.outcome.icmp", ["from": from, "message": "Time to live exceeded"])
        case let .sendFailed(e):
            what = Localized(String(cString: strerror(e)))
        case .timeout where cutByDeadline:
            what = Localized(id: "ping.outcome.timeout.deadline", ["timeout": timeoutMs])
        case .timeout:
            what = Localized(id: "ping.outcome.timeout", ["timeout": timeoutMs])
        }
        let from = spec.from + (spec.source.map { " (\($0))" } ?? "")
        return Localized(id: "ping.outcome", ["to": spec.to, "from": from, "outcome": what])
    }

    static func evaluate(_ spec: ReachabilitySpec, outcome: Result<EchoOutcome, Error>?, timeoutMs: Int, cutByDeadline: Bool = false,
                         neighbourTableFull: Bool = false, neighbourTableLimit: Int? = nil, exercise: Exercise, world: World) -> Verdict {
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
        let fallback = spec.hint ?? Localized(id: "ping.hint.followThePacket")

        if !spec.reachable {
            switch result {
            case .reply:
                return .fail(expected, observed: observed, hint: spec.hint ?? Localized(id: "ping.hint.answered", ["to": spec.to]))
            case .sendFailed(EADDRNOTAVAIL):
                return .skipped(expected, reason: observed)
            default:
                guard let want = spec.failsWith, !failure(result, is: want) else { return .pass(expected, observed: observed) }
                let walk = PathWalk(world: world, exercise: exercise)
                let cause = walk.explain(from: spec.from, source: spec.source, to: spec.to)
                let why = Localized(id: "step.ping.otherFailure", ["failure": describe(want)])
                if want != .networkUnreachable, let cause, case .route(.noRoute) = cause {
                    return .fail(expected, cause: cause, observedPrefix: Localized.join([observed, why], by: .clauses))
                }
                return .fail(expected, observed: Localized.join([observed, why], by: .clauses), hint: spec.hint ?? Localized(
                    id: "step.ping.hint.compare", ["failure": describe(want), "meaning": meaning(want)]))
            }
        }
        if case let .reply(_, ttl, _) = result {
            guard let want = spec.ttl, ttl != want else { return .pass(expected, observed: observed) }
            // Exercises count routers from Linux's initial TTL, 64. A replier set to start elsewhere
            // (net.ipv4.ip_default_ttl) crossed the same routers if the difference is the same.
            let initial = initialTTL(of: spec.to, world: world)
            if initial != 64, Int(initial) - Int(ttl) == 64 - Int(want) {
                let note = Localized(id: "ping.observed.initialTTL", ["initial": initial, "count": 64 - Int(want), "ttl": want])
                return .pass(expected, observed: Localized.join([observed, note], by: .clauses))
            }
            return .fail(expected, observed: observed, hint: ttlHint(spec, got: ttl, want: want, initial: initial, world: world, fallback: fallback))
        }
        // No neighbour entry to be had (the kernel's table, shared by every namespace, is full): nothing on the path
        // is wrong, and walking it for each of thousands of pings would only take long.
        if neighbourTableFull {
            switch result {
            case .sendFailed(ENOBUFS), .timeout:
                return .fail(expected, cause: .neighbourTableFull(limit: neighbourTableLimit.map(String.init)), observedPrefix: observed)
            default: break
            }
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
        case .networkUnreachable: return Localized(id: "ping.failure.networkUnreachable")
        case .hostUnreachable: return Localized(id: "ping.failure.hostUnreachable")
        case .timeout: return Localized(id: "ping.failure.timeout")
        }
    }

    static func meaning(_ f: ReachabilitySpec.Failure) -> Localized {
        switch f {
        case .networkUnreachable: return Localized(id: "ping.failure.networkUnreachable.meaning")
        case .hostUnreachable: return Localized(id: "ping.failure.hostUnreachable.meaning")
        case .timeout: return Localized(id: "ping.failure.timeout.meaning")
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
            return Localized(id: "ping.hint.ttl.local", ["to": spec.to, "from": spec.from])
        }
        let crossed = Int(initial) - Int(got), expected = 64 - Int(want)
        guard crossed >= 0 else {
            // More than the replier starts with: its TTL is not what netcheck read (the reply came from elsewhere).
            return Localized.join([Localized(id: "ping.hint.ttl.aboveInitial", ["ttl": got, "to": spec.to, "initial": initial]), fallback],
                                  by: .sentences)
        }
        return Localized.join([Localized(id: "ping.hint.ttl.routers", ["count": crossed, "expected": expected]), fallback], by: .sentences)
    }
}
