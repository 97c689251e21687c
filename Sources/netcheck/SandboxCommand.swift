import ArgumentParser
import Glibc
import Kernel
import Localization

/// `netcheck sandbox [--] COMMAND [ARG...]`: runs a command in the private sandbox of `netcheck demo`
/// (`Kernel.Sandbox`: own network namespace, own /run, lease folders, /var/tmp and /etc) and, when it ends, kills
/// what it left running there. The tests' ScriptSandbox and `make bench` run their scripts under it, so that every
/// sandbox netcheck makes is the same one. Not shown in the help: plumbing, not a way to check an exercise.
///
/// For `netcheck grade`: `--pid` adds a PID namespace (nothing the command starts can outlive it, in whichever
/// network namespace it hides), `--time-limit S` kills the command after S seconds.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a command (default: bash) in the private sandbox `netcheck demo` uses, then kill what it left running.",
        shouldDisplay: false)

    @Flag(help: "Also a new PID namespace: the command is its first process, and whatever it started dies with it.")
    var pid = false

    @Option(help: ArgumentHelp("Kill the command, and everything it started, after this many seconds (status 124, as timeout(1)).", valueName: "s"))
    var timeLimit: Int?

    @Flag(help: "Make the host's files read-only inside (all but /proc, /dev, the sandbox's own /run and /etc, a fresh /tmp and each --writable folder).")
    var readOnlyHost = false

    @Option(help: ArgumentHelp("With --read-only-host: a folder that stays writable (repeatable).", valueName: "dir"))
    var writable: [String] = []

    @Option(help: ArgumentHelp("At most this many processes and threads for the command and all it starts (a pids cgroup), when the machine has the pids controller.", valueName: "n"))
    var maxProcesses: Int?

    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments (after --).")
    var command: [String] = []

    /// The status of a command killed at its time limit, as timeout(1) says it.
    static let timedOut: Int32 = 124

    func validate() throws {
        if let timeLimit { try validateRange("--time-limit", timeLimit, 1...86_400, unit: "s", CLI.language) }
        if let maxProcesses { try validateRange("--max-processes", maxProcesses, 16...1_000_000, unit: "", CLI.language) }
    }

    func run() throws {
        var argv = command.first == "--" ? Array(command.dropFirst()) : command
        if argv.isEmpty { argv = ["/bin/bash"] }
        if let problem = Preflight.problem() { problem.exit() }
        var limit: ProcessLimit?
        do {
            try Sandbox.enter()
            if let maxProcesses { limit = ProcessLimit.make(limit: maxProcesses) }
            if readOnlyHost { try Sandbox.protectHost(writable: writable.map(Self.absolute)) }
            if pid { try Sandbox.isolateProcesses() }
        } catch {
            limit?.remove()
            Failure.environment(Localized(id: "cli.error.sandbox", ["error": "\(error)"])).exit()
        }
        defer { limit?.remove() }
        // As in the demo: Ctrl-C reaches the command (Subprocess resets it in the child), this process stays to clean up.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let finished: Subprocess.Finished
        let deadline = timeLimit.map { Monotonic.microseconds() + $0 * 1_000_000 }
        do {
            let child = try Subprocess.start(argv, .inheritAll)
            // Only the command and what it starts count against the limit; this process stays outside, to reap.
            try? limit?.leave()
            finished = Subprocess.collect([child], deadline: deadline)[0]
        } catch {
            Sandbox.reap()
            limit?.remove()
            Failure.environment(error: error).exit()
        }
        Sandbox.reap()
        limit?.remove()
        if finished.ending == .killed, let timeLimit {
            printError("netcheck: " + CLI.text("cli.error.timeLimit", ["command": argv.joined(separator: " "), "seconds": timeLimit]))
            throw ExitCode(Self.timedOut)
        }
        throw ExitCode(finished.exitStatus)
    }

    /// A folder as an absolute path, as the mount needs it.
    static func absolute(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
