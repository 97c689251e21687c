import Foundation
import Kernel

/// The outcome of one command run by the tests.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
}

/// Where the tests find things: the package root (for Exercises/ and Solutions/) and the built binary.
public enum TestPaths {
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `netcheck` executable built next to this test bundle (override with NETCHECK_BIN).
    public static var netcheck: String {
        if let path = ProcessInfo.processInfo.environment["NETCHECK_BIN"] { return path }
        return URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("netcheck").path
    }
}

/// Runs a program and collects its output (`Kernel.Subprocess`, as netcheck runs its own: from the calling thread, so
/// the child starts in that thread's namespaces, inside a ThreadSandbox too; stdout and stderr read through pipes
/// while it runs, so a chatty child never blocks, until it has exited — a daemon it leaves running with the pipes
/// open is not waited for). Foundation's Process reaps children on a monitor thread of its own, which hung when the
/// first process of a test run was started from inside a thread sandbox.
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                       currentDirectory: URL = TestPaths.packageRoot) throws -> ProcessResult {
    let options = Subprocess.Options(environment: Subprocess.environment(adding: environment), workingDirectory: currentDirectory.path)
    let finished: Subprocess.Finished
    do { finished = try Subprocess.run([executable] + arguments, options) } catch {
        throw ThreadSandbox.Failure(description: error.description)
    }
    return ProcessResult(status: finished.exitStatus, stdout: String(decoding: finished.stdout, as: UTF8.self),
                         stderr: String(decoding: finished.stderr, as: UTF8.self))
}

/// A private sandbox for one test script: `netcheck sandbox` (the same `Kernel.Sandbox` as `netcheck demo` and
/// ThreadSandbox: a new network namespace, a new mount namespace with its own /run, lease folders, /var/tmp and a
/// private, writable /etc), so `ip netns add` inside it is invisible to the host, what the book's daemons write in
/// /etc stays inside, and everything vanishes when the script ends.
///
/// The script runs under `bash -e` with the package root as working directory and `$NETCHECK` set to the
/// built binary. Processes the script leaves running in the sandbox's namespaces are killed by PID when it
/// ends, however it ends.
public enum ScriptSandbox {
    public static func run(_ script: String) throws -> ProcessResult {
        let prologue = """
        set -e
        ip link set lo up
        export NETCHECK=\(shellQuote(TestPaths.netcheck))

        """
        return try runProcess(TestPaths.netcheck, ["sandbox", "--", "/bin/bash", "-c", prologue + script])
    }

    public static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// What is under a folder, as the calling thread sees it (on the host, or inside a ThreadSandbox), to show that a
/// sandbox changed nothing there, or sees the same: one line per entry with its type, mode, owner, modification
/// time, symlink target and (not for folders, whose size depends on the file system) size, then the SHA-256 of
/// every regular file. With `changeTimes`, each entry's ctime too: then two fingerprints are equal exactly when
/// nothing was created, deleted, renamed, written, chmod-ed or chown-ed.
public func fingerprint(of folder: String, changeTimes: Bool = true) throws -> String {
    let q = ScriptSandbox.shellQuote(folder)
    let c = changeTimes ? "\\t%C@" : ""
    let r = try runProcess("/bin/bash", ["-c", """
        set -o pipefail
        { find \(q) -type d -printf '%P\\t%y\\t%m\\t%U:%G\\t%T@\(c)\\n'
          find \(q) ! -type d -printf '%P\\t%y\\t%m\\t%U:%G\\t%T@\(c)\\t%s\\t%l\\n'; } | LC_ALL=C sort
        find \(q) -type f -print0 | LC_ALL=C sort -z | xargs -0r sha256sum
        """])
    guard r.status == 0, !r.stdout.isEmpty else {
        throw ThreadSandbox.Failure(description: "cannot list \(folder) (\(r.status)): \(r.stderr)")
    }
    return r.stdout
}
