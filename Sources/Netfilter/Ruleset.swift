import Addresses
import JSON

/// One NAT rule of a network namespace, whether written with nft or iptables-nft (`backend` .nft) or with
/// iptables-legacy (.legacy), reduced to the matches and the action netcheck reasons about. A field is nil when the
/// rule does not match on it, or matches in a way not modelled here (negation, a set, a range).
public struct NATRule: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        case masquerade
        /// Source NAT to one address; nil for a range, a map or anything else not a single IPv4 address.
        case snat(to: IPv4Address?)
        /// Destination NAT to one address and, when given as a single number, one port.
        case dnat(to: IPv4Address?, port: UInt16?)
    }

    /// The backend that holds the rule.
    public var backend: Backend
    /// The table's family: "ip", "inet", "ip6", ... ("ip" for a legacy rule).
    public var family: String
    public var table: String
    public var chain: String
    /// The chain's hook: "prerouting", "postrouting", "input", "output"; nil for a regular chain.
    public var hook: String?
    public var action: Action
    /// `meta oifname` (iptables -o).
    public var outputInterface: String?
    /// `meta iifname` (iptables -i).
    public var inputInterface: String?
    /// `ip saddr`; a single address is a /32.
    public var source: IPv4Prefix?
    /// `ip daddr`; a single address is a /32.
    public var destination: IPv4Prefix?
    /// "tcp", "udp", ... from a tcp/udp header match, `meta l4proto` or `ip protocol`.
    public var transportProtocol: String?
    /// tcp/udp dport.
    public var destinationPort: UInt16?
    /// The rule as `nft list ruleset` prints it, without its counter and handle, empty when the text listing
    /// did not have the rule; a legacy rule as `iptables-legacy-save` prints it (`-A POSTROUTING -s 192.0.2.0/24
    /// -o gw-veth1 -j MASQUERADE`).
    public var text: String

    public init(family: String, table: String, chain: String, hook: String?, action: Action,
                outputInterface: String? = nil, inputInterface: String? = nil, source: IPv4Prefix? = nil,
                destination: IPv4Prefix? = nil, transportProtocol: String? = nil, destinationPort: UInt16? = nil,
                text: String, backend: Backend = .nft) {
        self.backend = backend
        self.family = family
        self.table = table
        self.chain = chain
        self.hook = hook
        self.action = action
        self.outputInterface = outputInterface
        self.inputInterface = inputInterface
        self.source = source
        self.destination = destination
        self.transportProtocol = transportProtocol
        self.destinationPort = destinationPort
        self.text = text
    }
}

extension NATRule {
    /// The rule as `nft list ruleset` prints it, or, when the text listing did not have it (nft killed at the
    /// deadline before printing it), as netcheck read it from the JSON listing.
    public var shown: String { text.isEmpty ? described : text }

    /// The matches and the action netcheck read, in nft's words: `oifname "gw-veth0" ip saddr 10.0.0.0/24 masquerade`.
    public var described: String {
        var words: [String] = []
        if let i = inputInterface { words.append("iifname \"\(i)\"") }
        if let o = outputInterface { words.append("oifname \"\(o)\"") }
        if let s = source { words.append("ip saddr \(s.length == 32 ? s.address.description : s.cidr)") }
        if let d = destination { words.append("ip daddr \(d.length == 32 ? d.address.description : d.cidr)") }
        if let p = transportProtocol {
            words.append(destinationPort.map { "\(p) dport \($0)" } ?? "meta l4proto \(p)")
        }
        switch action {
        case .masquerade: words.append("masquerade")
        case .snat(let to): words.append(to.map { "snat to \($0)" } ?? "snat")
        case .dnat(let to, let port): words.append(to.map { "dnat to \($0)" + (port.map { ":\($0)" } ?? "") } ?? "dnat")
        }
        return words.joined(separator: " ")
    }
}

/// What netcheck reads of a network namespace's packet filters, both backends merged (see `Backend`): its NAT
/// rules, and the chains forwarded IPv4 packets traverse.
public struct Ruleset: Equatable, Sendable {
    /// NAT rules: nft's in the order `nft` lists them (table by table, chain by chain), then iptables-legacy's.
    public var natRules: [NATRule]
    /// Set when netcheck did not read the whole ruleset: `natRules` and `filterChains` are those it read.
    public var unread: Unread?
    /// The chains of ip and inet tables that forwarded IPv4 packets traverse, of both backends: the base chains on
    /// the forward hook (with their policy) and the regular chains they may jump to, with their rules (at most
    /// `maximumFilterRules` in all; a chain not read whole says so).
    public var filterChains: [FilterChain] = []

    /// Base chains on the forward hook whose policy is drop (`iptables -P FORWARD DROP`, as Docker and ufw leave a
    /// host): what no rule of theirs accepts is not forwarded. As `FilterChain.label` ("ip filter FORWARD"; a legacy
    /// chain "filter FORWARD"), in the order packets meet them.
    public var forwardDropChains: [String] { forwardDropPolicies.map(\.label) }

    /// The NAT rules `backend` holds.
    public func natRules(in backend: Backend) -> [NATRule] { natRules.filter { $0.backend == backend } }

    /// The backends that hold NAT rules, in `Backend` order: both, when the learner wrote rules with both
    /// `iptables-legacy` and `iptables-nft` (or nft).
    public var natBackends: [Backend] { Backend.allCases.filter { b in natRules.contains { $0.backend == b } } }

    /// What was left unread of a ruleset, and why.
    public struct Unread: Equatable, Sendable {
        /// Rules read (NAT or not) before the listing stopped.
        public var rulesRead: Int
        /// nft was stopped at the run's deadline.
        public var deadline: Bool
        /// Rules whose JSON was longer than `Ruleset.maximumRuleBytes`, skipped.
        public var tooLarge: Int
        /// The listing was stopped after `Ruleset.maximumNATRules` NAT rules.
        public var atLimit: Bool

        public init(rulesRead: Int, deadline: Bool, tooLarge: Int, atLimit: Bool = false) {
            self.rulesRead = rulesRead; self.deadline = deadline; self.tooLarge = tooLarge; self.atLimit = atLimit
        }
    }

    public init(natRules: [NATRule], unread: Unread? = nil, filterChains: [FilterChain] = []) {
        self.natRules = natRules
        self.unread = unread
        self.filterChains = filterChains
    }

    /// Both backends' rules in one ruleset: `self`'s (nft) first, then `other`'s; what either left unread, added.
    public func merged(with other: Ruleset) -> Ruleset {
        let unread: Unread?
        switch (self.unread, other.unread) {
        case (nil, nil): unread = nil
        case (let a, let b):
            let x = a ?? Unread(rulesRead: 0, deadline: false, tooLarge: 0), y = b ?? Unread(rulesRead: 0, deadline: false, tooLarge: 0)
            // Rules read counts every rule of both when only one was cut short.
            unread = Unread(rulesRead: x.rulesRead + y.rulesRead, deadline: x.deadline || y.deadline, tooLarge: x.tooLarge + y.tooLarge,
                            atLimit: x.atLimit || y.atLimit)
        }
        return Ruleset(natRules: natRules + other.natRules, unread: unread, filterChains: filterChains + other.filterChains)
    }

    /// A rule longer than this in JSON (a set of thousands of elements written inline) is skipped, not parsed.
    public static let maximumRuleBytes = 1 << 20
    /// The most NAT rules read of one ruleset: the diagnosis names the first rule at fault, and a learner's script
    /// of a hundred thousand rules must not cost more memory than this many (about 3 MB).
    public static let maximumNATRules = 10_000
    /// The most rules of forward chains kept, of each backend: past them, a chain is not read whole, and its
    /// policy is never blamed.
    public static let maximumFilterRules = 10_000

    /// Parses `nft -j list ruleset` output, completed by `nft -a list ruleset` text: iptables-nft rules show their
    /// target only as {"xt": {"type": "target", "name": "DNAT"}} in JSON, while the text form prints "dnat to 192.0.2.1"
    /// (the rule is found by its "# handle N" comment within its table/chain).
    ///
    /// Throws when `json` is not an `{"nftables": [...]}` document or a chain or rule in it is not JSON; anything
    /// unknown inside it (objects, expressions, value shapes) is skipped.
    public static func parse(json: String, text: String) throws -> Ruleset {
        var builder = Builder()
        try builder.feed(json.utf8)
        if !builder.atLimit { try builder.finish() }
        let unread = builder.atLimit || builder.tooLarge > 0
            ? Unread(rulesRead: builder.rulesRead, deadline: false, tooLarge: builder.tooLarge, atLimit: builder.atLimit) : nil
        return builder.ruleset(listing: RuleListing(text), unread: unread)
    }

    /// Builds the NAT rules from the JSON listing as it arrives, one item at a time (`ItemStream`), in time and
    /// memory linear in the NAT rules: each rule is reduced to a `NATRule` as soon as it is read, its text
    /// (and an iptables-nft target's address, found only in the text) looked up at the end.
    struct Builder {
        private var stream = ItemStream(wanted: ["chain", "rule"], maximumItemBytes: Ruleset.maximumRuleBytes)
        private var hooks: [ChainKey: String] = [:]
        private var pending: [Pending] = []
        /// The chains forwarded IPv4 packets may traverse (see `Ruleset.filterChains`), and where each is.
        private var filterChains: [FilterChain] = []
        private var filterIndex: [ChainKey: Int] = [:]
        private var filterRules = 0
        /// A rule of a chain not listed before it: the forward chains may not be complete.
        private var strayRule = false
        private(set) var rulesRead = 0
        /// `maximumNATRules` NAT rules were read: the rest of the listing is not looked at.
        private(set) var atLimit = false

        /// A NAT rule read from JSON, before its text is known.
        struct Pending {
            var rule: NATRule
            var handle: Int64?
            /// The iptables-nft target that gave the rule its action ("SNAT", "DNAT", "MASQUERADE"), whose
            /// address and port are in the text.
            var xtTarget: String?
        }

        var tooLarge: Int { stream.tooLarge }

        mutating func feed(_ bytes: some Sequence<UInt8>) throws {
            // The stream is moved out while it hands over items, which change the rest of the builder.
            var items = stream
            defer { stream = items }
            do {
                try items.feed(bytes) { try add($0) }
            } catch let e as ItemStream.Failure {
                throw NetfilterError(.badJSON(e.message))
            }
        }

        mutating func finish() throws {
            do { try stream.finish() } catch let e as ItemStream.Failure { throw NetfilterError(.badJSON(e.message)) }
        }

        private mutating func add(_ bytes: [UInt8]) throws {
            guard !atLimit else { return }
            let value: JSONValue
            do { value = try JSON.parse(String(decoding: bytes, as: UTF8.self), allowingDuplicateKeys: true) } catch {
                throw NetfilterError(.badJSON("\(error)"))
            }
            guard let object = value.object else { return }
            if let chain = object["chain"]?.object {
                guard let key = ChainKey(chain, nameKey: "name") else { return }
                let hook = chain["hook"]?.string
                if let hook { hooks[key] = hook }
                // IPv4 packets pass the ip and inet tables' chains only (not ip6, arp, bridge, netdev).
                guard key.family == "ip" || key.family == "inet", hook == nil || hook == "forward", filterIndex[key] == nil else { return }
                filterIndex[key] = filterChains.count
                let policy = hook == nil ? nil : chain["policy"]?.string ?? "accept"
                filterChains.append(FilterChain(backend: .nft, family: key.family, table: key.table, name: key.chain, hook: hook,
                                                priority: chain["prio"]?.int.flatMap { Int(exactly: $0) } ?? 0, policy: policy))
            } else if let rule = object["rule"]?.object, let key = ChainKey(rule, nameKey: "chain") {
                rulesRead += 1
                let expressions = rule["expr"]?.array ?? []
                if let (nat, xt) = natRule(expressions, key: key) {
                    // One NAT rule more than the limit: the listing is not read further.
                    guard pending.count < Ruleset.maximumNATRules else { atLimit = true; rulesRead -= 1; return }
                    pending.append(Pending(rule: nat, handle: rule["handle"]?.int, xtTarget: xt))
                } else if let index = filterIndex[key] {
                    guard filterRules < Ruleset.maximumFilterRules else { filterChains[index].complete = false; return }
                    filterRules += 1
                    filterChains[index].rules.append(Ruleset.filterRule(expressions, key: key, handle: rule["handle"]?.int))
                } else if hooks[key] == nil && (key.family == "ip" || key.family == "inet") {
                    strayRule = true
                }
            }
        }

        /// The rules read so far, with their texts from `listing` and their chains' hooks. Chains come before
        /// their rules in nft's listing, but hooks are looked up at the end regardless.
        func ruleset(listing: RuleListing, unread: Ruleset.Unread? = nil) -> Ruleset {
            let chains = filterChains.map { c in
                var chain = c
                // Not read whole, or a rule came from nowhere: no chain's end is known.
                if unread != nil || strayRule { chain.complete = false }
                chain.rules = c.rules.map { r in
                    var rule = r
                    rule.text = r.handle.flatMap { listing.rules[RuleListing.Key(chain: ChainKey(family: r.family, table: r.table, chain: r.chain),
                                                                                  handle: $0)] } ?? ""
                    return rule
                }
                return chain
            }
            return Ruleset(natRules: pending.map { p in
                var rule = p.rule
                let chain = ChainKey(family: rule.family, table: rule.table, chain: rule.chain)
                rule.text = p.handle.flatMap { listing.rules[RuleListing.Key(chain: chain, handle: $0)] } ?? ""
                if let name = p.xtTarget, let action = Ruleset.xtAction(name, text: rule.text) { rule.action = action }
                rule.hook = hooks[ChainKey(family: rule.family, table: rule.table, chain: rule.chain)]
                return rule
            }, unread: unread, filterChains: chains)
        }
    }

    /// The NAT rule made of `expressions`, or nil when they hold no NAT action; with the iptables-nft target
    /// that gave it its action, when one did (its address and port are read from the text later).
    static func natRule(_ expressions: [JSONValue], key: ChainKey) -> (NATRule, xtTarget: String?)? {
        var rule = NATRule(family: key.family, table: key.table, chain: key.chain, hook: nil, action: .masquerade, text: "")
        var action: NATRule.Action?
        var xtTarget: String?
        for expression in expressions {
            guard let e = expression.object else { continue }
            if let match = e["match"]?.object {
                apply(match, to: &rule)
            } else if e["masquerade"] != nil {
                (action, xtTarget) = (.masquerade, nil)
            } else if let snat = e["snat"] {
                (action, xtTarget) = (.snat(to: ipv4(snat.object?["addr"])), nil)
            } else if let dnat = e["dnat"] {
                (action, xtTarget) = (.dnat(to: ipv4(dnat.object?["addr"]), port: port(dnat.object?["port"])), nil)
            } else if let xt = e["xt"]?.object, xt["type"]?.string == "target", let name = xt["name"]?.string,
                      let targetAction = xtAction(name, text: "") {
                (action, xtTarget) = (targetAction, name)
            }
        }
        guard let action else { return nil }
        rule.action = action
        return (rule, xtTarget)
    }

    /// A rule of a forward chain: the matches netcheck judges (interfaces, IPv4 addresses, transport protocol,
    /// with `==` or `!=`), the others kept as unjudged, and its verdict (the last one it states).
    static func filterRule(_ expressions: [JSONValue], key: ChainKey, handle: Int64?) -> FilterRule {
        var rule = FilterRule(backend: .nft, family: key.family, table: key.table, chain: key.chain, verdict: .continue,
                              handle: handle, text: "")
        for expression in expressions {
            guard let e = expression.object, e.pairs.count == 1, let (name, body) = e.pairs.first else {
                rule.addUnjudged("?"); continue
            }
            switch name {
            case "match": filterMatch(body.object, into: &rule)
            case "accept": rule.verdict = .accept
            case "drop": rule.verdict = .drop
            case "reject": rule.verdict = .reject
            case "return": rule.verdict = .return
            case "continue": rule.verdict = .continue
            case "jump", "goto":
                guard let target = body.object?["target"]?.string else { rule.verdict = .other(name); continue }
                rule.verdict = name == "jump" ? .jump(target) : .goto(target)
            case "xt":
                let xt = body.object
                let xtName = xt?["name"]?.string ?? "?"
                if xt?["type"]?.string == "target" {
                    switch xtName {
                    case "REJECT": rule.verdict = .reject
                    case "LOG", "NFLOG", "MARK", "CONNMARK", "TCPMSS", "CLASSIFY", "DSCP", "TOS", "TTL", "AUDIT", "CT", "NOTRACK":
                        break
                    default: rule.verdict = .other(xtName)
                    }
                } else {
                    rule.addUnjudged(xtName)
                }
            // Statements that leave the packet on its way: they count, log or mark it.
            case "counter", "log", "mangle", "notrack": break
            // Everything else may decide whether the rule applies (limit, quota, set lookups …) or what it does
            // (queue, dup, fwd …).
            case "queue", "dup", "fwd", "synproxy", "tproxy", "redirect", "masquerade", "snat", "dnat":
                rule.verdict = .other(name)
            default: rule.addUnjudged(name)
            }
        }
        return rule
    }

    /// One `match` expression of a forward rule.
    static func filterMatch(_ match: JSONObject?, into rule: inout FilterRule) {
        guard let match, let op = match["op"]?.string, let left = match["left"]?.object, let right = match["right"] else {
            rule.addUnjudged("match"); return
        }
        let negated = op == "!="
        let comparable = op == "==" || op == "!="
        if let key = left["meta"]?.object?["key"]?.string {
            switch key {
            case "iifname", "iif", "oifname", "oif":
                guard comparable, let name = right.string else { rule.addUnjudged(key); return }
                let field: FilterRule.Condition.Field = key.hasPrefix("i") ? .inputInterface(name) : .outputInterface(name)
                rule.add(.init(field, negated: negated))
            case "l4proto":
                guard comparable, let p = right.string ?? right.int.map({ LegacySave.protocolName("\($0)") }) else { rule.addUnjudged(key); return }
                rule.add(.init(.transportProtocol(p), negated: negated))
            case "nfproto":
                guard comparable, let p = right.string, p == "ipv4" || p == "ipv6" else { rule.addUnjudged(key); return }
                // ==ipv4 and !=ipv6 hold for every IPv4 packet.
                if (p == "ipv6") != negated { rule.add(.init(.notIPv4)) }
            default: rule.addUnjudged(key)
            }
        } else if let payload = left["payload"]?.object, let proto = payload["protocol"]?.string {
            let field = payload["field"]?.string ?? ""
            switch proto {
            case "ip6", "icmpv6":
                // A match on an IPv6 header implies an IPv6 packet, whatever the operator.
                rule.add(.init(.notIPv4))
            case "ip":
                if comparable, field == "saddr" || field == "daddr", let p = prefix(right) {
                    rule.add(.init(field == "saddr" ? .source(p) : .destination(p), negated: negated))
                } else if comparable, field == "protocol", let name = right.string {
                    rule.add(.init(.transportProtocol(name), negated: negated))
                } else {
                    rule.addUnjudged("ip \(field)")
                }
            case "tcp", "udp", "icmp", "sctp", "udplite", "dccp":
                // Any match on the header implies the protocol; what it matches in it is not judged.
                rule.add(.init(.transportProtocol(proto)))
                rule.addUnjudged("\(proto) \(field)")
            default: rule.addUnjudged(proto)
            }
        } else {
            rule.addUnjudged(left.pairs.first?.key ?? "match")
        }
    }

    /// Records an `==` match on an interface, an address, the transport protocol or the destination port.
    static func apply(_ match: JSONObject, to rule: inout NATRule) {
        guard match["op"]?.string == "==", let left = match["left"]?.object, let right = match["right"] else { return }
        if let key = left["meta"]?.object?["key"]?.string {
            switch key {
            case "oifname": rule.outputInterface = right.string
            case "iifname": rule.inputInterface = right.string
            case "l4proto": rule.transportProtocol = right.string ?? rule.transportProtocol
            default: break
            }
        } else if let payload = left["payload"]?.object, let proto = payload["protocol"]?.string,
                  let field = payload["field"]?.string {
            switch (proto, field) {
            case ("ip", "saddr"): rule.source = prefix(right)
            case ("ip", "daddr"): rule.destination = prefix(right)
            case ("ip", "protocol"): rule.transportProtocol = right.string ?? rule.transportProtocol
            case ("tcp", _), ("udp", _):
                rule.transportProtocol = proto
                if field == "dport" { rule.destinationPort = port(right) }
            default: break
            }
        }
    }

    /// The action of an iptables-nft target, with its address and port taken from the rule's text
    /// ("snat to 203.0.113.254", "dnat to 192.0.2.1:8080", "dnat ip to ..." in inet tables).
    static func xtAction(_ name: String, text: String) -> NATRule.Action? {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        func target(after verb: String) -> (IPv4Address?, UInt16?) {
            guard let i = words.lastIndex(of: verb) else { return (nil, nil) }
            let rest = words[(i + 1)...].drop { $0 == "ip" || $0 == "ip6" }
            guard rest.first == "to", let spec = rest.dropFirst().first else { return (nil, nil) }
            return LegacySave.natTarget(spec)   // ADDRESS[:PORT], as iptables-legacy-save writes it too
        }
        switch name {
        case "MASQUERADE": return .masquerade
        case "SNAT": return .snat(to: target(after: "snat").0)
        case "DNAT": let (address, port) = target(after: "dnat"); return .dnat(to: address, port: port)
        default: return nil
        }
    }

    /// A single IPv4 address: "192.0.2.1". Ranges, prefixes, maps, IPv6 addresses: nil.
    static func ipv4(_ value: JSONValue?) -> IPv4Address? {
        value?.string.flatMap(IPv4Address.init)
    }

    /// "192.0.2.1" (a /32) or {"prefix": {"addr": "192.0.2.0", "len": 24}}; nil for sets, ranges and the rest.
    static func prefix(_ value: JSONValue) -> IPv4Prefix? {
        if let s = value.string { return IPv4Address(s).map { IPv4Prefix($0, 32) } }
        guard let p = value.object?["prefix"]?.object, let address = ipv4(p["addr"]),
              let length = p["len"]?.int, (0...32).contains(length) else { return nil }
        return IPv4Prefix(address, Int(length))
    }

    /// A port given as one number; nil for sets, ranges and out-of-range numbers.
    static func port(_ value: JSONValue?) -> UInt16? {
        value?.int.flatMap { UInt16(exactly: $0) }
    }
}

/// A chain, named by its table's family and name and its own name.
struct ChainKey: Hashable {
    var family: String, table: String, chain: String

    init(family: String, table: String, chain: String) {
        self.family = family
        self.table = table
        self.chain = chain
    }

    /// From a JSON "chain" object (`nameKey` "name") or "rule" object (`nameKey` "chain").
    init?(_ object: JSONObject, nameKey: String) {
        guard let family = object["family"]?.string, let table = object["table"]?.string,
              let chain = object[nameKey]?.string else { return nil }
        self.init(family: family, table: table, chain: chain)
    }
}
