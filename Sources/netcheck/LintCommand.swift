import SafeText
import ArgumentParser
import Glibc
import Kernel
import Grading
import JSON
import Localization

/// `netcheck lint FILE...`: loads exercise files as `netcheck check` would, without touching the network; a file
/// named like a language code (`fr.json`, `pt-BR.json`) is a message catalogue, checked against `en.json`.
struct LintCommand: ParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check exercise files and message catalogues: `FILE: ok (N checks)`, or where a file is broken (exit status 2).",
        discussion: """
        A file named like a language code in a Messages folder (Messages/fr.json), or one that holds message ids only, \
        is a message catalogue: it is checked against \
        en.json beside it (or the built-in one): ids English has, the same placeholders, the plural forms of its language. \
        Ids it lacks are said in English.
        """)

    @Argument(help: ArgumentHelp("Exercise files, e.g. Exercises/chapter3-router.json, or catalogues, e.g. Messages/fr.json.", valueName: "file"))
    var files: [String]

    @OptionGroup var languageOptions: LanguageOptions

    @Flag(name: .customLong("self-test"), help: "Also replay each exercise's solution in a sandbox (root): it must pass, the empty sandbox must fail, and each of its commands, left out, must make a check fail (or is reported as untested). Exit status 1 when the solution or the empty sandbox says otherwise.")
    var selfTest = false

    @Option(help: ArgumentHelp("With --self-test: the folder of solution scripts (default: Solutions beside the exercises' folder).", valueName: "dir"))
    var solutions: String?

    @Option(name: .customLong("time-limit"), help: ArgumentHelp("With --self-test: each replay ends within this many seconds.", valueName: "s"))
    var timeLimit: Int = 30

    func run() throws {
        var broken = false
        var selfTestFailed = false
        for file in files {
            if let language = Self.catalogueLanguage(file) {
                if !lintCatalogue(file, language: language) { broken = true }
                continue
            }
            do {
                let exercise = try ExerciseLoader.load(text: try Files.read(file), file: file)
                try Self.checkName(of: file, id: exercise.id)
                // Variants are found beside the file, as `netcheck check` finds them in its exercises folder.
                let variants = try ExerciseCatalog(directory: Self.folder(of: file)).variants(of: exercise)
                let checks = Plan(exercise: exercise).checks.count
                let ok = variants.isEmpty
                    ? CLI.text("lint.ok", ["file": file, "checks": checks])
                    : CLI.text("lint.ok.variants", ["file": file, "checks": checks, "variants": Localized.list(variants.map(\.id))])
                // The file name comes from the command line (and so from an instructor's folder): escaped as errors are.
                print(TerminalText.escape(ok))
                if selfTest && !runSelfTest(file, exercise) { selfTestFailed = true }
            } catch let e as Files.Failure {
                broken = true
                printError("netcheck: \(file): " + e.why.text(CLI.language))
            } catch {
                broken = true
                printError("netcheck: " + Failure.reason(error).text(CLI.language))
            }
        }
        if broken { throw ExitCode(2) }
        if selfTestFailed { throw ExitCode(1) }
    }

    /// `--self-test` for one exercise file (see `SelfTest`): its lines on stdout, false when it failed.
    func runSelfTest(_ file: String, _ exercise: Exercise) -> Bool {
        if let problem = Preflight.problem() { problem.exit() }
        let solution = "\(solutions ?? Self.folder(of: file) + "/../Solutions")/\(exercise.id).sh"
        func say(_ id: String, _ arguments: [String: any MessageArgument]) {
            print(TerminalText.escape(CLI.text(id, arguments.merging(["file": file, "solution": solution]) { a, _ in a })))
        }
        guard (try? Files.read(solution)) != nil else {
            say("lint.selfTest.noSolution", [:])
            return false
        }
        var template = Array("/tmp/netcheck-self-test-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            Failure.environment(Localized(id: "cli.error.sandbox", ["error": String(cString: strerror(errno))])).exit()
        }
        let work = String(cString: made)
        defer { _ = try? Subprocess.run(["/bin/rm", "-rf", "--", work]) }
        let netcheck = executablePath.isEmpty ? CommandLine.arguments[0] : executablePath
        let test = SelfTest(file: file, exercise: exercise, solution: solution, timeLimit: timeLimit,
                            language: languageOptions.language, messages: languageOptions.messages)
        let outcome = test.run(netcheck: netcheck, work: work)
        if !outcome.solutionPasses { say("lint.selfTest.solutionFails", ["checks": Localized.list(outcome.solutionFailing)]) }
        if !outcome.emptyFails { say("lint.selfTest.emptyPasses", [:]) }
        if !outcome.emptyPassing.isEmpty { say("lint.selfTest.emptyChecksPass", ["checks": Localized.list(outcome.emptyPassing)]) }
        for step in outcome.untested {
            say("lint.selfTest.untested", ["line": step.line, "command": TerminalText.excerpt(step.text, limit: 120)])
        }
        if outcome.ok {
            let steps = SelfTest.steps((try? Files.read(solution)) ?? "").count
            say("lint.selfTest.ok", ["tested": steps - outcome.untested.count, "steps": steps])
        }
        return outcome.ok
    }

    /// The language a catalogue file is for, from its name (`fr.json`), when it is one: named like a language code
    /// and in a `Messages` folder, or holding message ids only (an exercise file has an `id`); nil otherwise.
    static func catalogueLanguage(_ file: String) -> Language? {
        let parts = file.split(separator: "/")
        let name = parts.last.map(String.init) ?? file
        guard name.hasSuffix(".json"), let language = Language(code: String(name.dropLast(5))) else { return nil }
        if parts.count >= 2, parts[parts.count - 2].lowercased() == "messages" { return language }
        guard let text = try? Files.read(file), case .object(let object)? = try? JSON.parse(text), !object.keys.isEmpty,
              object.keys.allSatisfy(Catalogue.isValidID) else { return nil }
        return language
    }

    /// Checks one catalogue against English: what is wrong on stderr, one line each; on stdout how much of English
    /// it translates, and each placeholder it leaves out (which may be meant: Japanese needs no word for "1 of").
    func lintCatalogue(_ file: String, language: Language) -> Bool {
        let catalogue: Catalogue
        do {
            catalogue = try Catalogue.parse(try Files.read(file), file: file, language: language)
        } catch let e as Files.Failure {
            printError("netcheck: \(file): " + e.why.text(CLI.language))
            return false
        } catch {
            printError("netcheck: \(error)")
            return false
        }
        let beside = Self.folder(of: file) + "/en.json"
        let english: Catalogue?
        if language == .en {
            english = catalogue
        } else if let text = try? Files.read(beside) {
            english = try? Catalogue.parse(text, file: beside, language: .en)
        } else {
            english = try? Catalogues.shared.catalogue(.en)
        }
        guard let english else {
            printError("netcheck: " + CLI.text("lint.catalogue.noEnglish", ["file": file]))
            return false
        }
        let problems = catalogue.problems(against: english)
        for p in problems { printError("netcheck: \(p)") }
        guard problems.isEmpty else { return false }
        for (id, names) in catalogue.omissions(against: english) {
            print(TerminalText.escape(CLI.text("lint.catalogue.omits", ["file": file, "id": id,
                                                                         "placeholders": Localized.list(names.map { "{\($0)}" })])))
        }
        let translated = english.ids.count - catalogue.missing(from: english).count
        print(TerminalText.escape(CLI.text("lint.catalogue.ok", ["file": file, "count": translated, "total": english.ids.count])))
        return true
    }

    static func folder(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        return slash == file.startIndex ? "/" : String(file[..<slash])
    }

    /// `netcheck ID` finds an exercise by its file name, so the file must be named `ID.json`.
    static func checkName(of file: String, id: String) throws {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        guard name == "\(id).json" else {
            throw ExerciseFileError(file: file, position: "/", field: "id", message: "is \"\(id)\" but the file is named \(name)")
        }
    }
}
