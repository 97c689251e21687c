import CNetlink
import CPcap
import Glibc
import Kernel
import Synchronization

/// One frame as the capture socket delivered it: the captured bytes (at most the snap length), the length it had on
/// the wire, and when it was seen.
public struct CapturedFrame: Sendable, Equatable {
    public var bytes: [UInt8]
    public var wireLength: Int
    public var timestampMicroseconds: Int64

    public init(bytes: [UInt8], wireLength: Int, timestampMicroseconds: Int64) {
        self.bytes = bytes; self.wireLength = wireLength; self.timestampMicroseconds = timestampMicroseconds
    }
}

/// Why a capture could not be opened or used, in the system's (or libpcap's) words.
public struct CaptureError: Error, CustomStringConvertible, Sendable {
    public var operation: String
    public var interface: String
    public var namespace: String
    public var message: String
    /// The interface does not exist in that namespace (PCAP_ERROR_NO_SUCH_DEVICE) or is down
    /// (PCAP_ERROR_IFACE_NOT_UP): a problem of the learner's network, not of netcheck.
    public var isLinkProblem: Bool

    public var description: String { "\(operation) on \(interface) in \(namespace): \(message)" }
}

/// A live capture on one interface inside one namespace, like `ip netns exec NS tcpdump -i IFACE FILTER`.
///
/// One packet socket of netcheck's own, opened inside the namespace (so it stays there) with protocol 0, its
/// filter compiled by libpcap (`pcap_compile` on a dead handle, as tcpdump would compile it) and attached with
/// SO_ATTACH_FILTER before the socket is bound to the interface: no frame arrives unfiltered, and opening waits for
/// no RCU grace period (libpcap's ring, and a socket opened with ETH_P_ALL then bound, each wait for one, 8 ms).
/// Not promiscuous: watching must not change the interface's flags. Non-blocking: `readAvailable(_:)` hands over
/// what is there, and `fileDescriptor` can be polled. It keeps no frame itself: what to keep of a flood is the
/// watcher's choice (`FrameWatcher`). Closing does wait for a grace period: see `close(_:)` and `deferClosing()`.
public final class LiveCapture {
    public let interface: String
    public let namespace: String
    public let filter: String
    public let fileDescriptor: Int32
    private var open: Bool
    /// On lo every frame is seen twice, going out and coming in: as tcpdump, only the incoming one is kept.
    private let isLoopback: Bool
    /// PACKET_STATISTICS resets on each read: the drops counted so far.
    private var drops = 0

    public static let snapLength: Int32 = 2048
    /// The kernel's buffer for frames not read yet (SO_RCVBUF; libpcap's was 512 KiB too).
    static let receiveBuffer: Int32 = 512 * 1024

    public init(interface: String, in namespace: NetworkNamespace, filter: String) throws {
        self.interface = interface
        self.namespace = namespace.label
        self.filter = filter
        let label = namespace.label
        func failure(_ operation: String, _ message: String, linkProblem: Bool = false) -> CaptureError {
            CaptureError(operation: operation, interface: interface, namespace: label, message: message, isLinkProblem: linkProblem)
        }
        func systemFailure(_ operation: String, _ e: Int32) -> CaptureError { failure(operation, String(cString: strerror(e))) }
        let program = try Self.compile(filter, failure: failure)
        let (fd, loopback) = try namespace.run { () throws -> (Int32, Bool) in
            let fd = nc_packet_open()
            guard fd >= 0 else { throw systemFailure("socket(AF_PACKET)", errno) }
            var flags: Int32 = 0
            let index = if_nametoindex(interface)
            guard index != 0, nc_interface_flags(fd, interface, &flags) == 0 else {
                let e = errno
                Glibc.close(fd)
                throw failure("open", "No such device exists (\(String(cString: strerror(e))))", linkProblem: e == ENODEV || e == ENXIO)
            }
            guard flags & Int32(IFF_UP) != 0 else {
                Glibc.close(fd)
                throw failure("open", "That device is not up", linkProblem: true)
            }
            let attached = program.withUnsafeBytes { nc_packet_attach_filter(fd, $0.baseAddress, UInt32(program.count)) }
            guard attached == 0, nc_packet_bind(fd, Int32(index), Self.receiveBuffer) == 0 else {
                let e = errno
                Glibc.close(fd)
                throw attached == 0 ? systemFailure("bind(AF_PACKET)", e) : systemFailure("SO_ATTACH_FILTER \"\(filter)\"", e)
            }
            return (fd, flags & Int32(IFF_LOOPBACK) != 0)
        }
        self.fileDescriptor = fd
        self.isLoopback = loopback
        self.open = true
    }

    /// `filter` as libpcap compiles it for Ethernet, the instructions as the kernel takes them (struct sock_filter
    /// and libpcap's struct bpf_insn are the same 8 bytes). Accepted frames are returned whole (snap length 256 KiB):
    /// the kernel would otherwise cut them before netcheck could learn their length on the wire.
    static func compile(_ filter: String, failure: (String, String, Bool) -> CaptureError) throws -> [bpf_insn] {
        guard let dead = pcap_open_dead(DLT_EN10MB, 262_144) else { throw failure("pcap_open_dead", "out of memory", false) }
        defer { pcap_close(dead) }
        var program = bpf_program()
        guard pcap_compile(dead, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            throw failure("pcap_compile \"\(filter)\"", String(cString: pcap_geterr(dead)), false)
        }
        defer { pcap_freecode(&program) }
        return Array(UnsafeBufferPointer(start: program.bf_insns, count: Int(program.bf_len)))
    }

    deinit { close() }

    /// Releases the socket, at once (each close waits for a grace period). Idempotent.
    public func close() {
        guard open else { return }
        open = false
        Glibc.close(fileDescriptor)
    }

    /// What to open: an interface in a namespace, with a filter.
    public struct Request {
        public var interface: String
        public var namespace: NetworkNamespace
        public var filter: String
        public init(interface: String, namespace: NetworkNamespace, filter: String) {
            self.interface = interface; self.namespace = namespace; self.filter = filter
        }
    }

    /// Opens every request at once, each on its own thread (see `concurrently`), results in request order.
    public static func open(_ requests: [Request]) -> [Result<LiveCapture, Error>] {
        let results = UnsafeMutableBufferPointer<Result<LiveCapture, Error>?>.allocate(capacity: requests.count)
        results.initialize(repeating: nil)
        defer { results.deallocate() }
        concurrently(requests.count) { i in
            let r = requests[i]
            results[i] = Result { try LiveCapture(interface: r.interface, in: r.namespace, filter: r.filter) }
        }
        return results.map { $0! }
    }

    /// Sockets kept open by `close(_:)` after `deferClosing()`, for `closeDeferred()`.
    private static let deferred = Mutex<[Int32]?>(nil)

    /// From now on `close(_:)` stops the captures (nothing more is read from them) but keeps their sockets, for
    /// `closeDeferred()` to release once the report is out. The command line does so: the learner waits for the
    /// report, not for the kernel's grace periods.
    public static func deferClosing() { deferred.withLock { if $0 == nil { $0 = [] } } }

    /// Closes the captures: at once, each on its own thread (one grace period for all), or after `deferClosing()`,
    /// later, in `closeDeferred()`.
    public static func close(_ captures: [LiveCapture]) {
        let kept = deferred.withLock { fds -> Bool in
            guard fds != nil else { return false }
            for c in captures where c.open { fds!.append(c.fileDescriptor); c.open = false }
            return true
        }
        if !kept { concurrently(captures.count) { captures[$0].close() } }
    }

    /// Releases what `close(_:)` kept: a child of netcheck closes the sockets (and waits for the grace period) while
    /// netcheck goes on, and exits as soon as it has; netcheck itself only drops its references. Returns the child's
    /// pid, nil when there was nothing to release (or fork failed, and the sockets were closed here).
    @discardableResult
    public static func closeDeferred() -> Int32? {
        let fds = deferred.withLock { fds -> [Int32] in let all = fds ?? []; fds = fds == nil ? nil : []; return all }
        guard !fds.isEmpty else { return nil }
        let pid = fds.withUnsafeBufferPointer { nc_close_in_child($0.baseAddress, Int32($0.count)) }
        if pid < 0 { for fd in fds { Glibc.close(fd) }; return nil }
        return pid
    }

    /// Hands the frames waiting in the socket to `each`, in order, at most `limit` of them: under a flood the
    /// kernel refills the buffer as fast as it is read, and a read without a limit would never end (nor would the
    /// run, whose deadline is checked between reads). Returns how many there were.
    @discardableResult
    public func readAvailable(atMost limit: Int = 256, _ each: (CapturedFrame) -> Void) -> Int {
        guard open else { return 0 }
        var count = 0
        var buffer = [UInt8](repeating: 0, count: Int(Self.snapLength))
        // Frames read but dropped (lo's outgoing copies) count too: a flood of them must not hold the loop.
        var read = 0
        while count < limit && read < 4 * limit {
            var wire: UInt = 0, outgoing: Int32 = 0, usec: Int64 = 0
            let n = buffer.withUnsafeMutableBytes { nc_packet_receive(fileDescriptor, $0.baseAddress, UInt($0.count), &wire, &outgoing, &usec) }
            if n < 0 { break }
            read += 1
            if isLoopback && outgoing != 0 { continue }
            count += 1
            each(CapturedFrame(bytes: Array(buffer[0..<n]), wireLength: Int(wire), timestampMicroseconds: usec))
        }
        return count
    }

    /// Frames that passed the filter but that the kernel dropped because the socket's buffer was full (since the
    /// capture was opened); what was counted before it was closed.
    public var kernelDrops: Int {
        var now: UInt32 = 0
        if open && nc_packet_drops(fileDescriptor, &now) == 0 { drops += Int(now) }
        return drops
    }

    /// Sends one raw frame out of the interface, as it is.
    public func inject(_ frame: [UInt8]) throws {
        guard open else {
            throw CaptureError(operation: "send", interface: interface, namespace: namespace, message: "closed", isLinkProblem: false)
        }
        let sent = frame.withUnsafeBytes { Glibc.send(fileDescriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        guard sent == frame.count else {
            throw CaptureError(operation: "send", interface: interface, namespace: namespace,
                               message: sent < 0 ? String(cString: strerror(errno)) : "short send", isLinkProblem: false)
        }
    }
}
