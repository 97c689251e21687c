import CNetlink
import Glibc

/// The programs netcheck starts — the book's scripts and the check in the demo's sandbox (`netcheck demo`,
/// `netcheck sandbox`), `nft` inside a learner's namespace, the tests' commands — all started here.
///
/// posix_spawnp(3) from the *calling thread*, which matters: the child starts in that thread's namespaces, so a
/// program spawned inside `NetworkNamespace.run` or a `Sandbox` runs there (Foundation's Process starts children
/// from a thread of its own). In the child SIGINT and SIGTERM are back to their defaults even when netcheck ignores
/// them (the demo does, to outlive Ctrl-C and clean up). Exit statuses are read as a shell reports them
/// (`shellExitStatus`: 128 + the signal for a child killed by one).
public enum Subprocess {
    /// Where a child's standard input comes from.
    public enum Input: Sendable {
        /// netcheck's own.
        case inherit
        /// /dev/null: the child reads end of file.
        case null
    }

    /// Where a child's standard output or error goes.
    public enum Output: Sendable {
        /// netcheck's own.
        case inherit
        /// /dev/null.
        case null
        /// A pipe netcheck reads while the child runs (`collect`), so a child that writes a lot never blocks on it.
        case capture
    }

    public struct Options: Sendable {
        public var stdin: Input
        public var stdout: Output
        public var stderr: Output
        /// "NAME=value" strings; nil: netcheck's own environment (see `environment(adding:)`).
        public var environment: [String]?
        /// nil: netcheck's.
        public var workingDirectory: String?

        public init(stdin: Input = .null, stdout: Output = .capture, stderr: Output = .capture, environment: [String]? = nil,
                    workingDirectory: String? = nil) {
            self.stdin = stdin
            self.stdout = stdout
            self.stderr = stderr
            self.environment = environment
            self.workingDirectory = workingDirectory
        }

        /// A child that shares netcheck's terminal: stdin, stdout and stderr inherited.
        public static let inheritAll = Options(stdin: .inherit, stdout: .inherit, stderr: .inherit)
    }

    /// posix_spawnp failed: `errno` says why (ENOENT: no such program).
    public struct SpawnError: Error, Equatable, Sendable, CustomStringConvertible {
        /// The command line that did not start.
        public var command: [String]
        public var errno: Int32
        public var program: String { command.first ?? "" }
        public var description: String { "cannot start \(program): \(String(cString: strerror(errno)))" }
    }

    /// A started child, until `collect` (or `wait`) reaps it and closes its pipes.
    public struct Child: Sendable {
        public let pid: pid_t
        /// The command line, for messages.
        public let command: [String]
        /// The read ends of the captured streams, -1 for those not captured.
        let stdout: Int32
        let stderr: Int32
    }

    /// How a child ended.
    public enum Ending: Equatable, Sendable {
        /// It exited with this status, 128 + the signal when a signal killed it (not netcheck: see `killed`).
        case exited(Int32)
        /// netcheck killed it (SIGKILL): at the deadline, or because its output was no longer wanted.
        case killed
    }

    /// A child's end and what it wrote to its captured streams.
    public struct Finished: Equatable, Sendable {
        public var ending: Ending
        /// Empty when stdout was not captured, or was handed to `collect`'s `output` instead.
        public var stdout: [UInt8]
        /// At most `collect`'s `stderrLimit` bytes.
        public var stderr: [UInt8]

        /// The status as a shell reports it: the exit status, or 128 + the signal that killed the child (137,
        /// SIGKILL, when netcheck did).
        public var exitStatus: Int32 { if case .exited(let s) = ending { return s }; return 128 + SIGKILL }
    }

    /// netcheck's environment with `changes` set (added, or replacing a variable of the same name), as "NAME=value".
    public static func environment(adding changes: [String: String] = [:]) -> [String] {
        var result: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            index += 1
            let name = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
            if changes[name] == nil { result.append(text) }
        }
        return result + changes.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// Starts `argv[0]` (a path, or a name looked up in PATH) with `argv` from the calling thread.
    public static func start(_ argv: [String], _ options: Options = Options()) throws(SpawnError) -> Child {
        let program = argv.first ?? ""
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // The ends this process keeps (read) and the child's (write), for each captured stream.
        var pipes: [(read: Int32, write: Int32)?] = [nil, nil]
        func closeAll() { for p in pipes.compactMap({ $0 }) { close(p.read); close(p.write) } }
        switch options.stdin {
        case .inherit: break
        case .null: posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        for (slot, output) in [options.stdout, options.stderr].enumerated() {
            let target = Int32(slot + 1)
            switch output {
            case .inherit: break
            case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            case .capture:
                var fds: [Int32] = [-1, -1]
                guard nc_pipe_cloexec(&fds) == 0 else {
                    let e = errno
                    closeAll()
                    throw SpawnError(command: argv, errno: e)
                }
                pipes[slot] = (fds[0], fds[1])
                posix_spawn_file_actions_adddup2(&actions, fds[1], target)
            }
        }
        if let dir = options.workingDirectory { nc_spawn_addchdir(&actions, dir) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))

        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc: Int32
        if let environment = options.environment {
            let cEnv = environment.map { strdup($0) } + [nil]
            defer { cEnv.forEach { free($0) } }
            rc = posix_spawnp(&pid, program, &actions, &attributes, cArgs, cEnv)
        } else {
            rc = posix_spawnp(&pid, program, &actions, &attributes, cArgs, environ)
        }
        for p in pipes.compactMap({ $0 }) { close(p.write) }
        guard rc == 0 else {
            for p in pipes.compactMap({ $0 }) { close(p.read) }
            throw SpawnError(command: argv, errno: rc)
        }
        // Read without blocking: a child that has exited may leave its pipes open in a process of its own.
        for p in pipes.compactMap({ $0 }) { _ = fcntl(p.read, F_SETFL, fcntl(p.read, F_GETFL) | O_NONBLOCK) }
        return Child(pid: pid, command: argv, stdout: pipes[0]?.read ?? -1, stderr: pipes[1]?.read ?? -1)
    }

    /// Starts `argv` and collects it (see `collect`): its end and its output.
    public static func run(_ argv: [String], _ options: Options = Options(), deadline: Int? = nil,
                           stderrLimit: Int = .max) throws(SpawnError) -> Finished {
        collect([try start(argv, options)], deadline: deadline, stderrLimit: stderrLimit)[0]
    }

    /// Starts every command from the calling thread; when one cannot start, those already started are killed.
    public static func startAll(_ commands: [[String]], _ options: Options = Options()) throws(SpawnError) -> [Child] {
        var started: [Child] = []
        do throws(SpawnError) {
            for argv in commands { started.append(try start(argv, options)) }
        } catch {
            for child in started { kill(child.pid, SIGKILL) }
            _ = collect(started, deadline: nil)
            throw error
        }
        return started
    }

    /// `collect(_:deadline:stderrLimit:output:)` keeping each child's stdout in `Finished.stdout`.
    public static func collect(_ children: [Child], deadline: Int?, stderrLimit: Int = .max) -> [Finished] {
        var kept = children.map { _ in [UInt8]() }
        var results = collect(children, deadline: deadline, stderrLimit: stderrLimit) { c, chunk in kept[c] += chunk; return true }
        for c in results.indices { results[c].stdout = kept[c] }
        return results
    }

    /// Reads the children's captured output while they run, each until it has exited and what it wrote before is
    /// read (its pipes may stay open in a daemon it started: they are not waited for). Stdout goes to `output`
    /// (child index, bytes) as it arrives; returning false kills that child. At `deadline`
    /// (`Monotonic.microseconds()`) the children still running are killed. Each is reaped and its pipes closed,
    /// whatever happens.
    public static func collect(_ children: [Child], deadline: Int?, stderrLimit: Int = .max,
                               output: (Int, ArraySlice<UInt8>) -> Bool) -> [Finished] {
        var results = children.map { _ in Finished(ending: .killed, stdout: [], stderr: []) }
        var reaped = [Bool](repeating: false, count: children.count)
        var killed = [Bool](repeating: false, count: children.count)
        var streams = children.map { [$0.stdout, $0.stderr] }
        // pidfd: poll says when a child exits. Without one (a kernel before 5.3), poll wakes every 20 ms to look.
        let pidfds = children.map { nc_pidfd_open($0.pid) }
        defer { for fd in pidfds where fd >= 0 { close(fd) } }
        var buffer = [UInt8](repeating: 0, count: 65536)

        func closeStreams(_ c: Int) {
            for s in 0..<2 where streams[c][s] >= 0 { close(streams[c][s]); streams[c][s] = -1 }
        }
        func stop(_ c: Int) {
            if !reaped[c] && !killed[c] { kill(children[c].pid, SIGKILL); killed[c] = true }
            closeStreams(c)
        }
        /// Reads from one stream: once while the child runs (the loop then looks at the deadline again: a child that
        /// writes faster than `output` takes it must not keep it from there), until it is empty once the child has
        /// exited (bounded, and by the deadline: a daemon holding the pipe may write on).
        func drain(_ c: Int, _ s: Int, untilEmpty: Bool) {
            var reads = 0
            while streams[c][s] >= 0 {
                if reads > 0 {
                    let late = deadline.map { Monotonic.microseconds() >= $0 } ?? false
                    if !untilEmpty || reads >= 1024 || late { return }
                }
                reads += 1
                let n = buffer.withUnsafeMutableBytes { Glibc.read(streams[c][s], $0.baseAddress, $0.count) }
                if n > 0 {
                    if s == 0 {
                        if !output(c, buffer[..<n]) { stop(c) }
                    } else if results[c].stderr.count < stderrLimit {
                        results[c].stderr += buffer[..<min(n, stderrLimit - results[c].stderr.count)]
                    }
                    continue
                }
                if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
                close(streams[c][s])
                streams[c][s] = -1
            }
        }
        /// Reaps child `c` if it has exited.
        func reap(_ c: Int, blocking: Bool) {
            guard !reaped[c] else { return }
            var status: Int32 = 0
            while true {
                let r = waitpid(children[c].pid, &status, blocking ? 0 : Int32(WNOHANG))
                if r < 0 && errno == EINTR { continue }
                if r == 0 { return }
                reaped[c] = true
                // r < 0 (ECHILD: reaped elsewhere) leaves the status unknown: -1, as a failed wait.
                results[c].ending = killed[c] ? .killed : .exited(r < 0 ? -1 : shellExitStatus(status))
                return
            }
        }

        while true {
            for c in children.indices where !reaped[c] { reap(c, blocking: false) }
            // A child that has exited: what it wrote is in its pipes now; read it and let go of them.
            for c in children.indices where reaped[c] {
                for s in 0..<2 { drain(c, s, untilEmpty: true) }
                closeStreams(c)
            }
            if children.indices.allSatisfy({ reaped[$0] }) { break }

            var fds: [pollfd] = [], owners: [(child: Int, stream: Int)] = []
            for c in children.indices where !reaped[c] {
                for s in 0..<2 where streams[c][s] >= 0 {
                    fds.append(pollfd(fd: streams[c][s], events: Int16(POLLIN), revents: 0)); owners.append((c, s))
                }
                if pidfds[c] >= 0 { fds.append(pollfd(fd: pidfds[c], events: Int16(POLLIN), revents: 0)); owners.append((c, -1)) }
            }
            let now = Monotonic.microseconds()
            if let deadline, now >= deadline {
                for c in children.indices where !reaped[c] { stop(c) }
                for c in children.indices { reap(c, blocking: true) }
                break
            }
            var timeout: Int32 = deadline.map { Int32(clamping: ($0 - now + 999) / 1000) } ?? -1
            if pidfds.contains(where: { $0 < 0 }) { timeout = timeout < 0 ? 20 : min(timeout, 20) }
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            if ready < 0 && errno != EINTR { break }
            for (i, fd) in fds.enumerated() where fd.revents != 0 && owners[i].stream >= 0 {
                drain(owners[i].child, owners[i].stream, untilEmpty: false)
            }
        }
        // Only after a failing poll (nothing else can get here): make sure no child is left behind.
        for c in children.indices where !reaped[c] { stop(c); reap(c, blocking: true) }
        for c in children.indices { closeStreams(c) }
        return results
    }
}
