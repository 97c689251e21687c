/// A terminal session read back into the commands that were typed in it: the book's transcripts that
/// BookReplayTests replays (Tests/IntegrationTests/Book/README.md) and the transcripts learners paste for
/// `netcheck grade`. One parser for both; they differ only in what counts as a prompt (`Dialect`).
///
/// What a line is:
/// - a prompt line (`$ ip netns add ns1`, in a terminal also `# …`, `user@host:~$ …`, `[user@host ~]# …`): a
///   command, `sudo ` in front dropped (netcheck replays as root);
/// - a line after one ending in `\`: its continuation (a terminal shows PS2, `> `, in front: dropped);
/// - the body of a here-document (`cat << 'EOF' > index.html` up to `EOF`; `> ` dropped in a terminal);
/// - anything else: what the command before printed (kept in `Command.printed`, never replayed), or, before the
///   first command, a note (the book's `# ` comments).
///
/// No I/O here; `classify` says how a replay runs each command.
public struct Transcript: Equatable, Sendable {
    public enum Dialect: Sendable {
        /// Tests/IntegrationTests/Book: `$ ` prompts only; `# ` lines are comments, `# builds on: FILE` names the
        /// transcript this one continues.
        case book
        /// What a learner copies from a terminal: `$ ` and `# ` prompts, alone or after `user@host:dir`, and PS2's `> `.
        case terminal
    }

    public var commands: [Command]
    /// `# builds on: FILE` (book dialect): the file whose commands run first.
    public var buildsOn: String?

    public init(commands: [Command], buildsOn: String? = nil) {
        self.commands = commands
        self.buildsOn = buildsOn
    }

    /// The commands of `text`, in order; a mistyped command stays, followed by its correction (both are replayed,
    /// as they ran).
    public static func parse(_ text: String, dialect: Dialect) -> Transcript {
        let lines = Self.lines(text)
        var result = Transcript(commands: [])
        var i = 0
        while i < lines.count {
            let line = lines[i]
            i += 1
            if dialect == .book, line.hasPrefix("# builds on: ") {
                result.buildsOn = String(line.dropFirst("# builds on: ".count))
                continue
            }
            guard let typed = commandText(line, dialect) else {
                if !result.commands.isEmpty { result.commands[result.commands.count - 1].printed.append(line) }
                continue
            }
            var text = typed
            var last = typed
            while last.hasSuffix("\\"), i < lines.count {
                last = continuation(lines[i], dialect)
                text += "\n" + last
                i += 1
            }
            if let terminator = hereDocumentTerminator(text) {
                var closed = false
                while i < lines.count {
                    let body = continuation(lines[i], dialect)
                    i += 1
                    text += "\n" + body
                    if body == terminator.word || (terminator.stripsTabs && String(body.drop { $0 == "\t" }) == terminator.word) {
                        closed = true
                        break
                    }
                }
                // As bash does at the end of its input ("here-document delimited by end-of-file"): closed here, so
                // that the rest of the replay is not read as its body.
                if !closed { text += "\n" + terminator.word }
            }
            if text.hasPrefix("sudo ") { text.removeFirst(5) }
            guard !text.allSatisfy({ $0 == " " || $0 == "\t" }) else { continue }
            result.commands.append(Command(text: text, kind: classify(text)))
        }
        return result
    }

    /// Whether `text` reads as a pasted terminal: some line starts with a prompt.
    public static func hasPrompts(_ text: String) -> Bool {
        lines(text).contains { commandText($0, .terminal) != nil }
    }

    /// The lines of `text`, split at LF only (as bash reads), a CR before it dropped (a transcript saved on Windows).
    /// The line after the last LF, when empty, is no line.
    static func lines(_ text: String) -> [String] {
        var split = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false)
        if split.last?.isEmpty == true { split.removeLast() }
        return split.map { bytes in
            String(decoding: bytes.last == 0x0D ? bytes.dropLast() : bytes, as: UTF8.self)
        }
    }

    /// What was typed after the prompt, or nil when the line has no prompt.
    static func commandText(_ line: String, _ dialect: Dialect) -> String? {
        if line.hasPrefix("$ ") { return String(line.dropFirst(2)) }
        guard dialect == .terminal else { return nil }
        if line.hasPrefix("# ") { return String(line.dropFirst(2)) }
        // [user@host dir]$ …
        if line.hasPrefix("["), let close = line.firstIndex(of: "]") {
            let rest = line[line.index(after: close)...]
            if rest.hasPrefix("$ ") || rest.hasPrefix("# ") { return String(rest.dropFirst(2)) }
            return nil
        }
        // user@host:~$ … or host:/dir# …: one word holding @ or :, ending in the prompt sign.
        guard let space = line.firstIndex(of: " ") else { return nil }
        let word = line[..<space]
        guard word.count >= 2, let sign = word.last, sign == "$" || sign == "#",
              word.dropLast().contains(where: { $0 == "@" || $0 == ":" }) else { return nil }
        return String(line[line.index(after: space)...])
    }

    /// A continuation or here-document line: PS2's `> ` dropped in a terminal.
    static func continuation(_ line: String, _ dialect: Dialect) -> String {
        dialect == .terminal && line.hasPrefix("> ") ? String(line.dropFirst(2)) : (dialect == .terminal && line == ">" ? "" : line)
    }

    /// `<< WORD`, `<<'WORD'`, `<<"WORD"`, `<<-WORD` in `text` (not `<<<`, a here-string): the word that ends the body.
    static func hereDocumentTerminator(_ text: String) -> (word: String, stripsTabs: Bool)? {
        let chars = Array(text)
        var i = 0
        while i + 1 < chars.count {
            defer { i += 1 }
            guard chars[i] == "<", chars[i + 1] == "<" else { continue }
            if i + 2 < chars.count && chars[i + 2] == "<" { i += 2; continue }
            var j = i + 2
            var stripsTabs = false
            if j < chars.count && chars[j] == "-" { stripsTabs = true; j += 1 }
            while j < chars.count && (chars[j] == " " || chars[j] == "\t") { j += 1 }
            if j < chars.count && (chars[j] == "'" || chars[j] == "\"") { j += 1 }
            var word = ""
            while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { word.append(chars[j]); j += 1 }
            if !word.isEmpty { return (word, stripsTabs) }
        }
        return nil
    }

    /// How a replay runs `text` (a command, `sudo` already dropped): as a terminal would, except that servers, daemons
    /// and watchers run in the background as in a terminal of their own, and that netcheck is the client.
    public static func classify(_ text: String) -> Command.Kind {
        var namespace: String?
        var inner = Substring(text)
        if inner.hasPrefix("ip netns exec ") {
            let rest = inner.dropFirst("ip netns exec ".count)
            if let space = rest.firstIndex(of: " "), space != rest.startIndex {
                namespace = String(rest[..<space])
                inner = rest[rest.index(after: space)...]
            }
        }
        let words = inner.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\\" }).map(String.init)
        guard let program = words.first else { return .foreground }
        let flags = words.filter { $0.hasPrefix("-") && !$0.hasPrefix("--") }.joined()
        let lastNumber = words.reversed().compactMap { Int($0) }.first
        let piped = inner.contains("|")
        switch program {
        case "netcheck":
            return .check(words.count > 1 ? words[1] : "")
        case "wget":
            return .skipped(.download)
        case "apt-get", "apt", "update-alternatives":
            return .skipped(.machineSetup)
        case "exit", "logout":
            return .skipped(.leavesShell)
        case "su", "-i", "-s", "-si", "-is":
            // `sudo -i`, `sudo su -`: a root shell, in which the commands that follow were typed; the replay is root.
            return .skipped(.rootShell)
        case "nc" where !piped:
            guard flags.contains("l") else { return .skipped(.interactiveClient) }
            return .background(ready: lastNumber.map { .port(flags.contains("u") ? "u" : "t", $0, namespace: namespace) })
        case "dnsmasq" where words.contains("--no-daemon") || words.contains("-d"):
            return .background(ready: .port("u", 67, namespace: namespace))
        case "dhclient" where words.contains("-d"):
            return .background(ready: .text("bound to"))
        case "tcpdump":
            return .background(ready: .text("listening on"))
        case "ping" where !words.contains("-c"):
            return .background(ready: nil)
        case "python3":
            switch words.dropFirst().first {
            case "-m": return .background(ready: .port("t", words.count > 3 ? (lastNumber ?? 8000) : 8000, namespace: namespace))
            case "echoserver.py", "addserver.py": return .background(ready: .port("t", 54321, namespace: namespace))
            default: return .skipped(.authorsClient)
            }
        default:
            return .foreground
        }
    }
}

/// One typed command, and what a replay does with it.
public struct Command: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Typed and waited for.
        case foreground
        /// A server, daemon or watcher that runs until the reader stops it: started, then waited for until it is
        /// ready (`port`: listening there; `text`: printed that).
        case background(ready: Ready?)
        /// A `netcheck EXERCISE` line: the grading point.
        case check(String)
        /// Not replayed, and why.
        case skipped(Skip)
    }

    public enum Ready: Equatable, Sendable {
        /// Something listens on PORT (`t` TCP, `u` UDP) in the namespace (nil: the replay's own).
        case port(String, Int, namespace: String?)
        /// The command printed this.
        case text(String)
    }

    /// Why a command is not replayed; the words are the caller's (message catalogues `replay.skipped.*`).
    public enum Skip: String, Equatable, Sendable, CaseIterable {
        /// `wget`: no network in the sandbox, and the author's scripts run the commands typed after them.
        case download
        /// `apt-get`, `update-alternatives`: the machine's tools are installed already.
        case machineSetup
        /// `nc 127.0.0.1 54321`: netcheck is the client, it connects or sends as this one would.
        case interactiveClient
        /// The author's client programs (not in this project): netcheck is the client.
        case authorsClient
        /// `sudo -i`, `su`: the replay runs as root already.
        case rootShell
        /// `exit`, `logout`: would end the replay, not a terminal.
        case leavesShell
        /// A `netcheck` line where the grader checks once, at the end.
        case ownCheck
    }

    public var text: String
    public var kind: Kind
    /// The lines the terminal showed after the command (its output, as pasted): kept, never replayed.
    public var printed: [String]

    public init(text: String, kind: Kind, printed: [String] = []) {
        self.text = text
        self.kind = kind
        self.printed = printed
    }
}
