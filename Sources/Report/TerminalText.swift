import SafeText

extension CheckResult {
    /// Every text field through `TerminalText.escape`.
    public var printable: CheckResult {
        var c = self
        c.id = TerminalText.escape(id); c.title = TerminalText.escape(title)
        c.expected = TerminalText.escape(expected); c.observed = TerminalText.escape(observed)
        c.hint = TerminalText.escape(hint); c.evidence = evidence?.map(TerminalText.escape)
        c.note = note.map(TerminalText.escape); c.pcap = pcap?.map(TerminalText.escape)
        return c
    }
}

extension Report {
    /// The report with every text field through `TerminalText.escape`, for the writers that print it for a
    /// person (text, `watch`, Gradescope's output, JUnit). The JSON report is written from the report itself.
    public var printable: Report {
        var r = self
        r.exercise = TerminalText.escape(exercise); r.title = TerminalText.escape(title)
        r.checks = checks.map(\.printable)
        r.steps = steps?.map { StepResult(number: $0.number, title: TerminalText.escape($0.title), checks: $0.checks.map(\.printable)) }
        r.gradedAs = gradedAs.map { GradedAs(exercise: TerminalText.escape($0.exercise), layout: TerminalText.escape($0.layout)) }
        return r
    }
}
