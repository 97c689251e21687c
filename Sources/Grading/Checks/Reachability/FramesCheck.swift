import Addresses
import Capture
import Kernel
import NetlinkWire
import Packets
import Probes
import Localization

/// The ping's frames on one link carry that segment's MACs: what the book shows with
/// `ip netns exec NS tcpdump -tnel -i LINK icmp`. Behind a router the IP addresses stay and the MACs change.
enum FramesCheck {
    static func expected(_ spec: ReachabilitySpec, _ f: FrameSpec) -> Localized {
        var arguments: [String: any MessageArgument] = ["from": spec.source.map(\.description) ?? spec.from, "to": spec.to,
                                                        "link": f.link, "namespace": f.namespace]
        let macs = f.sourceMAC.flatMap { s in f.destinationMAC.map { (s, $0) } }
        if let (s, d) = macs { arguments["source"] = s; arguments["destination"] = d }
        if let t = f.ttl { arguments["ttl"] = t }
        // The reply the other way is expected when the ping is answered and the MACs are declared.
        let id = switch (macs != nil, f.ttl != nil, spec.reachable) {
        case (false, false, _): "frames.expected"
        case (false, true, _): "frames.expected.ttl"
        case (true, false, false): "frames.expected.macs"
        case (true, true, false): "frames.expected.macs.ttl"
        case (true, false, true): "frames.expected.macs.reply"
        case (true, true, true): "frames.expected.macs.ttl.reply"
        }
        return Localized(id: id, arguments)
    }

    static func evaluate(_ spec: ReachabilitySpec, _ f: FrameSpec, outcome: Result<EchoOutcome, Error>?,
                         capture: Result<CaptureRecord, Error>?, exercise: Exercise, world: World) -> Verdict {
        let expected = expected(spec, f)
        for ns in [spec.from, f.namespace] where world.place(ns) == nil {
            return .skipped(expected, reason: SkipReason.namespaceMissing(ns))
        }
        let captured: SeenCapture
        switch Layer2.captured(capture, on: Endpoint(namespace: f.namespace, name: f.link), expected: expected,
                               exercise: exercise, world: world) {
        case .verdict(let v): return v
        case .frames(let frames): captured = frames
        }
        let seen = captured.frames
        let evidence = captured.evidence
        let requests = seen.filter { s in
            s.icmp?.type == 8 && s.ipv4?.destination == spec.to && (spec.source == nil || s.ipv4?.source == spec.source)
        }
        guard let request = requests.first, let eth = request.frame, let ip = request.ipv4 else {
            let observed = Localized(id: "frames.observed.none", ["link": f.link, "namespace": f.namespace])
            var verdict: Verdict
            if let cause = linkOrPathCause(spec, f, exercise: exercise, world: world) {
                verdict = .fail(expected, cause: cause, observedPrefix: observed)
            } else {
                verdict = .fail(expected, observed: observed, hint: f.hint ?? spec.hint ?? Layer2.watchHint)
            }
            verdict.evidence = evidence
            return verdict
        }
        let seenText = Localized(id: "frames.observed.request", ["source": ip.source, "destination": ip.destination, "link": f.link,
                                                                 "sourceMAC": eth.source, "destinationMAC": eth.destination, "ttl": ip.ttl])

        var wrongMAC: MACAddress?? = nil
        if let s = f.sourceMAC, eth.source != s { wrongMAC = .some(s) }
        if let d = f.destinationMAC, eth.destination != d, wrongMAC == nil { wrongMAC = .some(d) }
        if let wanted = wrongMAC {
            var verdict: Verdict
            if let cause = Layer2.macCause(wanted, exercise: exercise, world: world) {
                verdict = .fail(expected, cause: cause, observedPrefix: seenText)
            } else {
                verdict = .fail(expected, observed: seenText, hint: f.hint ?? Localized(id: "frames.hint.macs"))
            }
            verdict.evidence = evidence
            return verdict
        }
        if let want = f.ttl, ip.ttl != want {
            var verdict = Verdict.fail(expected, observed: seenText, hint: f.hint ?? Localized(id: "frames.hint.ttl", ["ttl": ip.ttl, "expected": want]))
            verdict.evidence = evidence
            return verdict
        }
        if let s = f.sourceMAC, let d = f.destinationMAC,
           let reply = seen.first(where: { $0.icmp?.type == 0 && $0.ipv4?.source == spec.to }), let r = reply.frame,
           r.source != d || r.destination != s {
            let replyText = Localized(id: "frames.observed.reply", ["link": f.link, "source": r.source, "destination": r.destination])
            var verdict = Verdict.fail(expected, observed: Localized.join([seenText, replyText], by: .clauses), hint: f.hint ?? Layer2.watchHint)
            if let cause = Layer2.macCause(r.source != d ? d : s, exercise: exercise, world: world) {
                verdict = .fail(expected, cause: cause, observedPrefix: Localized.join([seenText, replyText], by: .clauses))
            }
            verdict.evidence = evidence
            return verdict
        }
        var observed = seenText
        if let other = spec.frames.first(where: { $0.link != f.link || $0.namespace != f.namespace }),
           other.sourceMAC != f.sourceMAC {
            observed = Localized.join([observed, Localized(id: "frames.observed.rewritten", ["other": other.link])], by: .clauses)
        }
        var verdict = Verdict.pass(expected, observed: observed)
        verdict.evidence = evidence
        return verdict
    }

    /// Why no request was seen: the watched link itself, else the first obstacle on the ping's path.
    static func linkOrPathCause(_ spec: ReachabilitySpec, _ f: FrameSpec, exercise: Exercise, world: World) -> Cause? {
        if let linkSpec = exercise.link(f.namespace, f.link), let place = world.place(f.namespace),
           let cause = LinkCheck.cause(linkSpec, exercise: exercise, world: world, place: place) {
            return cause
        }
        return PathWalk(world: world, exercise: exercise).explain(from: spec.from, source: spec.source, to: spec.to)
    }
}
