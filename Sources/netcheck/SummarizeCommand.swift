import ArgumentParser
import Grading
import Localization
import Report

/// `netcheck summarize REPORT...`: many JSON reports as one table, a row per learner and exercise.
struct SummarizeCommand: ParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(
        commandName: "summarize",
        abstract: "Fold JSON reports into one table: learner, exercise, score, max_score, passed, failed checks.",
        discussion: """
        The learner is the name of the report's folder: reports/alice/chapter3-router.json is alice's.
        A report that cannot be read is named on stderr and left out; the status is then 2.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, markdown }

    @Argument(help: ArgumentHelp("JSON reports written by `netcheck check --format json`.", valueName: "report"))
    var reports: [String]

    @Option(help: "Table format: csv or markdown.")
    var format: Format = .csv

    /// The language of the error lines; the table's header is the report's field names, the same in every language.
    @OptionGroup var languageOptions: LanguageOptions

    func run() throws {
        var rows: [SummaryRow] = []
        var broken = false
        for path in reports {
            do {
                rows.append(SummaryRow(report: try Report(jsonText: try Files.read(path)), path: path))
            } catch let e as Files.Failure {
                broken = true
                printError("netcheck: \(path): " + e.why.text(CLI.language))
            } catch {
                broken = true
                printError("netcheck: \(path): " + Failure.reason(error).text(CLI.language))
            }
        }
        let sorted = Summary.sorted(rows)
        print(format == .csv ? Summary.csv(sorted) : Summary.markdown(sorted), terminator: "")
        if broken { throw ExitCode(2) }
    }
}
