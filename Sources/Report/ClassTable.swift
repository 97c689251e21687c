import Localization
import SafeText

/// One learner of `netcheck grade`: the report their replay reached, or why there is none.
public struct ClassRow: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        /// Replayed and checked: the check's report.
        case graded(Report)
        /// Not replayed: the submission cannot be read as one (empty, binary, no commands, no file to grade).
        case unreadable(Localized)
        /// Killed at the time limit, with everything it had started: no report.
        case timeLimit(seconds: Int)
        /// Replayed, but the check gave no report (its stderr's first line, or what went wrong).
        case error(Localized)
    }

    /// The learner's folder name (already a safe name: `Submission.folderName`).
    public var learner: String
    public var outcome: Outcome

    public init(learner: String, outcome: Outcome) {
        self.learner = learner
        self.outcome = outcome
    }

    public var report: Report? { if case .graded(let r) = outcome { return r } else { return nil } }
    public var passed: Bool { report?.passed ?? false }

    /// `passed`, `failed`, `unreadable`, `time_limit`, `error`: the CSV's words, the same in every language.
    public var result: String {
        switch outcome {
        case .graded(let r): return r.passed ? "passed" : "failed"
        case .unreadable: return "unreadable"
        case .timeLimit: return "time_limit"
        case .error: return "error"
        }
    }

    /// `result` for a person.
    public var resultText: Localized {
        switch outcome {
        case .graded(let r): return Localized(id: r.passed ? "grade.result.passed" : "grade.result.failed")
        case .unreadable: return Localized(id: "grade.result.unreadable")
        case .timeLimit: return Localized(id: "grade.result.timeLimit")
        case .error: return Localized(id: "grade.result.error")
        }
    }

    /// The first check in report order that failed or could not run (`error`): skipped checks only follow from one
    /// of those. Nil for a row without a report, or one that passed.
    public var firstFailing: CheckResult? {
        report?.checks.first { $0.status == .fail || $0.status == .error }
    }

    /// Why there is no report, or nil.
    public var reason: Localized? {
        switch outcome {
        case .graded: return nil
        case .unreadable(let why), .error(let why): return why
        case .timeLimit(let seconds): return Localized(id: "grade.reason.timeLimit", ["seconds": seconds])
        }
    }

}

/// The class's table of `netcheck grade`: learner × check status, each check's pass rate, and the first failure
/// most learners share. Everything from a report or a folder name is escaped (`TerminalText`); in CSV, cells are
/// also kept from reading as formulas, as `Summary` does.
public struct ClassTable: Sendable {
    public var exercise: String
    /// Sorted by learner.
    public var rows: [ClassRow]

    public init(exercise: String, rows: [ClassRow]) {
        self.exercise = exercise
        self.rows = rows.sorted { $0.learner < $1.learner }
    }

    /// Every check id of the reports, in the order of the first report that has it.
    public var checkIDs: [String] {
        var seen = Set<String>(), ids: [String] = []
        for row in rows { for c in row.report?.checks ?? [] where seen.insert(c.id).inserted { ids.append(c.id) } }
        return ids
    }

    public var passedCount: Int { rows.filter(\.passed).count }

    /// How many of all learners passed check `id` (a learner without a report did not).
    public func passes(_ id: String) -> Int {
        rows.filter { $0.report?.checks.contains { $0.id == id && $0.status == .pass } ?? false }.count
    }

    /// The first failing check most learners share, how many, and the hint of the first learner who had it (its
    /// cause and fix); ties go to the check first in report order. Rows without a report (unreadable, time limit)
    /// are not counted: their reasons are in their rows, and this says which check of the exercise trips the class.
    public var mostCommonFirstFailure: (key: String, count: Int, hint: String)? {
        var counts: [String: Int] = [:], hints: [String: String] = [:]
        for row in rows {
            guard let failing = row.firstFailing else { continue }
            counts[failing.id, default: 0] += 1
            if hints[failing.id] == nil { hints[failing.id] = failing.hint.isEmpty ? failing.observed : failing.hint }
        }
        let ids = checkIDs
        guard let best = ids.filter({ counts[$0] != nil }).enumerated().max(by: { (counts[$0.element]!, -$0.offset) < (counts[$1.element]!, -$1.offset) })?.element
        else { return nil }
        return (best, counts[best]!, hints[best] ?? "")
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "-" : "\((part * 100 + whole / 2) / whole)%"
    }

    /// `learner,result,score,max_score,first_failing,reason,CHECK…` then one row per learner (`pass`, `fail`,
    /// `skipped`, `error`, empty without a report), then `(pass rate)` with each check's share of all learners, and
    /// `(most common first failure)`: its key in `first_failing`, "COUNT of LEARNERS" and its hint in `reason`.
    /// RFC 4180 (Summary.csv): the reason and hint are in `language`, the words of the other cells in every language
    /// the same.
    public func csv(language: Language) -> String {
        let ids = checkIDs
        func cell(_ s: String) -> String { Summary.csvField(Summary.csvFormulaSafe(TerminalText.escape(s))) }
        var lines = [(["learner", "result", "score", "max_score", "first_failing", "reason"] + ids).map(cell)]
        for row in rows {
            let r = row.report
            let statuses = ids.map { id in r?.checks.first { $0.id == id }?.status.rawValue ?? "" }
            lines.append([row.learner, row.result, r.map { Summary.format($0.score) } ?? "", r.map { Summary.format($0.maxScore) } ?? "",
                          row.firstFailing?.id ?? "", row.reason?.text(language) ?? ""].map(cell) + statuses)
        }
        lines.append(["(pass rate)", Self.percent(passedCount, of: rows.count), "", "", "", ""].map(cell)
                     + ids.map { Self.percent(passes($0), of: rows.count) })
        if let common = mostCommonFirstFailure {
            let count = Localized(id: "grade.table.commonCount", ["count": common.count, "learners": rows.count]).text(language)
            lines.append(["(most common first failure)", "", "", "", common.key, count + (common.hint.isEmpty ? "" : ": " + common.hint)].map(cell))
        }
        return lines.map { $0.joined(separator: ",") + "\r\n" }.joined()
    }

    /// A Markdown page: a title with how many passed, the table (✓ pass, ✗ fail, – skipped, ! error), the pass rate
    /// of each check, and the most common first failure with its hint.
    public func markdown(language: Language) -> String {
        let ids = checkIDs
        func t(_ id: String, _ args: [String: any MessageArgument] = [:]) -> String { Localized(id: id, args).text(language) }
        func cell(_ s: String) -> String { Summary.markdownCell(TerminalText.escape(s)) }
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
        let symbol: [CheckStatus: String] = [.pass: "✓", .fail: "✗", .skipped: "–", .error: "!"]
        var s = "# " + cell(t("grade.table.title", ["exercise": exercise, "passed": passedCount, "count": rows.count])) + "\n\n"
        s += t("grade.table.legend") + "\n\n"
        s += line([t("grade.table.learner"), t("grade.table.result"), t("grade.table.score"), t("grade.table.firstFailing")]
                  + ids.map { "`" + cell($0) + "`" })
        s += line(Array(repeating: "---", count: 4 + ids.count))
        for row in rows {
            let r = row.report
            let score = r.map { Summary.format($0.score) + "/" + Summary.format($0.maxScore) } ?? ""
            let first = row.firstFailing.map { "`" + cell($0.id) + "`" } ?? cell(row.reason?.text(language) ?? "")
            s += line([cell(row.learner), row.resultText.text(language), score, first]
                      + ids.map { id in r?.checks.first { $0.id == id }.map { symbol[$0.status]! } ?? "" })
        }
        s += line(["**" + t("grade.table.passRate") + "**", Self.percent(passedCount, of: rows.count), "", ""]
                  + ids.map { Self.percent(passes($0), of: rows.count) })
        if let common = mostCommonFirstFailure {
            s += "\n" + t("grade.table.common", ["check": "`" + cell(common.key) + "`", "count": common.count, "learners": rows.count]) + "\n"
            if !common.hint.isEmpty { s += "\n> " + cell(common.hint) + "\n" }
        }
        return s
    }
}
