import Glibc
import Kernel
import Localization

/// Starts programs with posix_spawnp from the calling thread, so they inherit that thread's namespaces
/// (the demo sandbox is entered by the main thread only).
enum Spawn {
    struct Failure: LocalizedError {
        var program: String
        var errno: Int32
        var message: Localized { Localized(id: "cli.error.cannotStart", ["program": program, "reason": String(cString: strerror(errno))]) }
    }

    /// Runs `argv[0]` (a path, or a name looked up in PATH) with `argv`, inheriting stdin/stdout/stderr, and returns its exit status
    /// (128 + signal when it was killed).
    static func run(_ argv: [String]) throws -> Int32 {
        var pid: pid_t = 0
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        // Default SIGINT/SIGTERM in the child even when this process ignores them (the demo does).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let rc = posix_spawnp(&pid, argv[0], nil, &attributes, cArgs, environ)
        guard rc == 0 else { throw Failure(program: argv[0], errno: rc) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { throw Failure(program: argv[0], errno: errno) }
        }
        return shellExitStatus(status)
    }
}
