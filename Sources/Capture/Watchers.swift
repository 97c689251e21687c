import Kernel
import Probes

/// A capture that takes part in a probe run: it is polled with the echo sockets, and the run waits for it
/// until `isSatisfied` says it has seen what it watches for (or the deadline passes).
public final class FrameWatcher: ProbeWatcher {
    public let capture: LiveCapture
    private let satisfied: ([CapturedFrame]) -> Bool
    private let onStart: (() throws -> Void)?
    public let patience: Duration?
    /// What went wrong in `start()`, if anything (an injection that failed).
    public private(set) var startError: Error?

    /// `satisfied` looks at every frame captured so far; `onStart` runs once, after the echo requests have gone
    /// out (an ARP probe injects its request there).
    public init(capture: LiveCapture, patience: Duration? = nil, satisfied: @escaping ([CapturedFrame]) -> Bool,
                onStart: (() throws -> Void)? = nil) {
        self.capture = capture
        self.patience = patience
        self.satisfied = satisfied
        self.onStart = onStart
    }

    public var fileDescriptor: Int32 { capture.fileDescriptor }
    public var frames: [CapturedFrame] { capture.frames }

    public func start() {
        do { try onStart?() } catch { startError = error }
    }

    public func readAvailable() { capture.readAvailable() }

    public var isSatisfied: Bool { startError != nil || satisfied(capture.frames) }
}
