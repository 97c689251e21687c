import Addresses
import Kernel
import Localization
import NetlinkWire
import SafeText

/// Why a translation did not happen (chapter 7): `rule` is the offending rule as `nft list ruleset` prints it, or
/// as `iptables-legacy-save` does when `legacy` (the rule is in iptables-legacy's tables, which nft does not list);
/// `command` the book's rule.
/// One family of `Cause`; what each says about itself is below (messages `cause.<case>.finding` / `.fix`).
public enum NATCause: Hashable, Sendable {
    /// No rule of that kind (snat: MASQUERADE/SNAT; dnat: DNAT) in the namespace's ruleset.
    case natMissing(namespace: String, kind: String, command: String?)
    /// A source NAT rule limited to the wrong output interface (`-o gw-veth0` instead of gw-veth1).
    case natWrongInterface(namespace: String, rule: String, found: String, expected: String, command: String?, legacy: Bool = false)
    /// The rule is in a chain of the wrong hook (DNAT in OUTPUT instead of PREROUTING, SNAT in INPUT …).
    case natWrongChain(namespace: String, rule: String, found: String, expected: String, command: String?, legacy: Bool = false)
    /// The rule matches other packets than the probe: `what` says which part ("destination 203.0.113.1 is not …").
    case natWrongMatch(namespace: String, rule: String, what: Localized, command: String?, legacy: Bool = false)
    /// The rule translates to another address (or port) than the exercise's.
    case natWrongTarget(namespace: String, rule: String?, found: String, expected: String, command: String?, legacy: Bool = false)
    /// Rules look right but the probe was not translated (`rules` lists them; `legacy`: all in iptables-legacy).
    case natNotApplied(namespace: String, rules: [String], command: String?, legacy: Bool = false)
    /// netcheck did not read the whole ruleset and found nothing wrong in what it read: `rulesRead` rules before
    /// the run's deadline stopped nft (`deadline`), `tooLarge` rules too large to read, or the first `limit` NAT
    /// rules only. The diagnosis is cut short.
    case natDiagnosisCutShort(namespace: String, rulesRead: Int, deadline: Bool, tooLarge: Int, limit: Int?, command: String?)
}

extension NATCause {
    public var finding: Localized {
        switch self {
        case let .natMissing(ns, kind, _):
            return Localized(id: kind == "dnat" ? "cause.natMissing.finding.dnat" : "cause.natMissing.finding.snat", ["namespace": ns])
        case let .natWrongInterface(ns, rule, found, expected, _, legacy):
            return Localized(id: legacy ? "cause.natWrongInterface.finding.legacy" : "cause.natWrongInterface.finding",
                             ["namespace": ns, "rule": Cause.quoted(rule), "found": Cause.quoted(name: found), "expected": expected])
        case let .natWrongChain(ns, rule, found, expected, _, legacy):
            return Localized(id: legacy ? "cause.natWrongChain.finding.legacy" : "cause.natWrongChain.finding",
                             ["namespace": ns, "rule": Cause.quoted(rule), "found": Cause.quoted(name: found), "expected": expected])
        case let .natWrongMatch(ns, rule, what, _, legacy):
            return Localized(id: legacy ? "cause.natWrongMatch.finding.legacy" : "cause.natWrongMatch.finding", ["namespace": ns, "rule": Cause.quoted(rule), "what": what])
        case let .natWrongTarget(ns, rule, found, expected, _, legacy):
            if let rule {
                return Localized(id: legacy ? "cause.natWrongTarget.finding.rule.legacy" : "cause.natWrongTarget.finding.rule",
                                 ["namespace": ns, "found": found, "expected": expected, "rule": Cause.quoted(rule)])
            }
            return Localized(id: "cause.natWrongTarget.finding", ["namespace": ns, "found": found, "expected": expected])
        case let .natNotApplied(ns, rules, _, legacy):
            guard !rules.isEmpty else { return Localized(id: "cause.natNotApplied.finding.none", ["namespace": ns]) }
            // The first few only, each cut: a ruleset of thousands of rules would make a hint of megabytes.
            let shown = Localized.list(rules.prefix(Cause.rulesShown).map { "`\(Cause.quoted($0))`" })
            let more = rules.count - min(rules.count, Cause.rulesShown)
            let list = more > 0 ? Localized(id: "cause.natNotApplied.more", ["rules": shown, "more": more]) : shown
            return Localized(id: legacy ? "cause.natNotApplied.finding.legacy" : "cause.natNotApplied.finding", ["namespace": ns, "rules": list])
        case let .natDiagnosisCutShort(ns, read, deadline, tooLarge, limit, _):
            let unread = Cause.unreadRules(ns, rulesRead: read, deadline: deadline, tooLarge: tooLarge, limit: limit)
            return Localized(id: read > 0 ? "cause.natDiagnosisCutShort.finding" : "cause.natDiagnosisCutShort.finding.nothingRead",
                             ["unread": unread])
        }
    }

    public var fix: Localized {
        switch self {
        case let .natMissing(ns, kind, command):
            guard let command else {
                return Localized(id: "cause.natMissing.fix.noCommand",
                                 ["target": kind == "dnat" ? "DNAT" : "MASQUERADE", "listing": inNamespace(ns, "iptables -t nat -L -n -v")])
            }
            return Localized(id: "cause.natMissing.fix", ["command": command])
        case let .natWrongInterface(ns, _, _, _, command, legacy), let .natWrongChain(ns, _, _, _, command, legacy),
             let .natWrongMatch(ns, _, _, command, legacy), let .natWrongTarget(ns, _, _, _, command, legacy),
             let .natNotApplied(ns, _, command, legacy):
            var arguments: [String: any MessageArgument] = ["listing": inNamespace(ns, "iptables -t nat -L --line-numbers -n -v"),
                                                            "delete": inNamespace(ns, "iptables -t nat -D CHAIN NUMBER")]
            if let command { arguments["command"] = command }
            // A legacy rule is listed and deleted with the same iptables commands: those of the book, where
            // `iptables` is iptables-legacy (Ubuntu 20.04); the hint says what to run where it is not.
            return Localized(id: command == nil ? (legacy ? "cause.natWrongRule.fix.noCommand.legacy" : "cause.natWrongRule.fix.noCommand")
                                          : (legacy ? "cause.natWrongRule.fix.legacy" : "cause.natWrongRule.fix"),
                             arguments)
        case let .natDiagnosisCutShort(ns, _, _, _, _, command):
            let listing = inNamespace(ns, "nft -a list ruleset")
            guard let command else { return Localized(id: "cause.natDiagnosisCutShort.fix.noCommand", ["listing": listing]) }
            return Localized(id: "cause.natDiagnosisCutShort.fix", ["listing": listing, "command": command])
        }
    }
}
