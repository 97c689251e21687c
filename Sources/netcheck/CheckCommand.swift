import ArgumentParser
import Capture
import Glibc
import Grading
import JSON
import Report
import Localization

/// `netcheck check <exercise-id>`: inspect, probe, and report.
struct CheckCommand: ParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check your namespaces against an exercise and print the report.")

    @Argument(help: "The exercise, e.g. chapter3-router (see `netcheck list`).")
    var exercise: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var exercises: ExerciseOptions

    @Option(help: ArgumentHelp("How long each probe waits for an answer, in milliseconds.", valueName: "ms"))
    var timeout: Int = 1000

    @Option(help: ArgumentHelp("The whole run ends within this many milliseconds: probes are cut short, and a run that still has not finished stops with status 3.", valueName: "ms"))
    var deadline: Int = 5000

    @Option(help: ArgumentHelp("Check only this step of the book (see `netcheck show`), 1 for the first.", valueName: "n"))
    var step: Int?

    /// For the verdict tests' fixtures: the run as recorded (the inspector's answers and the probes' results), which
    /// `Grader.report(replaying:)` judges again without root.
    @Option(help: .hidden)
    var record: String?

    @Option(help: ArgumentHelp("Write the frames each capture saw to DIR/CHECK-ID.pcap (open them in Wireshark or with `tcpdump -r`); the report names the files.", valueName: "dir"))
    var pcap: String?

    var languageOptions: LanguageOptions { output.languageOptions }

    func validate() throws {
        try validateRange("--timeout", timeout, 1...60_000, unit: "ms", output.language)
        try validateRange("--deadline", deadline, 100...600_000, unit: "ms", output.language)
    }

    func run() throws {
        let started = Grader.monotonicNanoseconds()
        Watchdog.arm(afterMilliseconds: deadline + 500)
        let asked = load(exercise, from: exercises)
        let variants = loadVariants(of: asked, from: exercises)
        if let problem = Preflight.problem() { problem.exit() }
        let loaded = LayoutMatch.choose(asked, variants: variants)
        if let step, !(1...max(1, loaded.steps.count)).contains(step) || loaded.steps.isEmpty {
            let reason = loaded.steps.isEmpty
                ? Localized(id: "cli.error.step.none", ["step": step, "exercise": loaded.id])
                : Localized(id: "cli.error.step.range", ["step": step, "exercise": loaded.id, "steps": loaded.steps.count])
            Failure.usage(reason).exit()
        }
        var grader = Grader(exercise: loaded, probeTimeoutMs: timeout, deadline: started + UInt64(deadline) * 1_000_000,
                            askedFor: asked)
        if let pcap {
            let made = mkdir(pcap, 0o755) == 0 ? 0 : errno
            guard made == 0 || made == EEXIST, TextFile.isDirectory(pcap) else {
                let reason = String(cString: strerror(made == 0 || made == EEXIST ? ENOTDIR : made))
                Failure.environment(Localized(id: "cli.error.pcap", ["file": pcap, "reason": reason])).exit()
            }
            grader.pcap = PcapOutput(directory: pcap)
        }
        // The capture sockets' last close waits for the kernel (a grace period, 8-16 ms): a child of netcheck pays it
        // once the report is out (LiveCapture.closeDeferred), not the learner.
        if ProcessOptions.deferCaptureClose { LiveCapture.deferClosing() }
        let report: Report
        if let record, step == nil {
            let (r, recording) = grader.recordedReport(language: output.language, startedAt: started)
            report = r
            let text = JSON.serialize(recording.json, pretty: true) + "\n"
            guard let file = fopen(record, "w"), fputs(text, file) >= 0, fclose(file) == 0 else {
                Failure.environment(Localized(id: "cli.error.record", ["file": record, "reason": String(cString: strerror(errno))])).exit()
            }
        } else {
            report = grader.report(language: output.language, step: step, startedAt: started)
        }
        emit(report, output)
        LiveCapture.closeDeferred()
        if let failed = grader.pcap?.failures.first {
            Failure.environment(Localized(id: "cli.error.pcap.write", ["reason": failed])).exit()
        }
        throw ExitCode(report.passed ? 0 : 1)
    }
}

/// Loads an exercise or ends the run with status 2 and the reason.
func load(_ id: String, from options: ExerciseOptions) -> Exercise {
    do {
        return try options.catalog().load(id)
    } catch let e as Failure {
        e.exit()
    } catch {
        Failure.usage(error: error).exit()
    }
}

/// The exercise's variants (other layouts of the same end state) or the end of the run with status 2: a variant
/// the folder lacks is a broken exercise file.
func loadVariants(of exercise: Exercise, from options: ExerciseOptions) -> [Exercise] {
    do {
        return try options.catalog().variants(of: exercise)
    } catch let e as Failure {
        e.exit()
    } catch {
        Failure.usage(error: error).exit()
    }
}

/// `value` within `range`, or the usage error that says so (`--timeout must be between 1 and 60000 ms`).
func validateRange(_ option: String, _ value: Int, _ range: ClosedRange<Int>, unit: String, _ language: Language) throws {
    guard range.contains(value) else {
        throw ValidationError(Localized(id: "cli.error.range", ["option": option, "min": range.lowerBound, "max": range.upperBound,
                                                                 "unit": unit]).text(language))
    }
}

/// Prints the report on stdout in the chosen format.
func emit(_ report: Report, _ output: OutputOptions) {
    let text: String
    switch output.resolvedFormat {
    case .json: text = report.jsonText(pretty: true)
    case .gradescope: text = GradescopeWriter(language: output.language).write(report)
    case .junit: text = JUnitWriter(language: output.language).write(report)
    case .text: text = output.textRenderer.render(report)
    }
    print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
}

/// How the run ends: NETCHECK_CLOSE_CAPTURES=now closes the capture sockets before the report, as netcheck did
/// before it handed them to a child (the bench measures both).
enum ProcessOptions {
    static var deferCaptureClose: Bool { Environment.variables["NETCHECK_CLOSE_CAPTURES"] != "now" }
}
