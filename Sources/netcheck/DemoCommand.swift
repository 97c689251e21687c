import ArgumentParser
import CNetlink
import Glibc
import Grading
import Kernel

/// `netcheck demo <exercise-id>`: builds the book's solution in a private sandbox and checks it.
///
/// The sandbox is a new network namespace and a new mount namespace with its own tmpfs on /run (so /run/netns), so the
/// namespaces the solution creates are invisible to the host, and all of it disappears when the demo ends.
struct DemoCommand: ParsableCommand {
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

    func run() throws {
        let catalog: ExerciseCatalog
        do { catalog = try exercises.catalog() } catch let e as Failure { e.exit() }
        _ = load(exercise, from: exercises)
        let script = "\(solutions ?? catalog.directory + "/../Solutions")/\(exercise).sh"
        guard access(script, R_OK) == 0 else { Failure.usage("no solution script \(script)").exit() }
        if let problem = Preflight.problem() { problem.exit() }
        do { try Sandbox.enter() } catch { Failure.environment("cannot create the sandbox: \(error)").exit() }
        // Ctrl-C reaches the solution and the check (they reset it to the default); the demo itself stays to
        // kill what the solution left running (dnsmasq, dhclient) before the sandbox goes away.
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let outcome = sandboxed(catalog: catalog, script: script)
        Sandbox.reap()
        switch outcome {
        case .success(let status): throw ExitCode(status)
        case .failure(let failure): failure.exit()
        }
    }

    /// Runs the solution, the mistakes and the check inside the sandbox; the check's exit status.
    func sandboxed(catalog: ExerciseCatalog, script: String) -> Result<Int32, Failure> {
        do {
            let status = try Spawn.run(["/bin/bash", "-e", script])
            guard status == 0 else { return .failure(.environment("the solution \(script) failed with status \(status)")) }
            for command in mistakes {
                let status = try Spawn.run(["/bin/bash", "-ec", command])
                guard status == 0 else { return .failure(.environment("`\(command)` failed with status \(status)")) }
            }
            var argv = [Sandbox.executable, "check", exercise, "--exercises", catalog.directory, "--timeout", String(timeout),
                        "--lang", output.language.rawValue, "--format", output.resolvedFormat.rawValue]
            if argv[0].isEmpty { argv[0] = CommandLine.arguments[0] }
            return .success(try Spawn.run(argv))
        } catch {
            return .failure(.environment("\(error)"))
        }
    }
}

/// The demo's private sandbox, entered by the calling (main) thread; children it spawns start inside it.
enum Sandbox {
    struct Failure: Error, CustomStringConvertible {
        var step: String
        var errno: Int32
        var description: String { "\(step): \(String(cString: strerror(errno)))" }
    }

    static var executable: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
    }

    /// Kills (SIGKILL, by PID) every process still living in one of the sandbox's network namespaces: the
    /// sandbox itself and each namespace under its /run/netns. Returns how many there were.
    @discardableResult
    static func reap() -> Int {
        var namespaces: Set<[UInt64]> = []
        func identity(_ path: String) -> [UInt64]? {
            var st = stat()
            return stat(path, &st) == 0 ? [UInt64(st.st_dev), UInt64(st.st_ino)] : nil
        }
        if let own = identity("/proc/self/ns/net") { namespaces.insert(own) }
        for name in Directory.entries("/run/netns") ?? [] {
            if let id = identity("/run/netns/\(name)") { namespaces.insert(id) }
        }
        var killed = 0
        let me = getpid()
        for name in Directory.entries("/proc") ?? [] {
            guard let pid = pid_t(name), pid != me, let ns = identity("/proc/\(pid)/ns/net"), namespaces.contains(ns) else { continue }
            if kill(pid, SIGKILL) == 0 { killed += 1 }
        }
        return killed
    }

    static func enter() throws {
        guard nc_unshare(nc_CLONE_NEWNET | nc_CLONE_NEWNS) == 0 else { throw Failure(step: "unshare", errno: errno) }
        // Private propagation: nothing mounted here shows up on the host.
        guard nc_mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil) == 0 else {
            throw Failure(step: "mount --make-rprivate /", errno: errno)
        }
        // A private /run (namespace names, pid files, the iptables lock) and private state folders of the
        // daemons the book starts (dnsmasq's and dhclient's lease files): the solution writes nothing on the host.
        for (path, required) in [("/run", true), ("/var/lib/misc", false), ("/var/lib/dhcp", false)] {
            var st = stat()
            guard stat(path, &st) == 0 else { if required { throw Failure(step: "stat \(path)", errno: errno) }; continue }
            guard nc_mount("netcheck-sandbox", path, "tmpfs", 0, "size=4m,mode=755") == 0 else {
                throw Failure(step: "mount tmpfs on \(path)", errno: errno)
            }
        }
        if mkdir("/run/netns", 0o755) != 0 && errno != EEXIST { throw Failure(step: "mkdir /run/netns", errno: errno) }
    }
}
