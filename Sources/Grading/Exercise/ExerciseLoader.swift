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
            "id", "chapter", "title", "description", "namespaces", "links", "addresses", "sysctls", "routes",
            "reachability", "arp", "neighbors", "fdb", "nat", "dhcp", "services", "steps", "variants", "layout",
        ])
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
            namespaces: namespaces,
            links: try root.array("links").map(link),
            addresses: try root.array("addresses").map(address),
            sysctls: try root.array("sysctls").map(sysctl),
            routes: try root.array("routes").map(route),
            reachability: try root.array("reachability").map(reachability),
            file: file)
        exercise.arp = try root.array("arp").map(arp)
        exercise.neighbours = try root.array("neighbors").map(neighbour)
        exercise.forwarding = try root.array("fdb").map(forwarding)
        exercise.nat = try root.array("nat").map(nat)
        exercise.dhcp = try root.array("dhcp").map(dhcp)
        exercise.services = try root.array("services").map(service)
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

    static func link(_ node: JSONNode) throws -> LinkSpec {
        let o = try node.object(keys: ["namespace", "name", "kind", "peer", "up", "mac", "master", "id", "hint"])
        var peer: Endpoint?
        if let p = o.child("peer") {
            let po = try p.object(keys: ["namespace", "name"])
            peer = Endpoint(namespace: try po.string("namespace"), name: try interfaceName(po, "name"))
        }
        let kind = try o.optionalString("kind")
        if peer != nil, let kind, kind != "veth" {
            throw node.error("only a veth has a peer, but kind is \"\(kind)\"", field: "peer")
        }
        return LinkSpec(
            namespace: try o.string("namespace"), name: try interfaceName(o, "name"),
            kind: kind ?? (peer != nil ? "veth" : nil), peer: peer,
            up: try o.bool("up", default: true),
            mac: try o.parsed("mac", as: "a MAC address like 00:00:5e:00:53:01", required: false, MACAddress.init),
            master: try o.optionalString("master"), id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func address(_ node: JSONNode) throws -> AddressSpec {
        let o = try node.object(keys: ["namespace", "link", "address", "id", "hint"])
        let prefix = try o.parsed("address", as: "an address with prefix length like 192.0.2.1/24") { text in
            text.contains("/") ? IPv4Prefix(text) : nil
        }!
        return AddressSpec(namespace: try o.string("namespace"), link: try interfaceName(o, "link"), address: prefix,
                           id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func sysctl(_ node: JSONNode) throws -> SysctlSpec {
        let o = try node.object(keys: ["namespace", "key", "value", "id", "hint"])
        let key = try o.string("key")
        guard key.split(separator: ".").count >= 2, key.allSatisfy({ $0.isASCII && !$0.isWhitespace && $0 != "/" }) else {
            throw node.error("\"\(key)\" is not a sysctl key like net.ipv4.ip_forward", field: "key")
        }
        return SysctlSpec(namespace: try o.string("namespace"), key: key, value: try o.string("value"),
                          id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func route(_ node: JSONNode) throws -> RouteSpec {
        let o = try node.object(keys: ["namespace", "to", "via", "command", "id", "hint"])
        return RouteSpec(
            namespace: try o.string("namespace"),
            to: try o.parsed("to", as: "a prefix like 198.51.100.0/24 or \"default\"", IPv4Prefix.init)!,
            via: try o.parsed("via", as: "an IPv4 address", required: false, IPv4Address.init),
            command: try o.optionalString("command"), id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func reachability(_ node: JSONNode) throws -> ReachabilitySpec {
        let o = try node.object(keys: ["from", "source", "to", "reachable", "fails_with", "ttl", "frames", "id", "hint"])
        let reachable = try o.bool("reachable", default: true)
        let ttl = try o.optionalInt("ttl", in: 1...255)
        if ttl != nil && !reachable { throw node.error("a TTL makes no sense when the address must not answer", field: "ttl") }
        let names = ReachabilitySpec.Failure.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        let failsWith = try o.parsed("fails_with", as: "one of \(names)", required: false, ReachabilitySpec.Failure.init(rawValue:))
        if failsWith != nil && reachable { throw node.error("only a ping that must not be answered fails", field: "fails_with") }
        var spec = ReachabilitySpec(
            from: try o.string("from"),
            source: try o.parsed("source", as: "an IPv4 address", required: false, IPv4Address.init),
            to: try o.parsed("to", as: "an IPv4 address", IPv4Address.init)!,
            reachable: reachable, ttl: ttl.map(UInt8.init), frames: try o.array("frames").map(frame),
            id: try o.optionalString("id"), hint: try o.localized("hint"))
        spec.failsWith = failsWith
        return spec
    }

    static func step(_ node: JSONNode, number: Int) throws -> StepSpec {
        let o = try node.object(keys: ["title", "checks", "reachability"])
        var items = try o.array("reachability").map(reachability)
        for i in items.indices where items[i].id == nil {
            items[i].id = "step\(number).\(items[i].from).ping.\(items[i].to)"
        }
        return StepSpec(title: try o.localized("title", required: true)!, checks: try o.array("checks").map { try $0.string() },
                        reachability: items)
    }

    /// Steps name checks that exist, and their own items name declared namespaces and new ids.
    static func crossCheckSteps(_ exercise: Exercise, file: String) throws {
        let ids = Plan(exercise: exercise).checks.map(\.id)
        var seen = Set(ids)
        let known = seen, declared = Set(exercise.namespaces)
        for (n, step) in exercise.steps.enumerated() {
            for (i, id) in step.checks.enumerated() where !known.contains(id) {
                let hint = closestMatch(to: id, in: ids).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw ExerciseFileError(file: file, position: "/steps/\(n)/checks/\(i)", field: "checks", message: "no check has the id \"\(id)\"\(hint)")
            }
            for (i, item) in step.reachability.enumerated() {
                guard declared.contains(item.from) || item.from == World.rootName else {
                    throw ExerciseFileError(file: file, position: "/steps/\(n)/reachability/\(i)", field: "from",
                                            message: "namespace \"\(item.from)\" is not listed in \"namespaces\"")
                }
                guard seen.insert(item.id!).inserted else {
                    throw ExerciseFileError(file: file, position: "/steps/\(n)/reachability/\(i)", field: "id",
                                            message: "two checks would have the id \"\(item.id!)\"; give one an \"id\"")
                }
            }
        }
    }

    static func mac(_ o: JSONObjectReader, _ key: String, required: Bool = true) throws -> MACAddress? {
        try o.parsed(key, as: "a MAC address like 00:00:5e:00:53:01", required: required, MACAddress.init)
    }

    static func frame(_ node: JSONNode) throws -> FrameSpec {
        let o = try node.object(keys: ["namespace", "link", "src_mac", "dst_mac", "ttl", "id", "hint"])
        return FrameSpec(namespace: try o.string("namespace"), link: try interfaceName(o, "link"),
                         sourceMAC: try mac(o, "src_mac", required: false), destinationMAC: try mac(o, "dst_mac", required: false),
                         ttl: try o.optionalInt("ttl", in: 1...255).map(UInt8.init),
                         id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func arp(_ node: JSONNode) throws -> ARPSpec {
        let o = try node.object(keys: ["namespace", "link", "target", "mac", "id", "hint"])
        return ARPSpec(namespace: try o.string("namespace"), link: try interfaceName(o, "link"),
                       target: try o.parsed("target", as: "an IPv4 address", IPv4Address.init)!, mac: try mac(o, "mac")!,
                       id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func neighbour(_ node: JSONNode) throws -> NeighbourSpec {
        let o = try node.object(keys: ["namespace", "address", "mac", "id", "hint"])
        return NeighbourSpec(namespace: try o.string("namespace"),
                             address: try o.parsed("address", as: "an IPv4 address", IPv4Address.init)!, mac: try mac(o, "mac")!,
                             id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func endpoint(_ o: JSONObjectReader, _ key: String) throws -> Endpoint {
        guard let node = o.child(key) else { throw o.missing(key) }
        let e = try node.object(keys: ["namespace", "link"])
        return Endpoint(namespace: try e.string("namespace"), name: try interfaceName(e, "link"))
    }

    static func nat(_ node: JSONNode) throws -> NATSpec {
        let o = try node.object(keys: ["type", "router", "from", "to", "port", "inside", "outside", "translated", "command", "id", "hint"])
        let kind = try o.parsed("type", as: "\"snat\" or \"dnat\"", NATSpec.Kind.init(rawValue:))!
        let port = try o.optionalInt("port", in: 1...65535).map(UInt16.init)
        if kind == .destination && port == nil { throw node.error("destination NAT is probed with TCP: give the port", field: "port") }
        return NATSpec(kind: kind, router: try o.string("router"), from: try o.string("from"),
                       to: try o.parsed("to", as: "an IPv4 address", IPv4Address.init)!, port: port,
                       inside: try endpoint(o, "inside"), outside: try endpoint(o, "outside"),
                       translated: try o.parsed("translated", as: "an IPv4 address", IPv4Address.init)!,
                       command: try o.optionalString("command"), id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func dhcp(_ node: JSONNode) throws -> DHCPSpec {
        let o = try node.object(keys: ["client", "link", "server", "range", "server_command", "client_command", "id", "hint"])
        guard let rangeNode = o.child("range") else { throw o.missing("range") }
        let bounds = try rangeNode.array()
        guard bounds.count == 2 else { throw rangeNode.error("expected [first, last], two IPv4 addresses", field: "range") }
        let addresses = try bounds.map { b -> IPv4Address in
            guard let a = IPv4Address(try b.string()) else { throw b.error("expected an IPv4 address", field: "range") }
            return a
        }
        guard addresses[0] <= addresses[1] else { throw rangeNode.error("the first address is after the last", field: "range") }
        return DHCPSpec(client: try o.string("client"), link: try interfaceName(o, "link"), server: try o.string("server"),
                        rangeStart: addresses[0], rangeEnd: addresses[1],
                        serverCommand: try o.optionalString("server_command"), clientCommand: try o.optionalString("client_command"),
                        id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func service(_ node: JSONNode) throws -> ServiceSpec {
        let o = try node.object(keys: ["namespace", "protocol", "address", "port", "talk", "title", "command", "id", "hint"])
        let transport = try o.parsed("protocol", as: "\"tcp\" or \"udp\"", ServiceSpec.Transport.init(rawValue:))!
        let talks = ServiceSpec.Talk.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        let talk = try o.parsed("talk", as: "one of \(talks)", ServiceSpec.Talk.init(rawValue:))!
        guard (transport == .udp) == (talk == .datagram) else {
            throw node.error(transport == .udp ? "a UDP service is talked to with \"datagram\"" : "\"datagram\" is for UDP services", field: "talk")
        }
        let title = try o.optionalString("title")
        if talk == .http && title == nil { throw node.error("an HTTP check needs the page's title", field: "title") }
        return ServiceSpec(namespace: try o.optionalString("namespace") ?? World.rootName, transport: transport,
                           address: try o.parsed("address", as: "an IPv4 address", IPv4Address.init)!,
                           port: UInt16(try o.optionalInt("port", in: 1...65535) ?? { throw o.missing("port") }()),
                           talk: talk, title: title, command: try o.optionalString("command"),
                           id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func forwarding(_ node: JSONNode) throws -> ForwardingSpec {
        let o = try node.object(keys: ["namespace", "bridge", "port", "mac", "id", "hint"])
        return ForwardingSpec(namespace: try o.string("namespace"), bridge: try interfaceName(o, "bridge"),
                              port: try interfaceName(o, "port"), mac: try mac(o, "mac")!,
                              id: try o.optionalString("id"), hint: try o.localized("hint"))
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
