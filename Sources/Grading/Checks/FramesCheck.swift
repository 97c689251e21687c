import Addresses
import Capture
import Kernel
import NetlinkWire
import Packets
import Probes

/// The ping's frames on one link carry that segment's MACs: what the book shows with
/// `ip netns exec NS tcpdump -tnel -i LINK icmp`. Behind a router the IP addresses stay and the MACs change.
enum FramesCheck {
    static func expected(_ spec: ReachabilitySpec, _ f: FrameSpec) -> Localized {
        let src = spec.source.map(\.description) ?? spec.from
        var en = "the echo request from \(src) to \(spec.to) on \(f.link) (\(f.namespace))"
        var ja = "\(f.namespace) の \(f.link) に \(src) から \(spec.to) への echo request"
        if let s = f.sourceMAC, let d = f.destinationMAC { en += " as \(s) > \(d)"; ja += " (\(s) > \(d))" }
        if let t = f.ttl { en += ", TTL \(t)"; ja += "、TTL \(t)" }
        if spec.reachable, f.sourceMAC != nil, f.destinationMAC != nil { en += ", and its reply the other way"; ja += "、応答はその逆向き" }
        return Localized(en: en, ja: ja)
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
            let observed = Localized(en: "no echo request of the ping crossed \(f.link) in \(f.namespace)",
                                     ja: "\(f.namespace) の \(f.link) を ping の echo request が通りませんでした")
            var verdict: Verdict
            if let cause = linkOrPathCause(spec, f, exercise: exercise, world: world) {
                verdict = .fail(expected, cause: cause, observedPrefix: observed)
            } else {
                verdict = .fail(expected, observed: observed, hint: f.hint ?? spec.hint ?? Layer2.watchHint)
            }
            verdict.evidence = evidence
            return verdict
        }
        let seenText = Localized(
            en: "echo request \(ip.source) > \(ip.destination) on \(f.link): \(eth.source) > \(eth.destination), TTL \(ip.ttl)",
            ja: "\(f.link) の echo request \(ip.source) > \(ip.destination): \(eth.source) > \(eth.destination)、TTL \(ip.ttl)")

        var wrongMAC: MACAddress?? = nil
        if let s = f.sourceMAC, eth.source != s { wrongMAC = .some(s) }
        if let d = f.destinationMAC, eth.destination != d, wrongMAC == nil { wrongMAC = .some(d) }
        if let wanted = wrongMAC {
            var verdict: Verdict
            if let cause = Layer2.macCause(wanted, exercise: exercise, world: world) {
                verdict = .fail(expected, cause: cause, observedPrefix: seenText)
            } else {
                verdict = .fail(expected, observed: seenText, hint: f.hint ?? Localized(
                    en: "The frame does not carry the MACs of this segment. Check `ip -br link` in each namespace.",
                    ja: "フレームの MAC アドレスがこのセグメントのものではありません。各ネームスペースで `ip -br link` を確認してください。"))
            }
            verdict.evidence = evidence
            return verdict
        }
        if let want = f.ttl, ip.ttl != want {
            var verdict = Verdict.fail(expected, observed: seenText, hint: f.hint ?? Localized(
                en: "TTL \(ip.ttl) instead of \(want): each router on the way lowers it by one, so the packet took another path.",
                ja: "TTL が \(want) ではなく \(ip.ttl) です。ルーターを通るたびに 1 減るので、別の経路を通っています。"))
            verdict.evidence = evidence
            return verdict
        }
        if let s = f.sourceMAC, let d = f.destinationMAC,
           let reply = seen.first(where: { $0.icmp?.type == 0 && $0.ipv4?.source == spec.to }), let r = reply.frame,
           r.source != d || r.destination != s {
            let replyText = Localized("echo reply on \(f.link): \(r.source) > \(r.destination)")
            var verdict = Verdict.fail(expected, observed: Localized.join([seenText, replyText]), hint: f.hint ?? Layer2.watchHint)
            if let cause = Layer2.macCause(r.source != d ? d : s, exercise: exercise, world: world) {
                verdict = .fail(expected, cause: cause, observedPrefix: Localized.join([seenText, replyText]))
            }
            verdict.evidence = evidence
            return verdict
        }
        var observed = seenText
        if let other = spec.frames.first(where: { $0.link != f.link || $0.namespace != f.namespace }),
           other.sourceMAC != f.sourceMAC {
            observed = Localized.join([observed, Localized(
                en: "the same IP addresses as on \(other.link) but this segment's MACs: the router rewrote the Ethernet header",
                ja: "\(other.link) と同じ IP アドレスで、MAC アドレスはこのセグメントのもの。ルーターがイーサネットヘッダーを書き換えました")])
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
