import Glibc
import Kernel
import TestSupport
import XCTest

/// Kernel.Subprocess, the one way netcheck (the demo, nft, the tests) starts programs.
final class SubprocessTests: XCTestCase {
    func run(_ script: String, _ options: Subprocess.Options = Subprocess.Options(), deadline: Int? = nil,
             stderrLimit: Int = .max) throws -> Subprocess.Finished {
        try Subprocess.run(["/bin/sh", "-c", script], options, deadline: deadline, stderrLimit: stderrLimit)
    }

    func testCapturesBothStreamsAndTheStatus() throws {
        let r = try run("echo out; echo err >&2; exit 3")
        XCTAssertEqual(r.ending, .exited(3))
        XCTAssertEqual(r.exitStatus, 3)
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self), "out\n")
        XCTAssertEqual(String(decoding: r.stderr, as: UTF8.self), "err\n")
        // More than a pipe holds, on both streams at once: read while the child runs.
        let big = try run("head -c 300000 /dev/zero; head -c 200000 /dev/zero >&2")
        XCTAssertEqual(big.stdout.count, 300000)
        XCTAssertEqual(big.stderr.count, 200000)
        XCTAssertEqual(try run("head -c 10000 /dev/zero >&2", stderrLimit: 4096).stderr.count, 4096)
    }

    func testNullAndInheritedStreams() throws {
        let r = try run("cat; echo gone; echo gone >&2", Subprocess.Options(stdin: .null, stdout: .null, stderr: .null))
        XCTAssertEqual(r.ending, .exited(0), "stdin at end of file: cat returns at once")
        XCTAssertEqual(r.stdout, [])
        XCTAssertEqual(r.stderr, [])
        // Inherited streams are this process's: nothing is captured, the status still comes back.
        XCTAssertEqual(try run("exit 0", .inheritAll).ending, .exited(0))
    }

    func testStatusOfAChildKilledByASignalIsAsAShellSaysIt() throws {
        XCTAssertEqual(try run("kill -TERM $$").exitStatus, 128 + SIGTERM)
        XCTAssertEqual(try run("kill -KILL $$").ending, .exited(128 + SIGKILL), "killed, but not by netcheck")
    }

    /// SIGINT and SIGTERM are back to their defaults in the child even when this process ignores them (the demo does).
    func testSignalDefaultsInTheChild() throws {
        let previous = signal(SIGINT, SIG_IGN)
        defer { signal(SIGINT, previous) }
        XCTAssertEqual(try run("kill -INT $$; echo survived").exitStatus, 128 + SIGINT)
    }

    func testTheDeadlineKillsTheChild() throws {
        let start = Monotonic.microseconds()
        let r = try run("echo started; sleep 10", deadline: start + 300_000)
        XCTAssertEqual(r.ending, .killed)
        XCTAssertEqual(r.exitStatus, 128 + SIGKILL)
        XCTAssertLessThan(Monotonic.microseconds() - start, 2_000_000)
    }

    /// A daemon the child leaves running keeps the pipes open: the child's end is what counts, not the pipes'.
    func testADaemonHoldingThePipesIsNotWaitedFor() throws {
        let start = Monotonic.microseconds()
        let r = try run("sleep 5 & echo $! ; echo done")
        XCTAssertLessThan(Monotonic.microseconds() - start, 2_000_000)
        let lines = String(decoding: r.stdout, as: UTF8.self).split(separator: "\n")
        XCTAssertEqual(lines.last, "done")
        if let pid = lines.first.flatMap({ pid_t($0) }) { kill(pid, SIGKILL) }
    }

    func testStreamingStopsAChildWhoseOutputIsNoLongerWanted() throws {
        let child = try Subprocess.start(["/bin/sh", "-c", "while :; do echo y; done"])
        var seen = 0
        let r = Subprocess.collect([child], deadline: Monotonic.microseconds() + 5_000_000) { _, chunk in
            seen += chunk.count
            return seen < 100_000
        }
        XCTAssertEqual(r[0].ending, .killed)
        XCTAssertGreaterThanOrEqual(seen, 100_000)
    }

    /// A child that writes faster than its output is taken (nft's 11 MB listing into a slow parser) is still
    /// stopped at the deadline: a turn of the loop reads once, then looks at the clock.
    func testAFastWriterDoesNotHoldTheLoopPastTheDeadline() throws {
        let start = Monotonic.microseconds()
        let child = try Subprocess.start(["/usr/bin/yes"])
        let r = Subprocess.collect([child], deadline: start + 300_000) { _, _ in usleep(2_000); return true }
        XCTAssertEqual(r[0].ending, .killed)
        XCTAssertLessThan(Monotonic.microseconds() - start, 1_000_000)
    }

    func testEnvironmentWorkingDirectoryAndPath() throws {
        let env = Subprocess.environment(adding: ["NETCHECK_TEST": "x y", "PATH": "/usr/bin:/bin"])
        XCTAssertEqual(env.filter { $0.hasPrefix("PATH=") }, ["PATH=/usr/bin:/bin"])
        let r = try Subprocess.run(["sh", "-c", "echo \"$NETCHECK_TEST\"; pwd"], Subprocess.Options(environment: env, workingDirectory: "/tmp"))
        XCTAssertEqual(String(decoding: r.stdout, as: UTF8.self), "x y\n/tmp\n", "sh found in PATH")
    }

    func testAProgramThatDoesNotStart() throws {
        XCTAssertThrowsError(try Subprocess.run(["/nonexistent/program", "a"])) { error in
            XCTAssertEqual((error as? Subprocess.SpawnError)?.command, ["/nonexistent/program", "a"])
            XCTAssertEqual((error as? Subprocess.SpawnError)?.errno, ENOENT)
            XCTAssertEqual("\(error)", "cannot start /nonexistent/program: No such file or directory")
        }
        // startAll: when the second cannot start, the first is killed and reaped.
        XCTAssertThrowsError(try Subprocess.startAll([["/bin/sleep", "10"], ["/nonexistent/program"]]))
    }

    /// The child starts in the calling thread's network namespace: inside a namespace's `run`, in that namespace.
    func testTheChildStartsInTheThreadsNamespace() throws {
        try ThreadSandbox.with { sh in
            try sh.must("ip netns add spawn1")
            let ns = try NetworkNamespace.named("spawn1")
            let inode = try ns.run { () throws -> String in
                let r = try Subprocess.run(["/bin/sh", "-c", "stat -L -c %i /proc/self/ns/net"])
                return String(decoding: r.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            XCTAssertEqual(inode, String(ns.identity.inode))
        }
    }
}
