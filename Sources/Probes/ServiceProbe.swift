import Addresses
import Glibc
import Kernel
import Packets

/// Talking to the learner's servers (chapters 5, 6 and 8) from sockets opened inside a namespace: a UDP
/// datagram, a TCP connection and what is said over it. Every wait is bounded by a deadline, in poll(2).
public enum ServiceProbe {
    public enum DatagramOutcome: Equatable, Sendable {
        /// Sent, and no ICMP port unreachable came back before the deadline.
        case delivered
        /// The kernel reported ECONNREFUSED: nothing is bound to that port ("ICMP ... udp port ... unreachable").
        case refused
        case failed(errno: Int32)
    }

    /// Sends `payload` from a connected UDP socket and waits (until `wait` ends) for the error a port
    /// unreachable turns into. `sourcePort` receives the port the datagram left from.
    public static func datagram(from namespace: NetworkNamespace, to address: IPv4Address, port: UInt16, payload: [UInt8],
                                wait: Duration, sourcePort: inout UInt16?) throws -> DatagramOutcome {
        let fd = try open(in: namespace, type: Int32(SOCK_DGRAM.rawValue))
        defer { close(fd) }
        if let e = connect(fd, address, port) { return e == ECONNREFUSED ? .refused : .failed(errno: e) }
        sourcePort = localPort(fd)
        let sent = payload.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        if sent < 0 { return errno == ECONNREFUSED ? .refused : .failed(errno: errno) }
        let deadline = now() + micros(wait)
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while now() < deadline {
            let n = poll(&p, 1, Int32(max(1, (deadline - now()) / 1000)))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var buffer = [UInt8](repeating: 0, count: 2048)
            let got = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if got < 0 && errno == ECONNREFUSED { return .refused }
            if got >= 0 { continue }  // an answer is fine too
            if errno != EAGAIN { return .failed(errno: errno) }
        }
        return .delivered
    }

    /// Sends `payload` to address:port as if from `peer` — the one sender a connected UDP socket takes datagrams
    /// from (`nc -u -l` connects to the first one it hears) — and waits (until `wait` ends) for an ICMP port
    /// unreachable quoting it. The datagram leaves a raw socket (the peer's port may still be held by the client
    /// that sent first); the error is looked for on a raw ICMP socket, since it goes to whoever holds that port.
    public static func datagram(from namespace: NetworkNamespace, posingAs peer: (address: IPv4Address, port: UInt16),
                                to address: IPv4Address, port: UInt16, payload: [UInt8], wait: Duration) throws -> DatagramOutcome {
        let (icmp, udp) = try namespace.run { () throws -> (Int32, Int32) in
            let icmp = socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_ICMP))
            guard icmp >= 0 else { throw KernelError("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)", namespace: namespace.label, errno: errno) }
            let udp = socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_UDP))
            guard udp >= 0 else {
                let e = errno
                close(icmp)
                throw KernelError("socket(AF_INET, SOCK_RAW, IPPROTO_UDP)", namespace: namespace.label, errno: e)
            }
            return (icmp, udp)
        }
        defer { close(icmp); close(udp) }
        // Only destination-unreachable messages reach the ICMP socket (ICMP_FILTER blocks the types whose bit is set);
        // nothing is read from the UDP one (it would see every datagram of the namespace).
        var blocked = ~(UInt32(1) << 3)
        setsockopt(icmp, 255 /* SOL_RAW */, 1 /* ICMP_FILTER */, &blocked, socklen_t(MemoryLayout<UInt32>.size))
        shutdown(udp, Int32(SHUT_RD))
        var local = EchoProbe.socketAddress(peer.address)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(udp, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound != 0 { return .failed(errno: errno) }
        let segment = UDPDatagram.datagram(source: peer.address, sourcePort: peer.port, destination: address, destinationPort: port, payload: payload)
        var remote = EchoProbe.socketAddress(address)
        let sent = segment.withUnsafeBytes { bytes in
            withUnsafePointer(to: &remote) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(udp, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        if sent < 0 { return .failed(errno: errno) }
        let deadline = now() + micros(wait)
        var p = pollfd(fd: icmp, events: Int16(POLLIN), revents: 0)
        var buffer = [UInt8](repeating: 0, count: 2048)
        while now() < deadline {
            let n = poll(&p, 1, Int32(max(1, (deadline - now()) / 1000)))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            while true {
                let got = recv(icmp, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                guard got > 0 else { break }
                guard let packet = try? IPv4Packet.decode(datagram: Array(buffer[0..<got])),
                      case .icmp(let message) = packet.transport, message.type == 3, message.code == 3,
                      let quoted = message.quoted, quoted.destination == address, case .udp(let datagram) = quoted.transport,
                      datagram.sourcePort == peer.port, datagram.destinationPort == port else { continue }
                return .refused
            }
        }
        return .delivered
    }

    /// A TCP connection made from inside a namespace, used synchronously with deadlines.
    public final class Connection {
        let fd: Int32
        init(fd: Int32) { self.fd = fd }
        deinit { close(fd) }

        /// The port this end of the connection has (the client's ephemeral port).
        public var localPort: UInt16? { ServiceProbe.localPort(fd) }

        /// Sends everything before the deadline; the errno if it could not.
        public func send(_ bytes: [UInt8], until deadline: Int) -> Int32? {
            var offset = 0
            var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if n > 0 { offset += n; continue }
                if n < 0 && errno != EAGAIN && errno != EINTR { return errno }
                guard ServiceProbe.now() < deadline, poll(&p, 1, Int32(max(1, (deadline - ServiceProbe.now()) / 1000))) > 0 else { return ETIMEDOUT }
            }
            return nil
        }

        /// Reads until `count` bytes arrived, the peer closed, or the deadline passed.
        public func receive(atLeast count: Int, until deadline: Int) -> (bytes: [UInt8], closed: Bool) {
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while data.count < count {
                let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if n > 0 { data += buffer[0..<n]; continue }
                if n == 0 { return (data, true) }
                if errno != EAGAIN && errno != EINTR { return (data, true) }
                guard ServiceProbe.now() < deadline, poll(&p, 1, Int32(max(1, (deadline - ServiceProbe.now()) / 1000))) > 0 else { break }
            }
            return (data, false)
        }

        /// Ends netcheck's side (shutdown(SHUT_WR): a FIN, as a client closing its stdin) and waits, at the latest
        /// until `deadline`, for the server to close its side. True when it did: a server that exits after one
        /// client (`nc -l`) has by then closed its listening socket too.
        public func finish(until deadline: Int) -> Bool {
            shutdown(fd, Int32(SHUT_WR))
            var buffer = [UInt8](repeating: 0, count: 4096)
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            while true {
                let n = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if n == 0 { return true }
                if n < 0 && errno != EAGAIN && errno != EINTR { return true }   // reset: closed as well
                if n > 0 { continue }
                guard ServiceProbe.now() < deadline, poll(&p, 1, Int32(max(1, (deadline - ServiceProbe.now()) / 1000))) > 0 else { return false }
            }
        }

        /// Bytes sent but not yet acknowledged by the peer (SIOCOUTQ), waiting until they are or the deadline.
        public func unacknowledged(until deadline: Int) -> Int {
            var pending: Int32 = 0
            var p = pollfd(fd: fd, events: 0, revents: 0)
            while true {
                _ = ioctl(fd, UInt(0x5411) /* SIOCOUTQ = TIOCOUTQ */, &pending)
                if pending == 0 || ServiceProbe.now() >= deadline { return Int(pending) }
                // Nothing to wait on but time: poll with no events returns at the timeout or on an error.
                _ = poll(&p, 1, 1)
            }
        }
    }

    /// Connects from `namespace` to address:port before the deadline: the connection, or the errno
    /// (ECONNREFUSED: nothing listens; ETIMEDOUT: no answer).
    public static func connect(from namespace: NetworkNamespace, to address: IPv4Address, port: UInt16,
                               until deadline: Int) throws -> Result<Connection, KernelError> {
        let fd = try open(in: namespace, type: Int32(SOCK_STREAM.rawValue))
        let connection = Connection(fd: fd)
        if let e = connect(fd, address, port), e != EINPROGRESS {
            return .failure(KernelError("connect \(address):\(port)", namespace: namespace.label, errno: e))
        }
        var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        while true {
            let n = poll(&p, 1, Int32(max(1, (deadline - now()) / 1000)))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return .failure(KernelError("connect \(address):\(port)", namespace: namespace.label, errno: ETIMEDOUT)) }
            break
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        if error != 0 { return .failure(KernelError("connect \(address):\(port)", namespace: namespace.label, errno: error)) }
        return .success(connection)
    }

    /// The deadline `d` from now, in the microseconds `now()` counts.
    public static func deadline(after d: Duration) -> Int { now() + micros(d) }

    static func open(in namespace: NetworkNamespace, type: Int32) throws -> Int32 {
        try namespace.run { () throws -> Int32 in
            let fd = socket(AF_INET, type | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw KernelError("socket", namespace: namespace.label, errno: errno) }
            return fd
        }
    }

    static func connect(_ fd: Int32, _ address: IPv4Address, _ port: UInt16) -> Int32? {
        var sa = EchoProbe.socketAddress(address)
        sa.sin_port = port.bigEndian
        let rc = withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return rc == 0 ? nil : errno
    }

    /// getsockname(2)'s port.
    static func localPort(_ fd: Int32) -> UInt16? {
        var sa = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let rc = withUnsafeMutablePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return rc == 0 ? UInt16(bigEndian: sa.sin_port) : nil
    }

    static func now() -> Int { Monotonic.microseconds() }
    static func micros(_ d: Duration) -> Int { Monotonic.microseconds(d) }
}
