import Addresses
import CNetlink
import Glibc
import NetlinkWire

/// A socket as `ss -tuanp` shows it: protocol, local address and port, state, the peer when it has one, and
/// (when /proc tells) its process.
public struct SocketEntry: Hashable, Sendable {
    public enum Transport: String, Sendable { case tcp, udp }
    public enum State: String, Sendable {
        /// TCP LISTEN.
        case listening
        /// UDP, bound and not connected: takes datagrams from anyone.
        case bound
        /// Connected to one peer: a TCP connection (ESTABLISHED, CLOSE_WAIT, …), or a UDP socket that called
        /// connect(2) — `nc -u -l` does after its first datagram, and then takes datagrams from that peer only.
        case connected
        /// TCP TIME_WAIT: a connection that ended less than a minute ago (no process owns it any more).
        case timeWait
    }
    public var transport: Transport
    /// "127.0.0.1", "0.0.0.0", "::1", "::".
    public var address: String
    public var port: UInt16
    public var isIPv6: Bool
    public var state: State
    /// The peer of a connected or TIME_WAIT socket.
    public var peerAddress: String?
    public var peerPort: UInt16?
    /// IPV6_V6ONLY of an IPv6 listener or bound socket: a `::` socket with it set does not take IPv4.
    public var v6Only: Bool?
    public var inode: UInt32
    /// Milliseconds left on the socket's timer: for TIME_WAIT, until it goes away (60 s after the close).
    public var expiresMs: UInt32
    /// "nc (pid 1234)" when the owner was found.
    public var process: String?
    /// The owner's process id, when it was found.
    public var pid: Int32?

    public init(transport: Transport, address: String, port: UInt16, isIPv6: Bool, state: State, peerAddress: String? = nil,
                peerPort: UInt16? = nil, v6Only: Bool? = nil, inode: UInt32 = 0, expiresMs: UInt32 = 0, process: String? = nil,
                pid: Int32? = nil) {
        self.transport = transport
        self.address = address
        self.port = port
        self.isIPv6 = isIPv6
        self.state = state
        self.peerAddress = peerAddress
        self.peerPort = peerPort
        self.v6Only = v6Only
        self.inode = inode
        self.expiresMs = expiresMs
        self.process = process
        self.pid = pid
    }

    /// A TCP listener or an unconnected UDP socket: something that takes new peers.
    public var isListening: Bool { state == .listening || state == .bound }

    /// Reachable at `address` (IPv4): bound to it, or to a wildcard (0.0.0.0, or :: on a dual-stack socket,
    /// i.e. one without IPV6_V6ONLY).
    public func accepts(_ address: IPv4Address) -> Bool {
        self.address == address.description || self.address == "0.0.0.0" || self.address == "::ffff:\(address)"
            || (self.address == "::" && v6Only != true)
    }

    /// The peer as an IPv4 address (also when an IPv6 socket holds an IPv4-mapped peer).
    public var peerIPv4: IPv4Address? {
        guard let peerAddress else { return nil }
        return IPv4Address(peerAddress.hasPrefix("::ffff:") ? String(peerAddress.dropFirst(7)) : peerAddress)
    }
}

extension NetworkNamespace {
    /// The sockets of this namespace that matter for servers on `ports` (`ss -tuanp`, IPv4 and IPv6): every TCP
    /// listener and bound UDP socket on a port within `near` of one of them (for "a typo in the port?"), and
    /// every socket of any state on one of the ports (a UDP socket `connect`ed to its first peer, a listener's
    /// accepted connection, what is left of a connection that ended: TIME_WAIT). With `owners`, each socket's
    /// process is looked up in /proc, stopping as soon as all are found or at `ownersDeadline` (CLOCK_MONOTONIC µs).
    public func sockets(onPorts ports: Set<UInt16>, near: Int = 10, owners: Bool = true,
                        ownersDeadline: Int? = nil) throws -> [SocketEntry] {
        let socket = try NetlinkSocket(in: self, protocol: NETLINK_SOCK_DIAG)
        func wanted(_ port: UInt16, listening: Bool) -> Bool {
            listening ? ports.contains { abs(Int($0) - Int(port)) <= near } : ports.contains(port)
        }
        var entries: [SocketEntry] = []
        for family: UInt8 in [2, 10] {
            for (transport, proto) in [(SocketEntry.Transport.tcp, UInt8(6)), (.udp, UInt8(17))] {
                let request = NetlinkRequest.dumpInetSockets(family: family, protocol: proto, sequence: 0)
                let messages: [NetlinkMessage]
                do {
                    messages = try socket.dump(request, operation: "SOCK_DIAG dump")
                } catch let e as KernelError where e.errno == ENOENT || e.errno == EAFNOSUPPORT {
                    continue  // no IPv6 (or no UDP diag) in this kernel
                }
                for m in messages where m.header.type == NetlinkRequest.sockDiagByFamily {
                    let msg = try socket.decode { try InetDiagMessage(payload: m.payload) }
                    guard let state = Self.state(msg, transport) else { continue }
                    let listening = state == .listening || state == .bound
                    // A TIME_WAIT left by a client (netcheck's own earlier connection) has the server's port as its peer.
                    guard wanted(msg.sourcePort, listening: listening) || (state == .timeWait && ports.contains(msg.destinationPort))
                    else { continue }
                    let peered = state == .connected || state == .timeWait
                    entries.append(SocketEntry(transport: transport, address: msg.sourceText, port: msg.sourcePort,
                                               isIPv6: family == 10, state: state,
                                               peerAddress: peered ? msg.destinationText : nil,
                                               peerPort: peered ? msg.destinationPort : nil,
                                               v6Only: msg.v6Only, inode: msg.inode, expiresMs: msg.expires))
                }
            }
        }
        guard owners else { return entries }
        let found = Self.socketOwners(Set(entries.map(\.inode).filter { $0 != 0 }), until: ownersDeadline)
        return entries.map { var e = $0; e.process = found[e.inode].map { "\($0.comm) (pid \($0.pid))" }; e.pid = found[e.inode]?.pid; return e }
    }

    /// The states a server check tells apart; nil for the ones it ignores (SYN_SENT, SYN_RECV, CLOSE of TCP).
    static func state(_ msg: InetDiagMessage, _ transport: SocketEntry.Transport) -> SocketEntry.State? {
        switch (transport, msg.state) {
        case (.tcp, InetDiagMessage.stateListen): return .listening
        case (.tcp, InetDiagMessage.stateTimeWait): return .timeWait
        case (.tcp, 1), (.tcp, 4), (.tcp, 5), (.tcp, 8), (.tcp, 9), (.tcp, 11): return .connected
        case (.udp, InetDiagMessage.stateClose): return .bound
        case (.udp, InetDiagMessage.stateEstablished): return .connected
        default: return nil
        }
    }

    /// inode → "comm (pid N)", from /proc/*/fd links "socket:[inode]". Stops once every inode has its owner, or
    /// at `deadline` (CLOCK_MONOTONIC µs): a host with a million descriptors must not hold up the report.
    static func socketOwners(_ inodes: Set<UInt32>, until deadline: Int? = nil) -> [UInt32: (comm: String, pid: Int32)] {
        guard !inodes.isEmpty, let pids = Directory.entries("/proc") else { return [:] }
        var owners: [UInt32: (comm: String, pid: Int32)] = [:]
        var link = [CChar](repeating: 0, count: 64)
        for name in pids {
            guard let pid = Int32(name), let fds = Directory.entries("/proc/\(pid)/fd") else { continue }
            for fdName in fds {
                let n = readlink("/proc/\(pid)/fd/\(fdName)", &link, link.count - 1)
                guard n > 8 else { continue }
                let target = String(decoding: link[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                guard target.hasPrefix("socket:["), let inode = UInt32(target.dropFirst(8).dropLast()), inodes.contains(inode),
                      owners[inode] == nil else { continue }
                owners[inode] = (comm(pid), pid)
            }
            if owners.count == inodes.count { break }
            if let deadline, Monotonic.microseconds() >= deadline { break }
        }
        return owners
    }

    static func comm(_ pid: Int32) -> String {
        let fd = open("/proc/\(pid)/comm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "?" }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, buffer.count)
        // The kernel ends the name with a newline; the name itself may hold one too (prctl PR_SET_NAME takes any
        // bytes), and everything before the last byte is the learner's.
        let name = buffer[0..<max(0, n)]
        return n > 0 ? String(decoding: name.last == 0x0a ? name.dropLast() : name, as: UTF8.self) : "?"
    }
}

/// Processes as the kernel counts them.
public enum Processes {
    /// Waits until every process of `pids` has exited, at the latest until `deadline` (CLOCK_MONOTONIC µs), on
    /// pidfds (pidfd_open, Linux 5.3): an exit is an event, not something polled for. True when all have exited;
    /// false at the deadline, or when the kernel has no pidfds.
    public static func waitForExit(_ pids: [Int32], until deadline: Int) -> Bool {
        var fds: [pollfd] = []
        defer { for p in fds { close(p.fd) } }
        for pid in pids {
            let fd = nc_pidfd_open(pid)
            if fd < 0 {
                if errno == ESRCH { continue }   // already gone
                return false
            }
            fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
        }
        while !fds.isEmpty {
            let left = deadline - Monotonic.microseconds()
            guard left > 0 else { return false }
            let n = poll(&fds, nfds_t(fds.count), Int32(max(1, left / 1000)))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            for i in fds.indices.reversed() where fds[i].revents != 0 { close(fds[i].fd); fds.remove(at: i) }
        }
        return true
    }
}
