import Addresses
import Capture
import Kernel
import NetlinkWire
import Packets

/// A captured frame, decoded once, when the probe loop's watcher reads it (see `Probing`): what the watchers
/// and then the checks look at.
struct DecodedFrame {
    var frame: EthernetFrame?
    /// Why the frame could not be decoded, when it could not.
    var failure: String?
    var wireLength: Int
    /// The bytes as captured, for a recording of the run and `--pcap`.
    var bytes: [UInt8]
    /// When it was seen (CLOCK_REALTIME µs; 0 in a recording).
    var timestampMicroseconds: Int64 = 0

    init(_ captured: CapturedFrame) {
        wireLength = captured.wireLength
        bytes = captured.bytes
        timestampMicroseconds = captured.timestampMicroseconds
        do { frame = try EthernetFrame.decode(captured.bytes, wireLength: captured.wireLength) } catch {
            frame = nil
            failure = "\(error)"
        }
    }

    var ipv4: IPv4Packet? { if case .ipv4(let ip)? = frame?.payload { return ip }; return nil }
    var icmp: ICMPMessage? { if case .icmp(let m)? = ipv4?.transport { return m }; return nil }
    var arp: ARPPacket? { if case .arp(let a)? = frame?.payload { return a }; return nil }
    var tcp: TCPSegment? { if case .tcp(let t)? = ipv4?.transport { return t }; return nil }
    var udp: UDPDatagram? { if case .udp(let u)? = ipv4?.transport { return u }; return nil }
    var dhcp: DHCPMessage? { udp?.dhcp }
}

/// What one capture of a run kept (`FrameBudget`), and how much it did not.
struct CaptureRecord {
    /// The interface captured on, for the line that counts the rest.
    var link: String
    var frames: [DecodedFrame]
    /// Frames that crossed (passed the filter) but were not kept.
    var unkept: Int
    /// Frames the kernel dropped, its capture buffer full: seen by no one.
    var kernelDrops: Int

    init(link: String, frames: [DecodedFrame], unkept: Int = 0, kernelDrops: Int = 0) {
        self.link = link; self.frames = frames; self.unkept = unkept; self.kernelDrops = kernelDrops
    }

    init(_ watcher: FrameWatcher<DecodedFrame>) {
        self.init(link: watcher.capture.interface, frames: watcher.kept.map(\.decoded), unkept: watcher.unkept,
                  kernelDrops: watcher.kernelDrops)
    }

    /// The last evidence line when frames were left out: how many, and why.
    var omitted: Localized? {
        guard unkept > 0 || kernelDrops > 0 else { return nil }
        var parts: [Localized] = []
        if unkept > 0 {
            parts.append(Localized(id: "capture.omitted.unkept", ["count": unkept, "link": link, "first": FrameBudget.standard.first]))
        }
        if kernelDrops > 0 {
            parts.append(Localized(id: "capture.omitted.dropped", ["count": kernelDrops, "link": link]))
        }
        return Localized(id: "capture.omitted", ["parts": Localized.join(parts, by: .clauses)])
    }
}

/// Captured frames, decoded and printed as `tcpdump -tnel` prints them, for `evidence`.
@dynamicMemberLookup
struct SeenFrame {
    var decoded: DecodedFrame
    var line: String
    var frame: EthernetFrame? { decoded.frame }

    /// The frame as the next one `session` renders (feed a capture's frames in order to one session).
    init(_ decoded: DecodedFrame, session: TcpdumpSession) {
        self.decoded = decoded
        if let frame = decoded.frame {
            line = session.line(frame)
        } else {
            line = "(\(decoded.wireLength) bytes netcheck could not decode: \(decoded.failure ?? "?"))"
        }
    }

    /// One capture's frames, in order, rendered by one `TcpdumpSession` like `tcpdump -tnel` over the capture
    /// (TCP sequence numbers relative).
    static func all(_ decoded: [DecodedFrame]) -> [SeenFrame] {
        let session = TcpdumpSession()
        return decoded.map { SeenFrame($0, session: session) }
    }

    subscript<T>(dynamicMember path: KeyPath<DecodedFrame, T>) -> T { decoded[keyPath: path] }
}

/// One capture's frames as the checks see them, and the line that says what was left out.
struct SeenCapture {
    var frames: [SeenFrame]
    var omitted: Localized?

    /// The frames' lines, then the count of the rest.
    var evidence: [Localized] { evidence { [$0.line] } }

    /// Each frame as `lines` prints it, then the count of the rest.
    func evidence(_ lines: (SeenFrame) -> [String]) -> [Localized] {
        frames.flatMap { lines($0).map(Localized.init) } + (omitted.map { [$0] } ?? [])
    }
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
        case frames(SeenCapture)
        case verdict(Verdict)
    }

    static func captured(_ capture: Result<CaptureRecord, Error>?, on link: Endpoint, expected: Localized,
                         exercise: Exercise, world: World) -> Captured {
        switch capture {
        case .failure(let e as CaptureError)? where e.isLinkProblem:
            return .verdict(.fail(expected, cause: linkCause(link.namespace, link.name, exercise: exercise, world: world)))
        case .failure(let e)?: return .verdict(.error(expected, e))
        case nil: return .verdict(.skipped(expected, reason: SkipReason.namespaceMissing(link.namespace)))
        case .success(let record)?: return .frames(SeenCapture(frames: SeenFrame.all(record.frames), omitted: record.omitted))
        }
    }

    static let watchHint = Localized(id: "hint.watchTheWire")
}
