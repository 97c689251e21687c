import Glibc
import Kernel

extension Ruleset {
    /// The nft binary; only ever run with `list ruleset`.
    public static let nftPath = "/usr/sbin/nft"
    /// How long reading one namespace's ruleset may take in all, both listings together, when the run gives no
    /// deadline (`netcheck watch`).
    public static let timeout: Double = 2

    /// iptables-legacy's listing; only ever run as it is (never `iptables-legacy -L`, which loads modules).
    public static let legacySavePath = "/usr/sbin/iptables-legacy-save"

    /// Reads both backends of `namespace` at once (see `Backend`): `nft -j list ruleset` and `nft -a list ruleset`,
    /// and `iptables-legacy-save` when it is installed, parsing their output as it arrives (see `Builder`,
    /// `RuleListing`, `LegacySave`): time and memory grow with the rules, linearly, and nothing holds a whole
    /// listing (11 MB of JSON for 30,000 rules). Read-only: no other command is ever run. nft's rules come first;
    /// iptables-nft's rules are nft's (iptables-legacy-save does not list them), so none is counted twice.
    ///
    /// By `deadline` (monotonic seconds; without one, `timeout` from now) they are killed if still running, and
    /// the rules read until then are returned, with `unread` saying so. Without iptables-legacy-save, or when it
    /// prints nothing, there are no legacy rules; without nft, only legacy rules are read. Throws NetfilterError
    /// when neither can be started, one fails, or nft prints something that is not an nftables JSON document.
    public static func read(in namespace: NetworkNamespace, until deadline: Double? = nil) throws -> Ruleset {
        let end = deadline ?? monotonicNow() + timeout
        // Only the spawning happens inside the namespace (the children start there); reading and parsing do not.
        let (nft, legacy) = try namespace.run { () throws -> ([Subprocess.Child]?, Subprocess.Child?) in
            let legacy = try spawnIfInstalled(legacySavePath)
            do {
                return (try spawnAll([[nftPath, "-j", "list", "ruleset"], [nftPath, "-a", "list", "ruleset"]]), legacy)
            } catch let error as NetfilterError where error.kind == .spawn(errno: ENOENT) && legacy != nil {
                return (nil, legacy)
            } catch {
                if let legacy { _ = pump([legacy], deadline: 0) { _, _ in false } }
                throw error
            }
        }
        var reading = Reading(nft: nft != nil, legacy: legacy != nil)
        let outcomes = pump((nft ?? []) + (legacy.map { [$0] } ?? []), deadline: end) { index, chunk in
            reading.feed(child: index, chunk)
        }
        return try reading.finish(outcomes, children: (nft ?? []) + (legacy.map { [$0] } ?? []))
    }

    /// Runs `iptables-legacy-save` inside `namespace` and reads its tables as `read` does, by `deadline`
    /// (monotonic seconds; without one, `timeout` from now): nil when it is not installed; a ruleset with only
    /// legacy rules (none when it prints nothing) otherwise. Read-only, loads no module.
    public static func readLegacy(in namespace: NetworkNamespace, until deadline: Double? = nil) throws -> Ruleset? {
        let end = deadline ?? monotonicNow() + timeout
        guard let legacy = try namespace.run({ try spawnIfInstalled(legacySavePath) }) else { return nil }
        var reading = Reading(nft: false, legacy: true)
        let outcomes = pump([legacy], deadline: end) { index, chunk in reading.feed(child: index, chunk) }
        return try reading.finish(outcomes, children: [legacy])
    }

    /// Starts `path` with no arguments, or nil when it is not installed.
    static func spawnIfInstalled(_ path: String) throws -> Subprocess.Child? {
        do { return try spawnAll([[path]])[0] } catch let error as NetfilterError where error.kind == .spawn(errno: ENOENT) {
            return nil
        }
    }

    /// The listings of one read, parsed as they arrive: nft's JSON (child 0) and text (child 1) when nft runs,
    /// then iptables-legacy-save's.
    struct Reading {
        let nft: Bool, legacy: Bool
        var builder = Builder()
        // Only the texts of rules that may be NAT or drop rules, and no more of them than NAT rules are kept (past
        // them, a rule is described from JSON).
        var listing = RuleListing(onlyNAT: true, limit: maximumNATRules)
        var save = LegacySave()
        var legacyBytes = 0
        var parseError: Error?

        /// Feeds a child's bytes; false once it is no longer wanted (enough rules read, or a parse error).
        mutating func feed(child index: Int, _ chunk: ArraySlice<UInt8>) -> Bool {
            guard parseError == nil else { return false }
            switch (nft, index) {
            case (true, 0):
                do { try builder.feed(chunk) } catch { parseError = error; return false }
                return !builder.atLimit   // enough NAT rules: nft is stopped
            case (true, 1):
                listing.feed(chunk)
                return !listing.atLimit
            default:
                legacyBytes += chunk.count
                save.feed(chunk)
                return !save.atLimit
            }
        }

        mutating func finish(_ outcomes: [Outcome], children: [Subprocess.Child]) throws -> Ruleset {
            if let parseError { throw parseError }
            for (i, (process, outcome)) in zip(children, outcomes).enumerated() {
                guard case .exited(let status, let stderr) = outcome, status != 0 else { continue }
                // iptables-legacy-save that prints nothing (no legacy table, or none it can read) holds no rules.
                if legacy && i == children.count - 1 && legacyBytes == 0 { continue }
                throw NetfilterError(.exit(status: status, stderr: stderr), command: command(process))
            }
            var ruleset = Ruleset(natRules: [])
            if nft {
                listing.finish()
                // The JSON listing holds the rules: stopped at the deadline, or once enough NAT rules were read, it
                // was not read whole. (The text listing only gives their texts; a rule without one is described from JSON.)
                let jsonStopped = outcomes[0] == .killed
                if !jsonStopped { try builder.finish() }
                let unread = jsonStopped || builder.tooLarge > 0
                    ? Unread(rulesRead: builder.rulesRead, deadline: jsonStopped && !builder.atLimit, tooLarge: builder.tooLarge,
                             atLimit: builder.atLimit)
                    : nil
                ruleset = builder.ruleset(listing: listing, unread: unread)
            }
            if legacy {
                let stopped = outcomes[outcomes.count - 1] == .killed
                if stopped { save.cutShort() } else { save.finish() }
                ruleset = ruleset.merged(with: save.ruleset(stopped: stopped))
            }
            return ruleset
        }
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
