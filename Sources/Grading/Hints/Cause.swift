import Addresses
import Kernel
import NetlinkWire

/// Why something does not work, as far as netcheck could tell. Each family of causes lives with the checks that find
/// it (Checks/NAT/NATCauses.swift, Checks/Links/LinkCauses.swift, …): its cases, what each says it found, and the
/// command from the book that fixes it. Hints/CauseText.swift joins them into the hint.
public enum Cause: Hashable, Sendable {
    case namespace(NamespaceCause)
    case link(LinkCause)
    case address(AddressCause)
    case sysctl(SysctlCause)
    case route(RouteCause)
    case nat(NATCause)
    case dhcp(DHCPCause)
}

// The causes by name, as the checks write them: `.natMissing(namespace: …)` is `.nat(.natMissing(namespace: …))`.
extension Cause {
    public static func namespaceMissing(namespace: String) -> Cause { .namespace(.namespaceMissing(namespace: namespace)) }
    public static func namespaceUnusable(namespace: String, problem: NamespaceEntryProblem) -> Cause { .namespace(.namespaceUnusable(namespace: namespace, problem: problem)) }
    public static func linkMissing(namespace: String, link: String, peer: Endpoint?, kind: String? = nil) -> Cause { .link(.linkMissing(namespace: namespace, link: link, peer: peer, kind: kind)) }
    public static func linkInOtherNamespace(link: String, expected: String, found: String) -> Cause { .link(.linkInOtherNamespace(link: link, expected: expected, found: found)) }
    public static func linkCannotMove(link: String, kind: String, expected: String, found: String) -> Cause { .link(.linkCannotMove(link: link, kind: kind, expected: expected, found: found)) }
    public static func linkWrongKind(namespace: String, link: String, expected: String, found: String) -> Cause { .link(.linkWrongKind(namespace: namespace, link: link, expected: expected, found: found)) }
    public static func linkDown(namespace: String, link: String) -> Cause { .link(.linkDown(namespace: namespace, link: link)) }
    public static func notPort(namespace: String, link: String, master: String, found: String?) -> Cause { .link(.notPort(namespace: namespace, link: link, master: master, found: found)) }
    public static func macMismatch(namespace: String, link: String, expected: MACAddress, found: MACAddress?) -> Cause { .link(.macMismatch(namespace: namespace, link: link, expected: expected, found: found)) }
    public static func peerMismatch(link: Endpoint, expected: Endpoint, found: Endpoint?) -> Cause { .link(.peerMismatch(link: link, expected: expected, found: found)) }
    public static func leftoverPeer(link: Endpoint, peer: Endpoint) -> Cause { .link(.leftoverPeer(link: link, peer: peer)) }
    public static func peerDown(namespace: String, link: String, peer: Endpoint?) -> Cause { .link(.peerDown(namespace: namespace, link: link, peer: peer)) }
    public static func addressMissing(namespace: String, link: String, address: IPv4Prefix) -> Cause { .address(.addressMissing(namespace: namespace, link: link, address: address)) }
    public static func addressWrong(namespace: String, link: String, expected: IPv4Prefix, found: [IPv4Prefix]) -> Cause { .address(.addressWrong(namespace: namespace, link: link, expected: expected, found: found)) }
    public static func addressOnOtherLink(namespace: String, expectedLink: String, foundLink: String, address: IPv4Prefix) -> Cause { .address(.addressOnOtherLink(namespace: namespace, expectedLink: expectedLink, foundLink: foundLink, address: address)) }
    public static func destinationUnowned(address: IPv4Address) -> Cause { .address(.destinationUnowned(address: address)) }
    public static func sysctlWrong(namespace: String, key: String, expected: String, found: String?) -> Cause { .sysctl(.sysctlWrong(namespace: namespace, key: key, expected: expected, found: found)) }
    public static func forwardingOff(namespace: String) -> Cause { .sysctl(.forwardingOff(namespace: namespace)) }
    public static func neighbourTableFull(limit: String?) -> Cause { .sysctl(.neighbourTableFull(limit: limit)) }
    public static func forwardDropped(namespace: String, chain: String, legacy: Bool = false, command: String = "iptables -P FORWARD ACCEPT") -> Cause { .sysctl(.forwardDropped(namespace: namespace, chain: chain, legacy: legacy, command: command)) }
    public static func forwardRuleDropped(namespace: String, rule: String, chain: String, legacy: Bool, command: String?) -> Cause { .sysctl(.forwardRuleDropped(namespace: namespace, rule: rule, chain: chain, legacy: legacy, command: command)) }
    public static func bridgeFiltered(namespace: String, bridge: String, chain: String, command: String = "iptables -P FORWARD ACCEPT") -> Cause { .sysctl(.bridgeFiltered(namespace: namespace, bridge: bridge, chain: chain, command: command)) }
    public static func noRoute(namespace: String, to: IPv4Address, command: String?) -> Cause { .route(.noRoute(namespace: namespace, to: to, command: command)) }
    public static func noRouteBack(namespace: String, to: IPv4Address, command: String?) -> Cause { .route(.noRouteBack(namespace: namespace, to: to, command: command)) }
    public static func wrongGateway(namespace: String, to: IPv4Address, expected: IPv4Address?, found: IPv4Address?, route: String?, command: String?) -> Cause { .route(.wrongGateway(namespace: namespace, to: to, expected: expected, found: found, route: route, command: command)) }
    public static func gatewayUnowned(namespace: String, gateway: IPv4Address, route: String?, command: String?) -> Cause { .route(.gatewayUnowned(namespace: namespace, gateway: gateway, route: route, command: command)) }
    public static func natMissing(namespace: String, kind: String, command: String?) -> Cause { .nat(.natMissing(namespace: namespace, kind: kind, command: command)) }
    public static func natWrongInterface(namespace: String, rule: String, found: String, expected: String, command: String?, legacy: Bool = false) -> Cause { .nat(.natWrongInterface(namespace: namespace, rule: rule, found: found, expected: expected, command: command, legacy: legacy)) }
    public static func natWrongChain(namespace: String, rule: String, found: String, expected: String, command: String?, legacy: Bool = false) -> Cause { .nat(.natWrongChain(namespace: namespace, rule: rule, found: found, expected: expected, command: command, legacy: legacy)) }
    public static func natWrongMatch(namespace: String, rule: String, what: Localized, command: String?, legacy: Bool = false) -> Cause { .nat(.natWrongMatch(namespace: namespace, rule: rule, what: what, command: command, legacy: legacy)) }
    public static func natWrongTarget(namespace: String, rule: String?, found: String, expected: String, command: String?, legacy: Bool = false) -> Cause { .nat(.natWrongTarget(namespace: namespace, rule: rule, found: found, expected: expected, command: command, legacy: legacy)) }
    public static func natNotApplied(namespace: String, rules: [String], command: String?, legacy: Bool = false) -> Cause { .nat(.natNotApplied(namespace: namespace, rules: rules, command: command, legacy: legacy)) }
    public static func natDiagnosisCutShort(namespace: String, rulesRead: Int, deadline: Bool, tooLarge: Int, limit: Int?, command: String?) -> Cause { .nat(.natDiagnosisCutShort(namespace: namespace, rulesRead: rulesRead, deadline: deadline, tooLarge: tooLarge, limit: limit, command: command)) }
    public static func dhcpServerNotRunning(namespace: String, command: String?) -> Cause { .dhcp(.dhcpServerNotRunning(namespace: namespace, command: command)) }
    public static func dhcpServerSilent(namespace: String, link: String, command: String?) -> Cause { .dhcp(.dhcpServerSilent(namespace: namespace, link: link, command: command)) }
    public static func dhcpRangeMismatch(offered: IPv4Address, range: String, command: String?) -> Cause { .dhcp(.dhcpRangeMismatch(offered: offered, range: range, command: command)) }
    public static func dhcpNoLease(namespace: String, link: String, command: String?) -> Cause { .dhcp(.dhcpNoLease(namespace: namespace, link: link, command: command)) }
    public static func dhcpStaticAddress(namespace: String, link: String, address: IPv4Prefix, command: String?) -> Cause { .dhcp(.dhcpStaticAddress(namespace: namespace, link: link, address: address, command: command)) }
    public static func dhcpLeaseOutOfRange(namespace: String, link: String, address: IPv4Prefix, range: String, command: String?) -> Cause { .dhcp(.dhcpLeaseOutOfRange(namespace: namespace, link: link, address: address, range: range, command: command)) }
}
