import SafeText
import ArgumentParser
import Glibc
import Kernel
import Grading
import Localization
import Report
import Synchronization

/// `netcheck <exercise-id>`: check is the default subcommand.
@main
struct NetcheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "netcheck",
        abstract: "Grade the exercises of 「Linuxで動かしながら学ぶTCP/IPネットワーク入門」 against your namespaces.",
        discussion: """
        Exit status: 0 all checks passed, 1 a check failed, 2 usage or exercise-file error, 3 environment problem.
        """,
        version: Netcheck.version,
        subcommands: [CheckCommand.self, ListCommand.self, ShowCommand.self, DemoCommand.self, WatchCommand.self,
                      LintCommand.self, SummarizeCommand.self, GradeCommand.self, DoctorCommand.self, SandboxCommand.self],
        defaultSubcommand: CheckCommand.self)

    /// argument-parser's own main, with netcheck's exit status for usage errors: 2, not EX_USAGE (64). The
    /// catalogues of the run's language are read before the command runs: a broken one stops it here (status 2).
    static func main() {
        do {
            var command = try parseAsRoot()
            (command as? SpeaksLanguage)?.languageOptions.apply()
            do {
                try Catalogues.shared.preload(CLI.language)
            } catch {
                // No catalogue to say it with: in English.
                printError("netcheck: \(error)")
                Glibc.exit(2)
            }
            try command.run()
        } catch {
            if exitCode(for: error) == .success || error is ExitCode { exit(withError: error) }
            let reason = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            Failure.usage(Localized(id: "cli.error.usage", ["reason": reason])).exit()
        }
    }
}

/// The language of a command's words (`--lang`) and where its message catalogues are (`--messages`).
struct LanguageOptions: ParsableArguments {
    @Option(help: "Language of titles, hints and messages: a code such as en, ja, fr or pt-BR (default from LC_ALL, LC_MESSAGES, LANG); what a language lacks is said in English.")
    var lang: Language?

    @Option(name: .customLong("messages"), help: ArgumentHelp("Read message catalogues (<code>.json) from this folder first, then from the built-in one (also NETCHECK_MESSAGES).", valueName: "dir"))
    var messages: String?

    var language: Language { lang ?? Language.fromEnvironment() }

    /// Makes these the process's: the language of error lines, and the catalogues every text is resolved from.
    func apply() {
        CLI.language = language
        if let messages { Catalogues.use(Catalogues.locate(environment: Environment.variables, extra: [messages])) }
    }
}

/// A command with `LanguageOptions`, applied before it runs.
protocol SpeaksLanguage { var languageOptions: LanguageOptions { get } }

/// Options every subcommand that prints a report shares.
struct OutputOptions: ParsableArguments {
    @Option(help: "Report format: text, json, gradescope or junit (default: text on a terminal, json otherwise).")
    var format: ReportFormat?

    @OptionGroup var languageOptions: LanguageOptions

    var language: Language { languageOptions.language }
    var resolvedFormat: ReportFormat { format ?? (isatty(STDOUT_FILENO) == 1 ? .text : .json) }
    /// Colour only on a terminal, and never with NO_COLOR set.
    var textRenderer: TextRenderer { TextRenderer(language: language, color: isatty(STDOUT_FILENO) == 1 && getenv("NO_COLOR") == nil) }
}

/// What the command line says to a person outside the report, in the run's language.
enum CLI {
    private static let current = Mutex<Language?>(nil)

    /// `--lang`, once the command's options are read; before that (and for commands without it) the locale's.
    static var language: Language {
        get { current.withLock { $0 } ?? Language.fromEnvironment() }
        set { current.withLock { $0 = newValue } }
    }

    /// A message of the catalogues in that language.
    static func text(_ id: String, _ arguments: [String: any MessageArgument] = [:]) -> String {
        Localized(id: id, arguments).text(language)
    }
}

struct ExerciseOptions: ParsableArguments {
    @Option(name: .customLong("exercises"), help: ArgumentHelp("Load exercise files from this folder.", valueName: "dir"))
    var directory: String?

    func catalog() throws -> ExerciseCatalog {
        if let directory { return ExerciseCatalog(directory: directory) }
        do {
            return try ExerciseCatalog.locate(environment: Environment.variables)
        } catch {
            throw Failure.usage(error: error)
        }
    }
}

/// How `check` and `demo` print the report: for a person, for graders (docs/report.md), for Gradescope's
/// autograder (`results.json`), or for CI (JUnit XML).
enum ReportFormat: String, ExpressibleByArgument, CaseIterable { case text, json, gradescope, junit }

extension Language: ExpressibleByArgument {
    /// `--lang fr`, `--lang pt-BR` (also `pt_BR`).
    public init?(argument: String) { self.init(code: argument) }

    /// The language of the first of LC_ALL, LC_MESSAGES and LANG that is set (`ja_JP.UTF-8` is `ja-JP`, which
    /// speaks Japanese); English when that is `C`, `POSIX` or names no language.
    static func fromEnvironment() -> Language {
        let env = Environment.variables
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = env[key], !value.isEmpty { return Language(locale: value) ?? .en }
        }
        return .en
    }
}

/// The ways a run can end other than with a report, each with its exit status and a one-line reason.
enum Failure: Error, CustomStringConvertible {
    case usage(Localized)
    case environment(Localized)

    /// An error as a usage failure: its message in the run's language when it has one.
    static func usage(error: Error) -> Failure { .usage(reason(error)) }
    static func environment(error: Error) -> Failure { .environment(reason(error)) }

    static func reason(_ error: Error) -> Localized {
        if let spawn = error as? Subprocess.SpawnError {
            return Localized(id: "cli.error.cannotStart", ["program": spawn.program, "reason": String(cString: strerror(spawn.errno))])
        }
        return (error as? LocalizedError)?.message ?? Localized("\(error)")
    }

    var description: String {
        switch self { case .usage(let s), .environment(let s): return s.text(CLI.language) }
    }
    var exitCode: Int32 {
        switch self { case .usage: return 2; case .environment: return 3 }
    }
}

extension Failure {
    /// Prints `netcheck: reason` on stderr and ends with the failure's status.
    func exit() -> Never {
        printError("netcheck: \(description)")
        Glibc.exit(exitCode)
    }
}

/// One line on stderr. Messages quote file names, exercise ids and exercise-file text: escaped (`TerminalText`),
/// so that the error stays one line and cannot clear the screen.
func printError(_ text: String) {
    writeAll(STDERR_FILENO, TerminalText.escape(text.hasSuffix("\n") ? String(text.dropLast()) : text) + "\n")
}

/// All of `text` to `fd`, by its byte count (a C string would end at a NUL), retrying short writes and EINTR.
func writeAll(_ fd: Int32, _ text: String) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { return }
        bytes = bytes.dropFirst(n)
    }
}

enum Environment {
    static var variables: [String: String] { TextFile.environment }
}
