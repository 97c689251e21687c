/// The report for a person at a terminal: one line per check with a mark in the style of the kernel's
/// network selftests, details indented under each check that did not pass (and the frames seen under those
/// that did), and a summary line.
public struct TextRenderer: Sendable {
    public var language: Language
    public var color: Bool

    public init(language: Language, color: Bool) {
        self.language = language
        self.color = color
    }

    public func render(_ report: Report) -> String {
        var lines: [String] = [paint(report.title, bold) + "  (\(report.exercise))", ""]
        for check in report.checks {
            lines.append("\(mark(check.status)) \(check.title)  [\(check.id)]")
            if check.status == .pass {
                // What was seen on the wire is the lesson even when it is right: show it.
                if let evidence = check.evidence, !evidence.isEmpty {
                    lines.append("       " + label(.observed) + check.observed)
                    for line in evidence { lines.append("         " + line) }
                }
                continue
            }
            if check.status == .skipped {
                lines.append("       " + label(.observed) + check.observed)
                continue
            }
            lines.append("       " + label(.expected) + check.expected)
            lines.append("       " + label(.observed) + check.observed)
            if !check.hint.isEmpty { lines.append("       " + label(.hint) + paint(check.hint, yellow)) }
            for line in check.evidence ?? [] { lines.append("         " + line) }
        }
        let passed = report.checks.filter { $0.status == .pass }.count
        let total = report.checks.count
        lines.append("")
        let summary = language == .ja
            ? "\(total) 項目中 \(passed) 項目が合格" + (report.passed ? "。すべて合格です。" : "")
            : "\(passed)/\(total) checks passed" + (report.passed ? "." : "")
        lines.append(paint(summary, report.passed ? green : red))
        return lines.joined(separator: "\n") + "\n"
    }

    enum Label { case expected, observed, hint }

    func label(_ l: Label) -> String {
        switch (language, l) {
        case (.en, .expected): return "expected: "
        case (.en, .observed): return "observed: "
        case (.en, .hint): return "hint:     "
        case (.ja, .expected): return "期待: "
        case (.ja, .observed): return "実際: "
        case (.ja, .hint): return "ヒント: "
        }
    }

    func mark(_ status: CheckStatus) -> String {
        switch status {
        case .pass: return paint("[ OK ]", green)
        case .fail: return paint("[FAIL]", red)
        case .skipped: return paint("[SKIP]", yellow)
        case .error: return paint("[ERR ]", red)
        }
    }

    let green = "32", red = "31", yellow = "33", bold = "1"

    func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1b}[\(code)m\(s)\u{1b}[0m" : s
    }
}
