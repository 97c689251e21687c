import Addresses
import Glibc
import Kernel
import Packets

/// One ICMP echo request to send from inside a namespace, optionally from a given source address
/// (`ip netns exec NS ping -I SOURCE DESTINATION`).
public struct EchoRequest: Sendable {
    public var namespace: NetworkNamespace
    public var source: IPv4Address?
    public var destination: IPv4Address

    public init(namespace: NetworkNamespace, source: IPv4Address?, destination: IPv4Address) {
        self.namespace = namespace
        self.source = source
        self.destination = destination
    }
}

/// What happened to one echo request: what ping would have printed.
public enum EchoOutcome: Equatable, Sendable {
    /// "64 bytes from FROM: icmp_seq=1 ttl=TTL time=…"
    case reply(from: IPv4Address, ttl: UInt8, rttMicroseconds: Int)
    /// "From FROM icmp_seq=1 Destination Net/Host Unreachable" (code as in RFC 792).
    case destinationUnreachable(from: IPv4Address, code: UInt8)
    /// "From FROM icmp_seq=1 Time to live exceeded"
    case timeExceeded(from: IPv4Address)
    /// The kernel refused to send at once, e.g. ENETUNREACH ("connect: Network is unreachable") or
    /// EADDRNOTAVAIL (the source address is not in the namespace).
    case sendFailed(errno: Int32)
    /// Nothing came back before the deadline ("100% packet loss").
    case timeout
}

public struct EchoResult: Sendable {
    public var request: EchoRequest
    public var outcome: EchoOutcome
    /// The ICMP identifier the request carried (what tcpdump prints as "id").
    public var identifier: UInt16
}

/// Something else a probe run waits for, polled in the same loop as the echo sockets: a capture watching the
/// wire, an ARP probe. The run ends when every echo has its outcome and every watcher is satisfied, or at the
/// deadline.
public protocol ProbeWatcher: AnyObject {
    var fileDescriptor: Int32 { get }
    /// Called once, right after the echo requests have gone out.
    func start()
    /// Takes what is ready on `fileDescriptor`, without blocking, and a bounded amount of it: what is left
    /// makes the next poll return at once, after the run has looked at its deadlines.
    func readAvailable()
    var isSatisfied: Bool { get }
    /// How long this watcher may keep the run going, when it needs longer than the echo timeout (a DHCP server
    /// pings an address before it offers it). nil: the run's timeout.
    var patience: Duration? { get }
}

extension ProbeWatcher {
    public var patience: Duration? { nil }
}

/// Sends echo requests from raw ICMP sockets created inside each request's namespace, all at once, and
/// collects the answers until every request has one or the deadline passes. Never sleeps: it waits in poll(2).
public enum EchoProbe {
    /// The one sequence number netcheck uses ("icmp_seq=1").
    static let sequence: UInt16 = 1
    /// How many datagrams one socket gives per turn of the poll loop.
    static let readsPerPoll = 256

    /// Runs every request concurrently. Throws only when a socket cannot be created (an environment problem:
    /// no CAP_NET_RAW, namespace gone); a request the kernel refuses to send is an outcome, not an error.
    ///
    /// `identifiers` (one per request, distinct) lets a caller set up captures for them before they are sent;
    /// by default they are drawn at random.
    public static func run(_ requests: [EchoRequest], identifiers: [UInt16]? = nil, watchers: [ProbeWatcher] = [],
                           timeout: Duration) throws -> [EchoResult] {
        guard !requests.isEmpty || !watchers.isEmpty else { return [] }
        var rng = SystemRandomNumberGenerator()
        let token = (0..<8).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let identifiers = identifiers ?? makeIdentifiers(count: requests.count)
        precondition(identifiers.count == requests.count && Set(identifiers).count == identifiers.count,
                     "one distinct identifier per request")

        // One socket per namespace (and per source address, which a socket is bound to): a raw ICMP socket sees
        // every ICMP datagram of its namespace, so answers are matched by identifier, whichever socket reads them.
        var sockets: [Int32] = []
        defer { for fd in sockets { close(fd) } }
        var socketFor: [String: Int32] = [:]
        var requestSocket: [Int32] = []
        for request in requests {
            let key = "\(request.namespace.identity.device):\(request.namespace.identity.inode):\(request.source?.description ?? "-")"
            if let fd = socketFor[key] {
                requestSocket.append(fd)
                continue
            }
            let fd = try openSocket(in: request.namespace)
            sockets.append(fd)
            if let source = request.source, let errno = bindSource(source, fd) {
                // Every request of this group fails the same way; keep the socket so it is closed.
                socketFor[key] = fd
                requestSocket.append(-errno)
                continue
            }
            socketFor[key] = fd
            requestSocket.append(fd)
        }

        var outcomes = [EchoOutcome?](repeating: nil, count: requests.count)
        var sentAt = [Int](repeating: 0, count: requests.count)
        var bindFailures: [String: Int32] = [:]
        for (i, request) in requests.enumerated() {
            sentAt[i] = monotonicMicroseconds()
            let key = "\(request.namespace.identity.device):\(request.namespace.identity.inode):\(request.source?.description ?? "-")"
            if requestSocket[i] < 0 { bindFailures[key] = -requestSocket[i] }
            if let failed = bindFailures[key] {
                outcomes[i] = .sendFailed(errno: failed)
                continue
            }
            if let errno = send(request, on: requestSocket[i], identifier: identifiers[i], token: token) {
                outcomes[i] = .sendFailed(errno: errno)
            }
        }

        for watcher in watchers { watcher.start() }

        let index = Dictionary(uniqueKeysWithValues: identifiers.enumerated().map { ($1, $0) })
        let start = monotonicMicroseconds()
        let echoDeadline = start + Monotonic.microseconds(timeout)
        let watcherDeadlines = watchers.map { start + Monotonic.microseconds($0.patience ?? timeout) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        var fds = sockets.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            + watchers.map { pollfd(fd: $0.fileDescriptor, events: Int16(POLLIN), revents: 0) }
        for watcher in watchers { watcher.readAvailable() }

        while true {
            // What is still worth waiting for, and until when.
            let now = monotonicMicroseconds()
            var until: [Int] = []
            if now < echoDeadline && outcomes.contains(where: { $0 == nil }) { until.append(echoDeadline) }
            for (w, watcher) in watchers.enumerated() where now < watcherDeadlines[w] && !watcher.isSatisfied {
                until.append(watcherDeadlines[w])
            }
            guard let deadline = until.min() else { break }
            let remaining = deadline - now
            let ready = poll(&fds, nfds_t(fds.count), Int32((remaining + 999) / 1000))
            if ready < 0 {
                if errno == EINTR { continue }
                throw KernelError("poll", errno: errno)
            }
            for (w, watcher) in watchers.enumerated() where fds[sockets.count + w].revents != 0 {
                watcher.readAvailable()
                fds[sockets.count + w].revents = 0
            }
            for slot in sockets.indices where fds[slot].revents & Int16(POLLIN) != 0 {
                // Every raw ICMP socket of a namespace sees every ICMP datagram of it: match by identifier,
                // token and quoted destination, whichever socket delivers it. At most `readsPerPoll` at a
                // time: a learner's `ping -f` in the same namespace must not keep the loop from its deadlines.
                for _ in 0..<Self.readsPerPoll {
                    let n = buffer.withUnsafeMutableBytes { recv(fds[slot].fd, $0.baseAddress, $0.count, 0) }
                    if n <= 0 { break }
                    let now = monotonicMicroseconds()
                    // Kept polling for a patient watcher: an echo answer after the echo timeout is a loss.
                    if now >= echoDeadline { continue }
                    switch answer(buffer[0..<n]) {
                    case let .echoReply(from, ttl, identifier, seq, data)?:
                        guard seq == sequence, let i = index[identifier], outcomes[i] == nil,
                              data.starts(with: token) else { continue }
                        outcomes[i] = .reply(from: from, ttl: ttl, rttMicroseconds: now - sentAt[i])
                    case let .error(type, code, from, identifier, seq, quoted)?:
                        guard seq == sequence, let i = index[identifier], outcomes[i] == nil,
                              quoted == requests[i].destination else { continue }
                        outcomes[i] = type == ICMPMessage.timeExceeded
                            ? .timeExceeded(from: from) : .destinationUnreachable(from: from, code: code)
                    case nil:
                        continue
                    }
                }
                fds[slot].revents = 0
            }
        }
        return requests.indices.map { EchoResult(request: requests[$0], outcome: outcomes[$0] ?? .timeout, identifier: identifiers[$0]) }
    }

    /// What a datagram from a raw ICMP socket says about an echo request.
    public enum Answer: Equatable, Sendable {
        /// An echo reply, with the data after its header (an answer to netcheck's echo starts with its token).
        case echoReply(from: IPv4Address, ttl: UInt8, identifier: UInt16, sequence: UInt16, data: [UInt8])
        /// Destination unreachable or time exceeded quoting an echo request (its identifier, sequence and destination).
        case error(type: UInt8, code: UInt8, from: IPv4Address, identifier: UInt16, sequence: UInt16, quotedDestination: IPv4Address)
    }

    /// Reads a whole IPv4 datagram as a raw ICMP socket delivers it (IP header first) with Packets' decoders, layer
    /// by layer (the echo data is the ICMP layer's payload); nil for anything that is not an answer to an echo
    /// request, or does not decode.
    public static func answer(_ datagram: ArraySlice<UInt8>) -> Answer? {
        guard let ip = try? IPv4Header.decode(layer: datagram), ip.next == .icmp,
              let icmp = try? ICMPMessage.decode(layer: ip.payload, in: ip.context) else { return nil }
        let m = icmp.header
        switch m.type {
        case ICMPMessage.echoReply:
            guard let identifier = m.identifier, let sequence = m.sequence else { return nil }
            return .echoReply(from: ip.header.source, ttl: ip.header.ttl, identifier: identifier, sequence: sequence,
                              data: Array(icmp.payload))
        case ICMPMessage.destinationUnreachable, ICMPMessage.timeExceeded:
            guard let quoted = m.quoted, case .icmp(let inner) = quoted.transport, inner.type == ICMPMessage.echoRequest,
                  let identifier = inner.identifier, let sequence = inner.sequence else { return nil }
            return .error(type: m.type, code: m.code, from: ip.header.source, identifier: identifier, sequence: sequence,
                          quotedDestination: quoted.destination)
        default:
            return nil
        }
    }

    /// Distinct random identifiers for `count` requests (consecutive from a random base).
    public static func makeIdentifiers(count: Int) -> [UInt16] {
        var rng = SystemRandomNumberGenerator()
        let base = UInt16.random(in: 0...UInt16.max, using: &rng)
        return (0..<count).map { base &+ UInt16(truncatingIfNeeded: $0) }
    }

    /// A non-blocking raw ICMP socket in `namespace`, filtered to the types a probe can receive.
    static func openSocket(in namespace: NetworkNamespace) throws -> Int32 {
        try namespace.run { () throws -> Int32 in
            let fd = socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue),
                            Int32(IPPROTO_ICMP))
            guard fd >= 0 else { throw KernelError("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)", namespace: namespace.label, errno: errno) }
            // ICMP_FILTER (SOL_RAW, 1): a set bit drops that type. Keep echo reply, unreachable, time exceeded.
            var filter = ~(UInt32(1) << 0 | UInt32(1) << 3 | UInt32(1) << 11)
            if setsockopt(fd, 255, 1, &filter, socklen_t(MemoryLayout<UInt32>.size)) != 0 {
                let e = errno
                close(fd)
                throw KernelError("setsockopt(ICMP_FILTER)", namespace: namespace.label, errno: e)
            }
            return fd
        }
    }

    /// Binds a socket to a source address (`ping -I`); the errno when the address is not in the namespace.
    static func bindSource(_ source: IPv4Address, _ fd: Int32) -> Int32? {
        var address = socketAddress(source)
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0 ? nil : errno
    }

    /// Sends one request; returns the errno of an immediate failure.
    static func send(_ request: EchoRequest, on fd: Int32, identifier: UInt16, token: [UInt8]) -> Int32? {
        let packet = ICMPMessage.echoRequest(identifier: identifier, sequence: sequence, token: token)
        var destination = socketAddress(request.destination)
        let sent = packet.withUnsafeBytes { bytes in
            withUnsafePointer(to: &destination) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        return sent < 0 ? errno : nil
    }

    static func socketAddress(_ address: IPv4Address) -> sockaddr_in {
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_addr.s_addr = address.value.bigEndian
        return sa
    }

    static func monotonicMicroseconds() -> Int { Monotonic.microseconds() }
}
