import CPcap
import Glibc
import Kernel

/// One frame as libpcap delivered it: the captured bytes (at most the snap length), the length it had on
/// the wire, and when it was seen.
public struct CapturedFrame: Sendable, Equatable {
    public var bytes: [UInt8]
    public var wireLength: Int
    public var timestampMicroseconds: Int64

    public init(bytes: [UInt8], wireLength: Int, timestampMicroseconds: Int64) {
        self.bytes = bytes; self.wireLength = wireLength; self.timestampMicroseconds = timestampMicroseconds
    }
}

/// Why a capture could not be opened or used, in libpcap's words.
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
/// The handle is created and activated inside the namespace (its packet socket stays there), in immediate
/// mode so frames arrive as they cross, and *not* promiscuous: watching must not change the interface's flags.
/// Non-blocking: `readAvailable(_:)` hands over what is there, and `fileDescriptor` can be polled. It keeps no
/// frame itself: what to keep of a flood is the watcher's choice (`FrameWatcher`).
public final class LiveCapture {
    public let interface: String
    public let namespace: String
    public let filter: String
    public let fileDescriptor: Int32
    private var handle: OpaquePointer?
    /// Where `pcap_dispatch`'s callback delivers, while `readAvailable` runs.
    private var sink: ((CapturedFrame) -> Void)?

    public static let snapLength: Int32 = 2048

    public init(interface: String, in namespace: NetworkNamespace, filter: String) throws {
        self.interface = interface
        self.namespace = namespace.label
        self.filter = filter
        let label = namespace.label
        func failure(_ operation: String, _ message: String, linkProblem: Bool = false) -> CaptureError {
            CaptureError(operation: operation, interface: interface, namespace: label, message: message, isLinkProblem: linkProblem)
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        let handle = try namespace.run { () throws -> OpaquePointer in
            guard let h = pcap_create(interface, &errorBuffer) else {
                throw failure("pcap_create", String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            pcap_set_snaplen(h, Self.snapLength)
            pcap_set_promisc(h, 0)
            pcap_set_immediate_mode(h, 1)
            pcap_set_buffer_size(h, 512 * 1024)
            let status = pcap_activate(h)
            if status < 0 {
                let detail = String(cString: pcap_geterr(h))
                let message = detail.isEmpty ? String(cString: pcap_statustostr(status)) : detail
                pcap_close(h)
                throw failure("pcap_activate", message,
                              linkProblem: status == PCAP_ERROR_NO_SUCH_DEVICE || status == PCAP_ERROR_IFACE_NOT_UP)
            }
            return h
        }
        var program = bpf_program()
        guard pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
            let message = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            throw failure("pcap_compile \"\(filter)\"", message)
        }
        defer { pcap_freecode(&program) }
        guard pcap_setfilter(handle, &program) == 0, pcap_setnonblock(handle, 1, &errorBuffer) == 0 else {
            let message = String(cString: pcap_geterr(handle))
            pcap_close(handle)
            throw failure("pcap_setfilter", message)
        }
        self.fileDescriptor = pcap_get_selectable_fd(handle)
        self.handle = handle
    }

    deinit { close() }

    /// Releases the handle (and its packet socket). Idempotent.
    public func close() {
        if let handle { pcap_close(handle) }
        handle = nil
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

    /// Closes captures at once, each on its own thread.
    public static func close(_ captures: [LiveCapture]) {
        concurrently(captures.count) { captures[$0].close() }
    }

    /// Hands the frames waiting in the capture buffer to `each`, in order, at most `limit` of them: under a
    /// flood the kernel refills the buffer as fast as it is read, and a read without a limit would never end
    /// (nor would the run, whose deadline is checked between reads). Returns how many there were.
    @discardableResult
    public func readAvailable(atMost limit: Int = 256, _ each: (CapturedFrame) -> Void) -> Int {
        guard let handle else { return 0 }
        var count = 0
        withoutActuallyEscaping(each) { each in
            sink = { count += 1; each($0) }
            defer { sink = nil }
            let me = Unmanaged.passUnretained(self).toOpaque().assumingMemoryBound(to: UInt8.self)
            while count < limit {
                let n = pcap_dispatch(handle, Int32(clamping: limit - count), { user, header, bytes in
                    guard let user, let header, let bytes else { return }
                    let capture = Unmanaged<LiveCapture>.fromOpaque(UnsafeRawPointer(user)).takeUnretainedValue()
                    let h = header.pointee
                    capture.sink?(CapturedFrame(
                        bytes: Array(UnsafeBufferPointer(start: bytes, count: Int(h.caplen))), wireLength: Int(h.len),
                        timestampMicroseconds: Int64(h.ts.tv_sec) * 1_000_000 + Int64(h.ts.tv_usec)))
                }, me)
                if n <= 0 { break }
            }
        }
        return count
    }

    /// Frames that passed the filter but that the kernel dropped because the capture buffer was full
    /// (`pcap_stats` ps_drop, since the capture was opened); 0 when the handle is closed.
    public var kernelDrops: Int {
        guard let handle else { return 0 }
        var stats = pcap_stat()
        return pcap_stats(handle, &stats) == 0 ? Int(stats.ps_drop) : 0
    }

    /// Sends one raw frame out of the interface (pcap_inject), as it is.
    public func inject(_ frame: [UInt8]) throws {
        guard let handle else {
            throw CaptureError(operation: "pcap_inject", interface: interface, namespace: namespace, message: "closed", isLinkProblem: false)
        }
        let sent = frame.withUnsafeBytes { pcap_inject(handle, $0.baseAddress, $0.count) }
        guard sent == frame.count else {
            throw CaptureError(operation: "pcap_inject", interface: interface, namespace: namespace,
                               message: String(cString: pcap_geterr(handle)), isLinkProblem: false)
        }
    }
}
