import Foundation
import CNetlink
import Kernel
import Glibc

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

/// Runs a program and collects its output. Output goes through files, so a chatty child cannot block on a pipe.
///
/// posix_spawn from the calling thread (so the child starts in that thread's namespaces) and waitpid on that
/// one child: Foundation's Process reaps children on a monitor thread of its own, which hung when the first
/// process of a test run was started from inside a thread sandbox.
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                       currentDirectory: URL = TestPaths.packageRoot) throws -> ProcessResult {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path, err = dir.appendingPathComponent("err").path

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    nc_spawn_addchdir(&actions, currentDirectory.path)

    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { $1 }
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }

    var pid: pid_t = 0
    let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard rc == 0 else {
        throw ThreadSandbox.Failure(description: "cannot start \(executable): \(String(cString: strerror(rc)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 {
        guard errno == EINTR else { throw ThreadSandbox.Failure(description: "waitpid: \(String(cString: strerror(errno)))") }
    }
    let exitStatus = shellExitStatus(status)
    return ProcessResult(status: exitStatus,
                         stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
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
