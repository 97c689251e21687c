import Addresses
import Capture
import Glibc
import Kernel
import Localization
import Netfilter
import NetlinkWire
import Packets
import Probes

/// A translation proven on the wire: the same probe seen on the private and on the public side of the router,
/// with the addresses the exercise names on each side. Any ruleset that translates passes (MASQUERADE, SNAT,
/// native nft); the ruleset is read only when the behaviour is wrong, to name the rule at fault.
enum NATCheck {
    static func expected(_ spec: NATSpec, original: IPv4Address?) -> Localized {
        let o = original.map(\.description) ?? spec.from
        switch spec.kind {
        case .source:
            return Localized(id: "snat.expected", ["from": o, "to": spec.to, "inside": spec.inside.name, "translated": spec.translated,
                                                  "outside": spec.outside.name])
        case .destination:
            let port = spec.port.map { ".\($0)" } ?? ""
            return Localized(id: "dnat.expected", ["from": o, "to": "\(spec.to)\(port)", "outside": spec.outside.name, "inside": spec.inside.name,
                                                  "translated": "\(spec.translated)\(port)"])
        }
    }

    static func evaluate(_ spec: NATSpec, check: PlannedCheck, probes: ProbeResults, exercise: Exercise, world: World) -> Verdict {
        let expected = expected(spec, original: insideAddress(spec, world: world))
        for ns in [spec.from, spec.router, spec.inside.namespace, spec.outside.namespace] where world.place(ns) == nil {
            return .skipped(expected, reason: SkipReason.namespaceMissing(ns))
        }
        var frames: [CaptureKey.Side: SeenCapture] = [:]
        for (side, endpoint) in [(CaptureKey.Side.inside, spec.inside), (.outside, spec.outside)] {
            switch Layer2.captured(probes.captures[CaptureKey(check.id, side)], on: endpoint, expected: expected, exercise: exercise, world: world) {
            case .verdict(let v): return v
            case .frames(let seen): frames[side] = seen
            }
        }
        // A SYN the kernel refused to route is the learner's network speaking (no route): judged from the wire below.
        if let e = probes.synErrors[check.id], ![ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL].contains((e as? KernelError)?.errno ?? 0) {
            return .error(expected, e)
        }
        let insideCapture = frames[.inside]!, outsideCapture = frames[.outside]!
        let inside = insideCapture.frames, outside = outsideCapture.frames
        // In the order the probe travels: inside first for source NAT, outside first for destination NAT.
        let insideLines = [Localized("# " + inNamespace(spec.inside.namespace, "tcpdump -tnel -i \(spec.inside.name)"))] + insideCapture.evidence
        let outsideLines = [Localized("# " + inNamespace(spec.outside.namespace, "tcpdump -tnel -i \(spec.outside.name)"))] + outsideCapture.evidence
        let evidence = spec.kind == .source ? insideLines + outsideLines : outsideLines + insideLines
        var verdict: Verdict
        switch spec.kind {
        case .source: verdict = source(spec, expected: expected, inside: inside, outside: outside, exercise: exercise, world: world)
        case .destination: verdict = destination(spec, expected: expected, inside: inside, outside: outside, exercise: exercise, world: world)
        }
        verdict.evidence = evidence
        return verdict
    }

    // MARK: source NAT: an echo request from the inside

    static func source(_ spec: NATSpec, expected: Localized, inside: [SeenFrame], outside: [SeenFrame],
                       exercise: Exercise, world: World) -> Verdict {
        let request = { (s: SeenFrame) in s.icmp?.type == 8 && s.ipv4?.destination == spec.to }
        let inRequest = inside.first(where: request)?.ipv4
        guard let outRequest = outside.first(where: request)?.ipv4 else {
            let observed = inRequest.map {
                Localized(id: "snat.observed.notOutside", ["from": $0.source, "to": spec.to, "inside": spec.inside.name, "outside": spec.outside.name])
            } ?? Localized(id: "snat.observed.none", ["to": spec.to, "inside": spec.inside.name])
            return notThrough(spec, observed: observed, exercise: exercise, world: world)
        }
        let seen = Localized.join([Localized("\(spec.inside.name): \(inRequest.map { "\($0.source)" } ?? "?") > \(spec.to)"),
                                   Localized("\(spec.outside.name): \(outRequest.source) > \(spec.to)")], by: .sides)
        if outRequest.source == spec.translated {
            let replied = inside.contains { $0.icmp?.type == 0 && $0.ipv4?.source == spec.to && $0.ipv4?.destination == inRequest?.source }
            let back = replied
                ? Localized(id: "snat.observed.replyBack", ["to": inRequest!.source])
                : Localized(id: "snat.observed.noReply", ["inside": spec.inside.name])
            let observed = Localized.join([seen, Localized(id: "snat.observed.translated"), back], by: .clauses)
            if replied { return .pass(expected, observed: observed) }
            return .fail(expected, observed: observed, hint: spec.hint ?? Localized(id: "snat.hint.noReply", ["to": spec.to, "translated": spec.translated]))
        }
        if let original = inRequest?.source, outRequest.source == original {
            let worked = outside.contains { $0.icmp?.type == 0 && $0.ipv4?.destination == original }
            let note = worked
                ? Localized(id: "snat.observed.notTranslated.routed", ["from": original])
                : Localized(id: "snat.observed.notTranslated")
            let observed = Localized.join([seen, note], by: .clauses)
            return fail(expected, observed: observed, cause: ruleCause(spec, world: world), spec: spec, world: world)
        }
        let observed = Localized.join([seen, Localized(id: "snat.observed.otherAddress", ["address": outRequest.source])], by: .clauses)
        return fail(expected, observed: observed, cause: ruleCause(spec, world: world, translatedTo: "\(outRequest.source)"), spec: spec, world: world)
    }

    // MARK: destination NAT: a TCP SYN from the outside

    static func destination(_ spec: NATSpec, expected: Localized, inside: [SeenFrame], outside: [SeenFrame],
                            exercise: Exercise, world: World) -> Verdict {
        let port = spec.port ?? 0
        func isSyn(_ s: SeenFrame) -> Bool { (s.tcp.map { $0.flags.intersection([.syn, .ack]) == .syn }) ?? false }
        func isAnswer(_ s: SeenFrame) -> Bool { (s.tcp.map { $0.flags.isSuperset(of: [.syn, .ack]) || $0.flags.contains(.rst) }) ?? false }
        let outSyn = outside.first(where: isSyn)
        guard let outSynIP = outSyn?.ipv4 else {
            return notThrough(spec, observed: Localized(id: "dnat.observed.none", ["to": "\(spec.to).\(port)", "outside": spec.outside.name]),
                              exercise: exercise, world: world)
        }
        guard let inSyn = inside.first(where: isSyn), let inIP = inSyn.ipv4, let inTCP = inSyn.tcp else {
            let observed = Localized(id: "dnat.observed.notInside", ["outside": spec.outside.name, "from": outSynIP.source,
                                                                     "to": "\(spec.to).\(port)", "inside": spec.inside.name])
            let cause = forwardingCause(spec, world: world) ?? forwardDropCause(spec, source: outSynIP.source, world: world)
                ?? ruleCause(spec, world: world)
            return fail(expected, observed: observed, cause: cause, spec: spec, world: world)
        }
        let seen = Localized.join([Localized("\(spec.outside.name): \(outSynIP.source) > \(spec.to).\(port)"),
                                   Localized("\(spec.inside.name): \(inIP.source) > \(inIP.destination).\(inTCP.destinationPort)")], by: .sides)
        guard inIP.destination == spec.translated, inTCP.destinationPort == port else {
            let found = "\(inIP.destination):\(inTCP.destinationPort)"
            return fail(expected, observed: seen, cause: .natWrongTarget(namespace: spec.router, rule: nil, found: found,
                                                                          expected: "\(spec.translated):\(port)", command: spec.command), spec: spec, world: world)
        }
        guard inIP.source == outSynIP.source else {
            return .fail(expected, observed: Localized.join([seen, Localized(id: "dnat.observed.sourceChanged")], by: .clauses),
                         hint: spec.hint ?? Localized(id: "dnat.hint.sourceChanged", ["source": outSynIP.source]))
        }
        let answer = inside.first { isAnswer($0) && $0.ipv4?.source == spec.translated }
        let answerOut = outside.first { isAnswer($0) && $0.ipv4?.destination == outSynIP.source }
        guard let answer, let answerTCP = answer.tcp else {
            return .fail(expected, observed: Localized.join([seen, Localized(id: "dnat.observed.noAnswer", ["translated": spec.translated])], by: .clauses),
                         hint: spec.hint ?? Localized(id: "dnat.hint.noAnswer", ["translated": spec.translated, "namespace": spec.inside.namespace]))
        }
        let listener = answerTCP.flags.isSuperset(of: [.syn, .ack])
            ? Localized(id: "dnat.observed.listener", ["address": "\(spec.translated):\(port)"])
            : Localized(id: "dnat.observed.reset", ["address": "\(spec.translated):\(port)"])
        guard let answerOut, answerOut.ipv4?.source == spec.to else {
            return .fail(expected, observed: Localized.join([seen, listener, Localized(id: "dnat.observed.answerNotBack", ["to": spec.to])], by: .clauses),
                         hint: spec.hint ?? Layer2.watchHint)
        }
        return .pass(expected, observed: Localized.join([seen, listener, Localized(id: "dnat.observed.answerBack", ["to": "\(spec.to).\(port)"])], by: .clauses))
    }

    // MARK: causes

    static func fail(_ expected: Localized, observed: Localized, cause: Cause?, spec: NATSpec, world: World) -> Verdict {
        guard let cause else { return .fail(expected, observed: observed, hint: spec.hint ?? Layer2.watchHint) }
        var verdict = Verdict.fail(expected, cause: cause, observedPrefix: observed)
        var notes: [Localized] = []
        // A rule at fault found among the rules read before the deadline: right, but maybe not the only one.
        if case .nat(.natDiagnosisCutShort) = cause {} else if let unread = world.rulesetRead(spec.router)?.unread {
            notes.append(cutShortNote(unread, router: spec.router))
        }
        if let ruleset = world.rulesetRead(spec.router), ruleset.natBackends.count > 1 {
            notes.append(Localized(id: "nat.note.bothBackends", ["namespace": spec.router]))
        }
        if !notes.isEmpty { verdict.note = Localized.join(notes, by: .sentences) }
        return verdict
    }

    /// The diagnosis named a rule at fault, but did not read every rule.
    static func cutShortNote(_ unread: Ruleset.Unread, router ns: String) -> Localized {
        let unread = Cause.unreadRules(ns, rulesRead: unread.rulesRead, deadline: unread.deadline, tooLarge: unread.tooLarge,
                                       limit: unread.atLimit ? Ruleset.maximumNATRules : nil)
        return Localized(id: "nat.note.cutShort", ["unread": unread])
    }

    /// The probe did not get through the router at all: the path there, then forwarding.
    static func notThrough(_ spec: NATSpec, observed: Localized, exercise: Exercise, world: World) -> Verdict {
        if let cause = forwardingCause(spec, world: world) { return .fail(NATCheck.expected(spec, original: nil), cause: cause, observedPrefix: observed) }
        let walk = PathWalk(world: world, exercise: exercise)
        if let start = world.place(spec.from), case .blocked(let cause) = walk.walk(from: start, source: nil, to: spec.to, leg: .there,
                                                                                 transportProtocol: spec.kind == .destination ? "tcp" : "icmp") {
            return .fail(expected(spec, original: nil), cause: cause, observedPrefix: observed)
        }
        return fail(expected(spec, original: nil), observed: observed, cause: ruleCause(spec, world: world), spec: spec, world: world)
    }

    static func forwardingCause(_ spec: NATSpec, world: World) -> Cause? {
        if case .success(let v) = world.sysctl(spec.router, "net.ipv4.ip_forward"), v != "1" { return .forwardingOff(namespace: spec.router) }
        return nil
    }

    /// A SYN translated by destination NAT that did not reach the inside: a forward chain that drops it (the
    /// forward hook sees it after the translation, to `translated`).
    static func forwardDropCause(_ spec: NATSpec, source: IPv4Address, world: World) -> Cause? {
        guard let place = world.place(spec.router) else { return nil }
        let packet = ForwardedPacket(source: source, destination: spec.translated, inputInterface: routerLink(facing: source, in: place),
                                     outputInterface: routerLink(facing: spec.translated, in: place), transportProtocol: "tcp")
        return PathWalk.forwardDropCause(in: place, packet: packet, world: world)
    }

    /// Reads the router's ruleset and names what keeps the probe from being translated.
    static func ruleCause(_ spec: NATSpec, world: World, translatedTo: String? = nil) -> Cause? {
        guard let place = world.place(spec.router), let ruleset = try? world.ruleset(place).get() else { return nil }
        let ns = spec.router
        // What was read had nothing wrong, but not everything was read: say so rather than guess.
        let cutShort = ruleset.unread.map {
            Cause.natDiagnosisCutShort(namespace: ns, rulesRead: $0.rulesRead, deadline: $0.deadline, tooLarge: $0.tooLarge,
                                       limit: $0.atLimit ? Ruleset.maximumNATRules : nil, command: spec.command)
        }
        switch spec.kind {
        case .source:
            let rules = ruleset.natRules.filter { if case .dnat = $0.action { return false }; return true }
            guard !rules.isEmpty else { return cutShort ?? .natMissing(namespace: ns, kind: "snat", command: spec.command) }
            let outside = routerLink(facing: spec.to, in: place)
            for rule in rules {
                if let hook = rule.hook, hook != "postrouting" {
                    return .natWrongChain(namespace: ns, rule: rule.shown, found: rule.chain, expected: "POSTROUTING", command: spec.command,
                                          legacy: rule.legacy)
                }
                if let out = rule.outputInterface, let outside, !FilterRule.interface(out, matches: outside) {
                    return .natWrongInterface(namespace: ns, rule: rule.shown, found: out, expected: outside, command: spec.command,
                                              legacy: rule.legacy)
                }
                if let src = rule.source, let original = insideAddress(spec, world: world), !src.contains(original) {
                    return .natWrongMatch(namespace: ns, rule: rule.shown, what: Localized(
                        id: "nat.mismatch.source", ["source": src.cidr, "address": original]), command: spec.command, legacy: rule.legacy)
                }
                if case .snat(let to?) = rule.action, to != spec.translated {
                    return .natWrongTarget(namespace: ns, rule: rule.shown, found: "\(to)", expected: "\(spec.translated)", command: spec.command,
                                           legacy: rule.legacy)
                }
            }
            if let translatedTo {
                return .natWrongTarget(namespace: ns, rule: rules.first?.shown, found: translatedTo, expected: "\(spec.translated)",
                                       command: spec.command, legacy: rules.first?.legacy ?? false)
            }
            return cutShort ?? .natNotApplied(namespace: ns, rules: rules.map(\.shown), command: spec.command,
                                              legacy: rules.allSatisfy(\.legacy))
        case .destination:
            let rules = ruleset.natRules.filter { if case .dnat = $0.action { return true }; return false }
            guard !rules.isEmpty else { return cutShort ?? .natMissing(namespace: ns, kind: "dnat", command: spec.command) }
            for rule in rules {
                if let hook = rule.hook, hook != "prerouting" {
                    return .natWrongChain(namespace: ns, rule: rule.shown, found: rule.chain, expected: "PREROUTING", command: spec.command,
                                          legacy: rule.legacy)
                }
                if let dst = rule.destination, !dst.contains(spec.to) {
                    let d = dst.length == 32 ? dst.address.description : dst.cidr
                    return .natWrongMatch(namespace: ns, rule: rule.shown, what: Localized(
                        id: "nat.mismatch.destination", ["found": d, "expected": spec.to]), command: spec.command, legacy: rule.legacy)
                }
                if let port = rule.destinationPort, let want = spec.port, port != want {
                    return .natWrongMatch(namespace: ns, rule: rule.shown, what: Localized(
                        id: "nat.mismatch.port", ["found": port, "expected": want]), command: spec.command, legacy: rule.legacy)
                }
                if rule.transportProtocol == "udp" {
                    return .natWrongMatch(namespace: ns, rule: rule.shown, what: Localized(id: "nat.mismatch.udp"), command: spec.command,
                                          legacy: rule.legacy)
                }
                if case .dnat(let to?, let port) = rule.action, to != spec.translated || (port != nil && port != spec.port) {
                    let found = "\(to)" + (port.map { ":\($0)" } ?? "")
                    return .natWrongTarget(namespace: ns, rule: rule.shown, found: found, expected: "\(spec.translated)", command: spec.command,
                                           legacy: rule.legacy)
                }
            }
            return cutShort ?? .natNotApplied(namespace: ns, rules: rules.map(\.shown), command: spec.command,
                                              legacy: rules.allSatisfy(\.legacy))
        }
    }

    /// The router's interface on the subnet of `address` (where packets to it leave).
    static func routerLink(facing address: IPv4Address, in place: World.Place) -> String? {
        place.snapshot.addresses.first { $0.prefix.contains(address) }.flatMap { place.snapshot.link(index: $0.interfaceIndex)?.name }
    }

    /// The address the probe leaves `from` with.
    static func insideAddress(_ spec: NATSpec, world: World) -> IPv4Address? {
        guard let p = world.place(spec.from), case .success(.route(_, _, let src, _)) = world.lookup(p, to: spec.to) else { return nil }
        return src
    }
}

extension NATRule {
    /// The rule is in iptables-legacy's tables (its hints say so).
    var legacy: Bool { backend == .legacy }
}
