import Glibc
import Kernel

extension Ruleset {
    /// The nft binary; only ever run with `list ruleset`.
    public static let nftPath = "/usr/sbin/nft"
    /// How long reading one namespace's ruleset may take in all, both listings together, when the run gives no
    /// deadline (`netcheck watch`).
    public static let timeout: Double = 2

    /// Runs `nft -j list ruleset` and `nft -a list ruleset` inside `namespace`, both at once, and parses their
    /// output as it arrives (see `Builder`, `RuleListing`): time and memory grow with the rules, linearly, and
    /// nothing holds a whole listing (11 MB of JSON for 30,000 rules). Read-only: no other nft command is ever run.
    ///
    /// By `deadline` (monotonic seconds; without one, `timeout` from now) both are killed if still running, and
    /// the rules read until then are returned, with `unread` saying so. Throws NetfilterError when nft cannot be
    /// started, fails, or prints something that is not an nftables JSON document.
    public static func read(in namespace: NetworkNamespace, until deadline: Double? = nil) throws -> Ruleset {
        let end = deadline ?? monotonicNow() + timeout
        let commands = [[nftPath, "-j", "list", "ruleset"], [nftPath, "-a", "list", "ruleset"]]
        // Only the spawning happens inside the namespace (the children start there); reading and parsing do not.
        let processes = try namespace.run { try spawnAll(commands) }
        var builder = Builder()
        // Only the texts of rules that may be NAT rules, and no more of them than NAT rules are kept.
        var listing = RuleListing(onlyNAT: true, limit: maximumNATRules)
        var parseError: Error?
        let outcomes = pump(processes, deadline: end) { index, chunk in
            guard parseError == nil else { return false }
            if index == 0 {
                do { try builder.feed(chunk) } catch { parseError = error; return false }
                return !builder.atLimit   // enough NAT rules: nft is stopped
            }
            listing.feed(chunk)
            return !listing.atLimit
        }
        if let parseError { throw parseError }
        listing.finish()
        for (process, outcome) in zip(processes, outcomes) {
            if case .exited(let status, let stderr) = outcome, status != 0 {
                throw NetfilterError(.exit(status: status, stderr: stderr), command: process.command)
            }
        }
        // The JSON listing holds the rules: stopped at the deadline, or once enough NAT rules were read, it was
        // not read whole. (The text listing only gives their texts; a rule without one is described from JSON.)
        let jsonStopped = outcomes[0] == .killed
        if !jsonStopped { try builder.finish() }
        let unread = jsonStopped || builder.tooLarge > 0
            ? Unread(rulesRead: builder.rulesRead, deadline: jsonStopped && !builder.atLimit, tooLarge: builder.tooLarge,
                     atLimit: builder.atLimit)
            : nil
        return builder.ruleset(listing: listing, unread: unread)
    }

    /// Runs `argv[0]` from the calling thread (so in that thread's network namespace), stdin from /dev/null,
    /// stdout and stderr through pipes; returns stdout, or throws on failure or at `deadline` (monotonic seconds).
    static func capture(_ argv: [String], deadline: Double) throws -> String {
        let process = try spawnAll([argv])
        var stdout: [UInt8] = []
        let outcome = pump(process, deadline: deadline) { _, chunk in stdout += chunk; return true }[0]
        switch outcome {
        case .exited(0, _): return String(decoding: stdout, as: UTF8.self)
        case .exited(let status, let stderr): throw NetfilterError(.exit(status: status, stderr: stderr), command: process[0].command)
        case .killed: throw NetfilterError(.timeout(seconds: timeout), command: process[0].command)
        }
    }

    /// A child started with its output in pipes.
    struct Spawned {
        var pid: pid_t
        var stdout: Int32
        var stderr: Int32
        var command: String
    }

    /// How a child ended: its exit status (128 + signal when killed by another) and the start of its stderr, or
    /// killed by `pump` at the deadline.
    enum Outcome: Equatable {
        case exited(Int32, stderr: String)
        case killed
    }

    /// Starts every command from the calling thread; on a failure, those already started are killed.
    static func spawnAll(_ commands: [[String]]) throws -> [Spawned] {
        var started: [Spawned] = []
        do {
            for argv in commands { started.append(try spawn(argv)) }
        } catch {
            for p in started { kill(p.pid, SIGKILL); _ = wait(p.pid); close(p.stdout); close(p.stderr) }
            throw error
        }
        return started
    }

    static func spawn(_ argv: [String]) throws -> Spawned {
        let command = argv.joined(separator: " ")
        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw NetfilterError(.spawn(errno: errno), command: command) }
        guard pipe(&err) == 0 else {
            let e = errno
            close(out[0]); close(out[1])
            throw NetfilterError(.spawn(errno: e), command: command)
        }
        // Kept out of programs other threads start (Glibc does not export pipe2 without _GNU_SOURCE).
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, nil, cArgs, environ)
        close(out[1]); close(err[1])
        guard rc == 0 else {
            close(out[0]); close(err[0])
            throw NetfilterError(.spawn(errno: rc), command: command)
        }
        return Spawned(pid: pid, stdout: out[0], stderr: err[0], command: command)
    }

    /// The most of a child's stderr kept for its error message.
    static let stderrLimit = 4096

    /// Reads every child's stdout and stderr until they close, handing stdout to `output` (child index, bytes)
    /// as it arrives; kills the children still running at `deadline`, or when `output` returns false. Reaps
    /// them all and closes the pipes.
    static func pump(_ processes: [Spawned], deadline: Double, output: (Int, ArraySlice<UInt8>) -> Bool) -> [Outcome] {
        var fds = processes.flatMap { [pollfd(fd: $0.stdout, events: Int16(POLLIN), revents: 0),
                                       pollfd(fd: $0.stderr, events: Int16(POLLIN), revents: 0)] }
        var stderr = [[UInt8]](repeating: [], count: processes.count)
        var killed = [Bool](repeating: false, count: processes.count)
        var buffer = [UInt8](repeating: 0, count: 65536)
        func stop(_ p: Int) {
            if !killed[p] { kill(processes[p].pid, SIGKILL); killed[p] = true }
            for slot in [2 * p, 2 * p + 1] where fds[slot].fd >= 0 { close(fds[slot].fd); fds[slot].fd = -1 }
        }
        while fds.contains(where: { $0.fd >= 0 }) {
            let left = deadline - monotonicNow()
            let ready = left > 0 ? poll(&fds, nfds_t(fds.count), Int32(min(left * 1000, 60_000).rounded(.up))) : 0
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 {
                for p in processes.indices where fds[2 * p].fd >= 0 || fds[2 * p + 1].fd >= 0 { stop(p) }
                break
            }
            for slot in fds.indices where fds[slot].fd >= 0 && fds[slot].revents != 0 {
                let p = slot / 2
                let n = buffer.withUnsafeMutableBytes { Glibc.read(fds[slot].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if slot % 2 == 0 {
                        if !output(p, buffer[..<n]) { stop(p) }
                    } else if stderr[p].count < stderrLimit {
                        stderr[p] += buffer[..<min(n, stderrLimit - stderr[p].count)]
                    }
                } else if n == 0 || errno != EINTR {
                    close(fds[slot].fd)
                    fds[slot].fd = -1
                }
                fds[slot].revents = 0
            }
        }
        return processes.indices.map { p in
            let status = wait(processes[p].pid)
            return killed[p] ? .killed : .exited(status, stderr: String(decoding: stderr[p], as: UTF8.self))
        }
    }

    /// Reaps `pid`; its exit status, or 128 + signal when it was killed.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        return shellExitStatus(status)
    }

    /// Seconds on the monotonic clock.
    static func monotonicNow() -> Double { Double(Monotonic.nanoseconds()) / 1e9 }
}
