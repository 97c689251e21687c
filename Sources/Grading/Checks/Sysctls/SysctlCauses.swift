import Addresses
import Kernel
import Localization
import NetlinkWire
import SafeText

/// A kernel setting with the wrong value (a router that does not forward).
/// One family of `Cause`; what each says about itself is below (messages `cause.<case>.finding` / `.fix`).
public enum SysctlCause: Hashable, Sendable {
    case sysctlWrong(namespace: String, key: String, expected: String, found: String?)
    case forwardingOff(namespace: String)
    /// The router forwards (ip_forward=1) but its filter table's FORWARD chain drops what no rule accepts
    /// (`iptables -P FORWARD DROP`, as Docker and ufw leave a host); `chain`: "family table chain" as nft lists it,
    /// "table chain" for iptables-legacy's (`legacy`); `command` sets its policy to accept.
    case forwardDropped(namespace: String, chain: String, legacy: Bool, command: String)
    /// The router forwards, but a rule of a chain on the forward hook drops or rejects the packet (`iptables -A
    /// FORWARD -j DROP`); `rule` as its backend lists it, `chain` as in `forwardDropped`; `command` deletes it
    /// (nil: an nft rule whose handle netcheck did not read).
    case forwardRuleDropped(namespace: String, rule: String, chain: String, legacy: Bool, command: String?)
    /// br_netfilter hands the frames `bridge` carries to iptables (net.bridge.bridge-nf-call-iptables=1 in
    /// `namespace`), and that namespace's FORWARD chain drops them by policy: the first edition's chapter 4 bridge in
    /// the root namespace of a Docker host. `command` sets the policy to accept.
    case bridgeFiltered(namespace: String, bridge: String, chain: String, command: String)
    /// The kernel's IPv4 neighbour table, which all namespaces share, is full: it holds
    /// net.ipv4.neigh.default.gc_thresh3 dynamic entries (`limit`, as read from the root namespace), and a ping
    /// that needs one more cannot be sent ("No buffer space available"), nor its reply.
    case neighbourTableFull(limit: String?)
}

extension SysctlCause {
    public var finding: Localized {
        switch self {
        case let .sysctlWrong(ns, key, _, found):
            if let found {
                return Localized(id: "cause.sysctlWrong.finding", ["namespace": ns, "key": key, "found": found])
            }
            return Localized(id: "cause.sysctlWrong.finding.none", ["namespace": ns, "key": key])
        case let .forwardingOff(ns):
            return Localized(id: "cause.forwardingOff.finding", ["namespace": ns])
        case let .forwardDropped(ns, chain, legacy, _):
            return Localized(id: legacy ? "cause.forwardDropped.finding.legacy" : "cause.forwardDropped.finding",
                             ["namespace": ns, "chain": Cause.quoted(name: chain)])
        case let .forwardRuleDropped(ns, rule, chain, legacy, _):
            return Localized(id: legacy ? "cause.forwardRuleDropped.finding.legacy" : "cause.forwardRuleDropped.finding",
                             ["namespace": ns, "rule": Cause.quoted(rule), "chain": Cause.quoted(name: chain)])
        case let .bridgeFiltered(ns, bridge, chain, _):
            return Localized(id: "cause.bridgeFiltered.finding", ["namespace": ns, "bridge": bridge, "chain": Cause.quoted(name: chain)])
        case let .neighbourTableFull(limit?):
            return Localized(id: "cause.neighbourTableFull.finding", ["limit": limit])
        case .neighbourTableFull(nil):
            return Localized(id: "cause.neighbourTableFull.finding.unknown")
        }
    }

    public var fix: Localized {
        switch self {
        case let .sysctlWrong(ns, key, expected, _):
            return Localized(id: "cause.sysctlWrong.fix", ["command": inNamespace(ns, "sysctl \(key)=\(expected)")])
        case let .forwardingOff(ns):
            return Localized(id: "cause.forwardingOff.fix", ["command": inNamespace(ns, "sysctl net.ipv4.ip_forward=1")])
        case let .forwardDropped(ns, _, legacy, command):
            return Localized(id: legacy ? "cause.forwardDropped.fix.legacy" : "cause.forwardDropped.fix",
                             ["command": inNamespace(ns, command), "list": Self.listing(ns, legacy: legacy)])
        case let .forwardRuleDropped(ns, _, chain, legacy, command):
            guard let command else {
                guard legacy else {
                    return Localized(id: "cause.forwardRuleDropped.fix.noCommand", ["list": inNamespace(ns, "nft -a list ruleset")])
                }
                // "filter FORWARD": the rule by its number in its chain.
                let words = chain.split(separator: " ", maxSplits: 1).map(String.init)
                let table = words.first.map { $0 == "filter" ? "" : "-t \($0) " } ?? ""
                let name = words.count == 2 ? words[1] : "FORWARD"
                return Localized(id: "cause.forwardRuleDropped.fix.noCommand.legacy",
                                 ["list": inNamespace(ns, "iptables \(table)-L \(name) --line-numbers -n -v"),
                                  "delete": inNamespace(ns, "iptables \(table)-D \(name) NUMBER")])
            }
            return Localized(id: legacy ? "cause.forwardRuleDropped.fix.legacy" : "cause.forwardRuleDropped.fix",
                             ["command": inNamespace(ns, command), "list": Self.listing(ns, legacy: legacy)])
        case let .bridgeFiltered(ns, _, _, command):
            return Localized(id: "cause.bridgeFiltered.fix", ["command": inNamespace(ns, command),
                                                              "sysctl": inNamespace(ns, "sysctl net.bridge.bridge-nf-call-iptables=0")])
        case .neighbourTableFull:
            return Localized(id: "cause.neighbourTableFull.fix", ["command": "sysctl -w net.ipv4.neigh.default.gc_thresh3=8192",
                                                                  "permanent": "ip neigh add ADDRESS lladdr MAC dev LINK nud permanent"])
        }
    }
}

extension SysctlCause {
    /// The command that lists the forward chains netcheck read: iptables-legacy's tables, or nft's ruleset.
    static func listing(_ ns: String, legacy: Bool) -> String {
        inNamespace(ns, legacy ? "iptables-legacy-save" : "nft -a list ruleset")
    }
}
