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
    /// What each capture saw, by capture key: the check id, or `ID#inside` / `ID#outside` for NAT checks.
    var captures: [String: Result<[CapturedFrame], Error>] = [:]
    /// The TCP source port of each NAT check's SYN, and the errno if it could not be sent.
    var synPorts: [String: UInt16] = [:]
    var synErrors: [String: Error] = [:]
    /// The transaction id of each DHCP check's DISCOVER.
    var dhcpTransactions: [String: UInt32] = [:]
    /// What talking to each service gave, by check id.
    var talks: [String: Talk] = [:]
    /// The sockets of each namespace with services, before and after the conversations, by namespace name.
    var sockets: [String: ServiceSockets] = [:]

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
        var make: (LiveCapture, LiveCapture?) -> FrameWatcher
    }

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
                guard let place = world.place(spec.from) else { continue }
                pingIDs.append(check.id)
                requests.append(EchoRequest(namespace: place.namespace, source: spec.source, destination: spec.to))
            case .nat(let spec) where spec.port == nil:
                guard let place = world.place(spec.from) else { continue }
                pingIDs.append(check.id)
                requests.append(EchoRequest(namespace: place.namespace, source: nil, destination: spec.to))
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
        var watchers: [String: FrameWatcher] = [:]
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
            guard case .serviceTalk(let spec) = check.kind, let place = world.place(spec.namespace) else { return nil }
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
            ServiceSockets.readAfter(&results.sockets, services, world: world)
        }
        for (key, watcher) in watchers {
            if let error = watcher.startError {
                if key.hasSuffix("#outside") { results.synErrors[String(key.dropLast("#outside".count))] = error }
                else { results.captures[key] = .failure(error) }
            }
            if results.captures[key] == nil { results.captures[key] = .success(watcher.frames) }
        }
        return results
    }

    /// The captures one check needs (none for checks that only inspect).
    func captures(for check: PlannedCheck, results: inout ProbeResults) -> [PlannedCapture] {
        switch check.kind {
        case let .frames(ping, spec, frame):
            guard let id = results.identifiers[ping], let place = world.place(frame.namespace) else { return [] }
            return [PlannedCapture(key: check.id, request: .init(interface: frame.link, namespace: place.namespace,
                                                                 filter: Self.echoFilter(identifier: id)),
                                   injector: false, make: { capture, _ in Self.framesWatcher(spec, capture: capture) })]
        case .arp(let spec):
            guard let place = world.place(spec.namespace) else { return [] }
            return [PlannedCapture(key: check.id, request: .init(interface: spec.link, namespace: place.namespace, filter: Self.arpFilter(spec)),
                                   injector: true, make: { capture, injector in
                                       Self.arpWatcher(spec, in: place, capture: capture, injector: injector!) })]
        case .nat(let spec):
            guard let inside = world.place(spec.inside.namespace), let outside = world.place(spec.outside.namespace),
                  let from = world.place(spec.from) else { return [] }
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
                               request: .init(interface: spec.inside.name, namespace: inside.namespace, filter: filter),
                               injector: false, make: { capture, _ in Self.exchangeWatcher(capture, tcp: wantAnswer) }),
                PlannedCapture(key: ProbeResults.outsideKey(check.id),
                               request: .init(interface: spec.outside.name, namespace: outside.namespace, filter: filter),
                               injector: false, make: { capture, _ in Self.exchangeWatcher(capture, tcp: wantAnswer, onStart: send) }),
            ]
        case .serviceTalk(let spec) where spec.talk == .datagram || spec.talk == .connect:
            guard let place = world.place(spec.namespace) else { return [] }
            // `tcpdump -i lo`, as the book watches it; satisfied at once: the conversation comes after the pings.
            return [PlannedCapture(key: check.id, request: .init(interface: "lo", namespace: place.namespace,
                                                                 filter: "\(spec.transport.rawValue) port \(spec.port) or icmp"),
                                   injector: false, make: { capture, _ in FrameWatcher(capture: capture, satisfied: { _ in true }) })]
        case .dhcpOffer(let spec):
            guard let place = world.place(spec.client) else { return [] }
            var rng = SystemRandomNumberGenerator()
            let xid = UInt32.random(in: 1...UInt32.max, using: &rng)
            results.dhcpTransactions[check.id] = xid
            return [PlannedCapture(key: check.id, request: .init(interface: spec.link, namespace: place.namespace,
                                                                 filter: "udp and (port 67 or port 68)"),
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
            if let errno = try TCPSyn.send(from: from.namespace, source: source, sourcePort: sourcePort, to: spec.to, port: port) {
                throw KernelError("send TCP SYN to \(spec.to):\(port)", namespace: from.label, errno: errno)
            }
        }
    }

    /// Satisfied once a request and its answer have crossed: echo request and reply, or SYN and SYN-ACK/RST.
    static func exchangeWatcher(_ capture: LiveCapture, tcp: Bool, onStart: (() throws -> Void)? = nil) -> FrameWatcher {
        FrameWatcher(capture: capture, satisfied: { frames in
            let seen = frames.map(DecodedFrame.init)
            if tcp {
                return seen.contains { $0.tcp.map { $0.flags & 0x12 == 0x02 } ?? false }
                    && seen.contains { $0.tcp.map { $0.flags & 0x12 == 0x12 || $0.flags & 0x04 != 0 } ?? false }
            }
            return seen.contains { $0.icmp?.type == 8 } && seen.contains { $0.icmp?.type == 0 }
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

    static func dhcpWatcher(xid: UInt32, mac: MACAddress, capture: LiveCapture, injector: LiveCapture, patience: Duration) -> FrameWatcher {
        return FrameWatcher(capture: capture, patience: patience, satisfied: { frames in
            frames.map(DecodedFrame.init).contains { $0.dhcp?.transactionID == xid && $0.dhcp?.messageType == 2 }
        }, onStart: {
            try injector.inject(DHCPMessage.discoverFrame(clientMAC: mac, transactionID: xid))
        })
    }

    /// `tcpdump -i LINK 'icmp and icmp[4:2] = ID'`: the ping's echo request and reply, nothing else.
    static func echoFilter(identifier: UInt16) -> String {
        "icmp and icmp[4:2] = \(identifier) and (icmp[0] = 8 or icmp[0] = 0)"
    }

    /// Requests for TARGET and TARGET's replies.
    static func arpFilter(_ spec: ARPSpec) -> String {
        let target = "0x" + String(spec.target.value, radix: 16)
        return "arp and ((arp[6:2] = 1 and arp[24:4] = \(target)) or (arp[6:2] = 2 and arp[14:4] = \(target)))"
    }

    /// Satisfied once the request (and the reply, when one is expected) has crossed.
    static func framesWatcher(_ spec: ReachabilitySpec, capture: LiveCapture) -> FrameWatcher {
        let wantReply = spec.reachable
        return FrameWatcher(capture: capture, satisfied: { frames in
            let types = frames.compactMap { DecodedFrame($0).icmp?.type }
            return types.contains(8) && (!wantReply || types.contains(0))
        })
    }

    /// Sends "who-has TARGET tell OURS" out of the link when the run starts; satisfied by TARGET's reply.
    static func arpWatcher(_ spec: ARPSpec, in place: World.Place, capture: LiveCapture, injector: LiveCapture) -> FrameWatcher {
        let link = place.snapshot.link(named: spec.link)
        let addresses = link.map { place.snapshot.addresses(on: $0) } ?? []
        let sender = (addresses.first { $0.prefix.contains(spec.target) } ?? addresses.first)?.address ?? IPv4Address(0)
        let mac = link?.mac
        return FrameWatcher(capture: capture, satisfied: { frames in
            frames.contains { DecodedFrame($0).arp.map { $0.operation == 2 && $0.senderIP == spec.target } ?? false }
        }, onStart: {
            guard let mac else { return }
            try injector.inject(ARPPacket.requestFrame(senderMAC: mac, senderIP: sender, targetIP: spec.target))
        })
    }
}
