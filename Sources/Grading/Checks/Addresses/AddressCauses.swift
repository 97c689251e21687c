import Addresses
import Kernel
import Localization
import NetlinkWire
import SafeText

/// Why an address is not where the exercise puts it (or nowhere at all).
/// One family of `Cause`; what each says about itself is below (messages `cause.<case>.finding` / `.fix`).
public enum AddressCause: Hashable, Sendable {
    case addressMissing(namespace: String, link: String, address: IPv4Prefix)
    /// The link carries other addresses (a typo, or the wrong prefix length).
    case addressWrong(namespace: String, link: String, expected: IPv4Prefix, found: [IPv4Prefix])
    case addressOnOtherLink(namespace: String, expectedLink: String, foundLink: String, address: IPv4Prefix)
    /// The destination address is configured nowhere.
    case destinationUnowned(address: IPv4Address)
}

extension AddressCause {
    public var finding: Localized {
        switch self {
        case let .addressMissing(ns, link, address):
            return Localized(id: "cause.addressMissing.finding", ["namespace": ns, "link": link, "address": address])
        case let .addressWrong(ns, link, expected, found):
            return Localized(id: "cause.addressWrong.finding",
                             ["namespace": ns, "link": link, "expected": expected, "found": Localized.list(found.map(\.description))])
        case let .addressOnOtherLink(ns, expectedLink, foundLink, address):
            return Localized(id: "cause.addressOnOtherLink.finding",
                             ["namespace": ns, "expectedLink": expectedLink, "foundLink": foundLink, "address": address])
        case let .destinationUnowned(address):
            return Localized(id: "cause.destinationUnowned.finding", ["address": address])
        }
    }

    public var fix: Localized {
        switch self {
        case let .addressMissing(ns, link, address):
            return Localized(id: "cause.addressMissing.fix", ["command": inNamespace(ns, "ip address add \(address) dev \(link)")])
        case let .addressWrong(ns, link, expected, found):
            let delete = Localized.list(found.map { "`\(inNamespace(ns, "ip address del \($0) dev \(link)"))`" })
            return Localized(id: "cause.addressWrong.fix", ["delete": delete, "add": inNamespace(ns, "ip address add \(expected) dev \(link)")])
        case let .addressOnOtherLink(ns, expectedLink, foundLink, address):
            return Localized(id: "cause.addressOnOtherLink.fix", ["delete": inNamespace(ns, "ip address del \(address) dev \(foundLink)"),
                                                                  "add": inNamespace(ns, "ip address add \(address) dev \(expectedLink)")])
        case let .destinationUnowned(address):
            return Localized(id: "cause.destinationUnowned.fix", ["address": address])
        }
    }
}
