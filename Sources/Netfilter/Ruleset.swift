import JSON
import NetlinkWire

/// One NAT rule of a network namespace's nftables ruleset, whether written with nft or with iptables-nft,
/// reduced to the matches and the action netcheck reasons about. A field is nil when the rule does not match
/// on it, or matches in a way not modelled here (negation, a set, a range).
public struct NATRule: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        case masquerade
        /// Source NAT to one address; nil for a range, a map or anything else not a single IPv4 address.
        case snat(to: IPv4Address?)
        /// Destination NAT to one address and, when given as a single number, one port.
        case dnat(to: IPv4Address?, port: UInt16?)
    }

    /// The table's family: "ip", "inet", "ip6", ...
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
    /// The rule as `nft list ruleset` prints it, without its counter and handle; empty when the text listing
    /// did not have the rule.
    public var text: String

    public init(family: String, table: String, chain: String, hook: String?, action: Action,
                outputInterface: String? = nil, inputInterface: String? = nil, source: IPv4Prefix? = nil,
                destination: IPv4Prefix? = nil, transportProtocol: String? = nil, destinationPort: UInt16? = nil,
                text: String) {
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

/// The NAT part of a network namespace's nftables ruleset.
public struct Ruleset: Equatable, Sendable {
    /// NAT rules in the order `nft` lists them (table by table, chain by chain).
    public var natRules: [NATRule]

    public init(natRules: [NATRule]) { self.natRules = natRules }

    /// Parses `nft -j list ruleset` output, completed by `nft -a list ruleset` text: iptables-nft rules show their
    /// target only as {"xt": {"type": "target", "name": "DNAT"}} in JSON, while the text form prints "dnat to 192.0.2.1"
    /// (the rule is found by its "# handle N" comment within its table/chain).
    ///
    /// Throws when `json` is not JSON or not an `{"nftables": [...]}` document; anything unknown inside it
    /// (objects, expressions, value shapes) is skipped.
    public static func parse(json: String, text: String) throws -> Ruleset {
        let document: JSONValue
        // nft's own output: a key twice keeps its last value, as json-c and nft read it.
        do { document = try JSON.parse(json, allowingDuplicateKeys: true) } catch {
            throw NetfilterError(.badJSON("\(error)"))
        }
        guard let items = document.object?["nftables"]?.array else {
            throw NetfilterError(.badJSON("not an {\"nftables\": [...]} document"))
        }
        let listing = RuleListing(text)
        var hooks: [ChainKey: String] = [:]
        var rules: [NATRule] = []
        for item in items {
            guard let object = item.object else { continue }
            if let chain = object["chain"]?.object {
                guard let key = ChainKey(chain, nameKey: "name"), let hook = chain["hook"]?.string else { continue }
                hooks[key] = hook
            } else if let rule = object["rule"]?.object, let key = ChainKey(rule, nameKey: "chain") {
                let handle = rule["handle"]?.int
                let text = handle.flatMap { listing.rules[RuleListing.Key(chain: key, handle: $0)] }
                if let nat = natRule(rule["expr"]?.array ?? [], key: key, text: text ?? "") {
                    rules.append(nat)
                }
            }
        }
        // Chains come before their rules in nft's listing, but look hooks up at the end regardless.
        for i in rules.indices {
            rules[i].hook = hooks[ChainKey(family: rules[i].family, table: rules[i].table, chain: rules[i].chain)]
        }
        return Ruleset(natRules: rules)
    }

    /// The NAT rule made of `expressions`, or nil when they hold no NAT action.
    static func natRule(_ expressions: [JSONValue], key: ChainKey, text: String) -> NATRule? {
        var rule = NATRule(family: key.family, table: key.table, chain: key.chain, hook: nil, action: .masquerade,
                           text: text)
        var action: NATRule.Action?
        for expression in expressions {
            guard let e = expression.object else { continue }
            if let match = e["match"]?.object {
                apply(match, to: &rule)
            } else if e["masquerade"] != nil {
                action = .masquerade
            } else if let snat = e["snat"] {
                action = .snat(to: ipv4(snat.object?["addr"]))
            } else if let dnat = e["dnat"] {
                action = .dnat(to: ipv4(dnat.object?["addr"]), port: port(dnat.object?["port"]))
            } else if let xt = e["xt"]?.object, xt["type"]?.string == "target", let name = xt["name"]?.string {
                action = xtAction(name, text: text) ?? action
            }
        }
        guard let action else { return nil }
        rule.action = action
        return rule
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
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { return (nil, nil) }   // an IPv6 address
            return (IPv4Address(String(parts[0])), parts.count == 2 ? UInt16(parts[1]) : nil)
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
