import Addresses
import Kernel
import Localization
import NetlinkWire
import SafeText

/// Why a namespace of the exercise cannot be used.
/// One family of `Cause`; what each says about itself is below (messages `cause.<case>.finding` / `.fix`).
public enum NamespaceCause: Hashable, Sendable {
    case namespaceMissing(namespace: String)
    /// /run/netns/NS is there but is no namespace of its own: a FIFO, a link, a plain file, another kind of
    /// namespace, or the root namespace (or another of the exercise's) under this name.
    case namespaceUnusable(namespace: String, problem: NamespaceEntryProblem)
}

extension NamespaceCause {
    public var finding: Localized {
        switch self {
        case let .namespaceMissing(ns):
            return Localized(id: "cause.namespaceMissing.finding", ["namespace": ns])
        case let .namespaceUnusable(ns, problem):
            switch problem {
            case .symlink(let target):
                return Localized(id: "cause.namespaceUnusable.finding.symlink", ["namespace": ns, "target": target])
            case .notAFile(let kind):
                // The kinds Kernel names (`NetworkNamespace.fileKind`), each a message of its own.
                let id = switch kind {
                case "a FIFO": "cause.namespaceUnusable.finding.fifo"
                case "a directory": "cause.namespaceUnusable.finding.directory"
                case "a socket": "cause.namespaceUnusable.finding.socket"
                case "a device": "cause.namespaceUnusable.finding.device"
                default: "cause.namespaceUnusable.finding.otherFile"
                }
                return Localized(id: id, ["namespace": ns, "kind": kind])
            case .notANamespace:
                return Localized(id: "cause.namespaceUnusable.finding.plainFile", ["namespace": ns])
            case .otherNamespaceType:
                return Localized(id: "cause.namespaceUnusable.finding.otherType", ["namespace": ns])
            case .sameAsRoot:
                return Localized(id: "cause.namespaceUnusable.finding.root", ["namespace": ns])
            case .sameAs(let others):
                return Localized(id: "cause.namespaceUnusable.finding.same", ["namespace": ns, "others": Localized.list(others)])
            }
        }
    }

    public var fix: Localized {
        switch self {
        case let .namespaceMissing(ns):
            return Localized(id: "cause.namespaceMissing.fix", ["namespace": ns])
        case let .namespaceUnusable(ns, problem):
            if case .notAFile("a directory") = problem {
                return Localized(id: "cause.namespaceUnusable.fix.directory", ["namespace": ns])
            }
            return Localized(id: "cause.namespaceUnusable.fix", ["namespace": ns])
        }
    }
}
