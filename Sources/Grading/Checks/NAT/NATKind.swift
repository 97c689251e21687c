import Addresses
import Capture
import Glibc
import JSON
import Kernel
import Localization
import Packets
import Probes

/// One check per `nat` item: a translation by the router, proven on the wire on both of its sides at once.
enum NATFamily: CheckFamily {
    static var fileKey: String? { "nat" }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {
        exercise.nat = try file.array("nat").map(ExerciseLoader.nat)
    }

    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.nat.map { n in
            let id: String, title: Localized
            switch n.kind {
            case .source:
                id = n.id ?? "\(n.router).snat.\(n.from)"
                title = Localized(id: "check.snat.title", ["router": n.router, "from": n.from, "translated": n.translated])
            case .destination:
                let port = n.port.map { ":\($0)" } ?? ""
                id = n.id ?? "\(n.router).dnat.\(n.to)\(port)"
                title = Localized(id: "check.dnat.title", ["router": n.router, "to": "\(n.to)\(port)", "translated": "\(n.translated)\(port)"])
            }
            return PlannedCheck(id: id, title: title, namespaces: [n.from, n.router, n.inside.namespace, n.outside.namespace],
                                kind: NATKind(spec: n), hint: n.hint)
        }
    }
}

/// The probe: a ping (source NAT, and destination NAT without a port) or a TCP SYN of netcheck's own to the port,
/// watched on the inside and the outside link.
struct NATKind: CheckKind {
    let spec: NATSpec

    func request(_ check: PlannedCheck, world: World, _ requests: inout ProbeRequests) {
        guard spec.port == nil, let place = world.livePlace(spec.from) else { return }
        requests.pings.append((check.id, EchoRequest(namespace: place.handle, source: nil, destination: spec.to)))
    }

    func captures(_ check: PlannedCheck, _ probing: Probing, results: inout ProbeResults) -> [Probing.PlannedCapture] {
        let world = probing.world
        guard let inside = world.livePlace(spec.inside.namespace), let outside = world.livePlace(spec.outside.namespace),
              let from = world.livePlace(spec.from) else { return [] }
        let filter: String
        var send: (() throws -> Void)?
        if let port = spec.port {
            let sourcePort = TCPSyn.randomSourcePort()
            results.synPorts[check.id] = sourcePort
            filter = "tcp port \(sourcePort)"
            send = Self.synSender(spec, port: port, sourcePort: sourcePort, from: from, world: world)
        } else {
            guard let id = results.identifiers[check.id] else { return [] }
            filter = Probing.echoFilter(identifier: id)
        }
        let wantAnswer = spec.port != nil
        return [
            Probing.PlannedCapture(key: CaptureKey(check.id, .inside),
                                   request: .init(interface: spec.inside.name, namespace: inside.handle, filter: filter),
                                   injector: false, make: { capture, _ in Self.exchangeWatcher(capture, tcp: wantAnswer) }),
            Probing.PlannedCapture(key: CaptureKey(check.id, .outside),
                                   request: .init(interface: spec.outside.name, namespace: outside.handle, filter: filter),
                                   injector: false, make: { capture, _ in Self.exchangeWatcher(capture, tcp: wantAnswer, onStart: send) }),
        ]
    }

    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict {
        NATCheck.evaluate(spec, check: check, probes: run.probes, exercise: run.exercise, world: run.world)
    }

    /// Sends the SYN from `from`'s address towards `to` (the one `ip route get` picks), when the run starts.
    static func synSender(_ spec: NATSpec, port: UInt16, sourcePort: UInt16, from: World.Place, world: World) -> () throws -> Void {
        let source: IPv4Address?
        if case .success(.route(_, _, let preferred, _)) = world.lookup(from, to: spec.to) { source = preferred } else { source = nil }
        return {
            guard let source else { throw KernelError("ip route get \(spec.to)", namespace: from.label, errno: ENETUNREACH) }
            if let errno = try TCPSyn.send(from: from.handle, source: source, sourcePort: sourcePort, to: spec.to, port: port) {
                throw KernelError("send TCP SYN to \(spec.to):\(port)", namespace: from.label, errno: errno)
            }
        }
    }

    /// Satisfied once a request and its answer have crossed: echo request and reply, or SYN and SYN-ACK/RST.
    /// Both decide the check (the filter lets only the probe's own packets through).
    static func exchangeWatcher(_ capture: LiveCapture, tcp: Bool, onStart: (() throws -> Void)? = nil) -> Probing.Watcher {
        var sawRequest = false, sawAnswer = false
        return Probing.Watcher(capture: capture, examine: { captured in
            let frame = DecodedFrame(captured)
            let request: Bool, answer: Bool
            if tcp, let t = frame.tcp {
                request = t.flags.intersection([.syn, .ack]) == .syn
                answer = t.flags.isSuperset(of: [.syn, .ack]) || t.flags.contains(.rst)
            } else if !tcp, let icmp = frame.icmp {
                request = icmp.type == 8
                answer = icmp.type == 0
            } else {
                return .init(frame)
            }
            sawRequest = sawRequest || request
            sawAnswer = sawAnswer || answer
            return .init(frame, decisive: request || answer, satisfied: sawRequest && sawAnswer)
        }, onStart: onStart)
    }
}
