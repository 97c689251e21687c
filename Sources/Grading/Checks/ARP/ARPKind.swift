import Addresses
import Capture
import JSON
import Localization
import Packets
import Probes

/// One check per `arp` item: netcheck asks "who-has TARGET" out of the link itself and must see the reply.
enum ARPFamily: CheckFamily {
    static var fileKey: String? { "arp" }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {
        exercise.arp = try file.array("arp").map(ExerciseLoader.arp)
    }

    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.arp.map { a in
            PlannedCheck(
                id: a.id ?? "\(a.namespace).arp.\(a.target)",
                title: Localized(id: "check.arp.title", ["target": a.target, "link": a.link, "namespace": a.namespace, "mac": a.mac]),
                namespaces: [a.namespace], kind: ARPKind(spec: a), hint: a.hint)
        }
    }
}

struct ARPKind: CheckKind {
    let spec: ARPSpec

    func captures(_ check: PlannedCheck, _ probing: Probing, results: inout ProbeResults) -> [Probing.PlannedCapture] {
        guard let place = probing.world.livePlace(spec.namespace) else { return [] }
        let spec = self.spec
        let mac = place.snapshot.link(named: spec.link)?.mac
        return [Probing.PlannedCapture(key: CaptureKey(check.id), request: .init(interface: spec.link, namespace: place.handle,
                                                                                 filter: Self.filter(spec, from: mac)),
                                       injector: true, make: { capture, injector in
                                           Self.watcher(spec, in: place, capture: capture, injector: injector!) })]
    }

    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict {
        ARPCheck.evaluate(spec, capture: run.probes.captures[CaptureKey(check.id)], exercise: run.exercise, world: run.world)
    }

    /// Requests for TARGET sent from this link (netcheck's own, the kernel's), and TARGET's replies. Requests
    /// from other hosts (a flood on a bridge) are not the exchange, and would fill the capture buffer; without
    /// the link's MAC, every request for TARGET.
    static func filter(_ spec: ARPSpec, from mac: MACAddress?) -> String {
        let target = "0x" + String(spec.target.value, radix: 16)
        let sender = mac.map { " and ether src \($0)" } ?? ""
        return "arp and ((arp[6:2] = 1 and arp[24:4] = \(target)\(sender)) or (arp[6:2] = 2 and arp[14:4] = \(target)))"
    }

    /// Sends "who-has TARGET tell OURS" out of the link when the run starts; satisfied by TARGET's reply, which
    /// decides the check.
    static func watcher(_ spec: ARPSpec, in place: World.Place, capture: LiveCapture, injector: LiveCapture) -> Probing.Watcher {
        let link = place.snapshot.link(named: spec.link)
        let addresses = link.map { place.snapshot.addresses(on: $0) } ?? []
        let sender = (addresses.first { $0.prefix.contains(spec.target) } ?? addresses.first)?.address ?? IPv4Address(0)
        let mac = link?.mac
        return Probing.Watcher(capture: capture, examine: { captured in
            let frame = DecodedFrame(captured)
            let reply = frame.arp.map { $0.operation == 2 && $0.senderIP == spec.target } ?? false
            return .init(frame, decisive: reply, satisfied: reply)
        }, onStart: {
            guard let mac else { return }
            try injector.inject(ARPPacket.requestFrame(senderMAC: mac, senderIP: sender, targetIP: spec.target))
        })
    }
}
