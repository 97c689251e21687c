import ArgumentParser
import Glibc
import Grading
import Kernel
import Report
import Localization

/// `netcheck watch <exercise-id>`: a checklist that re-checks whenever the namespaces change, until everything
/// passes (exit 0) or Ctrl-C.
struct WatchCommand: ParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Keep a checklist on the terminal and re-check whenever your namespaces change.",
        discussion: """
        Re-checks on every change of links, addresses, routes, neighbours and forwarding in the exercise's \
        namespaces, and when namespaces appear under /run/netns; changes nothing reports (a NAT rule, a \
        server starting) are picked up by a re-check every few seconds. A change made while a check runs is \
        checked right after it; changes that keep coming (a loop flapping a link) give a re-check every \
        --storm milliseconds. Exits 0 once every check passes.
        """)

    @Argument(help: "The exercise, e.g. chapter3-router.")
    var exercise: String

    @OptionGroup var output: OutputOptions
    @OptionGroup var exercises: ExerciseOptions

    @Option(help: ArgumentHelp("How long each probe waits for an answer, in milliseconds.", valueName: "ms"))
    var timeout: Int = 500

    @Option(help: ArgumentHelp("Seconds between re-checks when nothing is reported.", valueName: "s"))
    var idle: Int = 5

    @Option(help: ArgumentHelp("While changes keep coming without a pause, re-check this often instead of waiting for them to stop, in milliseconds.", valueName: "ms"))
    var storm: Int = 1000

    var languageOptions: LanguageOptions { output.languageOptions }

    func validate() throws {
        try validateRange("--timeout", timeout, 1...60_000, unit: "ms", output.language)
        try validateRange("--idle", idle, 1...3600, unit: "s", output.language)
        try validateRange("--storm", storm, 50...60_000, unit: "ms", output.language)
    }

    func run() throws {
        let asked = load(exercise, from: exercises)
        let variants = loadVariants(of: asked, from: exercises)
        if let problem = Preflight.problem() { problem.exit() }
        let terminal = isatty(STDOUT_FILENO) == 1
        let renderer = output.textRenderer
        // Every layout's namespaces are watched: the learner may be building any of them.
        var namespaces: [String] = []
        for e in [asked] + variants {
            for n in e.namespaces + (Self.usesRoot(e) ? [World.rootName] : []) where !namespaces.contains(n) { namespaces.append(n) }
        }
        let monitor = ChangeMonitor()
        var round = 0
        while true {
            round += 1
            monitor.watch(namespaces: namespaces)
            // What changed before this round is in its snapshot.
            monitor.drain()
            let loaded = LayoutMatch.choose(asked, variants: variants)
            let report = Grader(exercise: loaded, probeTimeoutMs: timeout, askedFor: asked).report(language: output.language)
            var screen = renderer.render(report)
            let status = report.passed ? Localized(id: "watch.done").text(output.language)
                                       : Localized(id: "watch.waiting", ["round": round]).text(output.language)
            screen += status + "\n"
            // On a terminal the checklist is redrawn in place; in a file or pipe each check follows the last.
            write(terminal ? "\u{1b}[H\u{1b}[2J" + screen : screen + "\u{0c}\n")
            if report.passed { throw ExitCode(0) }
            // A change of the learner's during the round (the round may have looked before it): check again now.
            // Netcheck's own probes change neighbour tables only, so those notifications are not counted.
            if monitor.heardChanges() {
                monitor.settle(longest: .milliseconds(storm))
                continue
            }
            _ = monitor.wait(timeout: .seconds(idle), longest: .milliseconds(storm))
        }
    }

    static func usesRoot(_ e: Exercise) -> Bool {
        e.links.contains { $0.namespace == World.rootName } || e.forwarding.contains { $0.namespace == World.rootName }
    }

    func write(_ text: String) { writeAll(STDOUT_FILENO, text) }
}
