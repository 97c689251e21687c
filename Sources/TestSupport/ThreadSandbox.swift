import CNetlink
import Foundation
import Glibc

/// A private sandbox for in-process tests: the *calling thread* moves into a new network namespace and a new
/// mount namespace with its own tmpfs on /run/netns, runs `body`, and moves back. Everything made inside
/// (namespaces from `ip netns add`, veths, routes) disappears with the sandbox.
///
/// Only the calling thread is in the sandbox: keep `body` synchronous. Commands run with `shell` are spawned
/// from this thread and so start inside the sandbox too.
public enum ThreadSandbox {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public static func with<T>(_ body: (Shell) throws -> T) throws -> T {
        let homeNet = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        let homeMnt = open("/proc/thread-self/ns/mnt", O_RDONLY | O_CLOEXEC)
        guard homeNet >= 0, homeMnt >= 0 else { throw Failure(description: "cannot open own namespaces") }
        defer { close(homeNet); close(homeMnt) }
        guard nc_unshare(nc_CLONE_NEWNET | nc_CLONE_NEWNS) == 0 else {
            throw Failure(description: "unshare: \(String(cString: strerror(errno)))")
        }
        defer {
            if nc_setns(homeMnt, nc_CLONE_NEWNS) != 0 || nc_setns(homeNet, nc_CLONE_NEWNET) != 0 {
                fatalError("cannot leave the test sandbox: \(String(cString: strerror(errno)))")
            }
        }
        guard nc_mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil) == 0 else {
            throw Failure(description: "mount --make-rprivate /: \(String(cString: strerror(errno)))")
        }
        mkdir("/run/netns", 0o755)
        guard nc_mount("netcheck-sandbox", "/run/netns", "tmpfs", 0, "size=1m") == 0 else {
            throw Failure(description: "mount tmpfs /run/netns: \(String(cString: strerror(errno)))")
        }
        let shell = Shell()
        try shell.must("ip link set lo up")
        return try body(shell)
    }
}

/// Runs shell commands from the calling thread (so inside a ThreadSandbox, when in one).
public struct Shell: Sendable {
    public init() {}

    public func run(_ script: String) throws -> ProcessResult {
        try runProcess("/bin/bash", ["-c", script])
    }

    /// Runs `script` under `bash -e` and throws with its stderr when it fails.
    @discardableResult
    public func must(_ script: String) throws -> String {
        let r = try runProcess("/bin/bash", ["-ec", script])
        guard r.status == 0 else {
            throw ThreadSandbox.Failure(description: "shell failed (\(r.status)): \(script)\n\(r.stderr)")
        }
        return r.stdout
    }
}
