import Localization

/// The report for a person at a terminal: one line per check with a mark in the style of the kernel's
/// network selftests, details indented under each check that did not pass (and the frames seen under those
/// that did), and a summary line. Its own words (labels, step states, the summary) are messages `report.*` of
/// the catalogues, in the report's language.
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
                lines.append(paint(text("report.text.setup"), bold))
                for check in setup { append(check, to: &lines) }
                lines.append("")
            }
            var listed = Set<String>()
            for step in steps {
                let state: String
                switch (step.passed, step.number < reached) {
                case (true, _): state = text("report.step.reached")
                case (false, true): state = text("report.step.passedOver")
                case (false, false): state = text("report.step.notYet")
                }
                // Where the state goes is the language's: Japanese puts it first (a title may end in 」, and 」 — reads badly).
                let head = text("report.step.heading", ["number": step.number, "steps": steps.count, "title": step.title, "state": state])
                lines.append(paint(head, bold))
                for check in step.checks where !listed.contains(check.id) {
                    listed.insert(check.id)
                    // A step's own expectation that no longer holds because the learner has gone further.
                    let passedOver = !main.contains(check.id) && check.status != .pass && step.number < reached
                    append(check, to: &lines, mark: passedOver ? paint(text("report.mark.passedOver"), dim) : nil)
                }
                lines.append("")
            }
        } else {
            for check in report.checks { append(check, to: &lines) }
            lines.append("")
        }
        let passed = report.checks.filter { $0.status == .pass }.count
        let total = report.checks.count
        // Sentences, each a message, joined as the language joins sentences (a space in English, nothing in Japanese).
        var sentences = [Localized(id: report.passed ? "report.summary.allPassed" : "report.summary.checks",
                                   ["passed": passed, "total": total])]
        var next: StepResult?
        if let steps = report.steps, let reached = report.stepReached, !steps.isEmpty {
            sentences.append(reached == 0 ? Localized(id: "report.summary.noStepReached", ["steps": steps.count])
                                          : Localized(id: "report.summary.stepReached", ["reached": reached, "steps": steps.count]))
            next = steps.first(where: { $0.number == reached + 1 })
            if let next {
                sentences.append(Localized(id: "report.summary.next", ["number": next.number, "title": Quotation(next.title)]))
            }
        }
        var summary = Localized.join(sentences, by: .sentences).text(language)
        if let hint = next?.checks.first(where: { $0.status != .pass && !$0.hint.isEmpty })?.hint {
            summary += "\n  → " + hint
        }
        lines.append(paint(summary, report.passed ? green : red))
        return lines.joined(separator: "\n") + "\n"
    }

    /// "graded as chapter4-bridge-netns: br0 in the namespace bridge, as the book's 2nd edition builds it".
    public static func gradedAsLine(_ g: GradedAs, language: Language) -> String {
        Localized(id: "report.gradedAs", ["exercise": g.exercise, "layout": g.layout]).text(language)
    }

    /// A message of the catalogues in the report's language.
    func text(_ id: String, _ arguments: [String: any MessageArgument] = [:]) -> String {
        Localized(id: id, arguments).text(language)
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
            for file in check.pcap ?? [] { lines.append("       " + label(.pcap) + file) }
            return
        }
        defer {
            if let note = check.note { lines.append("       " + label(.note) + paint(note, yellow)) }
            for file in check.pcap ?? [] { lines.append("       " + label(.pcap) + file) }
        }
        if check.status == .skipped {
            lines.append("       " + label(.observed) + check.observed)
            return
        }
        lines.append("       " + label(.expected) + check.expected)
        lines.append("       " + label(.observed) + check.observed)
        if !check.hint.isEmpty { lines.append("       " + label(.hint) + paint(check.hint, yellow)) }
        for line in check.evidence ?? [] { lines.append("         " + line) }
    }

    enum Label { case expected, observed, hint, note, pcap }

    /// The label before a detail (`expected: `), padded so that the texts after the labels line up: to one column
    /// more than the widest label, in display columns (a kanji or kana takes two).
    func label(_ l: Label) -> String {
        // The widths of the four labels every report has: `pcap:` (only with --pcap) does not move the others.
        let labels = Self.labelIDs.filter { $0.0 != .pcap }.map { text($0.1) }
        let width = labels.map(displayWidth).max() ?? 0
        return padDisplay(text(Self.labelIDs.first { $0.0 == l }!.1), to: width + 1)
    }

    static let labelIDs: [(Label, String)] = [(.expected, "report.label.expected"), (.observed, "report.label.observed"),
                                              (.hint, "report.label.hint"), (.note, "report.label.note"),
                                              (.pcap, "report.label.pcap")]

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
