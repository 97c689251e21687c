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

/// A private sandbox for one test: a new network namespace and a new mount namespace with its own tmpfs on
/// /run/netns, so `ip netns add` inside it is invisible to the host and everything vanishes when the script ends.
///
/// The script runs under `bash -e` with the package root as working directory and `$NETCHECK` set to the
/// built binary. Built with util-linux's unshare(1), independent of netcheck's own `demo` sandbox. Processes the
/// script leaves running in the sandbox are killed when it ends.
public enum ScriptSandbox {
    public static func run(_ script: String) throws -> ProcessResult {
        let prologue = """
        set -e
        mount --make-rprivate /
        mount -t tmpfs -o size=4m netcheck-sandbox /run
        mkdir -p /run/netns
        for d in /var/lib/misc /var/lib/dhcp; do [ -d $d ] && mount -t tmpfs -o size=4m netcheck-sandbox $d; done
        ip link set lo up
        export NETCHECK=\(shellQuote(TestPaths.netcheck))
        # Whatever the script started (dnsmasq, dhclient) dies with the sandbox: every process in one of its
        # network namespaces is killed by PID when the script ends, however it ends.
        netcheck_reap() {
          local own; own=$(readlink /proc/$$/ns/net)
          for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do ip netns pids "$ns" 2>/dev/null; done | xargs -r kill -9 2>/dev/null || true
          for p in /proc/[0-9]*; do
            p=${p#/proc/}
            [ "$p" != "$$" ] && [ "$(readlink /proc/$p/ns/net 2>/dev/null)" = "$own" ] && kill -9 "$p" 2>/dev/null || true
          done
        }
        trap netcheck_reap EXIT

        """
        return try runProcess("/usr/bin/unshare", ["--net", "--mount", "--propagation", "private",
                                                   "/bin/bash", "-c", prologue + script])
    }

    public static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
