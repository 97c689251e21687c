import Localization

/// The report as JUnit XML, for CI systems: one `<testsuite>` named after the exercise, one `<testcase>` per
/// check (classname `netcheck.EXERCISE`, name the check id). A failed check carries `<failure>` with the hint
/// as its message, an error check `<error>`, a skipped check `<skipped>`, each with the observed text. When a
/// variant of the exercise was graded, the suite's `<properties>` name it (`graded_as`, `layout`). The labels of
/// the details are in the report's language (messages `report.label.*`).
public struct JUnitWriter: Sendable {
    public var language: Language

    public init(language: Language = .en) { self.language = language }

    public func write(_ report: Report) -> String {
        // XML 1.0 cannot carry most control characters even as references: escaped visibly first, as in the text
        // report, rather than dropped.
        let report = report.printable
        func count(_ s: CheckStatus) -> Int { report.checks.filter { $0.status == s }.count }
        let time = Self.seconds(report.durationMs)
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
        xml += "  <testsuite name=\"\(Self.escape(report.exercise))\" tests=\"\(report.checks.count)\""
            + " failures=\"\(count(.fail))\" errors=\"\(count(.error))\" skipped=\"\(count(.skipped))\" time=\"\(time)\">\n"
        if let g = report.gradedAs {
            // The variant whose checks these are (another layout of the same end state).
            xml += "    <properties>\n      <property name=\"graded_as\" value=\"\(Self.escape(g.exercise))\"/>\n"
                + "      <property name=\"layout\" value=\"\(Self.escape(g.layout))\"/>\n    </properties>\n"
        }
        for check in report.checks {
            let open = "    <testcase classname=\"netcheck.\(Self.escape(report.exercise))\" name=\"\(Self.escape(check.id))\" time=\"0\""
            switch check.status {
            case .pass:
                xml += open + "/>\n"
            case .fail:
                xml += open + ">\n      <failure message=\"\(Self.escape(check.hint))\">\(Self.escape(details(check), attribute: false))</failure>\n    </testcase>\n"
            case .error:
                xml += open + ">\n      <error message=\"\(Self.escape(check.observed))\">\(Self.escape(details(check), attribute: false))</error>\n    </testcase>\n"
            case .skipped:
                xml += open + ">\n      <skipped message=\"\(Self.escape(check.observed))\"/>\n    </testcase>\n"
            }
        }
        return xml + "  </testsuite>\n</testsuites>\n"
    }

    /// A learner without a report: a suite of one test case, `submission`, with `<failure>` carrying the reason
    /// (`<error>` when netcheck could not grade).
    public func write(_ missing: NoReport) -> String {
        let missing = missing.printable
        let exercise = Self.escape(missing.exercise), tag = missing.isError ? "error" : "failure"
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
            + "  <testsuite name=\"\(exercise)\" tests=\"1\" failures=\"\(missing.isError ? 0 : 1)\" errors=\"\(missing.isError ? 1 : 0)\""
            + " skipped=\"0\" time=\"0.000\">\n"
            + "    <testcase classname=\"netcheck.\(exercise)\" name=\"\(NoReport.testID)\" time=\"0\">\n"
            + "      <\(tag) message=\"\(Self.escape(missing.reason))\">\(Self.escape(missing.title(language), attribute: false))</\(tag)>\n"
            + "    </testcase>\n  </testsuite>\n</testsuites>\n"
    }

    /// expected and observed as labelled lines, then the evidence lines.
    func details(_ check: CheckResult) -> String {
        func label(_ id: String) -> String { Localized(id: id).text(language) + " " }
        return ([label("report.label.expected") + check.expected, label("report.label.observed") + check.observed]
                + (check.evidence ?? [])).joined(separator: "\n")
    }

    /// Milliseconds as seconds with three decimals ("1.004").
    static func seconds(_ ms: Int) -> String {
        let ms = max(0, ms)
        let fraction = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Text safe in XML 1.0 content and attribute values: the five special characters as entities, other
    /// characters XML 1.0 does not allow (control characters, U+FFFE, U+FFFF) dropped; `write` has escaped them
    /// visibly (`TerminalText`) before, so nothing of a report is lost here. Tab and newline are
    /// character references in attributes (where a parser would turn them into spaces), carriage return always.
    static func escape(_ s: String, attribute: Bool = true) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t": out += attribute ? "&#9;" : "\t"
            case "\n": out += attribute ? "&#10;" : "\n"
            case "\r": out += "&#13;"
            default:
                let v = scalar.value
                if (0x20...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || v >= 0x10000 {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
