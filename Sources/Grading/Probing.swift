import Capture
import Kernel
import NetlinkWire
import Packets
import Probes

/// Everything netcheck sends and watches in one run, sent together and collected in one poll loop:
/// echo requests, captures of their frames on the links the exercise names, and ARP requests of its own.
struct ProbeResults {
    /// Echo outcomes by reachability check id.
    var echo: [String: Result<EchoOutcome, Error>] = [:]
    /// The ICMP identifier each ping carried, by reachability check id.
    var identifiers: [String: UInt16] = [:]
    /// What each capture saw, by the id of the check it serves (frames and ARP checks).
    var captures: [String: Result<[CapturedFrame], Error>] = [:]
}

struct Probing {
    let plan: Plan
    let world: World
    let timeout: Duration

    func run() -> ProbeResults {
        var results = ProbeResults()
        var pingIDs: [String] = []
        var requests: [EchoRequest] = []
        for check in plan.checks {
            guard case .reachability(let spec) = check.kind, let place = world.place(spec.from) else { continue }
            pingIDs.append(check.id)
            requests.append(EchoRequest(namespace: place.namespace, source: spec.source, destination: spec.to))
        }
        let identifiers = EchoProbe.makeIdentifiers(count: requests.count)
        results.identifiers = Dictionary(uniqueKeysWithValues: zip(pingIDs, identifiers))

        // Captures are open before anything is sent, so the first frame is not missed. They are opened (and
        // closed) all at once: each packet socket costs the kernel a grace period.
        var planned: [(check: String, kind: CheckKind, place: World.Place, requests: [LiveCapture.Request])] = []
        for check in plan.checks {
            switch check.kind {
            case let .frames(ping, spec, frame):
                guard let id = results.identifiers[ping], let place = world.place(frame.namespace) else { continue }
                planned.append((check.id, check.kind, place, [LiveCapture.Request(
                    interface: frame.link, namespace: place.namespace, filter: Self.framesFilter(spec, identifier: id))]))
            case .arp(let spec):
                guard let place = world.place(spec.namespace) else { continue }
                planned.append((check.id, check.kind, place, [
                    LiveCapture.Request(interface: spec.link, namespace: place.namespace, filter: Self.arpFilter(spec)),
                    // A second handle sends the request, so the first one sees it cross like any other frame.
                    LiveCapture.Request(interface: spec.link, namespace: place.namespace, filter: "less 1"),
                ]))
            default:
                continue
            }
        }
        let opened = LiveCapture.open(planned.flatMap(\.requests))
        let allCaptures = opened.compactMap { try? $0.get() }
        defer { LiveCapture.close(allCaptures) }
        var watchers: [String: FrameWatcher] = [:]
        var next = 0
        for item in planned {
            let mine = opened[next..<next + item.requests.count]
            next += item.requests.count
            do {
                let captures = try mine.map { try $0.get() }
                switch item.kind {
                case let .frames(_, spec, _):
                    watchers[item.check] = Self.framesWatcher(spec, capture: captures[0])
                case .arp(let spec):
                    watchers[item.check] = Self.arpWatcher(spec, in: item.place, capture: captures[0], injector: captures[1])
                default:
                    break
                }
            } catch {
                results.captures[item.check] = .failure(error)
            }
        }

        do {
            let echoes = try EchoProbe.run(requests, identifiers: identifiers, watchers: Array(watchers.values), timeout: timeout)
            for (id, echo) in zip(pingIDs, echoes) { results.echo[id] = .success(echo.outcome) }
        } catch {
            for id in pingIDs { results.echo[id] = .failure(error) }
        }
        for (id, watcher) in watchers {
            results.captures[id] = watcher.startError.map { .failure($0) } ?? .success(watcher.frames)
        }
        return results
    }

    /// `tcpdump -i LINK 'icmp and icmp[4:2] = ID'`: the ping's echo request and reply, nothing else.
    static func framesFilter(_ spec: ReachabilitySpec, identifier: UInt16) -> String {
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
            let types = frames.compactMap { icmp(in: $0)?.type }
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
            frames.contains { arp(in: $0).map { $0.operation == 2 && $0.senderIP == spec.target } ?? false }
        }, onStart: {
            guard let mac else { return }
            try injector.inject(ARPPacket.requestFrame(senderMAC: mac, senderIP: sender, targetIP: spec.target))
        })
    }

    static func icmp(in frame: CapturedFrame) -> ICMPMessage? {
        guard let f = try? EthernetFrame.decode(frame.bytes, wireLength: frame.wireLength),
              case .ipv4(let ip) = f.payload, case .icmp(let icmp) = ip.transport else { return nil }
        return icmp
    }

    static func arp(in frame: CapturedFrame) -> ARPPacket? {
        guard let f = try? EthernetFrame.decode(frame.bytes, wireLength: frame.wireLength), case .arp(let a) = f.payload else { return nil }
        return a
    }
}
