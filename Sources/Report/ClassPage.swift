import Localization
import SafeText

/// class.html of `netcheck grade`: the class table as a heat map, one file that a browser shows as it is (inline
/// CSS, no script, nothing fetched: its Content-Security-Policy forbids both), readable without colour too.
///
/// Rows are the learners (sorted), columns the checks; each cell is coloured by status (pass green, fail red, skipped
/// grey, error orange) and also carries its symbol (✓ ✗ – !) and a tooltip saying learner, check and status. A
/// learner without a report is one violet band across the checks, with the reason in it. Below them, each check's
/// pass rate, the greener the more learners passed it; then the first failure most learners share, with its hint.
///
/// Everything from a learner (folder names, hints, reasons) is escaped twice: `TerminalText` first, as in the other
/// formats, then the five HTML specials (`HTMLText`).
extension ClassTable {
    public func html(language: Language) -> String {
        let ids = checkIDs
        func t(_ id: String, _ args: [String: any MessageArgument] = [:]) -> String { Localized(id: id, args).text(language) }
        func e(_ s: String) -> String { HTMLText.escape(TerminalText.escape(s)) }
        let title = t("grade.table.title", ["exercise": exercise, "passed": passedCount, "count": rows.count])

        var s = "<!DOCTYPE html>\n<html lang=\"\(e(language.code))\">\n<head>\n<meta charset=\"utf-8\">\n"
        s += "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        s += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        s += "<title>\(e(title))</title>\n<style>\n\(Self.pageStyle)</style>\n</head>\n<body>\n"
        s += "<h1>\(e(title))</h1>\n"

        // The legend: a swatch, the symbol and the word of each status, and the band of a learner without a report.
        s += "<ul class=\"legend\">\n"
        for status in CheckStatus.allCases {
            s += "<li><span class=\"swatch \(status.rawValue)\"></span>\(Self.symbol(status)) \(e(t(Self.legendID(status))))</li>\n"
        }
        s += "<li><span class=\"swatch none\"></span>\(e(t("grade.page.noReport")))</li>\n</ul>\n"

        s += "<table>\n<thead>\n<tr><th scope=\"col\">\(e(t("grade.table.learner")))</th><th scope=\"col\">\(e(t("grade.table.result")))</th>"
        s += "<th scope=\"col\">\(e(t("grade.table.score")))</th>"
        for id in ids { s += "<th scope=\"col\" class=\"check\"><span>\(e(id))</span></th>" }
        s += "<th scope=\"col\">\(e(t("grade.table.firstFailing")))</th></tr>\n</thead>\n<tbody>\n"

        for row in rows {
            let learner = e(row.learner)
            s += "<tr><th scope=\"row\">\(learner)</th><td>\(e(row.resultText.text(language)))</td>"
            guard let report = row.report else {
                // No report: one band across the checks, with the reason (there is no check to mark).
                let reason = e(row.reason?.text(language) ?? "")
                let tip = e(t("grade.page.noReportCell", ["learner": row.learner]))
                s += "<td></td><td class=\"none\" colspan=\"\(max(1, ids.count))\" title=\"\(tip)\">\(reason)</td><td></td></tr>\n"
                continue
            }
            s += "<td class=\"score\">\(Summary.format(report.score))/\(Summary.format(report.maxScore))</td>"
            for id in ids {
                guard let check = report.checks.first(where: { $0.id == id }) else { s += "<td class=\"s\"></td>"; continue }
                let tip = e(t("grade.page.cell", ["learner": row.learner, "check": id, "status": t(Self.legendID(check.status))]))
                s += "<td class=\"s \(check.status.rawValue)\" title=\"\(tip)\">\(Self.symbol(check.status))</td>"
            }
            if let failing = row.firstFailing {
                let hint = failing.hint.isEmpty ? failing.observed : failing.hint
                // The hint folded under the check's id (a <details>, no script): a class of 30 stays one row each.
                s += "<td class=\"first\"><details><summary><code>\(e(failing.id))</code></summary>"
                    + "\(HTMLText.escape(TerminalText.oneLine(hint, limit: 200)))</details></td>"
            } else {
                s += "<td></td>"
            }
            s += "</tr>\n"
        }

        // Each check's pass rate, in tenths of green.
        s += "<tr class=\"rate\"><th scope=\"row\">\(e(t("grade.table.passRate")))</th><td>\(Self.percent(passedCount, of: rows.count))</td><td></td>"
        for id in ids {
            let passed = passes(id)
            let tip = e(id + ": " + Self.percent(passed, of: rows.count) + " ("
                        + t("grade.table.commonCount", ["count": passed, "learners": rows.count]) + ")")
            s += "<td class=\"s r\(Self.tenths(passed, of: rows.count))\" title=\"\(tip)\">\(Self.percent(passed, of: rows.count))</td>"
        }
        s += "<td></td></tr>\n</tbody>\n</table>\n"

        if let common = mostCommonFirstFailure {
            // The check id goes in as a mark that escaping leaves alone, then becomes <code>…</code>.
            let mark: Character = "\u{E000}"
            let sentence = HTMLText.escape(t("grade.table.common", ["check": String(mark), "count": common.count, "learners": rows.count]))
            s += "<p class=\"common\">" + sentence.split(separator: mark, omittingEmptySubsequences: false)
                .joined(separator: "<code>" + e(common.key) + "</code>") + "</p>\n"
            if !common.hint.isEmpty { s += "<blockquote>\(e(common.hint))</blockquote>\n" }
        }
        return s + "</body>\n</html>\n"
    }

    static func symbol(_ status: CheckStatus) -> String {
        switch status {
        case .pass: "✓"
        case .fail: "✗"
        case .skipped: "–"
        case .error: "!"
        }
    }

    static func legendID(_ status: CheckStatus) -> String {
        switch status {
        case .pass: "grade.page.pass"
        case .fail: "grade.page.fail"
        case .skipped: "grade.page.skipped"
        case .error: "grade.page.error"
        }
    }

    /// A pass rate in tenths, rounded (0…10): the shade of its cell; 0 for an empty class.
    static func tenths(_ part: Int, of whole: Int) -> Int {
        whole == 0 ? 0 : (part * 10 + whole / 2) / whole
    }

    /// The page's CSS. Cells stand apart (border-spacing), so that each is a block of its own colour; the check
    /// ids stand upright, so that many checks fit across. A cell's text keeps 4.5:1 contrast with its colour.
    static let pageStyle: String = {
        var css = """
            body { font: 14px/1.4 sans-serif; margin: 16px; color: #212121; background: #fff; }
            h1 { font-size: 20px; margin: 0 0 8px; }
            ul.legend { list-style: none; padding: 0; margin: 0 0 12px; display: flex; flex-wrap: wrap; gap: 4px 16px; }
            .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
            table { border-collapse: separate; border-spacing: 3px; }
            th, td { padding: 4px 6px; text-align: left; vertical-align: middle; }
            thead th { vertical-align: bottom; }
            th.check span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; font: 12px monospace; }
            td.s { min-width: 28px; height: 24px; text-align: center; font-weight: bold; }
            td.score { white-space: nowrap; }
            td.first { max-width: 40em; }
            td.first summary { cursor: pointer; white-space: nowrap; }
            td.none { overflow-wrap: anywhere; max-width: 40em; }
            code { font: 12px monospace; }
            blockquote { margin: 4px 0 0 16px; padding-left: 8px; border-left: 3px solid #bdbdbd; }
            .pass { background: #2e7d32; color: #fff; }
            .fail { background: #c62828; color: #fff; }
            .skipped { background: #9e9e9e; color: #000; }
            .error { background: #ef6c00; color: #000; }
            .none { background: #6a1b9a; color: #fff; }

            """
        // Pass rates: from a pale green (none passed) to a deep one (all did).
        let pale = (224, 242, 226), deep = (27, 94, 32)
        for k in 0...10 {
            func mix(_ a: Int, _ b: Int) -> Int { a + (b - a) * k / 10 }
            let colour = HTMLText.hex(mix(pale.0, deep.0), mix(pale.1, deep.1), mix(pale.2, deep.2))
            css += ".r\(k) { background: \(colour); color: \(k > 7 ? "#fff" : "#000"); }\n"
        }
        return css
    }()
}

/// Text made safe inside HTML, in content and in quoted attribute values alike.
enum HTMLText {
    /// `s` with `& < > " '` as character references; nothing else changes (the writers have escaped control and
    /// invisible characters visibly before, with `TerminalText`).
    static func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `#rrggbb`.
    static func hex(_ r: Int, _ g: Int, _ b: Int) -> String {
        "#" + [r, g, b].map { v in
            let h = String(min(255, max(0, v)), radix: 16)
            return h.count == 1 ? "0" + h : h
        }.joined()
    }
}
