import ArgumentParser
import Glibc
import Grading
import Kernel
import Localization
import Report
import SafeText
import Submissions
import Synchronization

/// `netcheck grade EXERCISE SUBMISSION...`: replays each learner's script or pasted terminal in a sandbox of its own
/// (`netcheck sandbox --pid --time-limit S`: network, mount and PID namespaces, private /run and /etc, lease
/// folders), then grades the state it reached there as `netcheck check` grades a live one, and folds the reports
/// into one table for the class.
///
/// Out: DIR/LEARNER/report.json (the check's JSON report), DIR/LEARNER/replay.log (each command with its status;
/// output.log and bg-N.log hold what they printed, replay.sh what ran), DIR/class.csv, DIR/class.md and DIR/class.html
/// (a heat map of learner × check); with `--also`, DIR/LEARNER/gradescope.json, junit.xml, classroom.json. A
/// submission that cannot be read, runs past its limit or yields no report is a row with the reason (and, in the
/// `--also` files, one failing test).
struct GradeCommand: ParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Replay learners' scripts or pasted terminals, each in a sandbox of its own, and grade the class.",
        discussion: """
        A submission is a shell script (.sh), a terminal session pasted as it was shown ($ or # prompts, sudo, \
        output lines), or a folder holding one (its other files are copied to where the replay works). The learner \
        is the folder's name or the file's name without its extension.
        The learners' commands run as root: the sandbox keeps namespaces, /run and /etc private, not the rest of the \
        file system. Grade only what you would run yourself.
        Exit status: 0 every learner passed, 1 one did not, 2 usage or exercise-file error, 3 environment problem.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, csv, markdown, html }

    @Argument(help: "The exercise, e.g. chapter3-router (see `netcheck list`).")
    var exercise: String

    @Argument(help: ArgumentHelp("Scripts, pasted terminals, or folders holding one.", valueName: "submission"))
    var submissions: [String]

    @Option(help: ArgumentHelp("How many submissions are replayed at once (default: the number of CPUs).", valueName: "n"))
    var jobs: Int?

    @Option(help: ArgumentHelp("Where the reports, logs and class tables go.", valueName: "dir"))
    var out: String = "grades"

    @Option(help: ArgumentHelp("Each submission's replay and check together end within this many seconds; one that runs longer is stopped, with all it started.", valueName: "s"))
    var timeLimit: Int = 60

    @Option(help: "What is printed: text (a line per learner), csv, markdown or html (class.csv, class.md or class.html).")
    var format: Format = .text

    /// Files written beside each learner's report.json for the instructor's tooling.
    enum Also: String, ExpressibleByArgument, CaseIterable {
        case gradescope, junit, classroom
        var file: String {
            switch self {
            case .gradescope: "gradescope.json"
            case .junit: "junit.xml"
            case .classroom: "classroom.json"
            }
        }
    }

    @Option(help: ArgumentHelp("Also write, for each learner, gradescope.json (Gradescope's results.json), junit.xml or classroom.json (GitHub Classroom's reporter); repeat for more. A learner without a report gets one failing test with the reason.", valueName: "format"))
    var also: [Also] = []

    @OptionGroup var languageOptions: LanguageOptions
    @OptionGroup var exercises: ExerciseOptions

    /// A sandbox holds the learner's namespaces and netcheck's: more at once would crowd the kernel's shared tables.
    static let maximumJobs = 16

    func validate() throws {
        let language = languageOptions.language
        if let jobs { try validateRange("--jobs", jobs, 1...Self.maximumJobs, unit: "", language) }
        try validateRange("--time-limit", timeLimit, 1...3600, unit: "s", language)
        if submissions.isEmpty { throw ValidationError(CLI.text("grade.error.noSubmissions")) }
    }

    /// One learner: where their files go, and what was read of their submission.
    struct Learner: Sendable {
        var name: String
        var path: String
        var folder: String
        var prepared: Result<Prepared, Unreadable>
    }

    struct Prepared: Sendable {
        var kind: Submission.Kind
        var text: String
        /// The folder the submission came in, copied to where the replay works.
        var folder: String?
    }

    struct Unreadable: Error, Sendable { var why: Localized }

    func run() throws {
        let asked = load(exercise, from: exercises)
        let catalog: ExerciseCatalog
        do { catalog = try exercises.catalog() } catch let e as Failure { e.exit() }
        if let problem = Preflight.problem() { problem.exit() }
        let outDir = prepareOutput()
        let netcheck = executablePath.isEmpty ? CommandLine.arguments[0] : executablePath
        var taken = Set<String>()
        let learners = submissions.map { path -> Learner in
            let isFolder = TextFile.isDirectory(path)
            let name = Submission.folderName(Submission.learnerName(path: path, isFolder: isFolder), taken: taken)
            taken.insert(name)
            return Learner(name: name, path: path, folder: outDir + "/" + name, prepared: Self.read(path, isFolder: isFolder))
        }
        let jobs = jobs ?? max(1, min(Self.maximumJobs, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        let rows = Mutex<[ClassRow]>([])
        let next = Atomic<Int>(0)
        let replay = Replay(exercise: asked.id, exercises: catalog.directory, language: languageOptions.language,
                            messages: languageOptions.messages, timeLimit: timeLimit, netcheck: netcheck)
        concurrently(min(jobs, learners.count)) { _ in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < learners.count else { return }
                let row = replay.grade(learners[i])
                rows.withLock { $0.append(row) }
            }
        }
        let table = ClassTable(exercise: asked.id, rows: rows.withLock { $0 })
        let language = languageOptions.language
        let csv = table.csv(language: language), markdown = table.markdown(language: language), html = table.html(language: language)
        for (name, text) in [("class.csv", csv), ("class.md", markdown), ("class.html", html)] {
            if let failure = Self.write(text, to: outDir + "/" + name) {
                Failure.environment(Localized(id: "grade.error.write", ["file": outDir + "/" + name, "reason": failure])).exit()
            }
        }
        let maxScore = Double(Plan(exercise: asked).checks.count)
        for row in table.rows {
            if let failure = writeAlso(row, folder: outDir + "/" + row.learner, exercise: asked.id, maxScore: maxScore) {
                Failure.environment(failure).exit()
            }
        }
        switch format {
        case .csv: writeAll(STDOUT_FILENO, csv)
        case .markdown: writeAll(STDOUT_FILENO, markdown)
        case .html: writeAll(STDOUT_FILENO, html)
        case .text: writeAll(STDOUT_FILENO, Self.text(table, out: outDir, language: language))
        }
        throw ExitCode(table.rows.allSatisfy(\.passed) ? 0 : 1)
    }

    /// The `--also` files of one learner, from their report, or one failing test with the reason when there is none
    /// (the exercise's points, `maxScore`, out of reach). Those not asked for are removed, so that none is left of an
    /// earlier run. Nil, or what could not be written.
    func writeAlso(_ row: ClassRow, folder: String, exercise: String, maxScore: Double) -> Localized? {
        for kind in Also.allCases { unlink(folder + "/" + kind.file) }
        guard !also.isEmpty else { return nil }
        if mkdir(folder, 0o755) != 0 && errno != EEXIST {
            return Localized(id: "grade.error.write", ["file": folder, "reason": String(cString: strerror(errno))])
        }
        let language = languageOptions.language
        let missing = row.noReport(exercise: exercise, maxScore: maxScore, language: language)
        for kind in Also.allCases where also.contains(kind) {
            let text: String
            switch kind {
            case .gradescope:
                let w = GradescopeWriter(language: language)
                text = row.report.map(w.write) ?? missing.map(w.write) ?? ""
            case .junit:
                let w = JUnitWriter(language: language)
                text = row.report.map(w.write) ?? missing.map(w.write) ?? ""
            case .classroom:
                let w = ClassroomWriter(language: language)
                text = row.report.map(w.write) ?? missing.map(w.write) ?? ""
            }
            if let failure = Self.write(text, to: folder + "/" + kind.file) {
                return Localized(id: "grade.error.write", ["file": folder + "/" + kind.file, "reason": failure])
            }
        }
        return nil
    }

    /// The output folder, made when missing, as an absolute path; one the sandbox hides (its own /run, /var/tmp…)
    /// cannot hold the replays' files: a usage error.
    func prepareOutput() -> String {
        var path = ""
        for part in out.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
            path += (part.offset == 0 ? "" : "/") + part.element
            if path.isEmpty || path == "." { continue }
            if mkdir(path, 0o755) != 0 && errno != EEXIST {
                Failure.usage(Localized(id: "grade.error.out", ["dir": out, "reason": String(cString: strerror(errno))])).exit()
            }
        }
        guard TextFile.isDirectory(out), let resolved = realpath(out, nil) else {
            Failure.usage(Localized(id: "grade.error.out", ["dir": out, "reason": String(cString: strerror(ENOTDIR))])).exit()
        }
        defer { free(resolved) }
        let absolute = String(cString: resolved)
        for hidden in ["/run"] + Sandbox.stateFolders where absolute == hidden || absolute.hasPrefix(hidden + "/") {
            Failure.usage(Localized(id: "grade.error.outHidden", ["dir": absolute, "hidden": hidden])).exit()
        }
        return absolute
    }

    /// A submission read: a folder's one script or transcript, or a file; what it is (`Submission.kind`).
    static func read(_ path: String, isFolder: Bool) -> Result<Prepared, Unreadable> {
        var file = path
        if isFolder {
            guard let names = Directory.entries(path) else {
                return .failure(Unreadable(why: Localized(id: "cli.error.cannotRead", ["path": path, "reason": String(cString: strerror(errno))])))
            }
            let regular = names.filter { name in
                var st = stat()
                return stat(path + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
            }
            do { file = path + "/" + (try Submission.chooseFile(regular)) } catch { return .failure(Unreadable(why: reason(error, path: path))) }
        }
        let text: String
        do { text = try Files.read(file) } catch let e as Files.Failure {
            return .failure(Unreadable(why: e.message))
        } catch {
            return .failure(Unreadable(why: Failure.reason(error)))
        }
        do {
            return .success(Prepared(kind: try Submission.kind(name: file, text: text), text: text, folder: isFolder ? path : nil))
        } catch {
            return .failure(Unreadable(why: reason(error, path: file)))
        }
    }

    static func reason(_ problem: Submission.Unreadable, path: String) -> Localized {
        switch problem {
        case .empty: return Localized(id: "grade.unreadable.empty", ["path": path])
        case .binary: return Localized(id: "grade.unreadable.binary", ["path": path])
        case .noCommands: return Localized(id: "grade.unreadable.noCommands", ["path": path])
        case .emptyFolder: return Localized(id: "grade.unreadable.emptyFolder", ["path": path])
        case .severalFiles(let names): return Localized(id: "grade.unreadable.severalFiles", ["path": path, "files": Localized.list(names)])
        }
    }

    /// `text` as the whole of the file at `path`; nil, or why not.
    static func write(_ text: String, to path: String) -> String? {
        guard let file = fopen(path, "w") else { return String(cString: strerror(errno)) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let failed = written != bytes.count ? errno : 0
        guard fclose(file) == 0, failed == 0 else { return String(cString: strerror(failed != 0 ? failed : errno)) }
        return nil
    }

    /// A line per learner (result, score, the first failing check and its hint, or the reason), then how many passed.
    static func text(_ table: ClassTable, out: String, language: Language) -> String {
        func t(_ id: String, _ args: [String: any MessageArgument] = [:]) -> String { Localized(id: id, args).text(language) }
        let width = table.rows.map { displayWidth(TerminalText.escape($0.learner)) }.max() ?? 0
        let resultWidth = table.rows.map { displayWidth($0.resultText.text(language)) }.max() ?? 0
        var s = ""
        for row in table.rows {
            let name = TerminalText.escape(row.learner)
            var line = padDisplay(name, to: width) + "  " + padDisplay(row.resultText.text(language), to: resultWidth)
            if let r = row.report { line += "  " + Summary.format(r.score) + "/" + Summary.format(r.maxScore) }
            if let failing = row.firstFailing {
                line += "  " + TerminalText.escape(failing.id) + ": " + TerminalText.oneLine(failing.hint.isEmpty ? failing.observed : failing.hint, limit: 200)
            } else if let reason = row.reason {
                line += "  " + TerminalText.oneLine(reason.text(language), limit: 200)
            }
            s += line + "\n"
        }
        s += t("grade.text.summary", ["passed": table.passedCount, "count": table.rows.count, "dir": TerminalText.escape(out)]) + "\n"
        return s
    }
}

/// How one learner is replayed and checked: the same for every learner of the run.
struct Replay: Sendable {
    var exercise: String
    var exercises: String
    var language: Language
    var messages: String?
    var timeLimit: Int
    var netcheck: String

    /// The files a replay writes in the learner's folder; removed first, so that nothing of an earlier run is read.
    static let outputs = ["/report.json", "/replay.log", "/output.log", "/check.stderr", "/replay.sh", "/submission.sh"]

    /// The most a learner's command may write to one file (`ulimit -f`, KiB): a loop printing forever fills its log
    /// only this far. SIGXFSZ is ignored, so that the writer's write fails (EFBIG) instead of killing it: killed,
    /// its shell would report it into the same full log and be killed too, ending the replay.
    static let fileSizeLimitKiB = 16384

    /// The most processes and threads one replay may have at once (`sandbox --max-processes`): the book's commands,
    /// their daemons and netcheck's own check need a few dozen.
    static let processLimit = 1024

    func grade(_ learner: GradeCommand.Learner) -> ClassRow {
        let prepared: GradeCommand.Prepared
        switch learner.prepared {
        case .failure(let unreadable): return ClassRow(learner: learner.name, outcome: .unreadable(unreadable.why))
        case .success(let p): prepared = p
        }
        if mkdir(learner.folder, 0o755) != 0 && errno != EEXIST || !TextFile.isDirectory(learner.folder) {
            return ClassRow(learner: learner.name, outcome: .error(Localized(id: "grade.error.write", ["file": learner.folder, "reason": String(cString: strerror(errno))])))
        }
        for name in Self.outputs { unlink(learner.folder + name) }
        for name in Directory.entries(learner.folder) ?? [] where name.hasPrefix("bg-") && name.hasSuffix(".log") { unlink(learner.folder + "/" + name) }

        let dir = learner.folder
        let script: String
        switch prepared.kind {
        case .script:
            if let failure = GradeCommand.write(prepared.text, to: dir + "/submission.sh") {
                return ClassRow(learner: learner.name, outcome: .error(Localized(id: "grade.error.write", ["file": dir + "/submission.sh", "reason": failure])))
            }
            script = ReplayScript.script(dir + "/submission.sh", out: dir)
        case .transcript(let transcript):
            script = ReplayScript.transcript(transcript.commands, out: dir, checks: .skip, words: words)
        }
        if let failure = GradeCommand.write(script, to: dir + "/replay.sh") {
            return ClassRow(learner: learner.name, outcome: .error(Localized(id: "grade.error.write", ["file": dir + "/replay.sh", "reason": failure])))
        }
        var check = ["\"$NETCHECK\"", "check", Shell.quote(exercise), "--format", "json", "--exercises", Shell.quote(exercises),
                     "--lang", Shell.quote(language.code)]
        if let messages { check += ["--messages", Shell.quote(messages)] }
        let o = Shell.quote(dir)
        let outer = """
            ip link set lo up
            mkdir -p /run/learner && cd /run/learner || exit 3
            \(prepared.folder.map { "cp -a -- \(Shell.quote($0))/. /run/learner/ 2>> \(o)/replay.log" } ?? "")
            ( ulimit -f \(Self.fileSizeLimitKiB); trap '' XFSZ; bash \(o)/replay.sh < /dev/null > /dev/null 2>&1 )
            \(check.joined(separator: " ")) < /dev/null > \(o)/report.json 2> \(o)/check.stderr

            """
        // The host's files read-only but the learner's folder, and a limit on processes: a submission that misbehaves
        // (`rm -rf` of the wrong folder, a fork bomb) acts inside the sandbox only.
        let argv = [netcheck, "sandbox", "--pid", "--time-limit", String(timeLimit), "--read-only-host", "--writable", dir,
                    "--max-processes", String(Self.processLimit), "--",
                    // A /proc of the replay's own PID namespace (in a mount namespace of its own: the sandbox's process,
                    // outside, keeps the host's): `ps`, `pkill dnsmasq` and `killall nc` see the learner's processes.
                    "unshare", "--mount", "--mount-proc", "/bin/bash", "-c", outer]
        let options = Subprocess.Options(stdin: .null, stdout: .null, stderr: .capture,
                                         environment: Subprocess.environment(adding: ["NETCHECK": netcheck]))
        // The sandbox keeps the time limit itself; this is only in case it does not end (30 s to clean up).
        let finished: Subprocess.Finished
        do {
            finished = try Subprocess.run(argv, options, deadline: Monotonic.microseconds() + (timeLimit + 30) * 1_000_000, stderrLimit: 4096)
        } catch {
            return ClassRow(learner: learner.name, outcome: .error(Failure.reason(error)))
        }
        if finished.exitStatus == SandboxCommand.timedOut {
            return ClassRow(learner: learner.name, outcome: .timeLimit(seconds: timeLimit))
        }
        if let text = try? Files.read(dir + "/report.json"), !text.isEmpty, let report = try? Report(jsonText: text) {
            return ClassRow(learner: learner.name, outcome: .graded(report))
        }
        let stderr = ((try? Files.read(dir + "/check.stderr")) ?? "") + String(decoding: finished.stderr, as: UTF8.self)
        let line = stderr.split(separator: "\n").first.map(String.init) ?? ""
        return ClassRow(learner: learner.name, outcome: .error(Localized(id: "grade.reason.noReport", ["status": Int(finished.exitStatus), "stderr": line])))
    }

    /// The replay log's words, in the run's language.
    var words: ReplayScript.Words {
        let language = self.language
        return ReplayScript.Words(
            skipped: { why in
                let id = switch why {
                case .download: "grade.replay.skipped.download"
                case .machineSetup: "grade.replay.skipped.machineSetup"
                case .interactiveClient: "grade.replay.skipped.interactiveClient"
                case .authorsClient: "grade.replay.skipped.authorsClient"
                case .rootShell: "grade.replay.skipped.rootShell"
                case .leavesShell: "grade.replay.skipped.leavesShell"
                case .ownCheck: "grade.replay.skipped.ownCheck"
                }
                return Localized(id: id).text(language)
            },
            notListening: { proto, port, namespace in
                let p = proto == "u" ? "UDP" : "TCP"
                return namespace.map { Localized(id: "grade.replay.notListening", ["protocol": p, "port": port, "namespace": $0]).text(language) }
                    ?? Localized(id: "grade.replay.notListening.own", ["protocol": p, "port": port]).text(language)
            },
            notPrinted: { Localized(id: "grade.replay.notPrinted", ["text": $0]).text(language) })
    }
}
