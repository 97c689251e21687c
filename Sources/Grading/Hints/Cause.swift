import NetlinkWire

/// Why something does not work, as far as netcheck could tell. Each cause knows what to say about itself and
/// the command from the book that fixes it (Hints/CauseText.swift).
public enum Cause: Hashable, Sendable {
    // Namespaces and links
    case namespaceMissing(namespace: String)
    case linkMissing(namespace: String, link: String, peer: Endpoint?)
    /// The interface exists, but in another namespace (`root` when it was never moved).
    case linkInOtherNamespace(link: String, expected: String, found: String)
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
}
