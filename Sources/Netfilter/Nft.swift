import Glibc
import Kernel

extension Ruleset {
    /// The nft binary; only ever run with `list ruleset`.
    public static let nftPath = "/usr/sbin/nft"
    /// How long reading one namespace's ruleset may take in all, both listings together.
    public static let timeout: Double = 2

    /// Runs `nft -j list ruleset` and `nft -a list ruleset` inside `namespace` and parses them. Read-only: no
    /// other nft command is ever run. Throws NetfilterError when nft cannot be started, fails, or is not done
    /// within `timeout` seconds (it is then killed).
    public static func read(in namespace: NetworkNamespace) throws -> Ruleset {
        let deadline = monotonicNow() + timeout
        let (json, text) = try namespace.run {
            (try capture([nftPath, "-j", "list", "ruleset"], deadline: deadline),
             try capture([nftPath, "-a", "list", "ruleset"], deadline: deadline))
        }
        return try parse(json: json, text: text)
    }

    /// Runs `argv[0]` from the calling thread (so in that thread's network namespace), stdin from /dev/null,
    /// stdout and stderr through pipes; returns stdout, or throws on failure or at `deadline` (monotonic seconds).
    static func capture(_ argv: [String], deadline: Double) throws -> String {
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
        defer { close(out[0]); close(err[0]) }

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
        guard rc == 0 else { throw NetfilterError(.spawn(errno: rc), command: command) }

        // Read both pipes until nft closes them, or kill it at the deadline.
        var stdout: [UInt8] = [], stderr: [UInt8] = []
        var fds = [pollfd(fd: out[0], events: Int16(POLLIN), revents: 0),
                   pollfd(fd: err[0], events: Int16(POLLIN), revents: 0)]
        while fds.contains(where: { $0.fd >= 0 }) {
            let left = deadline - monotonicNow()
            let ready = left > 0 ? poll(&fds, nfds_t(fds.count), Int32((left * 1000).rounded(.up))) : 0
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 {
                kill(pid, SIGKILL)
                _ = wait(pid)
                throw NetfilterError(.timeout(seconds: timeout), command: command)
            }
            for i in fds.indices where fds[i].fd >= 0 && fds[i].revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 65536)
                let n = Glibc.read(fds[i].fd, &buffer, buffer.count)
                if n > 0 {
                    if i == 0 { stdout += buffer[..<n] } else { stderr += buffer[..<n] }
                } else if n == 0 || errno != EINTR {
                    fds[i].fd = -1
                }
            }
        }
        let status = wait(pid)
        guard status == 0 else {
            throw NetfilterError(.exit(status: status, stderr: String(decoding: stderr, as: UTF8.self)),
                                 command: command)
        }
        return String(decoding: stdout, as: UTF8.self)
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
