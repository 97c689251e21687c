import SafeText
import ArgumentParser
import Grading
import Report

/// `netcheck show <exercise-id>`: the exercise and the network it asks for, as a text diagram or Graphviz DOT;
/// with `--found`, the live namespaces drawn after it with what is missing or wrong marked ✗.
struct ShowCommand: ParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Draw an exercise's topology (and, with --found, what exists now).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, dot }

    @Argument(help: "The exercise, e.g. chapter3-router (see `netcheck list`).")
    var exercise: String

    @Flag(help: "Also inspect the live namespaces (read only) and mark what is missing or wrong.")
    var found = false

    @Option(help: "Drawing format: text or dot (Graphviz).")
    var format: Format = .text

    @OptionGroup var languageOptions: LanguageOptions

    @OptionGroup var exercises: ExerciseOptions

    func run() throws {
        var loaded = load(exercise, from: exercises)
        let language = languageOptions.language
        var live: Topology?
        var note = ""
        if found {
            let variants = loadVariants(of: loaded, from: exercises)
            if let problem = Preflight.problem() { problem.exit() }
            // What exists is drawn against the layout `check` would grade.
            let graded = LayoutMatch.choose(loaded, variants: variants)
            if graded.id != loaded.id {
                let line = TerminalText.escape(TextRenderer.gradedAsLine(GradedAs(exercise: graded.id, layout: (graded.layout ?? graded.title).text(language)),
                                                     language: language))
                note = format == .dot ? "// \(loaded.id): \(line)\n" : "\(loaded.id): \(line)\n\n"
                loaded = graded
            }
            live = Topology(found: World(namespaces: loaded.namespaces), exercise: loaded)
        }
        let text = format == .dot
            ? TopologyDot(language: language).render(loaded, found: live)
            : TopologyText(language: language).render(loaded, found: live)
        print(note + text, terminator: "")
    }
}
