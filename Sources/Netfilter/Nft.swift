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
                throw NetfilterError(.exit(status: status, stderr: stderr), command: command(process))
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
        case .exited(let status, let stderr): throw NetfilterError(.exit(status: status, stderr: stderr), command: command(process[0]))
        case .killed: throw NetfilterError(.timeout(seconds: timeout), command: command(process[0]))
        }
    }

    /// How a child ended: its exit status (128 + signal when killed by another) and the start of its stderr, or
    /// killed by `pump` at the deadline.
    enum Outcome: Equatable {
        case exited(Int32, stderr: String)
        case killed
    }

    /// "/usr/sbin/nft -j list ruleset": a command line for messages.
    static func command(_ child: Subprocess.Child) -> String { child.command.joined(separator: " ") }

    /// Starts every command from the calling thread, stdin from /dev/null, stdout and stderr captured; on a
    /// failure, those already started are killed.
    static func spawnAll(_ commands: [[String]]) throws -> [Subprocess.Child] {
        do { return try Subprocess.startAll(commands) } catch {
            throw NetfilterError(.spawn(errno: error.errno), command: error.command.joined(separator: " "))
        }
    }

    /// The most of a child's stderr kept for its error message.
    static let stderrLimit = 4096

    /// Reads every child's stdout and stderr while it runs, handing stdout to `output` (child index, bytes) as it
    /// arrives; kills the children still running at `deadline` (monotonic seconds), or when `output` returns false.
    /// Reaps them all and closes the pipes.
    static func pump(_ processes: [Subprocess.Child], deadline: Double, output: (Int, ArraySlice<UInt8>) -> Bool) -> [Outcome] {
        Subprocess.collect(processes, deadline: Int((deadline * 1e6).rounded(.up)), stderrLimit: stderrLimit, output: output).map {
            switch $0.ending {
            case .killed: .killed
            case .exited(let status): .exited(status, stderr: String(decoding: $0.stderr, as: UTF8.self))
            }
        }
    }

    /// Seconds on the monotonic clock.
    static func monotonicNow() -> Double { Double(Monotonic.nanoseconds()) / 1e9 }
}
