import Capture
import JSON
import Localization
import Packets
import Probes

/// One check per `reachability` item: netcheck's own ping from the namespace (and source address) to the address.
/// The book's steps add pings of their own that must still fail (`stepItem`).
enum PingFamily: CheckFamily {
    static var fileKey: String? { "reachability" }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {
        exercise.reachability = try file.array("reachability").map(ExerciseLoader.reachability)
    }

    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.reachability.map { r in
            let from = r.from + (r.source.map { " (\($0))" } ?? "")
            let title: Localized
            if !r.reachable {
                title = Localized(id: "check.ping.title.unreachable", ["from": from, "to": r.to])
            } else if let ttl = r.ttl {
                title = Localized(id: "check.ping.title.ttl", ["from": from, "to": r.to, "ttl": ttl])
            } else {
                title = Localized(id: "check.ping.title", ["from": from, "to": r.to])
            }
            return PlannedCheck(id: pingID(r), title: title, namespaces: [r.from], kind: PingKind(spec: r), hint: r.hint)
        }
    }

    static func pingID(_ r: ReachabilitySpec) -> String { r.id ?? "\(r.from).ping.\(r.to)" }

    /// A step's own ping: reported under its step only.
    static func stepItem(_ r: ReachabilitySpec) -> PlannedCheck {
        let from = r.from + (r.source.map { " (\($0))" } ?? "")
        let title: Localized
        if r.reachable {
            title = Localized(id: "check.ping.title", ["from": from, "to": r.to])
        } else if let failure = r.failsWith {
            title = Localized(id: "step.ping.title.failsWith", ["from": from, "to": r.to, "failure": ReachabilityCheck.describe(failure)])
        } else {
            title = Localized(id: "step.ping.title.notYet", ["from": from, "to": r.to])
        }
        var check = PlannedCheck(id: pingID(r), title: title, namespaces: [r.from], kind: PingKind(spec: r), hint: r.hint)
        check.stepOnly = true
        return check
    }
}

/// One check per `frames` item of a ping: what its echo request and reply look like on one link.
enum FramesFamily: CheckFamily {
    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.reachability.flatMap { r in
            r.frames.map { f in
                var arguments: [String: any MessageArgument] = ["from": r.from, "to": r.to, "link": f.link, "namespace": f.namespace]
                let macs = f.sourceMAC.flatMap { s in f.destinationMAC.map { (s, $0) } }
                if let (s, d) = macs { arguments["source"] = s; arguments["destination"] = d }
                if let t = f.ttl { arguments["ttl"] = t }
                let id = switch (macs != nil, f.ttl != nil) {
                case (false, false): "check.frames.title"
                case (true, false): "check.frames.title.macs"
                case (false, true): "check.frames.title.ttl"
                case (true, true): "check.frames.title.macs.ttl"
                }
                return PlannedCheck(
                    id: f.id ?? "\(f.namespace).frames.\(f.link)", title: Localized(id: id, arguments),
                    namespaces: [r.from, f.namespace], kind: FramesKind(ping: PingFamily.pingID(r), spec: r, frame: f), hint: f.hint)
            }
        }
    }
}

struct PingKind: CheckKind {
    let spec: ReachabilitySpec

    func request(_ check: PlannedCheck, world: World, _ requests: inout ProbeRequests) {
        guard let place = world.livePlace(spec.from) else { return }
        requests.pings.append((check.id, EchoRequest(namespace: place.handle, source: spec.source, destination: spec.to)))
    }

    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict {
        ReachabilityCheck.evaluate(spec, outcome: run.probes.echo[check.id], timeoutMs: run.probes.timeoutMs,
                                   cutByDeadline: run.probes.timeoutCutByDeadline, neighbourTableFull: run.neighbourTableFull,
                                   neighbourTableLimit: run.probes.neighbourTableAfter?.limit,
                                   exercise: run.exercise, world: run.world)
    }
}

struct FramesKind: CheckKind {
    /// The id of the ping check whose frames these are.
    let ping: String
    let spec: ReachabilitySpec
    let frame: FrameSpec

    func captures(_ check: PlannedCheck, _ probing: Probing, results: inout ProbeResults) -> [Probing.PlannedCapture] {
        guard let id = results.identifiers[ping], let place = probing.world.livePlace(frame.namespace) else { return [] }
        let spec = self.spec
        return [Probing.PlannedCapture(key: CaptureKey(check.id), request: .init(interface: frame.link, namespace: place.handle,
                                                                                 filter: Probing.echoFilter(identifier: id)),
                                       injector: false, make: { capture, _ in Self.watcher(spec, capture: capture) })]
    }

    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict {
        FramesCheck.evaluate(spec, frame, outcome: run.probes.echo[ping], capture: run.probes.captures[CaptureKey(check.id)],
                             exercise: run.exercise, world: run.world)
    }

    /// Satisfied once the request (and the reply, when one is expected) has crossed; both decide the check.
    static func watcher(_ spec: ReachabilitySpec, capture: LiveCapture) -> Probing.Watcher {
        let wantReply = spec.reachable
        var sawRequest = false, sawReply = false
        return Probing.Watcher(capture: capture, examine: { captured in
            let frame = DecodedFrame(captured)
            let type = frame.icmp?.type
            sawRequest = sawRequest || type == 8
            sawReply = sawReply || type == 0
            return .init(frame, decisive: type == 8 || type == 0, satisfied: sawRequest && (!wantReply || sawReply))
        })
    }
}
