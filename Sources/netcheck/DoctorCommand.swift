import ArgumentParser
import Glibc
import Grading
import Kernel
import Localization

/// `netcheck doctor [EXERCISE]`: what on this machine gets in the way of the book's exercises (issue 15): the
/// tools and which nc, /run/netns, namespaces left from an earlier exercise, FORWARD chains that drop (with
/// br_netfilter, also bridged frames), rp_filter, the resolv.conf dhclient rewrote. Read only; without root it
/// says what it could not see. Exit 0 when nothing stops the exercises, 1 when something does.
struct DoctorCommand: ParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "doctor", abstract: "Look for what on this machine gets in the way of the book's exercises (read only).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "The exercise you are doing (its namespaces are not leftovers), e.g. chapter4-bridge.")
    var exercise: String?

    @Option(help: "Output format: text or json.")
    var format: Format = .text

    @OptionGroup var languageOptions: LanguageOptions
    @OptionGroup var exercises: ExerciseOptions

    /// Reading every namespace's ruleset ends by then.
    static let seconds: Double = 5

    func run() throws {
        let catalog = try? exercises.catalog()
        var asked: Exercise?
        if let exercise { asked = load(exercise, from: exercises) }
        // Every exercise's namespaces, to say where a leftover comes from; one that does not load is left out.
        let all: [(id: String, namespaces: [String])] = ((try? catalog?.ids()) ?? []).compactMap { id in
            guard let loaded = try? catalog?.load(id) else { return nil }
            return (id, loaded.namespaces)
        }
        FileLimit.raise()
        let privileged = Preflight.problem() == nil
        let deadline = Double(Monotonic.nanoseconds()) / 1e9 + Self.seconds
        let facts = HostFacts.read(environment: Environment.variables, privileged: privileged, deadline: deadline)
        let findings = Doctor.findings(facts, exercise: asked, exercises: all)
        let language = languageOptions.language
        writeAll(STDOUT_FILENO, format == .json ? Doctor.json(findings, language: language) : Doctor.text(findings, language: language))
        throw ExitCode(Doctor.exitStatus(findings))
    }
}
