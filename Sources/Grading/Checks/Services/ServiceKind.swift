import Capture
import JSON
import Localization
import Packets
import Probes

/// Two checks per `services` item: something is bound to its address and port, and it answers as it should.
enum ServiceFamily: CheckFamily {
    static var fileKey: String? { "services" }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {
        exercise.services = try file.array("services").map(ExerciseLoader.service)
    }

    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.services.flatMap { v -> [PlannedCheck] in
            let base = v.id ?? "\(v.namespace).\(v.transport.rawValue).\(v.port)"
            let what: Localized
            switch v.talk {
            case .datagram: what = Localized(id: "check.service.title.datagram", ["service": v.label])
            case .connect: what = Localized(id: "check.service.title.connect", ["service": v.label])
            case .http: what = Localized(id: "check.service.title.http", ["service": v.label, "title": v.title ?? ""])
            case .echo: what = Localized(id: "check.service.title.echo", ["service": v.label])
            case .sum: what = Localized(id: "check.service.title.sum", ["service": v.label])
            }
            return [
                PlannedCheck(id: base + ".bound", title: Localized(id: "check.service.title.bound", ["service": v.label]),
                             namespaces: [v.namespace], kind: ServiceBoundKind(spec: v), hint: v.hint),
                PlannedCheck(id: base + "." + v.talk.rawValue, title: what, namespaces: [v.namespace], kind: ServiceTalkKind(spec: v), hint: v.hint),
            ]
        }
    }
}

/// Its namespace's sockets are read before netcheck sends anything, and again after the conversations.
struct ServiceBoundKind: CheckKind {
    let spec: ServiceSpec
    func request(_ check: PlannedCheck, world: World, _ requests: inout ProbeRequests) { requests.services.append(spec) }
    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict { ServiceChecks.evaluateBound(spec, probes: run.probes, world: run.world) }
}

/// One conversation with the server, from inside its namespace; datagrams and bare connections are watched on lo.
struct ServiceTalkKind: CheckKind {
    let spec: ServiceSpec

    func request(_ check: PlannedCheck, world: World, _ requests: inout ProbeRequests) {
        guard let place = world.livePlace(spec.namespace) else { return }
        requests.talks.append((check.id, spec, place))
    }

    func captures(_ check: PlannedCheck, _ probing: Probing, results: inout ProbeResults) -> [Probing.PlannedCapture] {
        guard spec.talk == .datagram || spec.talk == .connect, let place = probing.world.livePlace(spec.namespace) else { return [] }
        // `tcpdump -i lo`, as the book watches it; satisfied at once: the conversation comes after the pings.
        return [Probing.PlannedCapture(key: CaptureKey(check.id), request: .init(interface: "lo", namespace: place.handle,
                                                                                 filter: "\(spec.transport.rawValue) port \(spec.port) or icmp"),
                                       injector: false, make: { capture, _ in
                                           Probing.Watcher(capture: capture, satisfied: true, examine: { .init(DecodedFrame($0)) }) })]
    }

    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict {
        ServiceChecks.evaluateTalk(spec, check: check, probes: run.probes, world: run.world)
    }
}
