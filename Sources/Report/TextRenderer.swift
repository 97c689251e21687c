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
        // Learner text (names, process names, page titles, rules) can hold terminal controls: escaped before the
        // colours are added.
        let report = report.printable
        var lines: [String] = [paint(report.title, bold) + "  (\(report.exercise))"]
        if let g = report.gradedAs { lines.append(Self.gradedAsLine(g, language: language)) }
        lines.append("")
        if let steps = report.steps, !steps.isEmpty {
            let reached = report.stepReached ?? 0
            let main = Set(report.checks.map(\.id))
            let inSteps = Set(steps.flatMap { $0.checks.map(\.id) })
            // What every step builds on (namespaces, links) first, then the book's checkpoints in order.
            let setup = report.checks.filter { !inSteps.contains($0.id) }
            if !setup.isEmpty {
                lines.append(paint(language == .ja ? "準備" : "Setup", bold))
                for check in setup { append(check, to: &lines) }
                lines.append("")
            }
            var listed = Set<String>()
            for step in steps {
                let state: String
                switch (step.passed, step.number < reached) {
                case (true, _): state = language == .ja ? "到達" : "reached"
                case (false, true): state = language == .ja ? "通過済み" : "passed over"
                case (false, false): state = language == .ja ? "未到達" : "not yet"
                }
                // In Japanese the state comes first: a title may end in 」, and 」 — reads badly.
                let head = language == .ja ? "ステップ \(step.number)/\(steps.count) (\(state)): \(step.title)"
                                           : "Step \(step.number)/\(steps.count): \(step.title) — \(state)"
                lines.append(paint(head, bold))
                for check in step.checks where !listed.contains(check.id) {
                    listed.insert(check.id)
                    // A step's own expectation that no longer holds because the learner has gone further.
                    let passedOver = !main.contains(check.id) && check.status != .pass && step.number < reached
                    append(check, to: &lines, mark: passedOver ? paint(language == .ja ? "[通過]" : "[PAST]", dim) : nil)
                }
                lines.append("")
            }
        } else {
            for check in report.checks { append(check, to: &lines) }
            lines.append("")
        }
        let passed = report.checks.filter { $0.status == .pass }.count
        let total = report.checks.count
        var summary = language == .ja
            ? "\(total) 項目中 \(passed) 項目が合格" + (report.passed ? "。すべて合格です。" : "。")
            : "\(passed)/\(total) checks passed."
        if let steps = report.steps, let reached = report.stepReached, !steps.isEmpty {
            summary += language == .ja
                ? (reached == 0 ? "到達したステップはまだありません。" : "ステップ \(reached)/\(steps.count) まで到達。")
                : " Step reached: \(reached) of \(steps.count)."
            if let next = steps.first(where: { $0.number == reached + 1 }) {
                summary += language == .ja ? "次はステップ \(next.number):「\(Self.quotedInQuotes(next.title))」" : " Next: step \(next.number), \(next.title)."
                if let hint = next.checks.first(where: { $0.status != .pass && !$0.hint.isEmpty })?.hint {
                    summary += "\n" + (language == .ja ? "  → " : "  → ") + hint
                }
            }
        }
        lines.append(paint(summary, report.passed ? green : red))
        return lines.joined(separator: "\n") + "\n"
    }

    /// "graded as chapter4-bridge-netns: br0 in the namespace bridge, as the book's 2nd edition builds it".
    public static func gradedAsLine(_ g: GradedAs, language: Language) -> String {
        language == .ja ? "\(g.exercise) として採点しました: \(g.layout)" : "graded as \(g.exercise): \(g.layout)"
    }

    /// One check: its mark and title, then (unless it passed) what was expected, observed, the hint and the
    /// frames seen; frames are shown under a pass too.
    func append(_ check: CheckResult, to lines: inout [String], mark custom: String? = nil) {
        lines.append("\(custom ?? mark(check.status)) \(check.title)  [\(check.id)]")
        if custom != nil { return }
        if check.status == .pass {
            // What was seen on the wire is the lesson even when it is right: show it.
            if let evidence = check.evidence, !evidence.isEmpty {
                lines.append("       " + label(.observed) + check.observed)
                for line in evidence { lines.append("         " + line) }
            }
            if let note = check.note { lines.append("       " + label(.note) + paint(note, yellow)) }
            return
        }
        defer { if let note = check.note { lines.append("       " + label(.note) + paint(note, yellow)) } }
        if check.status == .skipped {
            lines.append("       " + label(.observed) + check.observed)
            return
        }
        lines.append("       " + label(.expected) + check.expected)
        lines.append("       " + label(.observed) + check.observed)
        if !check.hint.isEmpty { lines.append("       " + label(.hint) + paint(check.hint, yellow)) }
        for line in check.evidence ?? [] { lines.append("         " + line) }
    }

    /// Japanese quotation marks inside 「」 become 『』.
    static func quotedInQuotes(_ s: String) -> String {
        String(s.map { $0 == "「" ? "『" : $0 == "」" ? "』" : $0 })
    }

    enum Label { case expected, observed, hint, note }

    func label(_ l: Label) -> String {
        switch (language, l) {
        case (.en, .expected): return "expected: "
        case (.en, .observed): return "observed: "
        case (.en, .hint): return "hint:     "
        case (.en, .note): return "note:     "
        // Padded to the same display width (a kanji or kana takes two columns).
        case (.ja, .expected): return "期待:   "
        case (.ja, .observed): return "実際:   "
        case (.ja, .hint): return "ヒント: "
        case (.ja, .note): return "メモ:   "
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

    let green = "32", red = "31", yellow = "33", bold = "1", dim = "2"

    func paint(_ s: String, _ code: String) -> String {
        color ? "\u{1b}[\(code)m\(s)\u{1b}[0m" : s
    }
}
