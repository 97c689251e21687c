import Glibc

/// A failed system call, named by the operation, the namespace and the interface it concerned.
public struct KernelError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What netcheck was doing, in the terms of the C call or the `ip` command it mirrors ("setns", "RTM_GETLINK dump").
    public var operation: String
    /// The network namespace (its /run/netns name), when it matters.
    public var namespace: String?
    /// errno as returned by the kernel (positive).
    public var errno: Int32

    public init(_ operation: String, namespace: String? = nil, errno: Int32) {
        self.operation = operation
        self.namespace = namespace
        self.errno = errno
    }

    public var description: String {
        let ns = namespace.map { " in namespace \($0)" } ?? ""
        return "\(operation)\(ns): \(String(cString: strerror(errno)))"
    }
}
