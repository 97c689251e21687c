import Addresses
import Glibc
import Kernel
import Packets

/// A bare TCP SYN, sent from a raw socket inside a namespace: a connection attempt that never completes.
/// The kernel of the sending namespace answers whatever comes back (SYN-ACK) with a RST, so a listener on the
/// far side sees a half-open attempt and no connection: its `nc -l` keeps waiting. The segment is built by
/// `TCPSegment.syn` (Packets).
public enum TCPSyn {
    /// Sends one SYN from `namespace`, from `source` (an address of that namespace), and closes the socket.
    /// Returns the errno of an immediate failure (ENETUNREACH, EADDRNOTAVAIL), nil when it left.
    public static func send(from namespace: NetworkNamespace, source: IPv4Address, sourcePort: UInt16,
                            to destination: IPv4Address, port: UInt16) throws -> Int32? {
        let fd = try namespace.run { () throws -> Int32 in
            let fd = socket(AF_INET, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_TCP))
            guard fd >= 0 else { throw KernelError("socket(AF_INET, SOCK_RAW, IPPROTO_TCP)", namespace: namespace.label, errno: errno) }
            return fd
        }
        defer { close(fd) }
        // Nothing is read from this socket: it would see every TCP segment of the namespace.
        shutdown(fd, Int32(SHUT_RD))
        var local = EchoProbe.socketAddress(source)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound != 0 { return errno }
        var rng = SystemRandomNumberGenerator()
        let packet = TCPSegment.syn(source: source, sourcePort: sourcePort, destination: destination, destinationPort: port,
                                    sequence: UInt32.random(in: 0...UInt32.max, using: &rng))
        var remote = EchoProbe.socketAddress(destination)
        let sent = packet.withUnsafeBytes { bytes in
            withUnsafePointer(to: &remote) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        return sent < 0 ? errno : nil
    }

    /// A source port from the kernel's default ephemeral range (32768–60999).
    public static func randomSourcePort() -> UInt16 {
        var rng = SystemRandomNumberGenerator()
        return UInt16.random(in: 32768...60999, using: &rng)
    }
}
