import JSON
import Localization
import SafeText

extension Doctor {
    /// For a person: a heading, then a line per finding (`✓ nc: …`), its fix indented below it, and a last line
    /// saying whether anything stops the book's exercises. Every text is escaped (`TerminalText`): namespace names
    /// and paths are the learner's.
    public static func text(_ findings: [Finding], language: Language) -> String {
        func t(_ id: String, _ args: [String: any MessageArgument] = [:]) -> String { Localized(id: id, args).text(language) }
        var s = t("doctor.title") + "\n\n"
        for f in findings {
            s += f.status.symbol + " " + TerminalText.oneLine(f.subject.text(language), limit: 120) + ": "
                + TerminalText.oneLine(f.observed.text(language), limit: 600) + "\n"
            if let fix = f.fix { s += "    " + t("doctor.label.fix") + " " + TerminalText.oneLine(fix.text(language), limit: 600) + "\n" }
        }
        let problems = findings.filter { $0.status == .problem }.count
        let warnings = findings.filter { $0.status == .warning }.count
        s += "\n" + (problems == 0 ? t("doctor.summary.ok", ["warnings": warnings]) : t("doctor.summary.problems", ["count": problems, "warnings": warnings])) + "\n"
        return s
    }

    /// For a program: `{"ok": Bool, "problems": N, "warnings": N, "findings": [{id, status, subject, observed, fix}]}`,
    /// texts in `language`, `status` one of ok, warning, problem, unknown.
    public static func json(_ findings: [Finding], language: Language) -> String {
        let items: [JSONValue] = findings.map { f in
            .object(JSONObject([
                ("id", .string(f.id)),
                ("status", .string(f.status.rawValue)),
                ("subject", .string(f.subject.text(language))),
                ("observed", .string(f.observed.text(language))),
                ("fix", f.fix.map { .string($0.text(language)) } ?? .null),
            ]))
        }
        return JSON.serialize(.object(JSONObject([
            ("ok", .bool(exitStatus(findings) == 0)),
            ("problems", .int(Int64(findings.filter { $0.status == .problem }.count))),
            ("warnings", .int(Int64(findings.filter { $0.status == .warning }.count))),
            ("findings", .array(items)),
        ])), pretty: true) + "\n"
    }
}
