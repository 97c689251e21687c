import Foundation

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
public func runProcess(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                       currentDirectory: URL = TestPaths.packageRoot) throws -> ProcessResult {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = currentDirectory
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { $1 }
    process.environment = env
    process.standardOutput = try FileHandle(forWritingTo: out)
    process.standardError = try FileHandle(forWritingTo: err)
    process.standardInput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus,
                         stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                         stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
}

/// A private sandbox for one test: a new network namespace and a new mount namespace with its own tmpfs on
/// /run/netns, so `ip netns add` inside it is invisible to the host and everything vanishes when the script ends.
///
/// The script runs under `bash -e` with the package root as working directory and `$NETCHECK` set to the
/// built binary. Built with util-linux's unshare(1), independent of netcheck's own `demo` sandbox.
public enum ScriptSandbox {
    public static func run(_ script: String) throws -> ProcessResult {
        let prologue = """
        set -e
        mount --make-rprivate /
        mkdir -p /run/netns
        mount -t tmpfs -o size=1m netcheck-sandbox /run/netns
        ip link set lo up
        export NETCHECK=\(shellQuote(TestPaths.netcheck))

        """
        return try runProcess("/usr/bin/unshare", ["--net", "--mount", "--propagation", "private",
                                                   "/bin/bash", "-c", prologue + script])
    }

    public static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
