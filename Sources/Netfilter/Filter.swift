import Addresses

/// Which of the kernel's two packet filters holds a rule. Both apply to every packet, each in its own hooks:
///
/// - `nft`: nftables, written with nft or with iptables-nft (the `iptables` of Debian 11 and later), listed by
///   `nft list ruleset`;
/// - `legacy`: the legacy xtables, written with iptables-legacy (the `iptables` of Ubuntu 20.04, the book's
///   distribution), listed by `iptables-legacy-save` and not by nft.
public enum Backend: String, Sendable, Hashable, CaseIterable {
    case nft
    case legacy
}

/// A chain that forwarded IPv4 packets may traverse: a base chain on the forward hook (iptables' FORWARD), or a
/// regular chain one may jump to. Rules of other hooks are not kept.
public struct FilterChain: Equatable, Sendable {
    public var backend: Backend
    /// nft: the table's family ("ip", "inet"); legacy: "ip".
    public var family: String
    public var table: String
    public var name: String
    /// "forward" for a base chain on the forward hook; nil for a regular (user-defined) chain.
    public var hook: String?
    /// The hook priority (base chains run in its order): nft's "prio"; for legacy, the kernel's (mangle -150,
    /// filter 0, security 50).
    public var priority: Int
    /// "accept" or "drop" for a base chain; nil for a regular chain.
    public var policy: String?
    /// The chain's rules in order, as far as they were read.
    public var rules: [FilterRule]
    /// False when some of the chain's rules may not have been read (a limit, the deadline, a rule too large):
    /// what happens past them is not known.
    public var complete: Bool

    public init(backend: Backend, family: String, table: String, name: String, hook: String?, priority: Int = 0,
                policy: String?, rules: [FilterRule] = [], complete: Bool = true) {
        self.backend = backend
        self.family = family
        self.table = table
        self.name = name
        self.hook = hook
        self.priority = priority
        self.policy = policy
        self.rules = rules
        self.complete = complete
    }

    /// "ip filter FORWARD", "inet lab labforward" (nft); "filter FORWARD" (legacy, whose family is always ip).
    public var label: String { backend == .legacy ? "\(table) \(name)" : "\(family) \(table) \(name)" }

    /// The command (to run in the chain's namespace) that sets its policy to accept: the book's
    /// `iptables -P FORWARD ACCEPT` for iptables' own chains, nft's for a chain of the learner's own.
    public var acceptPolicyCommand: String {
        if backend == .legacy || (family == "ip" && Self.iptablesTables.contains(table) && name == "FORWARD") {
            return "iptables " + (table == "filter" ? "" : "-t \(shellWord(table)) ") + "-P FORWARD ACCEPT"
        }
        return "nft chain \(shellWord(family)) \(shellWord(table)) \(shellWord(name)) '{ policy accept; }'"
    }

    /// The tables iptables (nft or legacy) has a FORWARD chain in.
    static let iptablesTables: Set<String> = ["filter", "mangle", "security"]
}

/// A rule of a `FilterChain`, reduced to what decides whether a forwarded packet matches it, and its verdict.
public struct FilterRule: Equatable, Sendable {
    public enum Verdict: Equatable, Sendable {
        case accept
        case drop
        case reject
        case jump(String)
        case goto(String)
        case `return`
        /// No verdict: the packet goes on to the next rule (a counter, a LOG, a mark).
        case `continue`
        /// Anything else (queue, an unknown target): what it does to the packet is not known.
        case other(String)
    }

    /// One match netcheck can judge; `negated`: `! -s 10.0.0.0/8`, `ip saddr != 10.0.0.0/8`.
    public struct Condition: Equatable, Sendable {
        public enum Field: Equatable, Sendable {
            case source(IPv4Prefix)
            case destination(IPv4Prefix)
            /// An interface name; one ending in "+" (iptables) or "*" (nft) matches every name it begins.
            case inputInterface(String)
            case outputInterface(String)
            /// "icmp", "tcp", "udp", ...
            case transportProtocol(String)
            /// The rule matches only packets of another family (`ip6 saddr …`, `meta nfproto ipv6` in an inet table).
            case notIPv4
        }
        public var field: Field
        public var negated: Bool
        public init(_ field: Field, negated: Bool = false) { self.field = field; self.negated = negated }
    }

    public var backend: Backend
    public var family: String
    public var table: String
    public var chain: String
    public var conditions: [Condition]
    /// Matches netcheck does not judge (conntrack state, sets, ports, marks, rate limits …), as their first words:
    /// a rule with any may or may not match, and is never blamed.
    public var unjudged: [String]
    public var verdict: Verdict
    /// nft's handle (`nft -a list ruleset`); nil for legacy rules.
    public var handle: Int64?
    /// nft: the rule as `nft list ruleset` prints it, without counter and handle (empty when the text listing did
    /// not have it); legacy: the line of `iptables-legacy-save`, `-A FORWARD -s 10.0.0.0/8 -j DROP`, kept for the
    /// rules that drop or reject only (the others are never quoted).
    public var text: String
    /// legacy: the rule's words after `-A CHAIN`, as iptables-legacy-save wrote them (quotes removed), for the rules
    /// that drop or reject.
    public var words: [String]

    public init(backend: Backend, family: String, table: String, chain: String, conditions: [Condition] = [],
                unjudged: [String] = [], verdict: Verdict, handle: Int64? = nil, text: String, words: [String] = []) {
        self.backend = backend
        self.family = family
        self.table = table
        self.chain = chain
        self.conditions = conditions
        self.unjudged = unjudged
        self.verdict = verdict
        self.handle = handle
        self.text = text
        self.words = words
    }

    /// The most conditions and unjudged matches kept of one rule: a learner's rule of thousands of matches costs
    /// no more than this (a rule with more is judged by those kept, and never blamed: "…" stands for the rest).
    static let maximumConditions = 16, maximumUnjudged = 4

    mutating func add(_ condition: Condition) { Self.add(condition, to: &conditions, unjudged: &unjudged) }
    mutating func addUnjudged(_ word: String) { Self.addUnjudged(word, to: &unjudged) }

    static func add(_ condition: Condition, to conditions: inout [Condition], unjudged: inout [String]) {
        if conditions.count < maximumConditions { conditions.append(condition) } else { addUnjudged("…", to: &unjudged) }
    }

    static func addUnjudged(_ word: String, to unjudged: inout [String]) {
        if word == "…" && unjudged.last == "…" { return }
        if unjudged.count < maximumUnjudged - 1 { unjudged.append(word) } else if unjudged.count == maximumUnjudged - 1 { unjudged.append("…") }
    }

    /// The rule as its backend lists it, or, for an nft rule without its text, what netcheck read of it.
    public var shown: String {
        if !text.isEmpty { return text }
        var words: [String] = conditions.map { c in
            let op = c.negated ? "!= " : ""
            switch c.field {
            case .source(let p): return "ip saddr \(op)\(p.length == 32 ? p.address.description : p.cidr)"
            case .destination(let p): return "ip daddr \(op)\(p.length == 32 ? p.address.description : p.cidr)"
            case .inputInterface(let i): return "iifname \(op)\"\(i)\""
            case .outputInterface(let o): return "oifname \(op)\"\(o)\""
            case .transportProtocol(let p): return "meta l4proto \(op)\(p)"
            case .notIPv4: return "meta nfproto ipv6"
            }
        }
        words += unjudged
        switch verdict {
        case .accept: words.append("accept")
        case .drop: words.append("drop")
        case .reject: words.append("reject")
        case .jump(let c): words.append("jump \(c)")
        case .goto(let c): words.append("goto \(c)")
        case .return: words.append("return")
        case .continue: break
        case .other(let s): words.append(s)
        }
        return words.joined(separator: " ")
    }

    /// The command (to run in the rule's namespace) that deletes it: `iptables -D FORWARD -s 10.0.0.0/8 -j DROP`
    /// for a legacy rule (the book's `iptables`, which is iptables-legacy on Ubuntu 20.04);
    /// `nft delete rule inet lab labforward handle 4` for an nft rule; nil when its words (legacy) or its handle
    /// (nft) were not kept.
    public var deleteCommand: String? {
        switch backend {
        case .legacy:
            guard !words.isEmpty else { return nil }
            let table = self.table == "filter" ? "" : "-t \(shellWord(self.table)) "
            return "iptables \(table)-D \(shellWord(chain)) " + words.map(shellWord).joined(separator: " ")
        case .nft:
            return handle.map { "nft delete rule \(shellWord(family)) \(shellWord(table)) \(shellWord(chain)) handle \($0)" }
        }
    }
}

/// `word` as a shell reads it back: as it is when it holds only safe characters, else in single quotes.
func shellWord(_ word: String) -> String {
    if word == "!" { return word }   // iptables' negation: a word of its own, which no shell expands
    let safe = !word.isEmpty && word.utf8.allSatisfy { b in
        (0x30...0x39).contains(b) || (0x41...0x5a).contains(b) || (0x61...0x7a).contains(b)
            || [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
                UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: "=")].contains(b)
    }
    if safe { return word }
    var quoted = "'"
    for c in word { if c == "'" { quoted += "'\\''" } else { quoted.append(c) } }
    return quoted + "'"
}

/// A packet being forwarded, as far as netcheck knows it at the router: nil for what it does not know.
public struct ForwardedPacket: Equatable, Sendable {
    public var source: IPv4Address?
    public var destination: IPv4Address?
    public var inputInterface: String?
    public var outputInterface: String?
    /// "icmp" for a ping, "tcp" for a SYN.
    public var transportProtocol: String?

    public init(source: IPv4Address?, destination: IPv4Address?, inputInterface: String?, outputInterface: String?,
                transportProtocol: String?) {
        self.source = source
        self.destination = destination
        self.inputInterface = inputInterface
        self.outputInterface = outputInterface
        self.transportProtocol = transportProtocol
    }
}

/// What drops a forwarded packet: a base chain's policy (no rule accepted it), or a rule.
public enum ForwardDrop: Equatable, Sendable {
    case policy(chain: FilterChain)
    case rule(FilterRule, baseChain: FilterChain)

    public var backend: Backend {
        switch self {
        case .policy(let chain): chain.backend
        case .rule(let rule, _): rule.backend
        }
    }
}

extension FilterRule {
    enum Matching { case yes, no, maybe }

    /// Whether the rule matches `packet`: no when any condition surely fails; maybe when a condition cannot be
    /// judged (a field of the packet netcheck does not know, a match it does not model); yes otherwise.
    func matches(_ packet: ForwardedPacket) -> Matching {
        var unsure = !unjudged.isEmpty
        for condition in conditions {
            let holds: Bool?
            switch condition.field {
            case .source(let p): holds = packet.source.map(p.contains)
            case .destination(let p): holds = packet.destination.map(p.contains)
            case .inputInterface(let name): holds = packet.inputInterface.map { Self.interface(name, matches: $0) }
            case .outputInterface(let name): holds = packet.outputInterface.map { Self.interface(name, matches: $0) }
            case .transportProtocol(let p): holds = packet.transportProtocol.map { $0 == p || (p == "all" || p == "0") }
            case .notIPv4: holds = false
            }
            guard let holds else { unsure = true; continue }
            if holds == condition.negated { return .no }
        }
        return unsure ? .maybe : .yes
    }

    /// iptables' "gw+" and nft's "gw*" match every name starting "gw".
    public static func interface(_ pattern: String, matches name: String) -> Bool {
        if let last = pattern.last, last == "+" || last == "*" { return name.hasPrefix(String(pattern.dropLast())) }
        return pattern == name
    }
}

extension Ruleset {
    /// The base chains on the forward hook whose policy is drop, of both backends, in the order packets meet them.
    public var forwardDropPolicies: [FilterChain] {
        forwardChains.filter { $0.policy == "drop" }
    }

    /// The rules that drop or reject in the chains forwarded packets traverse (the forward base chains and the
    /// chains they may jump to), of both backends, whatever they match.
    public var forwardDropRules: [FilterRule] {
        filterChains.flatMap { chain in chain.rules.filter { $0.verdict == .drop || $0.verdict == .reject } }
    }

    /// Base chains on the forward hook, by priority (legacy after nft at equal priority).
    var forwardChains: [FilterChain] {
        filterChains.enumerated().filter { $0.element.hook == "forward" }.sorted {
            ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset)
        }.map(\.element)
    }

    /// What surely drops `packet` on its way through the forward hook: the first base chain (of either backend,
    /// in priority order) that drops it — by a rule that surely matches it, or by its policy when no rule surely
    /// accepted it first. Conservative: a rule that may or may not match (a match netcheck does not model, a
    /// field of the packet it does not know) and would change the packet's fate ends the chain's judgment with
    /// no one blamed, and so does a chain not read whole.
    public func forwardDrop(of packet: ForwardedPacket) -> ForwardDrop? {
        var chains: [String: FilterChain] = [:]
        for chain in filterChains where chain.hook == nil {
            chains[Self.chainKey(chain.backend, chain.family, chain.table, chain.name)] = chain
        }
        for base in forwardChains {
            if case .dropped(let drop) = traverse(base, base: base, packet: packet, regular: chains, depth: 0) { return drop }
        }
        return nil
    }

    private static func chainKey(_ backend: Backend, _ family: String, _ table: String, _ name: String) -> String {
        "\(backend.rawValue) \(family) \(table) \(name)"
    }

    private enum Fate { case accepted, dropped(ForwardDrop), returned, unknown }

    /// The fate of `packet` in `chain` (entered from the base chain `base`).
    private func traverse(_ chain: FilterChain, base: FilterChain, packet: ForwardedPacket, regular: [String: FilterChain],
                          depth: Int) -> Fate {
        guard depth < 16 else { return .unknown }
        for rule in chain.rules {
            let matching = rule.matches(packet)
            if matching == .no || rule.verdict == .continue { continue }
            if matching == .maybe { return .unknown }
            switch rule.verdict {
            case .accept: return .accepted
            case .drop, .reject: return .dropped(.rule(rule, baseChain: base))
            case .return: return chain.hook == nil ? .returned : policyFate(chain)
            case .continue: continue
            case .other: return .unknown
            case .jump(let target), .goto(let target):
                guard let called = regular[Self.chainKey(chain.backend, chain.family, chain.table, target)] else { return .unknown }
                let fate = traverse(called, base: base, packet: packet, regular: regular, depth: depth + 1)
                guard case .returned = fate else { return fate }
                if case .goto = rule.verdict { return chain.hook == nil ? .returned : policyFate(chain) }
            }
        }
        guard chain.complete else { return .unknown }
        return chain.hook == nil ? .returned : policyFate(chain)
    }

    private func policyFate(_ chain: FilterChain) -> Fate {
        guard chain.complete else { return .unknown }
        return chain.policy == "drop" ? .dropped(.policy(chain: chain)) : .accepted
    }
}
