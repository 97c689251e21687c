import SafeText
import NetlinkWire
import Report

/// A picture of a network: namespaces with their interfaces, and the veth pairs between them. Built from an
/// exercise (what the learner must build) or from the live namespaces (what exists now, each part marked
/// against the exercise). `TopologyText` and `TopologyDot` draw it.
public struct Topology: Sendable, Equatable {
    /// How a part found in the live namespaces compares with the exercise. Parts of the expected picture
    /// carry no mark.
    public enum Mark: Sendable, Equatable { case ok, wrong }

    /// One interface: `name  address/len  mac`.
    public struct Interface: Sendable, Equatable {
        public var name: String
        public var kind: String?
        public var addresses: [String]
        public var mac: String?
        /// The bridge this interface is a port of (in the same namespace).
        public var master: String?
        public var mark: Mark?
        /// What is wrong with it, for the list under the picture (empty when nothing is).
        public var problems: [Localized] = []
    }

    /// One namespace: a box in the text picture, a cluster in DOT.
    public struct Namespace: Sendable, Equatable {
        public var name: String
        public var interfaces: [Interface]
        public var mark: Mark?
        public var problems: [Localized] = []

        /// The interfaces in drawing order: each bridge directly followed by its ports.
        public var drawingOrder: [Interface] {
            let bridges = Set(interfaces.filter { $0.kind == "bridge" }.map(\.name))
            var result: [Interface] = []
            for i in interfaces where i.master.map({ !bridges.contains($0) }) ?? true {
                result.append(i)
                if bridges.contains(i.name) { result += interfaces.filter { $0.master == i.name } }
            }
            return result
        }
    }

    /// A veth pair: the two ends, each named by its namespace.
    public struct Wire: Sendable, Equatable {
        public var a: Endpoint
        public var b: Endpoint
        public var mark: Mark?
        public var problems: [Localized] = []
    }

    public var namespaces: [Namespace]
    public var wires: [Wire]

    /// Every problem of the picture, namespaces first, then interfaces, then veth pairs.
    public var problems: [Localized] {
        namespaces.flatMap { $0.problems + $0.interfaces.flatMap(\.problems) } + wires.flatMap(\.problems)
    }

    /// True when some part is marked wrong.
    public var hasProblems: Bool { !problems.isEmpty }
}

extension Topology {
    /// The network an exercise declares: its namespaces in declaration order (then `root`, when links live
    /// there), each with its declared interfaces, addresses and MACs, and one wire per declared veth pair.
    public init(exercise: Exercise) {
        namespaces = Self.namespaceNames(of: exercise).map { ns in
            var names = exercise.links.filter { $0.namespace == ns }.map(\.name)
            for a in exercise.addresses where a.namespace == ns && !names.contains(a.link) { names.append(a.link) }
            let interfaces = names.map { name in
                let spec = exercise.link(ns, name)
                return Interface(name: name, kind: spec?.kind,
                                 addresses: exercise.addresses.filter { $0.namespace == ns && $0.link == name }.map(\.address.cidr),
                                 mac: spec?.mac?.description, master: spec?.master)
            }
            return Namespace(name: ns, interfaces: interfaces)
        }
        wires = exercise.links.compactMap { l in
            l.peer.map { Wire(a: Endpoint(namespace: l.namespace, name: l.name), b: $0) }
        }
    }

    /// The namespaces an exercise draws: those it lists, then `root` when a link or address is declared there.
    static func namespaceNames(of exercise: Exercise) -> [String] {
        var names = exercise.namespaces
        let used = exercise.links.map(\.namespace) + exercise.links.compactMap(\.peer?.namespace) + exercise.addresses.map(\.namespace)
        for n in used where !names.contains(n) { names.append(n) }
        return names
    }
}

extension Topology {
    /// Every name, address and MAC through `TerminalText.escape`, for `TopologyText` to draw: names found in
    /// the learner's namespaces may hold terminal controls, and the boxes are measured on what is printed. The
    /// problems are escaped when they are printed, in the drawing's language.
    var printable: Topology {
        func e(_ s: String) -> String { TerminalText.escape(s) }
        func e(_ p: Endpoint) -> Endpoint { Endpoint(namespace: e(p.namespace), name: e(p.name)) }
        var t = self
        t.namespaces = namespaces.map { ns in
            var ns = ns
            ns.name = e(ns.name)
            ns.interfaces = ns.interfaces.map { i in
                var i = i
                i.name = e(i.name); i.kind = i.kind.map(e); i.addresses = i.addresses.map(e); i.mac = i.mac.map(e)
                i.master = i.master.map(e)
                return i
            }
            return ns
        }
        t.wires = wires.map { w in
            var w = w
            w.a = e(w.a); w.b = e(w.b)
            return w
        }
        return t
    }
}
