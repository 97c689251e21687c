import Addresses
import Capture
import JSON
import Localization
import Packets
import Probes

/// Two checks per `dhcp` item: the server offers an address of the range to netcheck's own DISCOVER, and the
/// client holds a leased address of it.
enum DHCPFamily: CheckFamily {
    static var fileKey: String? { "dhcp" }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {
        exercise.dhcp = try file.array("dhcp").map(ExerciseLoader.dhcp)
    }

    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.dhcp.flatMap { d in [
            PlannedCheck(
                id: d.id.map { $0 + ".offer" } ?? "\(d.server).dhcp.offer",
                title: Localized(id: "check.dhcpOffer.title", ["link": d.link, "range": d.rangeText]),
                namespaces: [d.client, d.server], kind: DHCPOfferKind(spec: d), hint: d.hint),
            PlannedCheck(
                id: d.id.map { $0 + ".lease" } ?? "\(d.client).dhcp.lease",
                title: Localized(id: "check.dhcpLease.title", ["link": d.link, "namespace": d.client, "range": d.rangeText]),
                namespaces: [d.client], kind: DHCPLeaseKind(spec: d), hint: d.hint),
        ] }
    }
}

/// Sends a DISCOVER from netcheck's hardware address for the client link (never a REQUEST: no lease is taken)
/// and waits for the OFFER that answers it.
struct DHCPOfferKind: CheckKind {
    let spec: DHCPSpec

    func captures(_ check: PlannedCheck, _ probing: Probing, results: inout ProbeResults) -> [Probing.PlannedCapture] {
        guard let place = probing.world.livePlace(spec.client) else { return [] }
        var rng = SystemRandomNumberGenerator()
        let xid = UInt32.random(in: 1...UInt32.max, using: &rng)
        results.dhcpTransactions[check.id] = xid
        let mac = Self.clientMAC(spec)
        let patience = min(Self.patience, probing.latest ?? Self.patience)
        return [Probing.PlannedCapture(key: CaptureKey(check.id), request: .init(interface: spec.link, namespace: place.handle,
                                                                                 filter: Self.filter(xid: xid)),
                                       injector: true, make: { capture, injector in
                                           Self.watcher(xid: xid, mac: mac, capture: capture, injector: injector!, patience: patience) })]
    }

    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict {
        DHCPOfferCheck.evaluate(spec, check: check, probes: run.probes, exercise: run.exercise, world: run.world)
    }

    static let patience = Duration.milliseconds(4000)

    /// The hardware address netcheck's DISCOVERs on `spec`'s client link come from: locally administered,
    /// unicast, and the same in every run. dnsmasq pings the address it picks (from a hash of the hardware
    /// address) for 3 s before it offers it, hearing no other DHCP packet meanwhile, and then remembers for 30 s
    /// that nobody answered: a second run at the same moment (another learner's grader, a CI job) asks from the
    /// same hardware address, gets the same address, found in that cache, and is answered right after the first.
    /// A fresh random address each run needed a ping each, one after the other: the second OFFER came after 6 s.
    static func clientMAC(_ spec: DHCPSpec) -> MACAddress {
        // FNV-1a, 64 bits, over "netcheck dhcp CLIENT LINK".
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "netcheck dhcp \(spec.client) \(spec.link)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return MACAddress(bytes: [0x02] + (0..<5).map { UInt8(truncatingIfNeeded: hash >> (8 * $0)) })!
    }

    static func watcher(xid: UInt32, mac: MACAddress, capture: LiveCapture, injector: LiveCapture, patience: Duration) -> Probing.Watcher {
        Probing.Watcher(capture: capture, patience: patience, examine: { captured in
            let frame = DecodedFrame(captured)
            let mine = frame.dhcp?.transactionID == xid
            return .init(frame, decisive: mine, satisfied: mine && frame.dhcp?.messageType == 2)
        }, onStart: {
            try injector.inject(DHCPMessage.discoverFrame(clientMAC: mac, transactionID: xid))
        })
    }

    /// netcheck's DISCOVER and what answers it: BOOTP with its transaction id (udp[12:4], the xid after the
    /// 8-byte UDP header and op, htype, hlen, hops). Only the exchange: a flood on the DHCP ports (a learner's
    /// loop, 50,000 frames a second) never reaches the capture buffer, so it cannot crowd the OFFER out of it.
    static func filter(xid: UInt32) -> String {
        "udp and (port 67 or port 68) and udp[12:4] = 0x" + String(xid, radix: 16)
    }
}

struct DHCPLeaseKind: CheckKind {
    let spec: DHCPSpec
    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict { DHCPLeaseCheck.evaluate(spec, exercise: run.exercise, world: run.world) }
}
