import Addresses
import Kernel
import Localization
import NetlinkWire
import SafeText

/// Why the DHCP server offers nothing (or the wrong address), or the client holds no lease (chapter 6).
/// One family of `Cause`; what each says about itself is below (messages `cause.<case>.finding` / `.fix`).
public enum DHCPCause: Hashable, Sendable {
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

extension DHCPCause {
    public var finding: Localized {
        switch self {
        case let .dhcpServerNotRunning(ns, _):
            return Localized(id: "cause.dhcpServerNotRunning.finding", ["namespace": ns])
        case let .dhcpServerSilent(ns, link, _):
            return Localized(id: "cause.dhcpServerSilent.finding", ["namespace": ns, "link": link])
        case let .dhcpRangeMismatch(offered, range, _):
            return Localized(id: "cause.dhcpRangeMismatch.finding", ["offered": offered, "range": range])
        case let .dhcpNoLease(ns, link, _):
            return Localized(id: "cause.dhcpNoLease.finding", ["namespace": ns, "link": link])
        case let .dhcpStaticAddress(ns, link, address, _):
            return Localized(id: "cause.dhcpStaticAddress.finding", ["namespace": ns, "link": link, "address": address])
        case let .dhcpLeaseOutOfRange(ns, link, address, range, _):
            return Localized(id: "cause.dhcpLeaseOutOfRange.finding", ["namespace": ns, "link": link, "address": address, "range": range])
        }
    }

    public var fix: Localized {
        switch self {
        case let .dhcpServerNotRunning(ns, command), let .dhcpServerSilent(ns, _, command):
            let start = command ?? inNamespace(ns, "dnsmasq --dhcp-range=FIRST,LAST,MASK --interface=IFACE --port 0 --no-resolv --no-daemon")
            return Localized(id: "cause.dhcpServer.fix", ["command": start])
        case let .dhcpRangeMismatch(_, range, command):
            guard let command else { return Localized(id: "cause.dhcpRangeMismatch.fix.noCommand", ["range": range]) }
            return Localized(id: "cause.dhcpRangeMismatch.fix", ["range": range, "command": command])
        case let .dhcpNoLease(ns, link, command):
            return Localized(id: "cause.dhcpNoLease.fix", ["command": command ?? inNamespace(ns, "dhclient \(link)")])
        case let .dhcpStaticAddress(ns, link, address, command):
            return Localized(id: "cause.dhcpStaticAddress.fix", ["delete": inNamespace(ns, "ip address del \(address) dev \(link)"),
                                                                 "client": command ?? inNamespace(ns, "dhclient \(link)")])
        case let .dhcpLeaseOutOfRange(ns, link, _, _, command):
            return Localized(id: "cause.dhcpLeaseOutOfRange.fix", ["release": inNamespace(ns, "dhclient -r \(link)"),
                                                                   "client": command ?? inNamespace(ns, "dhclient \(link)")])
        }
    }
}
