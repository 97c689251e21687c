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
        case .neighbourTableFull:
            return Localized(id: "cause.neighbourTableFull.fix", ["command": "sysctl -w net.ipv4.neigh.default.gc_thresh3=8192",
                                                                  "permanent": "ip neigh add ADDRESS lladdr MAC dev LINK nud permanent"])
        }
    }
}
