import CNetlink
import Glibc

/// A network namespace, held open by a file descriptor (`/run/netns/NAME` as `ip netns add` creates it,
/// or `/proc/thread-self/ns/net` for the one netcheck was started in).
///
/// `run(_:)` is the one place in netcheck that calls `setns(2)` into a namespace (`Sandbox.within`, the other, only
/// leaves a sandbox for the thread's own namespaces again). It changes the namespace of the calling
/// thread only, so the body must be synchronous (no `await`): sockets and files opened in the body stay bound
/// to this namespace after the thread has switched back.
public final class NetworkNamespace: @unchecked Sendable, CustomStringConvertible {
    /// The name under /run/netns, or nil for the namespace netcheck runs in (the learner's "root" namespace).
    public let name: String?
    /// Device and inode of the nsfs file: two handles on the same namespace compare equal.
    public let identity: Identity
    let fd: Int32

    public struct Identity: Hashable, Sendable {
        public var device: UInt64
        public var inode: UInt64
        public init(device: UInt64, inode: UInt64) { self.device = device; self.inode = inode }
    }

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

    /// Opens `/run/netns/NAME`, like `ip netns exec NAME` does. Throws ENOENT when there is no such namespace, and
    /// an error with `entry` set when the entry is something else (see `openEntry(path:name:)`).
    public static func named(_ name: String) throws -> NetworkNamespace {
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else {
            throw KernelError("open \(directory)/\(name)", namespace: name, errno: ENOENT)
        }
        return try openEntry(path: Array("\(directory)/\(name)".utf8), name: name)
    }

    /// Opens an entry of /run/netns by its bytes (a name need not be UTF-8), labelled `name`.
    public static func named(raw: [UInt8], name: String) throws -> NetworkNamespace {
        guard !raw.isEmpty, !raw.contains(UInt8(ascii: "/")), raw != [0x2e], raw != [0x2e, 0x2e] else {
            throw KernelError("open \(directory)/\(name)", namespace: name, errno: ENOENT)
        }
        return try openEntry(path: Array(directory.utf8) + [UInt8(ascii: "/")] + raw, name: name)
    }

    /// Opens a namespace file without waiting on it or following it: lstat first (a symbolic link or anything but a
    /// regular file is reported, never opened), then open(O_NONBLOCK | O_NOFOLLOW), then the file must be on nsfs
    /// and a network namespace (NS_GET_NSTYPE). A FIFO put there by a learner cannot block netcheck.
    static func openEntry(path: [UInt8], name: String) throws -> NetworkNamespace {
        let operation = "open \(directory)/\(name)"
        let cPath = path.map { CChar(bitPattern: $0) } + [0]
        var st = stat()
        guard lstat(cPath, &st) == 0 else { throw KernelError(operation, namespace: name, errno: Glibc.errno) }
        if st.st_mode & S_IFMT == S_IFLNK {
            var target = [CChar](repeating: 0, count: 4096)
            let n = readlink(cPath, &target, target.count - 1)
            let text = n > 0 ? String(decoding: target[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
            throw KernelError(operation, namespace: name, errno: ELOOP, entry: .symlink(target: text))
        }
        if let kind = fileKind(st.st_mode) { throw KernelError(operation, namespace: name, errno: EINVAL, entry: .notAFile(kind: kind)) }
        let fd = Glibc.open(cPath, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw KernelError(operation, namespace: name, errno: Glibc.errno) }
        func refuse(_ problem: NamespaceEntryProblem) -> KernelError {
            close(fd)
            return KernelError(operation, namespace: name, errno: EINVAL, entry: problem)
        }
        // Between lstat and open the entry may have been replaced: look again at what was opened.
        guard fstat(fd, &st) == 0 else { let e = Glibc.errno; close(fd); throw KernelError("fstat", namespace: name, errno: e) }
        if let kind = fileKind(st.st_mode) { throw refuse(.notAFile(kind: kind)) }
        guard nc_fs_type(fd) == nc_NSFS_MAGIC else { throw refuse(.notANamespace) }
        guard nc_ns_type(fd) == nc_CLONE_NEWNET else { throw refuse(.otherNamespaceType) }
        return try NetworkNamespace(fd: fd, name: name)
    }

    /// "a FIFO", "a directory", … for anything that is not a regular file; nil for a regular file.
    static func fileKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFIFO: return "a FIFO"
        case S_IFDIR: return "a directory"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFLNK: return "a symbolic link"
        default: return "not a regular file"
        }
    }

    /// The namespace of the calling thread: the learner's root namespace when netcheck starts.
    public static func current() throws -> NetworkNamespace {
        let fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KernelError("open /proc/thread-self/ns/net", errno: Glibc.errno) }
        return try NetworkNamespace(fd: fd, name: nil)
    }

    /// The names under /run/netns, sorted (`ip netns list`). Empty when the directory does not exist. A name that is
    /// not UTF-8 comes with its bytes escaped (`ns\xff`); open it with `named(raw:name:)`.
    public static func listNames() throws -> [String] { try listEntries().map(\.name) }

    /// The entries under /run/netns, sorted by name: how to print each, and its bytes.
    public static func listEntries() throws -> [(name: String, raw: [UInt8])] {
        guard let entries = Directory.rawEntries(directory) else {
            if Glibc.errno == ENOENT { return [] }
            throw KernelError("opendir \(directory)", errno: Glibc.errno)
        }
        return entries.map { (name: Directory.displayName($0), raw: $0) }.sorted { $0.name < $1.name }
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
