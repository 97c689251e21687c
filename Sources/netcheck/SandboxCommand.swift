import ArgumentParser
import Glibc
import Kernel
import Localization

/// `netcheck sandbox [--] COMMAND [ARG...]`: runs a command in the private sandbox of `netcheck demo`
/// (`Kernel.Sandbox`: own network namespace, own /run, lease folders, /var/tmp and /etc) and, when it ends, kills
/// what it left running there. The tests' ScriptSandbox and `make bench` run their scripts under it, so that every
/// sandbox netcheck makes is the same one. Not shown in the help: plumbing, not a way to check an exercise.
struct SandboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a command (default: bash) in the private sandbox `netcheck demo` uses, then kill what it left running.",
        shouldDisplay: false)

    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments (after --).")
    var command: [String] = []

    func run() throws {
        var argv = command.first == "--" ? Array(command.dropFirst()) : command
        if argv.isEmpty { argv = ["/bin/bash"] }
        if let problem = Preflight.problem() { problem.exit() }
        do { try Sandbox.enter() } catch { Failure.environment(Localized(id: "cli.error.sandbox", ["error": "\(error)"])).exit() }
        // As in the demo: Ctrl-C reaches the command (Subprocess resets it in the child), this process stays to clean up.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let status: Int32
        do { status = try Subprocess.run(argv, .inheritAll).exitStatus } catch {
            Sandbox.reap()
            Failure.environment(error: error).exit()
        }
        Sandbox.reap()
        throw ExitCode(status)
    }
}
