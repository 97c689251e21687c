import Addresses
import Capture
import Glibc
import Kernel
import NetlinkWire
import Packets
import Probes

/// Everything netcheck sends and watches in one run, sent together and collected in one poll loop:
/// echo requests, captures on the links the exercise names, ARP requests, DHCP discovers and TCP SYNs of its own.
struct ProbeResults {
    /// Echo outcomes by the id of the check that sent them (reachability, source NAT).
    var echo: [String: Result<EchoOutcome, Error>] = [:]
    /// The ICMP identifier each ping carried, by check id.
    var identifiers: [String: UInt16] = [:]
    /// What each capture kept, by capture key: the check id, or `ID#inside` / `ID#outside` for NAT checks.
    var captures: [String: Result<CaptureRecord, Error>] = [:]
    /// The TCP source port of each NAT check's SYN, and the errno if it could not be sent.
    var synPorts: [String: UInt16] = [:]
    var synErrors: [String: Error] = [:]
    /// The transaction id of each DHCP check's DISCOVER.
    var dhcpTransactions: [String: UInt32] = [:]
    /// What talking to each service gave, by check id.
    var talks: [String: Talk] = [:]
    /// The sockets of each namespace with services, before and after the conversations, by namespace name.
    var sockets: [String: ServiceSockets] = [:]

    /// How long the probes waited (ms), and whether the run's deadline cut that below --timeout.
    var timeoutMs = 0
    var timeoutCutByDeadline = false

    static func insideKey(_ id: String) -> String { id + "#inside" }
    static func outsideKey(_ id: String) -> String { id + "#outside" }
}

struct Probing {
    let plan: Plan
    let world: World
    let timeout: Duration
    /// The longest any watcher may wait (the run's deadline), whatever its own patience.
    var latest: Duration? = nil

    /// One capture to open, and what to make of it once open.
    struct PlannedCapture {
        var key: String
        var request: LiveCapture.Request
        /// Builds the watcher from the opened handles: this one and, when `injector` is set, a second handle
        /// on the same link that sends (so the first sees what is sent cross like any other frame).
        var injector: Bool
        var make: (LiveCapture, LiveCapture?) -> Watcher
    }

    typealias Watcher = FrameWatcher<DecodedFrame>

    func run() -> ProbeResults {
        var results = ProbeResults()
        // The learner's servers as they are before netcheck sends anything: one that serves a single client
        // (the book's `nc -l`, echoserver.py, addserver.py) is gone after netcheck's conversation with it.
        let services = plan.checks.compactMap { check -> ServiceSpec? in
            if case .serviceBound(let spec) = check.kind { return spec } else { return nil }
        }
        let started = Monotonic.microseconds()
        results.sockets = ServiceSockets.read(services, world: world,
                                              ownersDeadline: started + Monotonic.microseconds(min(timeout, latest ?? timeout)))
        var pingIDs: [String] = []
        var requests: [EchoRequest] = []
        for check in plan.checks {
            switch check.kind {
            case .reachability(let spec):
                guard let place = world.livePlace(spec.from) else { continue }
                pingIDs.append(check.id)
                requests.append(EchoRequest(namespace: place.handle, source: spec.source, destination: spec.to))
            case .nat(let spec) where spec.port == nil:
                guard let place = world.livePlace(spec.from) else { continue }
                pingIDs.append(check.id)
                requests.append(EchoRequest(namespace: place.handle, source: nil, destination: spec.to))
            default:
                continue
            }
        }
        let identifiers = EchoProbe.makeIdentifiers(count: requests.count)
        results.identifiers = Dictionary(uniqueKeysWithValues: zip(pingIDs, identifiers))

        let planned = plan.checks.flatMap { captures(for: $0, results: &results) }
        // Captures are open before anything is sent, so the first frame is not missed. They are opened (and
        // closed) all at once: each packet socket costs the kernel a grace period.
        let requestsToOpen = planned.flatMap { p in p.injector ? [p.request, Self.injectorRequest(p.request)] : [p.request] }
        let opened = LiveCapture.open(requestsToOpen)
        let allCaptures = opened.compactMap { try? $0.get() }
        defer { LiveCapture.close(allCaptures) }
        var watchers: [String: Watcher] = [:]
        var next = 0
        for item in planned {
            let count = item.injector ? 2 : 1
            let mine = opened[next..<next + count]
            next += count
            do {
                let handles = try mine.map { try $0.get() }
                watchers[item.key] = item.make(handles[0], handles.count > 1 ? handles[1] : nil)
            } catch {
                results.captures[item.key] = .failure(error)
            }
        }

        do {
            let echoes = try EchoProbe.run(requests, identifiers: identifiers, watchers: Array(watchers.values), timeout: timeout)
            for (id, echo) in zip(pingIDs, echoes) { results.echo[id] = .success(echo.outcome) }
        } catch {
            for id in pingIDs { results.echo[id] = .failure(error) }
        }
        // Servers are talked to after the pings, all at once (each on a thread of its own) and all by one
        // deadline: six silent servers take one timeout, not six. Their captures on lo are still open, and are
        // read once the conversations are over.
        let talks = plan.checks.compactMap { check -> (id: String, spec: ServiceSpec, place: World.Place)? in
            guard case .serviceTalk(let spec) = check.kind, let place = world.livePlace(spec.namespace) else { return nil }
            return (check.id, spec, place)
        }
        if !talks.isEmpty {
            let deadline = Monotonic.microseconds() + Monotonic.microseconds(timeout)
            let states = talks.map { t in (try? results.sockets[t.spec.namespace]?.before.get()).map { ServiceState(spec: t.spec, sockets: $0) } }
            final class Outcomes: @unchecked Sendable { var talks: [Talk?] = [] }
            let outcomes = Outcomes()
            outcomes.talks = Array(repeating: nil, count: talks.count)
            concurrently(talks.count) { i in
                outcomes.talks[i] = ServiceTalks.talk(talks[i].spec, in: talks[i].place, state: states[i], until: deadline)
            }
            for (t, talk) in zip(talks, outcomes.talks) {
                results.talks[t.id] = talk
                watchers[t.id]?.readAvailable()
            }
            let passed = Set(zip(talks, outcomes.talks).compactMap { t, talk in talk?.passed == true ? t.spec : nil })
            ServiceSockets.readAfter(&results.sockets, services, passed: passed, world: world)
        }
        for (key, watcher) in watchers {
            watcher.finish()
            if let error = watcher.startError {
                if key.hasSuffix("#outside") { results.synErrors[String(key.dropLast("#outside".count))] = error }
                else { results.captures[key] = .failure(error) }
            }
            if results.captures[key] == nil { results.captures[key] = .success(CaptureRecord(watcher)) }
        }
        return results
    }

    /// The captures one check needs (none for checks that only inspect).
    func captures(for check: PlannedCheck, results: inout ProbeResults) -> [PlannedCapture] {
        switch check.kind {
        case let .frames(ping, spec, frame):
            guard let id = results.identifiers[ping], let place = world.livePlace(frame.namespace) else { return [] }
            return [PlannedCapture(key: check.id, request: .init(interface: frame.link, namespace: place.handle,
                                                                 filter: Self.echoFilter(identifier: id)),
                                   injector: false, make: { capture, _ in Self.framesWatcher(spec, capture: capture) })]
        case .arp(let spec):
            guard let place = world.livePlace(spec.namespace) else { return [] }
            let mac = place.snapshot.link(named: spec.link)?.mac
            return [PlannedCapture(key: check.id, request: .init(interface: spec.link, namespace: place.handle,
                                                                 filter: Self.arpFilter(spec, from: mac)),
                                   injector: true, make: { capture, injector in
                                       Self.arpWatcher(spec, in: place, capture: capture, injector: injector!) })]
        case .nat(let spec):
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
                filter = Self.echoFilter(identifier: id)
            }
            let wantAnswer = spec.port != nil
            return [
                PlannedCapture(key: ProbeResults.insideKey(check.id),
                               request: .init(interface: spec.inside.name, namespace: inside.handle, filter: filter),
                               injector: false, make: { capture, _ in Self.exchangeWatcher(capture, tcp: wantAnswer) }),
                PlannedCapture(key: ProbeResults.outsideKey(check.id),
                               request: .init(interface: spec.outside.name, namespace: outside.handle, filter: filter),
                               injector: false, make: { capture, _ in Self.exchangeWatcher(capture, tcp: wantAnswer, onStart: send) }),
            ]
        case .serviceTalk(let spec) where spec.talk == .datagram || spec.talk == .connect:
            guard let place = world.livePlace(spec.namespace) else { return [] }
            // `tcpdump -i lo`, as the book watches it; satisfied at once: the conversation comes after the pings.
            return [PlannedCapture(key: check.id, request: .init(interface: "lo", namespace: place.handle,
                                                                 filter: "\(spec.transport.rawValue) port \(spec.port) or icmp"),
                                   injector: false, make: { capture, _ in Watcher(capture: capture, satisfied: true, examine: { .init(DecodedFrame($0)) }) })]
        case .dhcpOffer(let spec):
            guard let place = world.livePlace(spec.client) else { return [] }
            var rng = SystemRandomNumberGenerator()
            let xid = UInt32.random(in: 1...UInt32.max, using: &rng)
            results.dhcpTransactions[check.id] = xid
            return [PlannedCapture(key: check.id, request: .init(interface: spec.link, namespace: place.handle,
                                                                 filter: Self.dhcpFilter(xid: xid)),
                                   injector: true, make: { capture, injector in
                                       Self.dhcpWatcher(xid: xid, mac: Self.dhcpClientMAC(spec), capture: capture, injector: injector!,
                                                        patience: min(Self.dhcpPatience, latest ?? Self.dhcpPatience)) })]
        default:
            return []
        }
    }

    static func injectorRequest(_ r: LiveCapture.Request) -> LiveCapture.Request {
        LiveCapture.Request(interface: r.interface, namespace: r.namespace, filter: "less 1")
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
    static func exchangeWatcher(_ capture: LiveCapture, tcp: Bool, onStart: (() throws -> Void)? = nil) -> Watcher {
        var sawRequest = false, sawAnswer = false
        return Watcher(capture: capture, examine: { captured in
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

    /// Sends a DISCOVER from netcheck's hardware address for the client link (never a REQUEST: no lease is
    /// taken) and waits for the OFFER that answers it.
    static let dhcpPatience = Duration.milliseconds(4000)

    /// The hardware address netcheck's DISCOVERs on `spec`'s client link come from: locally administered,
    /// unicast, and the same in every run. dnsmasq pings the address it picks (from a hash of the hardware
    /// address) for 3 s before it offers it, hearing no other DHCP packet meanwhile, and then remembers for 30 s
    /// that nobody answered: a second run at the same moment (another learner's grader, a CI job) asks from the
    /// same hardware address, gets the same address, found in that cache, and is answered right after the first.
    /// A fresh random address each run needed a ping each, one after the other: the second OFFER came after 6 s.
    static func dhcpClientMAC(_ spec: DHCPSpec) -> MACAddress {
        // FNV-1a, 64 bits, over "netcheck dhcp CLIENT LINK".
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "netcheck dhcp \(spec.client) \(spec.link)".utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        return MACAddress(bytes: [0x02] + (0..<5).map { UInt8(truncatingIfNeeded: hash >> (8 * $0)) })!
    }

    static func dhcpWatcher(xid: UInt32, mac: MACAddress, capture: LiveCapture, injector: LiveCapture, patience: Duration) -> Watcher {
        Watcher(capture: capture, patience: patience, examine: { captured in
            let frame = DecodedFrame(captured)
            let mine = frame.dhcp?.transactionID == xid
            return .init(frame, decisive: mine, satisfied: mine && frame.dhcp?.messageType == 2)
        }, onStart: {
            try injector.inject(DHCPMessage.discoverFrame(clientMAC: mac, transactionID: xid))
        })
    }

    /// `tcpdump -i LINK 'icmp and icmp[4:2] = ID'`: the ping's echo request and reply, nothing else.
    static func echoFilter(identifier: UInt16) -> String {
        "icmp and icmp[4:2] = \(identifier) and (icmp[0] = 8 or icmp[0] = 0)"
    }

    /// netcheck's DISCOVER and what answers it: BOOTP with its transaction id (udp[12:4], the xid after the
    /// 8-byte UDP header and op, htype, hlen, hops). Only the exchange: a flood on the DHCP ports (a learner's
    /// loop, 50,000 frames a second) never reaches the capture buffer, so it cannot crowd the OFFER out of it.
    static func dhcpFilter(xid: UInt32) -> String {
        "udp and (port 67 or port 68) and udp[12:4] = 0x" + String(xid, radix: 16)
    }

    /// Requests for TARGET sent from this link (netcheck's own, the kernel's), and TARGET's replies. Requests
    /// from other hosts (a flood on a bridge) are not the exchange, and would fill the capture buffer; without
    /// the link's MAC, every request for TARGET.
    static func arpFilter(_ spec: ARPSpec, from mac: MACAddress?) -> String {
        let target = "0x" + String(spec.target.value, radix: 16)
        let sender = mac.map { " and ether src \($0)" } ?? ""
        return "arp and ((arp[6:2] = 1 and arp[24:4] = \(target)\(sender)) or (arp[6:2] = 2 and arp[14:4] = \(target)))"
    }

    /// Satisfied once the request (and the reply, when one is expected) has crossed; both decide the check.
    static func framesWatcher(_ spec: ReachabilitySpec, capture: LiveCapture) -> Watcher {
        let wantReply = spec.reachable
        var sawRequest = false, sawReply = false
        return Watcher(capture: capture, examine: { captured in
            let frame = DecodedFrame(captured)
            let type = frame.icmp?.type
            sawRequest = sawRequest || type == 8
            sawReply = sawReply || type == 0
            return .init(frame, decisive: type == 8 || type == 0, satisfied: sawRequest && (!wantReply || sawReply))
        })
    }

    /// Sends "who-has TARGET tell OURS" out of the link when the run starts; satisfied by TARGET's reply, which
    /// decides the check.
    static func arpWatcher(_ spec: ARPSpec, in place: World.Place, capture: LiveCapture, injector: LiveCapture) -> Watcher {
        let link = place.snapshot.link(named: spec.link)
        let addresses = link.map { place.snapshot.addresses(on: $0) } ?? []
        let sender = (addresses.first { $0.prefix.contains(spec.target) } ?? addresses.first)?.address ?? IPv4Address(0)
        let mac = link?.mac
        return Watcher(capture: capture, examine: { captured in
            let frame = DecodedFrame(captured)
            let reply = frame.arp.map { $0.operation == 2 && $0.senderIP == spec.target } ?? false
            return .init(frame, decisive: reply, satisfied: reply)
        }, onStart: {
            guard let mac else { return }
            try injector.inject(ARPPacket.requestFrame(senderMAC: mac, senderIP: sender, targetIP: spec.target))
        })
    }
}
