import Glibc
import Kernel
import NetlinkWire

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
    /// unreachable turns into.
    public static func datagram(from namespace: NetworkNamespace, to address: IPv4Address, port: UInt16, payload: [UInt8],
                                wait: Duration) throws -> DatagramOutcome {
        let fd = try open(in: namespace, type: Int32(SOCK_DGRAM.rawValue))
        defer { close(fd) }
        if let e = connect(fd, address, port) { return e == ECONNREFUSED ? .refused : .failed(errno: e) }
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

    /// A TCP connection made from inside a namespace, used synchronously with deadlines.
    public final class Connection {
        let fd: Int32
        init(fd: Int32) { self.fd = fd }
        deinit { close(fd) }

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

    static func now() -> Int { Monotonic.microseconds() }
    static func micros(_ d: Duration) -> Int { Monotonic.microseconds(d) }
}
