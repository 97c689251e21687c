import SafeText
import Kernel
import Localization
import NetlinkWire
import Report

/// The command to run in a namespace, as the book writes it.
func inNamespace(_ namespace: String, _ command: String) -> String {
    namespace == "root" ? command : "ip netns exec \(namespace) \(command)"
}

extension Cause {
    /// What netcheck found, as a plain statement of fact (messages `cause.<case>.finding`).
    public var finding: Localized {
        switch self {
        case .namespace(let cause): return cause.finding
        case .link(let cause): return cause.finding
        case .address(let cause): return cause.finding
        case .sysctl(let cause): return cause.finding
        case .route(let cause): return cause.finding
        case .nat(let cause): return cause.finding
        case .dhcp(let cause): return cause.finding
        }
    }

    /// A learner's nft rule as a finding quotes it, cut: a rule may hold a set of thousands of addresses, its
    /// comment any text (escaping is the printers' job, `TerminalText`).
    static func quoted(_ rule: String) -> String { TerminalText.excerpt(rule, limit: 200) }
    /// A chain or interface name from the learner's ruleset, cut like a page title.
    static func quoted(name: String) -> String { TerminalText.excerpt(name, limit: 120) }

    /// What to do about it, naming the book's command (messages `cause.<case>.fix`).
    public var fix: Localized {
        switch self {
        case .namespace(let cause): return cause.fix
        case .link(let cause): return cause.fix
        case .address(let cause): return cause.fix
        case .sysctl(let cause): return cause.fix
        case .route(let cause): return cause.fix
        case .nat(let cause): return cause.fix
        case .dhcp(let cause): return cause.fix
        }
    }

    /// How the kernel's devices that cannot change namespace (NETIF_F_NETNS_LOCAL, `netns-local: on [fixed]` in
    /// `ethtool -k`) are named by IFLA_INFO_KIND; `ip link set NAME netns NS` refuses them ("Invalid argument").
    static let netnsLocalKinds: Set<String> = ["bridge", "bond", "team", "vrf", "openvswitch"]
    /// The kind netcheck gives the loopback device, which has no IFLA_INFO_KIND.
    static let loopbackKind = "loopback"

    /// The kind of a device found in some namespace when it cannot be moved out of it, nil when it can.
    static func netnsLocalKind(of link: Link) -> String? {
        if link.isLoopback { return loopbackKind }
        return link.kind.flatMap { netnsLocalKinds.contains($0) ? $0 : nil }
    }

    /// The book's command that creates a device of `kind` in `namespace` (`ip netns exec bridge ip link add dev br0
    /// type bridge`, or without `ip netns exec` in the root namespace).
    static func createCommand(link: String, kind: String, in namespace: String) -> String {
        inNamespace(namespace, "ip link add dev \(link) type \(kind)")
    }

    /// Moves an interface from namespace `from` to namespace `to`. The root namespace has no name under
    /// /run/netns (`netns root` is refused): an interface goes back there as `netns $$`, the namespace of the
    /// learner's shell. Not `netns 1`: inside a sandbox (`netcheck demo --then`) process 1 is the host's.
    static func moveCommand(link: String, from: String, to: String) -> String {
        inNamespace(from, "ip link set \(link) netns \(to == "root" ? "$$" : to)")
    }

    /// How many rules a hint lists.
    static let rulesShown = 3

    /// What of a ruleset netcheck did not read, and why (see `natDiagnosisCutShort`).
    static func unreadRules(_ ns: String, rulesRead read: Int, deadline: Bool, tooLarge: Int, limit: Int?) -> Localized {
        var parts: [Localized] = []
        if deadline {
            parts.append(read == 0 ? Localized(id: "nat.unread.deadline.none", ["namespace": ns])
                                   : Localized(id: "nat.unread.deadline", ["namespace": ns, "read": read]))
        }
        if let limit { parts.append(Localized(id: "nat.unread.limit", ["namespace": ns, "limit": limit])) }
        if tooLarge > 0 { parts.append(Localized(id: "nat.unread.tooLarge", ["namespace": ns, "count": tooLarge])) }
        return Localized.join(parts, by: .clauses)
    }

    /// Deleting a device that cannot be moved where it is, then creating it where it belongs.
    static func recreateCommands(link: String, kind: String, from: String, to: String) -> [String] {
        [inNamespace(from, "ip link del \(link)"), createCommand(link: link, kind: kind, in: to)]
    }

    /// The whole hint: the finding, then the fix.
    public var hint: Localized {
        Localized(id: "cause.hint", ["finding": finding, "fix": fix])
    }
}
