import ArgumentParser
import Glibc
import Grading
import Kernel
import Localization

/// `netcheck demo <exercise-id>`: builds the book's solution in a private sandbox and checks it.
///
/// The sandbox (`Kernel.Sandbox`, the same as the tests') is a new network namespace and a new mount namespace with
/// its own /run (so /run/netns), lease folders, /var/tmp and a private, writable /etc: the namespaces the solution
/// creates are invisible to the host, what its daemons write (dhclient rewriting /etc/resolv.conf) stays inside,
/// and all of it disappears when the demo ends.
struct DemoCommand: ParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the book's solution of an exercise in a private sandbox and check it.")

    @Argument(help: "The exercise, e.g. chapter3-multi-router.")
    var exercise: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var exercises: ExerciseOptions

    @Option(help: ArgumentHelp("Folder of solution scripts (default: Solutions beside the exercises).", valueName: "dir"))
    var solutions: String?

    @Option(help: ArgumentHelp("How long each probe waits for an answer, in milliseconds.", valueName: "ms"))
    var timeout: Int = 1000

    @Option(name: .customLong("then"), help: ArgumentHelp("A shell command run after the solution, e.g. to try a mistake.", valueName: "command"))
    var mistakes: [String] = []

    var languageOptions: LanguageOptions { output.languageOptions }

    func run() throws {
        let catalog: ExerciseCatalog
        do { catalog = try exercises.catalog() } catch let e as Failure { e.exit() }
        _ = load(exercise, from: exercises)
        let script = "\(solutions ?? catalog.directory + "/../Solutions")/\(exercise).sh"
        guard access(script, R_OK) == 0 else { Failure.usage(Localized(id: "cli.error.noSolution", ["script": script])).exit() }
        if let problem = Preflight.problem() { problem.exit() }
        // Read before the unshare: in a new mount namespace /proc/self/exe still names the binary by the mount it
        // was started from, which in a chroot is a path outside it (the host's), where the check cannot be started.
        let netcheck = executablePath
        do { try Sandbox.enter() } catch { Failure.environment(Localized(id: "cli.error.sandbox", ["error": "\(error)"])).exit() }
        // Ctrl-C reaches the solution and the check (they reset it to the default); the demo itself stays to
        // kill what the solution left running (dnsmasq, dhclient) before the sandbox goes away.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let outcome = sandboxed(catalog: catalog, script: script, netcheck: netcheck)
        Sandbox.reap()
        switch outcome {
        case .success(let status): throw ExitCode(status)
        case .failure(let failure): failure.exit()
        }
    }

    /// Runs the solution, the mistakes and the check (`netcheck check`, this binary) inside the sandbox; the
    /// check's exit status.
    func sandboxed(catalog: ExerciseCatalog, script: String, netcheck: String) -> Result<Int32, Failure> {
        do {
            let status = try Subprocess.run(["/bin/bash", "-e", script], .inheritAll).exitStatus
            guard status == 0 else { return .failure(.environment(Localized(id: "cli.error.solutionFailed", ["script": script, "status": Int(status)]))) }
            for command in mistakes {
                let status = try Subprocess.run(["/bin/bash", "-ec", command], .inheritAll).exitStatus
                guard status == 0 else { return .failure(.environment(Localized(id: "cli.error.commandFailed", ["command": command, "status": Int(status)]))) }
            }
            var argv = [netcheck, "check", exercise, "--exercises", catalog.directory, "--timeout", String(timeout),
                        "--lang", output.language.code, "--format", output.resolvedFormat.rawValue]
            if let messages = languageOptions.messages { argv += ["--messages", messages] }
            if argv[0].isEmpty { argv[0] = CommandLine.arguments[0] }
            return .success(try Subprocess.run(argv, .inheritAll).exitStatus)
        } catch {
            return .failure(.environment(error: error))
        }
    }
}

/// The path of the running netcheck binary (`/proc/self/exe`), to run the check inside the sandbox.
var executablePath: String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
}
