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

        // Captures are open before anything is sent, so the first frame is not missed.
        var watchers: [String: FrameWatcher] = [:]
        for check in plan.checks {
            do {
                switch check.kind {
                case let .frames(ping, spec, frame):
                    guard let id = results.identifiers[ping], let place = world.place(frame.namespace) else { continue }
                    watchers[check.id] = try framesWatcher(spec, frame, identifier: id, in: place)
                case .arp(let spec):
                    guard let place = world.place(spec.namespace) else { continue }
                    watchers[check.id] = try arpWatcher(spec, in: place)
                default:
                    continue
                }
            } catch {
                results.captures[check.id] = .failure(error)
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

    /// Watches one link for the ping's echo request and reply (`tcpdump -i LINK 'icmp and icmp[4:2] = ID'`).
    func framesWatcher(_ spec: ReachabilitySpec, _ frame: FrameSpec, identifier: UInt16, in place: World.Place) throws -> FrameWatcher {
        let filter = "icmp and icmp[4:2] = \(identifier) and (icmp[0] = 8 or icmp[0] = 0)"
        let capture = try LiveCapture(interface: frame.link, in: place.namespace, filter: filter)
        let wantReply = spec.reachable
        return FrameWatcher(capture: capture, satisfied: { frames in
            let types = frames.compactMap { Self.icmp(in: $0)?.type }
            return types.contains(8) && (!wantReply || types.contains(0))
        })
    }

    /// Sends "who-has TARGET tell OURS" out of the link (from a second handle, so the capture sees it cross)
    /// and watches for the request and TARGET's reply.
    func arpWatcher(_ spec: ARPSpec, in place: World.Place) throws -> FrameWatcher {
        let target = String(spec.target.value, radix: 16)
        let filter = "arp and ((arp[6:2] = 1 and arp[24:4] = 0x\(target)) or (arp[6:2] = 2 and arp[14:4] = 0x\(target)))"
        let capture = try LiveCapture(interface: spec.link, in: place.namespace, filter: filter)
        let link = place.snapshot.link(named: spec.link)
        let addresses = link.map { place.snapshot.addresses(on: $0) } ?? []
        let sender = (addresses.first { $0.prefix.contains(spec.target) } ?? addresses.first)?.address ?? IPv4Address(0)
        let mac = link?.mac
        let injector = try LiveCapture(interface: spec.link, in: place.namespace, filter: "less 1")
        return FrameWatcher(capture: capture, satisfied: { frames in
            frames.contains { Self.arp(in: $0).map { $0.operation == 2 && $0.senderIP == spec.target } ?? false }
        }, onStart: {
            guard let mac else { return }
            try injector.inject(ARPPacket.requestFrame(senderMAC: mac, senderIP: sender, targetIP: spec.target))
            _ = injector  // kept open until the run ends
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
