import SafeText
/// Many reports folded into one table for an instructor: one row per learner and exercise, where the learner is
/// the name of the report file's folder (`reports/alice/chapter3-router.json` → `alice`).
public struct SummaryRow: Equatable, Sendable {
    public var learner: String
    public var exercise: String
    public var score: Double
    public var maxScore: Double
    public var passed: Bool
    /// The ids of the checks that did not pass (failed, error or skipped), in report order.
    public var failed: [String]

    public init(learner: String, exercise: String, score: Double, maxScore: Double, passed: Bool, failed: [String]) {
        self.learner = learner; self.exercise = exercise; self.score = score; self.maxScore = maxScore
        self.passed = passed; self.failed = failed
    }

    /// The row of `report`, read from the file at `path`.
    public init(report: Report, path: String) {
        self.init(learner: Summary.learner(path: path), exercise: report.exercise, score: report.score,
                  maxScore: report.maxScore, passed: report.passed,
                  failed: report.checks.filter { $0.status != .pass }.map(\.id))
    }
}

public enum Summary {
    public static let header = ["learner", "exercise", "score", "max_score", "passed", "failed"]

    /// The name of the folder holding `path`, or "-" when the path names no folder.
    public static func learner(path: String) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        return parts.count >= 2 ? String(parts[parts.count - 2]) : "-"
    }

    /// Sorted by learner, then exercise.
    public static func sorted(_ rows: [SummaryRow]) -> [SummaryRow] {
        rows.sorted { ($0.learner, $0.exercise) < ($1.learner, $1.exercise) }
    }

    /// The cells of a row, in `header` order. Learner, exercise and check ids come from report files (the learner
    /// from a folder name): escaped like everything printed (`TerminalText`), and with `formulaSafe` set, kept from
    /// reading as a spreadsheet formula. netcheck's own "-" for no failed check stays as it is.
    static func cells(_ row: SummaryRow, formulaSafe: Bool = false) -> [String] {
        func text(_ s: String) -> String {
            let printable = TerminalText.escape(s)
            return formulaSafe ? csvFormulaSafe(printable) : printable
        }
        return [text(row.learner), text(row.exercise), format(row.score), format(row.maxScore), row.passed ? "true" : "false",
                row.failed.isEmpty ? "-" : text(row.failed.joined(separator: " "))]
    }

    /// CSV per RFC 4180: CRLF line ends, a field quoted when it holds a comma, quote, CR or LF, quotes doubled;
    /// a cell that would start a formula gets a leading `'`.
    public static func csv(_ rows: [SummaryRow]) -> String {
        ([header] + rows.map { cells($0, formulaSafe: true) }).map { $0.map(csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    /// A Markdown pipe table; `|` in a cell is escaped, and line breaks and other controls are escaped visibly.
    public static func markdown(_ rows: [SummaryRow]) -> String {
        func line(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |\n" }
        return line(header) + line(header.map { _ in "---" }) + rows.map { line(cells($0).map(markdownCell)) }.joined()
    }

    /// A cell a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR: OWASP's CSV injection
    /// list) with a leading `'`, which makes it text.
    static func csvFormulaSafe(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return s }
        return "'" + s
    }

    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return s }
        return "\"" + s.map { $0 == "\"" ? "\"\"" : String($0) }.joined() + "\""
    }

    static func markdownCell(_ s: String) -> String {
        s.map { c -> String in
            switch c {
            case "\\", "|": return "\\" + String(c)
            case _ where c.isNewline: return " "
            default: return String(c)
            }
        }.joined()
    }

    /// 17, not 17.0; 16.5 as is.
    public static func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
    }
}
