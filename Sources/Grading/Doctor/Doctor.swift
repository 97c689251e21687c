import Addresses
import Localization
import SafeText

/// `netcheck doctor`: what on the learner's machine, not in their commands, gets in the way of the book's
/// exercises (issue 15) — each a line with what was looked at, what was seen and the command that fixes it.
public enum Doctor {
    /// One thing looked at.
    public struct Finding: Equatable, Sendable {
        public enum Status: String, Sendable {
            /// Nothing in the way.
            case ok
            /// Worth knowing; the book's exercises still work.
            case warning
            /// Stops an exercise of the book.
            case problem
            /// Could not be looked at (without root, for instance).
            case unknown

            public var symbol: String {
                switch self { case .ok: "✓"; case .warning: "!"; case .problem: "✗"; case .unknown: "?" }
            }
        }

        /// A stable key: `tools.nc`, `forward.router`, `resolv.conf`, …
        public var id: String
        public var status: Status
        /// What was looked at, short ("nc", "FORWARD in router").
        public var subject: Localized
        /// What was seen.
        public var observed: Localized
        /// What to type; nil when nothing is to be done.
        public var fix: Localized?

        public init(id: String, status: Status, subject: Localized, observed: Localized, fix: Localized? = nil) {
            self.id = id; self.status = status; self.subject = subject; self.observed = observed; self.fix = fix
        }
    }

    /// The networks the book's addresses are taken from (RFC 5737): a nameserver in one of them is a namespace's.
    static let bookNetworks = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"].compactMap { IPv4Prefix($0) }

    /// Every finding, in the order a learner would fix them: can netcheck look, the tools, /run/netns, the
    /// namespaces (leftovers, forwarding filters, br_netfilter, rp_filter), /etc/resolv.conf.
    /// `exercise`: the exercise the learner is about to do or doing (its namespaces are not leftovers), or nil.
    /// `exercises`: every exercise's id and namespaces, to name where a leftover namespace comes from.
    public static func findings(_ facts: HostFacts, exercise: Exercise? = nil, exercises: [(id: String, namespaces: [String])] = []) -> [Finding] {
        var out: [Finding] = []
        func t(_ id: String, _ args: [String: any MessageArgument] = [:]) -> Localized { Localized(id: id, args) }

        if !facts.privileged {
            out.append(Finding(id: "privileges", status: .unknown, subject: t("doctor.privileges.subject"),
                               observed: t("doctor.privileges.observed"), fix: t("doctor.privileges.fix", ["command": "sudo netcheck doctor"])))
        }

        // The tools.
        for tool in facts.tools {
            let package = HostFacts.bookTools.first { $0.name == tool.name }?.package ?? tool.name
            let subject = Localized(tool.name)
            guard let path = tool.path else {
                out.append(Finding(id: "tools.\(tool.name)", status: .problem, subject: subject, observed: t("doctor.tool.missing"),
                                   fix: t("doctor.tool.install", ["command": "sudo apt install \(package)"])))
                continue
            }
            let shown = tool.resolved.map { $0 == path ? path : "\(path) → \($0)" } ?? path
            if tool.name == "nc" {
                switch tool.variant {
                case "openbsd":
                    out.append(Finding(id: "tools.nc", status: .ok, subject: subject, observed: t("doctor.nc.openbsd", ["path": shown])))
                case let variant?:
                    out.append(Finding(id: "tools.nc", status: .problem, subject: subject,
                                       observed: t("doctor.nc.other", ["path": shown, "variant": variant]),
                                       fix: t("doctor.nc.fix", ["install": "sudo apt install netcat-openbsd", "command": "sudo update-alternatives --config nc"])))
                case nil:
                    out.append(Finding(id: "tools.nc", status: .warning, subject: subject, observed: t("doctor.nc.unknown", ["path": shown]),
                                       fix: t("doctor.nc.fix", ["install": "sudo apt install netcat-openbsd", "command": "sudo update-alternatives --config nc"])))
                }
                continue
            }
            if tool.name == "iptables", let resolved = tool.resolved {
                let backend = resolved.hasSuffix("legacy-multi") || resolved.hasSuffix("-legacy") ? "iptables-legacy"
                    : resolved.hasSuffix("nft-multi") || resolved.hasSuffix("-nft") ? "iptables-nft" : nil
                if let backend {
                    out.append(Finding(id: "tools.iptables", status: .ok, subject: subject, observed: t("doctor.iptables.backend", ["path": shown, "backend": backend])))
                    continue
                }
            }
            out.append(Finding(id: "tools.\(tool.name)", status: .ok, subject: subject, observed: t("doctor.tool.found", ["path": shown])))
        }

        // /run/netns.
        let netnsSubject = Localized("/run/netns")
        switch facts.netns {
        case .absent:
            out.append(Finding(id: "netns", status: .ok, subject: netnsSubject, observed: t("doctor.netns.absent")))
        case .directory(readable: true):
            out.append(Finding(id: "netns", status: .ok, subject: netnsSubject, observed: t("doctor.netns.ok")))
        case .directory(readable: false):
            out.append(Finding(id: "netns", status: facts.privileged ? .problem : .unknown, subject: netnsSubject,
                               observed: t("doctor.netns.unreadable"), fix: t("doctor.privileges.fix", ["command": "sudo netcheck doctor"])))
        case .notDirectory(let what):
            out.append(Finding(id: "netns", status: .problem, subject: netnsSubject, observed: t("doctor.netns.notDirectory", ["what": Files.kindText(what)]),
                               fix: t("doctor.netns.fix", ["command": "sudo mv /run/netns /run/netns.old"])))
        }

        // Leftover namespaces.
        let named = facts.namespaces.compactMap(\.name)
        let mine = Set(exercise?.namespaces ?? [])
        let foreign = named.filter { !mine.contains($0) }
        if facts.privileged {
            if foreign.isEmpty {
                out.append(Finding(id: "namespaces", status: .ok, subject: t("doctor.namespaces.subject"),
                                   observed: named.isEmpty ? t("doctor.namespaces.none") : t("doctor.namespaces.onlyExercise", ["names": Localized.list(named)])))
            } else {
                // Cabled to the exercise's namespaces, a leftover breaks it; beside it, it is only in the way.
                let cabled = facts.namespaces.filter { mine.contains($0.label) }.flatMap { n in
                    n.vethPeers.filter { foreign.contains($0.peerNamespace) }.map { "\($0.link) (\(n.label)) ↔ \($0.peer) (\($0.peerNamespace))" }
                }
                let sources = leftFrom(present: named, foreign: foreign, exercises: exercises.filter { $0.id != exercise?.id })
                var observed = [t(exercise == nil ? "doctor.namespaces.present" : "doctor.namespaces.foreign",
                                  ["names": Localized.list(foreign), "exercise": exercise?.id ?? ""])]
                if !sources.isEmpty { observed.append(t("doctor.namespaces.sources", ["exercises": Localized.list(Array(sources.prefix(4)))])) }
                if !cabled.isEmpty { observed.append(t("doctor.namespaces.cabled", ["pairs": Localized.list(cabled)])) }
                out.append(Finding(id: "namespaces", status: cabled.isEmpty ? .warning : .problem, subject: t("doctor.namespaces.subject"),
                                   observed: Localized.join(observed, by: Localized.clauses),
                                   fix: t("doctor.namespaces.fix", ["command": "sudo ip --all netns delete"])))
            }
        }

        // Each namespace's forwarding filter, br_netfilter, rp_filter.
        for n in facts.namespaces {
            if let why = n.unreadable {
                out.append(Finding(id: "namespace.\(n.label)", status: .unknown, subject: Localized(n.label), observed: t("doctor.namespace.unreadable", ["reason": why])))
                continue
            }
            let exec = n.name.map { "sudo ip netns exec \($0) " } ?? "sudo "
            let forwards = n.ipForward == "1"
            let bridged = !n.bridges.isEmpty && n.bridgeNfCallIptables == "1"
            if let chain = n.forwardDropChains.first {
                // What the FORWARD chain sees: packets routed by a forwarding namespace, and with br_netfilter the
                // frames its bridges carry (the first edition's chapter 4 bridge in the root namespace on a Docker host).
                let status: Finding.Status = forwards || bridged ? .problem : .warning
                let id = bridged && !forwards ? "doctor.forward.bridged" : forwards ? "doctor.forward.routed" : "doctor.forward.idle"
                out.append(Finding(id: "forward.\(n.label)", status: status, subject: t("doctor.forward.subject", ["namespace": n.label]),
                                   observed: t(id, ["namespace": n.label, "chain": chain, "bridges": Localized.list(n.bridges)]),
                                   fix: status == .warning ? nil : t(bridged && !forwards ? "doctor.forward.fix.bridged" : "doctor.forward.fix",
                                                                    ["command": exec + "iptables -P FORWARD ACCEPT",
                                                                     "sysctl": exec + "sysctl -w net.bridge.bridge-nf-call-iptables=0"])))
            } else if bridged {
                out.append(Finding(id: "bridge.\(n.label)", status: .ok, subject: t("doctor.bridge.subject", ["namespace": n.label]),
                                   observed: t("doctor.bridge.accepting", ["namespace": n.label, "bridges": Localized.list(n.bridges)])))
            }
            if !n.forwardDropRules.isEmpty && (forwards || bridged) {
                let shown = n.forwardDropRules.prefix(3).map { TerminalText.oneLine($0, limit: 160) }
                out.append(Finding(id: "forwardRules.\(n.label)", status: .warning, subject: t("doctor.forward.subject", ["namespace": n.label]),
                                   observed: t("doctor.forwardRules.observed", ["rules": Localized.list(Array(shown)), "count": n.forwardDropRules.count]),
                                   fix: t("doctor.forwardRules.fix", ["command": "sudo netcheck " + (exercise?.id ?? "EXERCISE"),
                                                                     "list": exec + "iptables -S FORWARD"])))
            }
            if n.natBackends.count > 1 {
                out.append(Finding(id: "nat.\(n.label)", status: .warning, subject: t("doctor.nat.subject", ["namespace": n.label]),
                                   observed: t("doctor.nat.both"),
                                   fix: t("doctor.nat.fix", ["legacy": exec + "iptables-legacy-save -t nat", "nft": exec + "nft list table ip nat",
                                                            "version": "iptables -V"])))
            }
            if n.rpFilterAll == "1" || n.rpFilterDefault == "1" {
                out.append(Finding(id: "rp_filter.\(n.label)", status: .warning, subject: t("doctor.rpFilter.subject", ["namespace": n.label]),
                                   observed: t(n.name == nil ? "doctor.rpFilter.root" : "doctor.rpFilter.namespace", ["namespace": n.label]),
                                   fix: t("doctor.rpFilter.fix", ["command": exec + "sysctl -w net.ipv4.conf.all.rp_filter=2"])))
            }
        }

        // /etc/resolv.conf, as dhclient may have left it.
        let taken = facts.nameservers.filter { a in bookNetworks.contains { $0.contains(a) } }
        if let first = taken.first {
            out.append(Finding(id: "resolv.conf", status: .problem, subject: Localized("/etc/resolv.conf"),
                               observed: t("doctor.resolv.rewritten", ["address": first]),
                               fix: t("doctor.resolv.fix", ["command": "sudo ln -sf ../run/systemd/resolve/stub-resolv.conf /etc/resolv.conf",
                                                            "dnsmasq": "--port 0 --no-resolv"])))
        } else {
            out.append(Finding(id: "resolv.conf", status: .ok, subject: Localized("/etc/resolv.conf"),
                               observed: facts.nameservers.isEmpty ? t("doctor.resolv.none")
                                   : t("doctor.resolv.ok", ["addresses": Localized.list(facts.nameservers.map(\.description))])))
        }
        return out
    }

    /// The exercises the leftover namespaces most likely come from: those with exactly the namespaces present, else
    /// the smallest that have all the leftovers (`router` alone: each exercise with a router), at most three.
    static func leftFrom(present: [String], foreign: [String], exercises: [(id: String, namespaces: [String])]) -> [String] {
        let own = exercises.map { (id: $0.id, names: Set($0.namespaces.filter { $0 != World.rootName })) }
        let exact = own.filter { $0.names == Set(present) }
        if !exact.isEmpty { return Array(exact.prefix(3).map(\.id)) }
        let covering = own.filter { $0.names.isSuperset(of: foreign) }
        guard let smallest = covering.map(\.names.count).min() else { return [] }
        return Array(covering.filter { $0.names.count == smallest }.prefix(3).map(\.id))
    }

    /// 0 when nothing stops the book's exercises, 1 otherwise.
    public static func exitStatus(_ findings: [Finding]) -> Int32 { findings.contains { $0.status == .problem } ? 1 : 0 }
}
