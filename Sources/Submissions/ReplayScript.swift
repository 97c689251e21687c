/// The bash script that replays a submission inside a sandbox (`netcheck sandbox`), as a terminal would have run it:
/// BookReplayTests' replays of the book and `netcheck grade`'s of a learner's work are both made here.
///
/// In the folder `out` (a path the sandbox sees) the script writes:
/// - `replay.log`: one line per command, `[STATUS] COMMAND` (a command in the background `[&] COMMAND`, one not
///   replayed `[WHY] COMMAND`); for a script, `+ COMMAND` before each command and `[STATUS] COMMAND` after each
///   that failed;
/// - `output.log`: what the commands printed; `bg-N.log`: what background command N printed;
/// - for each `netcheck EXERCISE` line (with `checks: .run`): `report-N`, `stderr-N`, `status-N`.
///
/// A command that fails stops nothing. Each command is run with `eval` of its text quoted: a command with an
/// unbalanced quote fails by itself (status 2, as at a prompt) and cannot take the rest of the script with it.
public enum ReplayScript {
    /// The script's words for the log, in the caller's language (message catalogues `replay.*`).
    public struct Words: Sendable {
        /// `[WHY]` of a command not replayed.
        public var skipped: @Sendable (Command.Skip) -> String
        /// A background command that did not come up: nothing listening on the port (`t`/`u`, port, namespace
        /// or nil for the replay's own).
        public var notListening: @Sendable (String, Int, String?) -> String
        /// A background command that did not print what shows it is ready.
        public var notPrinted: @Sendable (String) -> String

        public init(skipped: @escaping @Sendable (Command.Skip) -> String,
                    notListening: @escaping @Sendable (String, Int, String?) -> String,
                    notPrinted: @escaping @Sendable (String) -> String) {
            self.skipped = skipped
            self.notListening = notListening
            self.notPrinted = notPrinted
        }
    }

    /// What `netcheck EXERCISE` lines of a transcript do: run the check there (the book's replays grade each
    /// point), or nothing (`netcheck grade` checks once, after the replay).
    public enum Checks: Sendable { case run, skip }

    /// How long a background command is waited for until it is ready: 10 s for a port, 20 s for a line.
    static let readyHelpers = """
        ready_port() {  # NAMESPACE t|u PORT
          local x=""; [ -n "$1" ] && x="ip netns exec $1"
          for _ in $(seq 200); do $x ss -Hln$2 "sport = :$3" 2>/dev/null | grep -q . && return 0; sleep 0.05; done
          return 1
        }
        ready_text() {  # FILE TEXT
          for _ in $(seq 400); do grep -qF -- "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
          return 1
        }

        """

    /// The replay of a transcript's commands; `prologue` runs first (where the replay works: copies and `cd`).
    public static func transcript(_ commands: [Command], out: String, prologue: String = "", checks: Checks,
                                  words: Words) -> String {
        var s = "set +e\nOUT=\(Shell.quote(out))\n" + prologue + (prologue.hasSuffix("\n") || prologue.isEmpty ? "" : "\n") + readyHelpers
        var count = 0
        for (n, c) in commands.enumerated() {
            let quoted = Shell.quote(c.text)
            switch c.kind {
            case .foreground:
                // Nothing to read (an interactive shell exits at once); a here-document brings its own input.
                s += "eval \(quoted) < /dev/null >> \"$OUT/output.log\" 2>&1\n"
                s += "echo \"[$?] \"\(quoted) >> \"$OUT/replay.log\"\n"
            case .background(let ready):
                s += "eval \(quoted) < /dev/null > \"$OUT/bg-\(n).log\" 2>&1 &\n"
                s += "echo \"[&] \"\(quoted) >> \"$OUT/replay.log\"\n"
                switch ready {
                case .port(let proto, let port, let ns)?:
                    s += "ready_port \(Shell.quote(ns ?? "")) \(proto == "u" ? "u" : "t") \(port) || echo \(Shell.quote(words.notListening(proto, port, ns))) >> \"$OUT/replay.log\"\n"
                case .text(let text)?:
                    s += "ready_text \"$OUT/bg-\(n).log\" \(Shell.quote(text)) || echo \(Shell.quote(words.notPrinted(text))) >> \"$OUT/replay.log\"\n"
                case nil: break
                }
            case .check(let exercise) where checks == .run:
                count += 1
                s += "\"$NETCHECK\" check \(Shell.quote(exercise)) --format json > \"$OUT/report-\(count)\" 2> \"$OUT/stderr-\(count)\"\n"
                s += "echo \"$?\" > \"$OUT/status-\(count)\"; echo \"[check \(count)] \"\(quoted) >> \"$OUT/replay.log\"\n"
            case .check:
                s += "echo \(Shell.quote("[" + words.skipped(.ownCheck) + "] ") + quoted) >> \"$OUT/replay.log\"\n"
            case .skipped(let why):
                s += "echo \(Shell.quote("[" + words.skipped(why) + "] ") + quoted) >> \"$OUT/replay.log\"\n"
            }
        }
        return s
    }

    /// The run of a shell script (the file `script`, as bash runs it, its own `set -e` honoured): each command
    /// logged before it runs (the first `traceLimit`: a loop would fill the log), and with its status when it
    /// fails; then the script's status. `prologue` runs first.
    public static func script(_ script: String, out: String, prologue: String = "", traceLimit: Int = 2000) -> String {
        """
        set +e
        OUT=\(Shell.quote(out))
        \(prologue)
        exec 9>> "$OUT/replay.log"
        set -T
        trap 'echo "[$?] $BASH_COMMAND" >&9' ERR
        trap '(( ++NETCHECK_TRACED <= \(traceLimit) )) && echo "+ $BASH_COMMAND" >&9' DEBUG
        . \(Shell.quote(script)) < /dev/null >> "$OUT/output.log" 2>&1
        echo "[$?] . "\(Shell.quote(script)) >&9

        """
    }
}

public enum Shell {
    /// `s` as one word of bash, whatever it holds: in single quotes, each `'` written `'\''`.
    public static func quote(_ s: String) -> String {
        var out = "'"
        for c in s.unicodeScalars {
            if c == "'" { out += "'\\''" } else { out.unicodeScalars.append(c) }
        }
        return out + "'"
    }
}
