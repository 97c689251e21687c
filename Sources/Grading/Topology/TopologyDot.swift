import SafeText
import Report
import Localization

/// Draws a topology as Graphviz DOT (`netcheck show ID --format dot | dot -Tsvg > topology.svg`): each
/// namespace a cluster of interface nodes, each veth pair an edge labelled with both interface names, each
/// bridge port an edge to its bridge's node. Parts found wrong are red, a missing namespace a red empty cluster.
/// Every identifier is quoted. Pure: the same topology always gives the same text.
public struct TopologyDot {
    public var language: Language

    public init(language: Language) { self.language = language }

    /// The whole graph: the exercise's picture, and with `found` the live one beside it.
    public func render(_ exercise: Exercise, found: Topology? = nil) -> String {
        var lines = ["graph netcheck {",
                     "  label=\(quote("\(exercise.id): \(exercise.title.text(language))"));",
                     "  labelloc=\"t\";",
                     "  node [shape=\"box\", fontname=\"monospace\"];",
                     "  edge [fontname=\"monospace\", fontsize=\"10\"];"]
        let expected = Topology(exercise: exercise)
        if let found {
            lines += cluster("expected", label: text("topology.dot.expected"), expected)
            lines += cluster("found", label: text("topology.dot.found"), found)
        } else {
            lines += body(expected, prefix: "", indent: "  ")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// One picture wrapped in a cluster, its node ids prefixed with `name` so two pictures can share a graph.
    func cluster(_ name: String, label: String, _ topology: Topology) -> [String] {
        ["  subgraph \(quote("cluster_\(name)")) {", "    label=\(quote(label));"]
            + body(topology, prefix: "\(name):", indent: "    ") + ["  }"]
    }

    /// Clusters for the namespaces, then the veth edges, then the bridge-port edges.
    func body(_ topology: Topology, prefix: String, indent: String) -> [String] {
        var lines: [String] = []
        for ns in topology.namespaces {
            lines.append(indent + "subgraph \(quote("cluster_\(prefix)\(ns.name)")) {")
            let title = ns.mark == .wrong && ns.interfaces.isEmpty
                ? Localized(id: "topology.dot.namespaceMissing", ["namespace": ns.name]).text(language) : ns.name
            lines.append(indent + "  label=\(quote(title));" + (ns.mark == .wrong ? " color=\"red\"; fontcolor=\"red\";" : ""))
            if ns.interfaces.isEmpty {
                // An empty cluster is not drawn: an invisible node keeps it on the page.
                lines.append(indent + "  \(quote("\(prefix)\(ns.name)/")) [label=\"\", style=\"invis\"];")
            }
            for i in ns.interfaces {
                let label = ([i.name] + i.addresses + (i.mac.map { [$0] } ?? [])).map(printed).joined(separator: "\\n")
                var attributes = ["label=\"\(label)\""]
                if i.kind == "bridge" { attributes.append("shape=\"box3d\"") }
                if i.mark == .wrong { attributes += ["color=\"red\"", "fontcolor=\"red\""] }
                lines.append(indent + "  \(quote("\(prefix)\(ns.name)/\(i.name)")) [\(attributes.joined(separator: ", "))];")
            }
            lines.append(indent + "}")
        }
        /// A node drawn above: the interface's, or its namespace's placeholder when the namespace is missing.
        func node(_ e: Endpoint) -> String {
            let drawn = topology.namespaces.first { $0.name == e.namespace }.map { ns in
                ns.interfaces.isEmpty ? "\(ns.name)/" : "\(e)"
            }
            return quote(prefix + (drawn ?? "\(e)"))
        }
        for w in topology.wires {
            var attributes = ["label=\(quote("\(w.a.name) ─ \(w.b.name)"))"]
            if w.mark == .wrong { attributes += ["color=\"red\"", "fontcolor=\"red\"", "style=\"dashed\""] }
            lines.append(indent + "\(node(w.a)) -- \(node(w.b)) [\(attributes.joined(separator: ", "))];")
        }
        for ns in topology.namespaces {
            for port in ns.interfaces where port.master != nil && ns.interfaces.contains(where: { $0.name == port.master }) {
                lines.append(indent + "\(quote("\(prefix)\(ns.name)/\(port.name)")) -- \(quote("\(prefix)\(ns.name)/\(port.master!)")) [style=\"bold\"];")
            }
        }
        return lines
    }

    /// A DOT double-quoted string of `s`, escaped first as everything printed is (`TerminalText`): names and titles
    /// may hold control characters, which would reach the SVG or the terminal that shows the file.
    func quote(_ s: String) -> String { "\"" + printed(s) + "\"" }

    /// `s` escaped for printing, then for inside a DOT double-quoted string.
    func printed(_ s: String) -> String { escape(TerminalText.escape(s)) }

    /// Backslashes and double quotes escaped, newlines as `\n`, for inside a DOT double-quoted string.
    func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(c)
            }
        }
        return out
    }

    /// A message of the catalogues (`topology.*`) in the drawing's language.
    func text(_ id: String) -> String { Localized(id: id).text(language) }
}
