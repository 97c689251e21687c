import Kernel
import Probes

/// How many frames a watcher keeps of its capture, whatever crosses the link: the first `first`, then only those
/// that decide its check, up to `decisive` more. The rest are counted, not kept, so a flood (a learner's loop
/// sending 50,000 frames a second) costs neither memory nor a report of megabytes.
public struct FrameBudget: Sendable, Equatable {
    public var first: Int
    public var decisive: Int

    public init(first: Int, decisive: Int) {
        self.first = first
        self.decisive = decisive
    }

    /// 50 and 50: more than any of the book's exchanges takes (a ping and its reply, an ARP exchange, a DHCP
    /// DISCOVER and OFFER, a TCP conversation on lo).
    public static let standard = FrameBudget(first: 50, decisive: 50)
}

/// A capture that takes part in a probe run: it is polled with the echo sockets, and the run waits for it
/// until `isSatisfied` says it has seen what it watches for (or the deadline passes).
///
/// Each frame is examined once, when it is read (decoded into `Decoded`, and told whether it decides the check
/// and whether the watcher has now seen enough), and kept within `budget`: the work of a run grows with the
/// frames that cross, not with their square, and its memory not at all past the budget.
public final class FrameWatcher<Decoded>: ProbeWatcher {
    /// What `examine` makes of one frame.
    public struct Examined {
        public var decoded: Decoded
        /// The frame decides the check (the reply awaited, the OFFER with netcheck's transaction id): kept
        /// beyond `budget.first`, within `budget.decisive`.
        public var decisive: Bool
        /// With this frame the watcher has seen what it waits for (the closure keeps its own state for a
        /// condition on several frames: a request *and* its reply).
        public var satisfied: Bool

        public init(_ decoded: Decoded, decisive: Bool = false, satisfied: Bool = false) {
            self.decoded = decoded
            self.decisive = decisive
            self.satisfied = satisfied
        }
    }

    /// A frame kept, with what `examine` made of it.
    public struct Kept {
        public var frame: CapturedFrame
        public var decoded: Decoded
    }

    public let capture: LiveCapture
    public let budget: FrameBudget
    public let patience: Duration?
    private let examine: (CapturedFrame) -> Examined
    private let onStart: (() throws -> Void)?
    /// What went wrong in `start()`, if anything (an injection that failed).
    public private(set) var startError: Error?
    /// The frames kept, in the order they crossed.
    public private(set) var kept: [Kept] = []
    /// Frames read but not kept, decisive or not.
    public private(set) var unkeptDecisive = 0
    public private(set) var unkeptOther = 0
    private var keptDecisiveBeyondFirst = 0
    private var satisfied = false
    /// The kernel's drop count, read once the run is over (`finish()`), before the handle closes.
    public private(set) var kernelDrops = 0

    /// `onStart` runs once, after the echo requests have gone out (an ARP probe injects its request there).
    /// `satisfied`: the run need not wait for this watcher at all (a capture that only records, such as the
    /// one on lo during the conversations with servers, which come after the probe run).
    public init(capture: LiveCapture, budget: FrameBudget = .standard, patience: Duration? = nil, satisfied: Bool = false,
                examine: @escaping (CapturedFrame) -> Examined, onStart: (() throws -> Void)? = nil) {
        self.capture = capture
        self.budget = budget
        self.patience = patience
        self.satisfied = satisfied
        self.examine = examine
        self.onStart = onStart
    }

    public var fileDescriptor: Int32 { capture.fileDescriptor }

    public func start() {
        do { try onStart?() } catch { startError = error }
    }

    public func readAvailable() {
        capture.readAvailable { frame in take(frame) }
    }

    func take(_ frame: CapturedFrame) {
        let e = examine(frame)
        if e.satisfied { satisfied = true }
        if kept.count - keptDecisiveBeyondFirst < budget.first {
            kept.append(Kept(frame: frame, decoded: e.decoded))
        } else if e.decisive && keptDecisiveBeyondFirst < budget.decisive {
            kept.append(Kept(frame: frame, decoded: e.decoded))
            keptDecisiveBeyondFirst += 1
        } else if e.decisive {
            unkeptDecisive += 1
        } else {
            unkeptOther += 1
        }
    }

    /// Frames read but not kept.
    public var unkept: Int { unkeptDecisive + unkeptOther }

    /// Reads what is still waiting (more at once than a turn of the poll loop takes: the run is over, and the
    /// buffer holds a few thousand frames at most) and the kernel's drop count: call before the capture closes.
    public func finish() {
        capture.readAvailable(atMost: 4096) { frame in take(frame) }
        kernelDrops = capture.kernelDrops
    }

    public var isSatisfied: Bool { startError != nil || satisfied }
}
