import CNetlink
import Glibc
import NetlinkWire

/// A socket as `ss -lnp` shows it: protocol, local address and port, state, and (when /proc tells) its process.
public struct SocketEntry: Hashable, Sendable {
    public enum Transport: String, Sendable { case tcp, udp }
    public var transport: Transport
    /// "127.0.0.1", "0.0.0.0", "::1", "::".
    public var address: String
    public var port: UInt16
    public var isIPv6: Bool
    /// TCP LISTEN, or an unconnected (bound) UDP socket.
    public var isListening: Bool
    public var inode: UInt32
    /// "nc (pid 1234)" when the owner was found.
    public var process: String?

    /// Reachable at `address` (IPv4): bound to it, or to a wildcard (0.0.0.0, or :: on a dual-stack socket).
    public func accepts(_ address: IPv4Address) -> Bool {
        self.address == address.description || self.address == "0.0.0.0" || self.address == "::"
            || self.address == "::ffff:\(address)"
    }
}

extension NetworkNamespace {
    /// The TCP listeners and bound UDP sockets of this namespace (`ss -ltun`), IPv4 and IPv6, with their
    /// processes when /proc names them.
    public func listeningSockets() throws -> [SocketEntry] {
        let socket = try NetlinkSocket(in: self, protocol: NETLINK_SOCK_DIAG)
        var entries: [SocketEntry] = []
        for family: UInt8 in [2, 10] {
            for (transport, proto, states) in [(SocketEntry.Transport.tcp, UInt8(6), UInt32(1 << 10)), (.udp, UInt8(17), UInt32(1 << 7))] {
                let request = NetlinkRequest.dumpInetSockets(family: family, protocol: proto, states: states, sequence: 0)
                let messages: [NetlinkMessage]
                do {
                    messages = try socket.dump(request, operation: "SOCK_DIAG dump")
                } catch let e as KernelError where e.errno == ENOENT || e.errno == EAFNOSUPPORT {
                    continue  // no IPv6 (or no UDP diag) in this kernel
                }
                for m in messages where m.header.type == NetlinkRequest.sockDiagByFamily {
                    let msg = try socket.decode { try InetDiagMessage(payload: m.payload) }
                    entries.append(SocketEntry(transport: transport, address: msg.sourceText, port: msg.sourcePort,
                                               isIPv6: family == 10, isListening: true, inode: msg.inode, process: nil))
                }
            }
        }
        let owners = Self.socketOwners(Set(entries.map(\.inode)))
        return entries.map { var e = $0; e.process = owners[e.inode]; return e }
    }

    /// inode → "comm (pid N)", from /proc/*/fd links "socket:[inode]".
    static func socketOwners(_ inodes: Set<UInt32>) -> [UInt32: String] {
        guard !inodes.isEmpty, let pids = Directory.entries("/proc") else { return [:] }
        var owners: [UInt32: String] = [:]
        var link = [CChar](repeating: 0, count: 64)
        for name in pids {
            guard let pid = Int32(name), let fds = Directory.entries("/proc/\(pid)/fd") else { continue }
            for fdName in fds {
                let n = readlink("/proc/\(pid)/fd/\(fdName)", &link, link.count - 1)
                guard n > 8 else { continue }
                let target = String(decoding: link[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                guard target.hasPrefix("socket:["), let inode = UInt32(target.dropFirst(8).dropLast()), inodes.contains(inode),
                      owners[inode] == nil else { continue }
                owners[inode] = "\(comm(pid)) (pid \(pid))"
            }
        }
        return owners
    }

    static func comm(_ pid: Int32) -> String {
        let fd = open("/proc/\(pid)/comm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "?" }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &buffer, buffer.count)
        return n > 0 ? String(decoding: buffer[0..<n].prefix { $0 != 0x0a }, as: UTF8.self) : "?"
    }
}
