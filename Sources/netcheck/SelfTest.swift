import Glibc
import Grading
import Kernel
import Localization
import Report
import SafeText
import Submissions
import Synchronization

/// `netcheck lint --self-test FILE…`: an exercise tested against its own solution (Solutions/<id>.sh), each run
/// replayed in a sandbox of its own as `netcheck grade` replays a learner's script:
/// - the solution must pass;
/// - the empty sandbox must fail, with no check that needs one of the exercise's namespaces passing;
/// - the solution without one of its commands (each in turn) must fail some check; a command whose removal changes
///   nothing is reported as untested: the exercise does not check what it teaches, or the command is not needed.
struct SelfTest {
    var file: String
    var exercise: Exercise
    var solution: String
    var timeLimit: Int
    var language: Language
    var messages: String?

    /// One command of the solution: its line number (the first, for a command continued with `\`) and text.
    struct Step: Equatable { var line: Int; var text: String }

    /// The commands of a solution script, each a line (or lines joined by `\`, or a command with its here-document),
    /// without blank lines, comments and `set` lines (shell options, not steps of the book).
    static func steps(_ script: String) -> [Step] {
        var steps: [Step] = []
        var pending: Step?
        /// The word that ends the here-document the pending step opened, while in one.
        var hereEnd: String?
        for (n, raw) in script.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw)
            if var p = pending {
                p.text += "\n" + line
                if let end = hereEnd {
                    if line.drop(while: { $0 == "\t" }) == end[...] { hereEnd = nil; steps.append(p); pending = nil } else { pending = p }
                } else if line.hasSuffix("\\") {
                    pending = p
                } else {
                    hereEnd = hereDocumentEnd(line)
                    if hereEnd == nil { steps.append(p); pending = nil } else { pending = p }
                }
                continue
            }
            let trimmed = String(line.drop { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("set -") { continue }
            let step = Step(line: n + 1, text: line)
            if line.hasSuffix("\\") {
                pending = step
            } else if let end = hereDocumentEnd(line) {
                pending = step; hereEnd = end
            } else {
                steps.append(step)
            }
        }
        if let pending { steps.append(pending) }
        return steps
    }

    /// The word after `<<` (or `<<-`, quoted or not) that ends a here-document a line opens; nil when it opens none.
    static func hereDocumentEnd(_ line: String) -> String? {
        let chars = Array(line)
        guard let at = chars.indices.dropLast().first(where: { chars[$0] == "<" && chars[$0 + 1] == "<" }),
              at + 2 >= chars.count || chars[at + 2] != "<" else { return nil }
        var rest = chars[(at + 2)...].drop { $0 == "-" || $0 == " " }
        if let quote = rest.first, quote == "'" || quote == "\"" { rest = rest.dropFirst() }
        let word = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
        return word.isEmpty ? nil : String(word)
    }

    /// The script with `drop` left out (nil: the whole script).
    static func script(_ script: String, without drop: Step?) -> String {
        guard let drop else { return script }
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let count = drop.text.split(separator: "\n", omittingEmptySubsequences: false).count
        return (lines[..<(drop.line - 1)] + lines[min(lines.count, drop.line - 1 + count)...]).joined(separator: "\n")
    }

    struct Outcome {
        var solutionPasses: Bool
        var solutionFailing: [String]
        /// Checks that need one of the exercise's namespaces and passed in the empty sandbox.
        var emptyPassing: [String]
        var emptyFails: Bool
        var untested: [Step]
        var ok: Bool { solutionPasses && emptyFails && emptyPassing.isEmpty }
    }

    func run(netcheck: String, work: String) -> Outcome {
        let text = (try? Files.read(solution)) ?? ""
        let steps = Self.steps(text)
        // Runs: the solution, the empty sandbox, the solution without each step in turn.
        let scripts: [String] = [text, ""] + steps.map { Self.script(text, without: $0) }
        // The replay runs in a folder of its own inside the sandbox: the exercises' folder as an absolute path.
        let folder = LintCommand.folder(of: file)
        let exercises = realpath(folder, nil).map { p in defer { free(p) }; return String(cString: p) } ?? folder
        let replay = Replay(exercise: exercise.id, exercises: exercises, language: language, messages: messages,
                            timeLimit: timeLimit, netcheck: netcheck)
        let solutionFolder = LintCommand.folder(of: solution)
        let reports = Mutex<[Int: Report?]>([:])
        let next = Atomic<Int>(0)
        let jobs = max(1, min(GradeCommand.maximumJobs, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))
        concurrently(min(jobs, scripts.count)) { _ in
            while true {
                let i = next.add(1, ordering: .relaxed).oldValue
                guard i < scripts.count else { return }
                // The solution's own folder beside it (wait-for-port.sh, echoserver.py …): a replayed script is
                // sourced, so `$(dirname "$0")` is the folder of the replay, and its siblings must be there.
                let folder = work + "/run-\(i)"
                mkdir(folder, 0o755)
                _ = try? Subprocess.run(["/bin/cp", "-a", "--", solutionFolder + "/.", folder])
                let learner = GradeCommand.Learner(name: "run-\(i)", path: solution, folder: folder,
                                                   prepared: .success(GradeCommand.Prepared(kind: .script, text: scripts[i], folder: nil)))
                let row = replay.grade(learner)
                reports.withLock { $0[i] = row.report }
            }
        }
        let all = reports.withLock { $0 }
        let solutionReport = all[0] ?? nil, empty = all[1] ?? nil
        let needsNamespace = Set(Plan(exercise: exercise).checks.filter { $0.namespaces.contains { $0 != World.rootName } }.map(\.id))
        return Outcome(
            solutionPasses: solutionReport?.passed ?? false,
            solutionFailing: solutionReport?.checks.filter { $0.status != .pass }.map(\.id) ?? ["(no report)"],
            emptyPassing: empty?.checks.filter { $0.status == .pass && needsNamespace.contains($0.id) }.map(\.id) ?? [],
            emptyFails: empty.map { !$0.passed } ?? false,
            untested: steps.enumerated().compactMap { n, step in (all[n + 2] ?? nil)?.passed == true ? step : nil })
    }
}
