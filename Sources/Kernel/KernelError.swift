import Glibc

/// A failed system call, named by the operation, the namespace and the interface it concerned.
public struct KernelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What netcheck was doing, in the terms of the C call or the `ip` command it mirrors ("setns", "RTM_GETLINK dump").
    public var operation: String
    /// The network namespace (its /run/netns name), when it matters.
    public var namespace: String?
    /// errno as returned by the kernel (positive).
    public var errno: Int32
    /// When an entry of /run/netns is there but is not a network namespace netcheck may enter: what it is.
    public var entry: NamespaceEntryProblem?

    public init(_ operation: String, namespace: String? = nil, errno: Int32, entry: NamespaceEntryProblem? = nil) {
        self.operation = operation
        self.namespace = namespace
        self.errno = errno
        self.entry = entry
    }

    public var description: String {
        let ns = namespace.map { " in namespace \($0)" } ?? ""
        if let entry { return "\(operation)\(ns): \(entry)" }
        return "\(operation)\(ns): \(String(cString: strerror(errno)))"
    }
}

/// An entry of /run/netns that `ip netns add` did not make: netcheck reports it and never waits on it (a FIFO would
/// block an open(2) for reading), never follows it (a symbolic link can point anywhere, /proc/$$/ns/net included).
public enum NamespaceEntryProblem: Hashable, Sendable, CustomStringConvertible {
    /// A symbolic link (`ln -s`), with where it points.
    case symlink(target: String)
    /// Not a regular file: "a FIFO", "a directory", "a socket", "a device".
    case notAFile(kind: String)
    /// A regular file, but not a namespace (an empty file left by an interrupted `ip netns add`, or one made by hand).
    case notANamespace
    /// A namespace file, but of another kind of namespace (a mount or PID namespace bind-mounted there).
    case otherNamespaceType
    /// The namespace netcheck itself runs in (the root namespace) under another name.
    case sameAsRoot
    /// The same namespace as other names of the exercise (one namespace bind-mounted under two names).
    case sameAs([String])

    public var description: String {
        switch self {
        case .symlink(let target): return "a symbolic link to \(target), not a namespace made by ip netns add"
        case .notAFile(let kind): return "\(kind), not a namespace"
        case .notANamespace: return "a plain file, not a namespace"
        case .otherNamespaceType: return "a namespace, but not a network namespace"
        case .sameAsRoot: return "the root namespace itself, not a namespace of its own"
        case .sameAs(let others): return "the same namespace as \(others.joined(separator: ", "))"
        }
    }
}
