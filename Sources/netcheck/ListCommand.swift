import SafeText
import ArgumentParser
import Grading
import Report

/// `netcheck list`: the exercises, with chapter and title.
struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the exercises.")

    @OptionGroup var output: OutputOptions
    @OptionGroup var exercises: ExerciseOptions

    func run() throws {
        let catalog: ExerciseCatalog
        do { catalog = try exercises.catalog() } catch let e as Failure { e.exit() }
        let ids: [String]
        do { ids = try catalog.ids() } catch { Failure.usage("\(error)").exit() }
        var broken = false
        let rows: [(String, String, String)] = ids.map { id in
            do {
                let e = try catalog.load(id)
                return (id, e.chapter > 0 ? String(e.chapter) : "-", TerminalText.escape(e.title.text(output.language)))
            } catch {
                broken = true
                printError("netcheck: \(error)")
                return (id, "?", "(broken file)")
            }
        }
        let width = rows.map(\.0.count).max() ?? 0
        let header = output.language == .ja ? ("演習", "章", "タイトル") : ("exercise", "chapter", "title")
        print(pad(header.0, width) + "  " + header.1 + "  " + header.2)
        for (id, chapter, title) in rows {
            print(pad(id, width) + "  " + pad(chapter, header.1.count) + "  " + title)
        }
        if broken { throw ExitCode(2) }
    }

    func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
}
