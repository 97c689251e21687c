import Capture
import Kernel
import NetlinkWire
import Packets
import Localization

/// netcheck asks "who-has TARGET" on a link and must see "TARGET is-at MAC": the exchange the book watches with
/// `ip netns exec ns1 tcpdump -tnel -i ns1-veth0 arp`, without flushing the learner's ARP cache.
enum ARPCheck {
    static func evaluate(_ spec: ARPSpec, capture: Result<CaptureRecord, Error>?, exercise: Exercise, world: World) -> Verdict {
        let expected = Localized(id: "arp.expected", ["target": spec.target, "link": spec.link, "mac": spec.mac])
        guard let place = world.place(spec.namespace), let capture else {
            return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace))
        }
        let captured: SeenCapture
        switch Layer2.captured(capture, on: Endpoint(namespace: spec.namespace, name: spec.link), expected: expected,
                               exercise: exercise, world: world) {
        case .verdict(let v): return v
        case .frames(let f): captured = f
        }
        let seen = captured.frames
        let replies = seen.compactMap(\.arp).filter { $0.operation == 2 && $0.senderIP == spec.target }
        var verdict: Verdict
        if replies.contains(where: { $0.senderMAC == spec.mac }) {
            verdict = .pass(expected, observed: Localized("Reply \(spec.target) is-at \(spec.mac)"))
        } else if let reply = replies.first {
            let observed = Localized("Reply \(spec.target) is-at \(reply.senderMAC)")
            if let cause = Layer2.ownerCause(of: spec.target, exercise: exercise, world: world) {
                verdict = .fail(expected, cause: cause, observedPrefix: observed)
            } else {
                verdict = .fail(expected, observed: observed, hint: spec.hint ?? Layer2.watchHint)
            }
        } else {
            // The capture holds requests from this link and TARGET's replies: what it did not keep were requests.
            let requests = seen.compactMap(\.arp).filter { $0.operation == 1 }.count + ((try? capture.get())?.unkept ?? 0)
            let observed = Localized(id: "arp.observed.noReply", ["target": spec.target, "count": requests, "link": spec.link])
            let walk = PathWalk(world: world, exercise: exercise)
            if let linkSpec = exercise.link(spec.namespace, spec.link),
               let cause = LinkCheck.cause(linkSpec, exercise: exercise, world: world, place: place) {
                verdict = .fail(expected, cause: cause, observedPrefix: observed)
            } else if let cause = walk.localLinkCause(in: place, towards: spec.target) ?? walk.addressCause(for: spec.target)
                        ?? Layer2.ownerCause(of: spec.target, exercise: exercise, world: world) {
                verdict = .fail(expected, cause: cause, observedPrefix: observed)
            } else {
                verdict = .fail(expected, observed: observed, hint: spec.hint ?? Layer2.watchHint)
            }
        }
        verdict.evidence = captured.evidence
        return verdict
    }
}
