import SafeText
import ArgumentParser
import Grading
import Report
import Localization

/// `netcheck list`: the exercises, with chapter and title.
struct ListCommand: ParsableCommand, SpeaksLanguage {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the exercises.")

    @OptionGroup var output: OutputOptions
    @OptionGroup var exercises: ExerciseOptions

    var languageOptions: LanguageOptions { output.languageOptions }

    func run() throws {
        let catalog: ExerciseCatalog
        do { catalog = try exercises.catalog() } catch let e as Failure { e.exit() }
        let ids: [String]
        do { ids = try catalog.ids() } catch { Failure.usage(error: error).exit() }
        var broken = false
        let rows: [(String, String, String)] = ids.map { id in
            do {
                let e = try catalog.load(id)
                return (id, e.chapter > 0 ? String(e.chapter) : "-", TerminalText.escape(e.title.text(output.language)))
            } catch {
                broken = true
                printError("netcheck: " + Failure.reason(error).text(output.language))
                return (id, "?", CLI.text("list.brokenFile"))
            }
        }
        let width = rows.map(\.0.count).max() ?? 0
        let header = (CLI.text("list.header.exercise"), CLI.text("list.header.chapter"), CLI.text("list.header.title"))
        print(pad(header.0, width) + "  " + header.1 + "  " + header.2)
        for (id, chapter, title) in rows {
            print(pad(id, width) + "  " + pad(chapter, header.1.count) + "  " + title)
        }
        if broken { throw ExitCode(2) }
    }

    func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
}
