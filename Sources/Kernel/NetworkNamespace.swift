import CNetlink
import Glibc

/// A network namespace, held open by a file descriptor (`/run/netns/NAME` as `ip netns add` creates it,
/// or `/proc/thread-self/ns/net` for the one netcheck was started in).
///
/// `run(_:)` is the one place in netcheck that calls `setns(2)`. It changes the namespace of the calling
/// thread only, so the body must be synchronous (no `await`): sockets and files opened in the body stay bound
/// to this namespace after the thread has switched back.
public final class NetworkNamespace: @unchecked Sendable, CustomStringConvertible {
    /// The name under /run/netns, or nil for the namespace netcheck runs in (the learner's "root" namespace).
    public let name: String?
    /// Device and inode of the nsfs file: two handles on the same namespace compare equal.
    public let identity: Identity
    let fd: Int32

    public struct Identity: Hashable, Sendable { public var device: UInt64; public var inode: UInt64 }

    /// The directory `ip netns` keeps its names in.
    public static let directory = "/run/netns"

    init(fd: Int32, name: String?) throws {
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = Glibc.errno
            close(fd)
            throw KernelError("fstat", namespace: name, errno: e)
        }
        self.fd = fd
        self.name = name
        self.identity = Identity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    deinit { close(fd) }

    /// Opens `/run/netns/NAME`, like `ip netns exec NAME` does. Throws ENOENT when there is no such namespace.
    public static func named(_ name: String) throws -> NetworkNamespace {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw KernelError("open \(directory)/\(name)", namespace: name, errno: ENOENT)
        }
        let fd = open("\(directory)/\(name)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KernelError("open \(directory)/\(name)", namespace: name, errno: Glibc.errno) }
        return try NetworkNamespace(fd: fd, name: name)
    }

    /// The namespace of the calling thread: the learner's root namespace when netcheck starts.
    public static func current() throws -> NetworkNamespace {
        let fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KernelError("open /proc/thread-self/ns/net", errno: Glibc.errno) }
        return try NetworkNamespace(fd: fd, name: nil)
    }

    /// The names under /run/netns, sorted (`ip netns list`). Empty when the directory does not exist.
    public static func listNames() throws -> [String] {
        guard let names = Directory.entries(directory) else {
            if Glibc.errno == ENOENT { return [] }
            throw KernelError("opendir \(directory)", errno: Glibc.errno)
        }
        return names.sorted()
    }

    /// Runs `body` on the calling thread inside this namespace, then returns the thread to the namespace it
    /// was in. Sockets created by `body` remain in this namespace.
    public func run<T>(_ body: () throws -> T) throws -> T {
        let home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard home >= 0 else { throw KernelError("open /proc/thread-self/ns/net", errno: Glibc.errno) }
        defer { close(home) }
        guard nc_setns(fd, nc_CLONE_NEWNET) == 0 else {
            throw KernelError("setns", namespace: label, errno: Glibc.errno)
        }
        defer {
            // Failing to return would leave this thread in the learner's namespace: nothing safe remains.
            if nc_setns(home, nc_CLONE_NEWNET) != 0 { fatalError("setns back to the original namespace failed") }
        }
        return try body()
    }

    /// The name for messages: the /run/netns name, or "root namespace".
    public var label: String { name ?? "root" }
    public var description: String { label }
}
