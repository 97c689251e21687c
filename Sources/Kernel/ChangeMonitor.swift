import CNetlink
import Glibc

/// Tells when something a check looks at may have changed, without polling: rtnetlink notifications (links,
/// IPv4 addresses and routes, neighbours, and netconf, which carries net.ipv4.ip_forward) from every watched
/// namespace, and inotify on /run/netns for namespaces that appear or go away.
///
/// `wait` blocks in poll(2) until something happens (or the timeout passes), then takes whatever else arrives
/// within `settle` so a burst of changes (a script of `ip` commands) gives one re-check, not twenty, but never
/// for longer than `longest`: a storm that does not end (a loop flapping a link) gives a re-check every
/// `longest`, not one after the storm.
///
/// netcheck's own probes fill neighbour tables, and nothing else it does is notified: `heardChanges()` after a
/// check round tells a change of the learner's made during the round (anything but a neighbour) from the
/// round's own traffic.
public final class ChangeMonitor {
    /// RTMGRP_LINK | RTMGRP_NEIGH | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE
    static let groups: UInt32 = 0x1 | 0x4 | 0x10 | 0x40
    /// RTNLGRP_IPV4_NETCONF: forwarding switched on or off.
    static let netconfGroup: Int32 = 24

    private var sockets: [String: Int32] = [:]
    private var identities: [String: NetworkNamespace.Identity] = [:]
    private var inotify: Int32 = -1
    private var watchedDirectory: String?

    public init() {}

    deinit {
        for fd in sockets.values { close(fd) }
        if inotify >= 0 { close(inotify) }
    }

    /// Subscribes to the namespaces that exist among `names` ("root": the one netcheck runs in), and to
    /// /run/netns. Safe to call again: namespaces already watched are kept, new ones are added.
    public func watch(namespaces names: [String]) {
        for name in names {
            let ns: NetworkNamespace
            do { ns = name == "root" ? try NetworkNamespace.current() : try NetworkNamespace.named(name) } catch { forget(name); continue }
            // Deleted and made again under the same name: a new namespace, a new socket.
            if sockets[name] != nil && identities[name] == ns.identity { continue }
            forget(name)
            guard let fd = try? ns.run({ () throws -> Int32 in
                let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), NETLINK_ROUTE)
                guard fd >= 0 else { throw KernelError("socket(AF_NETLINK)", namespace: name, errno: errno) }
                var address = sockaddr_nl()
                address.nl_family = sa_family_t(AF_NETLINK)
                address.nl_groups = Self.groups
                let bound = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size)) }
                }
                guard bound == 0 else { let e = errno; close(fd); throw KernelError("bind(AF_NETLINK)", namespace: name, errno: e) }
                var group = Self.netconfGroup
                setsockopt(fd, 270 /* SOL_NETLINK */, 1 /* NETLINK_ADD_MEMBERSHIP */, &group, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }) else { continue }
            sockets[name] = fd
            identities[name] = ns.identity
        }
        if inotify < 0 { inotify = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC)) }
        // /run/netns may not exist before the first `ip netns add`: then watch /run for it.
        let directory = access(NetworkNamespace.directory, F_OK) == 0 ? NetworkNamespace.directory : "/run"
        if inotify >= 0 && watchedDirectory != directory {
            let mask = UInt32(IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM)
            if inotify_add_watch(inotify, directory, mask) >= 0 { watchedDirectory = directory }
        }
    }

    /// Drops namespaces that no longer exist (their sockets would never speak again).
    public func forget(_ name: String) {
        if let fd = sockets.removeValue(forKey: name) { close(fd) }
        identities[name] = nil
    }

    public var watchedNamespaces: [String] { sockets.keys.sorted() }

    /// Discards every notification already queued (for instance those caused by netcheck's own probes).
    public func drain() {
        _ = readAll()
    }

    /// Reads what is queued, and whether it holds a change netcheck's probes cannot have caused: a link, an
    /// address, a route, forwarding, a namespace appearing or going away, or notifications lost to a full
    /// socket buffer (ENOBUFS: what was lost is unknown). Neighbour notifications alone are not.
    public func heardChanges() -> Bool {
        readAll() == .changes
    }

    /// Waits until something changes (true) or `timeout` passes (false); then lets a burst settle (see `settle`).
    public func wait(timeout: Duration, settle quiet: Duration = .milliseconds(40), longest: Duration = .milliseconds(1000)) -> Bool {
        guard block(for: timeout) else { return false }
        settle(quiet: quiet, longest: longest)
        return true
    }

    /// Takes notifications until none has come for `quiet`, or `longest` has passed since the call.
    public func settle(quiet: Duration = .milliseconds(40), longest: Duration = .milliseconds(1000)) {
        let end = Monotonic.microseconds() + Monotonic.microseconds(longest)
        _ = readAll()
        while true {
            let left = end - Monotonic.microseconds()
            guard left > 0, block(for: min(quiet, .microseconds(left))) else { return }
            _ = readAll()
        }
    }

    private func descriptors() -> [Int32] { Array(sockets.values) + (inotify >= 0 ? [inotify] : []) }

    private func block(for duration: Duration) -> Bool {
        var fds = descriptors().map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        let ms = Monotonic.milliseconds(duration)
        while true {
            let n = poll(&fds, nfds_t(fds.count), ms)
            if n < 0 && errno == EINTR { continue }
            return n > 0
        }
    }

    /// What a read of every descriptor found.
    enum Heard: Comparable { case nothing, neighbours, changes }

    /// RTM_NEWNEIGH, RTM_DELNEIGH: what netcheck's probes cause (ARP, neighbour entries going stale).
    static let neighbourTypes: Set<UInt16> = [28, 29]

    /// Reads and discards what is queued on every descriptor, and says what it was.
    private func readAll() -> Heard {
        var buffer = [UInt8](repeating: 0, count: 65536)
        var heard = Heard.nothing
        for fd in sockets.values {
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == ENOBUFS { heard = .changes; continue }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else { break }
                heard = max(heard, Self.classify(buffer[..<n]))
            }
        }
        if inotify >= 0 {
            while buffer.withUnsafeMutableBytes({ read(inotify, $0.baseAddress, $0.count) }) > 0 { heard = .changes }
        }
        return heard
    }

    /// The messages of one netlink datagram (headers walked by nlmsg_len): neighbours only, or more. What
    /// cannot be read as messages counts as a change.
    static func classify(_ datagram: ArraySlice<UInt8>) -> Heard {
        var heard = Heard.nothing
        var offset = datagram.startIndex
        while offset < datagram.endIndex {
            guard datagram.endIndex - offset >= 16 else { return .changes }
            let length = datagram[offset..<offset + 4].withUnsafeBytes { Int($0.loadUnaligned(as: UInt32.self)) }
            let type = datagram[offset + 4..<offset + 6].withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) }
            guard length >= 16 else { return .changes }
            heard = max(heard, neighbourTypes.contains(type) ? .neighbours : .changes)
            offset += (length + 3) & ~3
        }
        return heard
    }
}
