import Addresses
import Kernel
import NetlinkWire

/// Why something does not work, as far as netcheck could tell. Each cause knows what to say about itself and
/// the command from the book that fixes it (Hints/CauseText.swift).
public enum Cause: Hashable, Sendable {
    // Namespaces and links
    case namespaceMissing(namespace: String)
    /// /run/netns/NS is there but is no namespace of its own: a FIFO, a link, a plain file, another kind of
    /// namespace, or the root namespace (or another of the exercise's) under this name.
    case namespaceUnusable(namespace: String, problem: NamespaceEntryProblem)
    /// `kind`: what the exercise declares it as (a bridge is created where it belongs, a veth end moved there).
    case linkMissing(namespace: String, link: String, peer: Endpoint?, kind: String? = nil)
    /// The interface exists, but in another namespace (`root` when it was never moved).
    case linkInOtherNamespace(link: String, expected: String, found: String)
    /// The same, for a device that cannot change namespace (`kind`: "bridge", "loopback", … see
    /// `Cause.netnsLocalKind`): it must be deleted there and created again where it belongs.
    case linkCannotMove(link: String, kind: String, expected: String, found: String)
    case linkWrongKind(namespace: String, link: String, expected: String, found: String)
    case linkDown(namespace: String, link: String)
    /// Not a port of the bridge it should be on (`found`: the bridge it is on, if any).
    case notPort(namespace: String, link: String, master: String, found: String?)
    case macMismatch(namespace: String, link: String, expected: MACAddress, found: MACAddress?)
    /// The veth's other end is not the expected interface (`found` nil: not a veth at all or peer unknown).
    case peerMismatch(link: Endpoint, expected: Endpoint, found: Endpoint?)
    // Addresses
    case addressMissing(namespace: String, link: String, address: IPv4Prefix)
    /// The link carries other addresses (a typo, or the wrong prefix length).
    case addressWrong(namespace: String, link: String, expected: IPv4Prefix, found: [IPv4Prefix])
    case addressOnOtherLink(namespace: String, expectedLink: String, foundLink: String, address: IPv4Prefix)
    // Sysctls and routes
    case sysctlWrong(namespace: String, key: String, expected: String, found: String?)
    /// No route: the kernel says "Network is unreachable". `command` is the book's command when known.
    case noRoute(namespace: String, to: IPv4Address, command: String?)
    /// The reply has no way home: `namespace` lacks a route back to `to`.
    case noRouteBack(namespace: String, to: IPv4Address, command: String?)
    case wrongGateway(namespace: String, to: IPv4Address, expected: IPv4Address?, found: IPv4Address?, route: String?, command: String?)
    /// A route points at a gateway address that no namespace has.
    case gatewayUnowned(namespace: String, gateway: IPv4Address, route: String?, command: String?)
    case forwardingOff(namespace: String)
    /// The destination address is configured nowhere.
    case destinationUnowned(address: IPv4Address)
    /// The outgoing link has no carrier: its peer is down.
    case peerDown(namespace: String, link: String, peer: Endpoint?)
    // NAT (chapter 7): `rule` is the offending rule as `nft list ruleset` prints it; `command` the book's rule.
    /// No rule of that kind (snat: MASQUERADE/SNAT; dnat: DNAT) in the namespace's ruleset.
    case natMissing(namespace: String, kind: String, command: String?)
    /// A source NAT rule limited to the wrong output interface (`-o gw-veth0` instead of gw-veth1).
    case natWrongInterface(namespace: String, rule: String, found: String, expected: String, command: String?)
    /// The rule is in a chain of the wrong hook (DNAT in OUTPUT instead of PREROUTING, SNAT in INPUT …).
    case natWrongChain(namespace: String, rule: String, found: String, expected: String, command: String?)
    /// The rule matches other packets than the probe: `what` says which part ("destination 203.0.113.1 is not …").
    case natWrongMatch(namespace: String, rule: String, what: Localized, command: String?)
    /// The rule translates to another address (or port) than the exercise's.
    case natWrongTarget(namespace: String, rule: String?, found: String, expected: String, command: String?)
    /// Rules look right but the probe was not translated (`ruleset` lists them).
    case natNotApplied(namespace: String, rules: [String], command: String?)
    /// netcheck did not read the whole ruleset and found nothing wrong in what it read: `rulesRead` rules before
    /// the run's deadline stopped nft (`deadline`), `tooLarge` rules too large to read, or the first `limit` NAT
    /// rules only. The diagnosis is cut short.
    case natDiagnosisCutShort(namespace: String, rulesRead: Int, deadline: Bool, tooLarge: Int, limit: Int?, command: String?)
    // DHCP (chapter 6)
    /// No process serves DHCP (UDP port 67) in the server namespace.
    case dhcpServerNotRunning(namespace: String, command: String?)
    /// Something listens on port 67 but does not answer on this segment (wrong --interface, or a range outside it).
    case dhcpServerSilent(namespace: String, link: String, command: String?)
    /// The offer is outside the exercise's range.
    case dhcpRangeMismatch(offered: IPv4Address, range: String, command: String?)
    /// The client's interface has no IPv4 address: dhclient never ran (or failed).
    case dhcpNoLease(namespace: String, link: String, command: String?)
    /// The client's address never expires: typed by hand, not leased.
    case dhcpStaticAddress(namespace: String, link: String, address: IPv4Prefix, command: String?)
    /// A leased address outside the range.
    case dhcpLeaseOutOfRange(namespace: String, link: String, address: IPv4Prefix, range: String, command: String?)
}
