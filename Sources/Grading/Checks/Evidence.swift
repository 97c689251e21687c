import Capture
import Kernel
import NetlinkWire
import Packets

/// A captured frame, decoded only: what the probe loop's watchers look at many times a run.
struct DecodedFrame {
    var frame: EthernetFrame?

    init(_ captured: CapturedFrame) { frame = try? EthernetFrame.decode(captured.bytes, wireLength: captured.wireLength) }
    init(frame: EthernetFrame?) { self.frame = frame }

    var ipv4: IPv4Packet? { if case .ipv4(let ip)? = frame?.payload { return ip }; return nil }
    var icmp: ICMPMessage? { if case .icmp(let m)? = ipv4?.transport { return m }; return nil }
    var arp: ARPPacket? { if case .arp(let a)? = frame?.payload { return a }; return nil }
    var tcp: TCPSegment? { if case .tcp(let t)? = ipv4?.transport { return t }; return nil }
    var udp: UDPDatagram? { if case .udp(let u)? = ipv4?.transport { return u }; return nil }
    var dhcp: DHCPMessage? { udp?.dhcp }
}

/// Captured frames, decoded and printed as `tcpdump -tnel` prints them, for `evidence`.
@dynamicMemberLookup
struct SeenFrame {
    var decoded: DecodedFrame
    var line: String
    var frame: EthernetFrame? { decoded.frame }

    /// The frame alone, as a fresh tcpdump prints it (TCP sequence numbers absolute). For a capture's
    /// evidence use `all`, which prints them relative, as one tcpdump run over the capture does.
    init(_ captured: CapturedFrame) { self.init(captured, session: TcpdumpSession()) }

    /// The frame as the next one `session` renders (feed a capture's frames in order to one session).
    init(_ captured: CapturedFrame, session: TcpdumpSession) {
        do {
            let f = try EthernetFrame.decode(captured.bytes, wireLength: captured.wireLength)
            decoded = DecodedFrame(frame: f)
            line = session.line(f)
        } catch {
            decoded = DecodedFrame(frame: nil)
            line = "(\(captured.wireLength) bytes netcheck could not decode: \(error))"
        }
    }

    /// One capture's frames, in order, rendered by one `TcpdumpSession` like `tcpdump -tnel` over the capture.
    static func all(_ captured: [CapturedFrame]) -> [SeenFrame] {
        let session = TcpdumpSession()
        return captured.map { SeenFrame($0, session: session) }
    }

    subscript<T>(dynamicMember path: KeyPath<DecodedFrame, T>) -> T { decoded[keyPath: path] }
}

/// Causes behind a wrong MAC on the wire, shared by the layer-2 checks.
enum Layer2 {
    /// The declared link that should carry `mac`, when it does not (a typo in `ip link set … address`).
    static func macCause(_ mac: MACAddress?, exercise: Exercise, world: World) -> Cause? {
        guard let mac, let spec = exercise.links.first(where: { $0.mac == mac }), let place = world.place(spec.namespace) else { return nil }
        return LinkCheck.cause(spec, exercise: exercise, world: world, place: place)
    }

    /// The declared link that owns `address`, when its MAC (or anything else about it) is wrong.
    static func ownerCause(of address: IPv4Address, exercise: Exercise, world: World) -> Cause? {
        guard let a = exercise.addresses.first(where: { $0.address.address == address }),
              let spec = exercise.link(a.namespace, a.link), let place = world.place(a.namespace) else { return nil }
        return LinkCheck.cause(spec, exercise: exercise, world: world, place: place)
    }

    /// The cause for a link a capture or probe needs, when the capture could not open on it.
    static func linkCause(_ namespace: String, _ link: String, exercise: Exercise, world: World) -> Cause {
        if let spec = exercise.link(namespace, link), let place = world.place(namespace),
           let cause = LinkCheck.cause(spec, exercise: exercise, world: world, place: place) {
            return cause
        }
        return .linkMissing(namespace: namespace, link: link, peer: nil)
    }

    /// A capture's frames, rendered; or the verdict that ends the check instead: the watched link is missing or
    /// down (the learner's cause), netcheck could not capture (an error), or no capture was made (skipped).
    enum Captured {
        case frames([SeenFrame])
        case verdict(Verdict)
    }

    static func captured(_ capture: Result<[CapturedFrame], Error>?, on link: Endpoint, expected: Localized,
                         exercise: Exercise, world: World) -> Captured {
        switch capture {
        case .failure(let e as CaptureError)? where e.isLinkProblem:
            return .verdict(.fail(expected, cause: linkCause(link.namespace, link.name, exercise: exercise, world: world)))
        case .failure(let e)?: return .verdict(.error(expected, e))
        case nil: return .verdict(.skipped(expected, reason: SkipReason.namespaceMissing(link.namespace)))
        case .success(let frames)?: return .frames(SeenFrame.all(frames))
        }
    }

    static let watchHint = Localized(
        en: "Watch the wire yourself: `ip netns exec NS tcpdump -tnel -i IFACE` while you ping.",
        ja: "自分でも観察しましょう: ping しながら `ip netns exec NS tcpdump -tnel -i IFACE` を実行します。")
}
