import SafeText
import Report
import Localization

/// Draws a topology for a terminal: one box per namespace, left to right in declaration order, with a line per
/// interface (`name  address/len  mac`, bridge ports indented under their bridge), veth pairs between adjacent
/// boxes drawn as `──` lines labelled with both interface names, and the other pairs listed under the drawing.
/// Pure: the same topology always gives the same text.
public struct TopologyText {
    public var language: Language

    public init(language: Language) { self.language = language }

    /// `netcheck show`: the exercise's id, title and description, its picture, and (with `found`) the live
    /// picture after it with the list of what is missing or wrong.
    public func render(_ exercise: Exercise, found: Topology? = nil) -> String {
        // Exercise files and the learner's namespaces may hold terminal controls: everything of theirs is escaped.
        var lines = [TerminalText.escape("\(exercise.id): \(exercise.title.text(language))")]
        let description = TerminalText.escape(exercise.description.text(language))
        if !description.isEmpty { lines.append(description) }
        if !exercise.steps.isEmpty {
            lines.append("")
            lines.append(text("topology.steps"))
            for (n, step) in exercise.steps.enumerated() { lines.append("  \(n + 1). " + TerminalText.escape(step.title.text(language))) }
        }
        lines.append("")
        if let found {
            lines.append(text("topology.expected"))
            lines += render(Topology(exercise: exercise))
            lines.append("")
            lines.append(text("topology.found"))
            lines += render(found)
            lines.append("")
            // What is wrong quotes the learner's names: escaped once it is in the report's language.
            let problems = found.problems
            if problems.isEmpty {
                lines.append("✓ " + text("topology.allMatch"))
            } else {
                lines += problems.map { "✗ " + TerminalText.escape($0.text(language)) }
            }
        } else {
            lines += render(Topology(exercise: exercise))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The picture of one topology, line by line (no trailing spaces).
    public func render(_ topology: Topology) -> [String] {
        let topology = topology.printable
        let marked = topology.namespaces.contains { $0.mark != nil }
        let bodyRows = max(1, topology.namespaces.map { max(1, $0.interfaces.count) }.max() ?? 1)
        var boxes = topology.namespaces.map { box($0, rows: bodyRows, marked: marked) }
        // Pairs between neighbouring boxes are drawn in the gap between them; the others are listed.
        var listed = topology.wires.filter { !adjacent($0, in: topology) }
        let spaces = topology.namespaces.indices.dropFirst().map { i in
            let (left, right) = (topology.namespaces[i - 1], topology.namespaces[i])
            let between = topology.wires.filter { joins($0, left.name, right.name) }
            let (column, undrawn) = gap(between, left: left, right: right, boxes: &boxes, index: i, height: bodyRows + 2)
            listed += undrawn
            return column
        }
        var columns = Array(boxes.prefix(1))
        for (space, box) in zip(spaces, boxes.dropFirst()) { columns += [space, box] }
        var lines = (0..<(bodyRows + 2)).map { row in
            columns.map { $0[row] }.joined().trimmingTrailingSpaces()
        }
        if !listed.isEmpty {
            lines.append(text("topology.links"))
            for w in listed {
                lines.append("  " + markText(w.mark) + "\(w.a.namespace)/\(w.a.name) ──── \(w.b.namespace)/\(w.b.name)")
            }
        }
        return lines
    }

    // MARK: boxes

    /// A namespace's box: its name in the top border, one row per interface (columns aligned), padded to
    /// `rows` rows so that every box has the same height.
    func box(_ ns: Topology.Namespace, rows: Int, marked: Bool) -> [String] {
        let ordered = ns.drawingOrder
        var cells: [[String]] = ordered.map { i in
            let ports = ordered.filter { $0.master == i.master && i.master != nil }
            let branch = i.master == nil ? "" : (ports.last?.name == i.name ? "└ " : "├ ")
            return [(marked ? markText(i.mark) : "") + branch + i.name, i.addresses.joined(separator: " "), i.mac ?? ""]
        }
        if ns.mark == .wrong && ns.interfaces.isEmpty {
            cells = [[text("topology.namespaceMissing"), "", ""]]
        }
        let widths = (0..<3).map { c in cells.map { displayWidth($0[c]) }.max() ?? 0 }
        var body = cells.map { row in
            zip(row, widths).filter { $1 > 0 }.map { padDisplay($0, to: $1) }.joined(separator: "  ")
        }
        body += Array(repeating: "", count: max(0, rows - body.count))
        let title = (marked ? markText(ns.mark) : "") + ns.name
        let inner = max(displayWidth(title) + 2, body.map(displayWidth).max() ?? 0)
        let top = "┌─ " + title + " " + String(repeating: "─", count: inner - displayWidth(title) - 1) + "┐"
        let bottom = "└" + String(repeating: "─", count: inner + 2) + "┘"
        return [top] + body.map { "│ " + padDisplay($0, to: inner) + " │" } + [bottom]
    }

    /// The space between two adjacent boxes, with one labelled line per veth pair joining them. Each line
    /// leaves the left box at its interface's row (or the right one's, when lower); the boxes' borders get
    /// `├` and `┤` where the line meets them. Returns the gap's rows, and the pairs that found no free row.
    func gap(_ wires: [Topology.Wire], left: Topology.Namespace, right: Topology.Namespace,
             boxes: inout [[String]], index: Int, height: Int) -> (column: [String], undrawn: [Topology.Wire]) {
        struct Line { var row: Int; var label: (String, String) }
        var lines: [Line] = []
        var undrawn: [Topology.Wire] = []
        for w in wires {
            let (l, r) = w.a.namespace == left.name ? (w.a.name, w.b.name) : (w.b.name, w.a.name)
            var row = max(rowOf(l, in: left), rowOf(r, in: right))
            while lines.contains(where: { abs($0.row - row) < 2 }) { row += 2 }
            guard row < height - 1 else { undrawn.append(w); continue }
            lines.append(Line(row: row, label: (markText(w.mark) + l, r)))
        }
        let width = max(4, lines.map { displayWidth($0.label.0) + displayWidth($0.label.1) + 5 }.max() ?? 0)
        var column = Array(repeating: String(repeating: " ", count: width), count: height)
        for line in lines {
            let space = width - displayWidth(line.label.0) - displayWidth(line.label.1) - 2
            column[line.row - 1] = " " + line.label.0 + String(repeating: " ", count: space) + line.label.1 + " "
            column[line.row] = String(repeating: "─", count: width)
            boxes[index - 1][line.row] = String(boxes[index - 1][line.row].dropLast()) + "├"
            boxes[index][line.row] = "┤" + String(boxes[index][line.row].dropFirst())
        }
        return (column, undrawn)
    }

    /// The row (counted from the top border) of an interface in its box.
    func rowOf(_ name: String, in ns: Topology.Namespace) -> Int {
        (ns.drawingOrder.firstIndex { $0.name == name } ?? 0) + 1
    }

    func joins(_ w: Topology.Wire, _ x: String, _ y: String) -> Bool {
        (w.a.namespace == x && w.b.namespace == y) || (w.a.namespace == y && w.b.namespace == x)
    }

    /// Drawn between two neighbouring boxes (as opposed to listed under the drawing).
    func adjacent(_ w: Topology.Wire, in topology: Topology) -> Bool {
        let names = topology.namespaces.map(\.name)
        guard let i = names.firstIndex(of: w.a.namespace), let j = names.firstIndex(of: w.b.namespace) else { return false }
        return abs(i - j) == 1
    }

    func markText(_ mark: Topology.Mark?) -> String {
        switch mark {
        case .ok: return "✓ "
        case .wrong: return "✗ "
        case nil: return ""
        }
    }

    /// A message of the catalogues (`topology.*`) in the drawing's language.
    func text(_ id: String) -> String { Localized(id: id).text(language) }

    /// One of two texts, English or Japanese, in the drawing's language (for callers comparing with the drawing;
    /// the drawing's own words are messages).
    func text(en: String, ja: String) -> String { Localized(en: en, ja: ja).text(language) }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
