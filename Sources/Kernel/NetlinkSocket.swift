import CNetlink
import Glibc
import NetlinkWire

/// A NETLINK_ROUTE socket bound to the namespace it was opened in. It sends one request at a time and
/// collects the reply: a single message, or every part of a dump until NLMSG_DONE.
final class NetlinkSocket {
    let fd: Int32
    let namespace: String?
    private var sequence: UInt32 = 0
    private var buffer = [UInt8](repeating: 0, count: 65536)

    /// Opens a socket in `namespace` (the body runs inside it; the socket stays there).
    init(in namespace: NetworkNamespace, protocol netlinkProtocol: Int32 = NETLINK_ROUTE) throws {
        self.namespace = namespace.label
        let fd = try namespace.run { () throws -> Int32 in
            let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), netlinkProtocol)
            guard fd >= 0 else { throw KernelError("socket(AF_NETLINK)", namespace: namespace.label, errno: errno) }
            return fd
        }
        self.fd = fd
        // A kernel that does not answer within 2 s is broken; do not hang a run on it.
        var tv = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    func nextSequence() -> UInt32 {
        sequence &+= 1
        return sequence
    }

    /// A dump: every message of the reply, in order. An interrupted dump (NLM_F_DUMP_INTR) throws
    /// `DumpInterrupted` with what was read, so the caller decides whether to retry.
    func dump(_ request: [UInt8], operation: String) throws -> [NetlinkMessage] {
        let seq = try send(request, operation: operation)
        var result: [NetlinkMessage] = []
        var interrupted = false
        while true {
            for message in try receive(operation: operation) where message.header.sequence == seq {
                if message.header.flags & NetlinkFlags.dumpInterrupted != 0 { interrupted = true }
                switch message.header.type {
                case NetlinkMessageType.done:
                    if interrupted { throw DumpInterrupted(operation: operation, partial: result) }
                    return result
                case NetlinkMessageType.error:
                    let code = try decode { try message.errorCode() }
                    if code != 0 { throw KernelError(operation, namespace: namespace, errno: -code) }
                default:
                    result.append(message)
                }
            }
        }
    }

    /// A single request: its one reply message, or the kernel's error as `.failure(errno)`.
    func request(_ request: [UInt8], operation: String) throws -> Result<NetlinkMessage, KernelError> {
        let seq = try send(request, operation: operation)
        while true {
            for message in try receive(operation: operation) where message.header.sequence == seq {
                if message.header.type == NetlinkMessageType.error {
                    let code = try decode { try message.errorCode() }
                    return .failure(KernelError(operation, namespace: namespace, errno: code == 0 ? EPROTO : -code))
                }
                return .success(message)
            }
        }
    }

    func decode<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            throw KernelError("decode netlink reply: \(error)", namespace: namespace, errno: EPROTO)
        }
    }

    private func send(_ request: [UInt8], operation: String) throws -> UInt32 {
        var bytes = request
        let seq = nextSequence()
        // nlmsg_seq lives at offset 8.
        for i in 0..<4 { bytes[8 + i] = UInt8(seq >> UInt32(8 * i) & 0xff) }
        var address = sockaddr_nl()
        address.nl_family = sa_family_t(AF_NETLINK)
        while true {
            let sent = bytes.withUnsafeBytes { raw in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, raw.baseAddress, raw.count, 0, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
                    }
                }
            }
            if sent >= 0 { return seq }
            if errno != EINTR { throw KernelError(operation, namespace: namespace, errno: errno) }
        }
    }

    private func receive(operation: String) throws -> [NetlinkMessage] {
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw KernelError(operation, namespace: namespace, errno: errno)
            }
            return try decode { try NetlinkMessage.split(Array(buffer[0..<n])) }
        }
    }
}

/// A dump the kernel flagged as interrupted by a concurrent change (NLM_F_DUMP_INTR), with what it returned.
public struct DumpInterrupted: Error {
    public var operation: String
    public var partial: [NetlinkMessage]
}
