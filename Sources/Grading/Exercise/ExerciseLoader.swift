import Addresses
import JSON
import NetlinkWire

/// Turns the text of an exercise file into an `Exercise`, or an `ExerciseFileError` naming the file, the
/// position and the field. Checks the file against itself too: every namespace an item names is declared,
/// every address sits on a declared link, ids are unique.
public enum ExerciseLoader {
    public static func load(text: String, file: String) throws -> Exercise {
        let value: JSONValue
        do {
            value = try JSON.parse(text)
        } catch let e as JSONSyntaxError {
            throw ExerciseFileError(file: file, position: "line \(e.line), column \(e.column)",
                                    message: "JSON syntax error: \(e.message)")
        } catch let e as JSONContentError {
            // A key twice (as decoded), U+0000, a number out of range: at the place it is written.
            throw ExerciseFileError(file: file, position: "line \(e.line), column \(e.column)", field: e.field, message: e.message)
        }
        let root = try JSONNode(value: value, path: "", file: file).object(keys: [
            "id", "chapter", "title", "description", "namespaces",
        ] + CheckFamilies.all.compactMap { $0.fileKey } + ["steps", "variants", "layout"])
        let id = try root.string("id")
        guard isValidID(id) else {
            throw root.node.error("use only letters, digits, \"-\" and \"_\"", field: "id")
        }
        let namespaces = try root.array("namespaces", required: true).map { node -> String in
            let name = try node.string()
            guard isValidNamespaceName(name) else { throw node.error("\"\(name)\" is not a valid namespace name") }
            guard name != World.rootName else {
                throw node.error("\"root\" means the namespace netcheck runs in; use it in items without listing it here")
            }
            return name
        }
        var exercise = Exercise(
            id: id,
            chapter: try root.optionalInt("chapter", in: 1...99) ?? 0,
            title: try root.localized("title", required: true)!,
            description: try root.localized("description") ?? .empty,
            namespaces: namespaces, links: [], addresses: [], sysctls: [], routes: [], reachability: [],
            file: file)
        // Each family of checks reads its own key, in the order of the file format.
        for family in CheckFamilies.all { try family.read(root, into: &exercise) }
        try crossCheck(&exercise, root: root)
        exercise.steps = try root.array("steps").enumerated().map { try step($1, number: $0 + 1) }
        try crossCheckSteps(exercise, file: file)
        exercise.variants = try variants(root, id: id)
        exercise.layout = try root.localized("layout")
        return exercise
    }

    static func isValidID(_ id: String) -> Bool {
        !id.isEmpty && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }

    /// Ids of other exercises, each once and none the exercise's own. Whether they exist is up to the folder
    /// (`ExerciseCatalog.variants(of:)`, which `netcheck lint` and `check` both run).
    static func variants(_ root: JSONObjectReader, id: String) throws -> [String] {
        var seen: Set<String> = []
        return try root.array("variants").map { node in
            let variant = try node.string()
            guard isValidID(variant) else { throw node.error("\"\(variant)\" is not an exercise id (letters, digits, \"-\" and \"_\")", field: "variants") }
            guard variant != id else { throw node.error("names the exercise itself; list the other layouts of the same end state", field: "variants") }
            guard seen.insert(variant).inserted else { throw node.error("\"\(variant)\" is listed twice", field: "variants") }
            return variant
        }
    }

    static func isValidNamespaceName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name != "." && name != ".."
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    static func isValidInterfaceName(_ name: String) -> Bool {
        // IFNAMSIZ is 16 including the terminating NUL.
        !name.isEmpty && name.utf8.count <= 15 && !name.contains("/") && !name.contains(" ") && name != "." && name != ".."
    }

    static func interfaceName(_ o: JSONObjectReader, _ key: String) throws -> String {
        let name = try o.string(key)
        guard isValidInterfaceName(name) else {
            throw o.node.error("\"\(name)\" is not a valid interface name (at most 15 bytes, no \"/\" or spaces)", field: key)
        }
        return name
    }

    static func mac(_ o: JSONObjectReader, _ key: String, required: Bool = true) throws -> MACAddress? {
        try o.parsed(key, as: "a MAC address like 00:00:5e:00:53:01", required: required, MACAddress.init)
    }

    /// Consistency of the file with itself. Namespaces and links are looked up in sets, so that checking a file
    /// takes time linear in its size (a search through all of them for each item made a 1 MiB file take seconds).
    static func crossCheck(_ exercise: inout Exercise, root: JSONObjectReader) throws {
        let file = exercise.file
        func err(_ path: String, _ field: String, _ message: String) -> ExerciseFileError {
            ExerciseFileError(file: file, position: path, field: field, message: message)
        }
        let declared = Set(exercise.namespaces)
        let links = Set(exercise.links.map { Endpoint(namespace: $0.namespace, name: $0.name) })
        func declares(_ namespace: String, _ name: String) -> Bool { links.contains(Endpoint(namespace: namespace, name: name)) }
        func known(_ ns: String, _ path: String, _ field: String) throws {
            // "root" is the namespace netcheck runs in (a bridge built outside any `ip netns add`).
            guard declared.contains(ns) || ns == World.rootName else {
                let hint = closestMatch(to: ns, in: exercise.namespaces).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw err(path, field, "namespace \"\(ns)\" is not listed in \"namespaces\"\(hint)")
            }
        }
        if let dup = duplicate(exercise.namespaces) { throw err("/namespaces", "namespaces", "\"\(dup)\" is listed twice") }
        for (i, l) in exercise.links.enumerated() {
            try known(l.namespace, "/links/\(i)", "namespace")
            if let p = l.peer { try known(p.namespace, "/links/\(i)/peer", "namespace") }
            if let m = l.master, !declares(l.namespace, m) {
                throw err("/links/\(i)", "master", "no link \"\(m)\" is declared in namespace \(l.namespace)")
            }
        }
        if let dup = duplicate(exercise.links.map { "\($0.namespace)/\($0.name)" }) {
            throw err("/links", "name", "\(dup) is declared twice")
        }
        for (i, a) in exercise.addresses.enumerated() {
            try known(a.namespace, "/addresses/\(i)", "namespace")
            guard a.link == "lo" || declares(a.namespace, a.link) else {
                throw err("/addresses/\(i)", "link", "no link \"\(a.link)\" is declared in namespace \(a.namespace)")
            }
        }
        for (i, s) in exercise.sysctls.enumerated() { try known(s.namespace, "/sysctls/\(i)", "namespace") }
        for (i, r) in exercise.routes.enumerated() { try known(r.namespace, "/routes/\(i)", "namespace") }
        for (i, r) in exercise.reachability.enumerated() {
            try known(r.from, "/reachability/\(i)", "from")
            for (j, f) in r.frames.enumerated() {
                try known(f.namespace, "/reachability/\(i)/frames/\(j)", "namespace")
                if f.ttl != nil && !r.reachable { throw err("/reachability/\(i)/frames/\(j)", "ttl", "the ping must be reachable to watch its TTL") }
            }
        }
        for (i, a) in exercise.arp.enumerated() {
            try known(a.namespace, "/arp/\(i)", "namespace")
            guard declares(a.namespace, a.link) else {
                throw err("/arp/\(i)", "link", "no link \"\(a.link)\" is declared in namespace \(a.namespace)")
            }
        }
        for (i, n) in exercise.neighbours.enumerated() { try known(n.namespace, "/neighbors/\(i)", "namespace") }
        for (i, n) in exercise.nat.enumerated() {
            for (field, ns) in [("router", n.router), ("from", n.from), ("inside", n.inside.namespace), ("outside", n.outside.namespace)] {
                try known(ns, "/nat/\(i)", field)
            }
        }
        for (i, v) in exercise.services.enumerated() { try known(v.namespace, "/services/\(i)", "namespace") }
        for (i, d) in exercise.dhcp.enumerated() {
            try known(d.client, "/dhcp/\(i)", "client")
            try known(d.server, "/dhcp/\(i)", "server")
        }
        for (i, f) in exercise.forwarding.enumerated() {
            try known(f.namespace, "/fdb/\(i)", "namespace")
            for (field, name) in [("bridge", f.bridge), ("port", f.port)] where !declares(f.namespace, name) {
                throw err("/fdb/\(i)", field, "no link \"\(name)\" is declared in namespace \(f.namespace)")
            }
        }
        let ids = Plan(exercise: exercise).checks.map(\.id)
        if let dup = duplicate(ids) { throw err("/", "id", "two checks would have the id \"\(dup)\"; give one an \"id\"") }
    }

    static func duplicate(_ items: [String]) -> String? {
        var seen = Set<String>()
        for item in items where !seen.insert(item).inserted { return item }
        return nil
    }
}
