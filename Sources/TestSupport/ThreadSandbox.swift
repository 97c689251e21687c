import Kernel

/// A private sandbox for in-process tests: the *calling thread* moves into netcheck's sandbox (`Kernel.Sandbox`,
/// the one `netcheck demo` and ScriptSandbox use: a new network namespace, a new mount namespace with its own
/// /run, lease folders, /var/tmp and a private, writable /etc), runs `body`, kills what `body` left running in the
/// sandbox's namespaces, and moves back. Everything made inside (namespaces from `ip netns add`, veths, routes,
/// files written in /etc) disappears with the sandbox.
///
/// Only the calling thread is in the sandbox: keep `body` synchronous. Commands run with `shell` are spawned
/// from this thread and so start inside the sandbox too. `etc`: force one way of making /etc private (the tests
/// of the fallback); nil as netcheck does it.
public enum ThreadSandbox {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    public static func with<T>(etc: Sandbox.Etc? = nil, _ body: (Shell) throws -> T) throws -> T {
        var entered = false
        do {
            return try Sandbox.within(etc: etc) { made in
                entered = true
                var shell = Shell()
                shell.etc = made
                try shell.must("ip link set lo up")
                return try body(shell)
            }
        } catch where !entered {
            throw Failure(description: "cannot create the sandbox: \(error)")
        }
    }
}

/// Runs shell commands from the calling thread (so inside a ThreadSandbox, when in one).
public struct Shell: Sendable {
    /// Inside a ThreadSandbox: how it made /etc private.
    public var etc: Sandbox.Etc?

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
