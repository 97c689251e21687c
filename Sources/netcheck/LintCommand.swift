import SafeText
import ArgumentParser
import Grading

/// `netcheck lint FILE...`: loads exercise files as `netcheck check` would, without touching the network.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check exercise files: `FILE: ok (N checks)`, or where a file is broken (exit status 2).")

    @Argument(help: ArgumentHelp("Exercise files, e.g. Exercises/chapter3-router.json.", valueName: "file"))
    var files: [String]

    func run() throws {
        var broken = false
        for file in files {
            do {
                let exercise = try ExerciseLoader.load(text: try Files.read(file), file: file)
                try Self.checkName(of: file, id: exercise.id)
                // Variants are found beside the file, as `netcheck check` finds them in its exercises folder.
                let variants = try ExerciseCatalog(directory: Self.folder(of: file)).variants(of: exercise)
                let also = variants.isEmpty ? "" : "; variants: " + variants.map(\.id).joined(separator: ", ")
                // The file name comes from the command line (and so from an instructor's folder): escaped as errors are.
                print(TerminalText.escape("\(file): ok (\(Plan(exercise: exercise).checks.count) checks\(also))"))
            } catch let e as Files.Failure {
                broken = true
                printError("netcheck: \(file): \(e.reason)")
            } catch {
                broken = true
                printError("netcheck: \(error)")
            }
        }
        if broken { throw ExitCode(2) }
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
