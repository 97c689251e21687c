import CNetlink
import Glibc

/// The private sandbox every run of the book's commands by netcheck happens in: `netcheck demo`, the
/// `netcheck sandbox` plumbing that the tests' ScriptSandbox and `make bench` run their scripts under, and the
/// tests' in-process ThreadSandbox. One implementation, so that all of them keep the same things private.
///
/// `enter()` moves the calling thread into a new network namespace and a new mount namespace (`unshare --net
/// --mount`, propagation private), in which the folders the book's commands and the daemons they start write to
/// are the sandbox's own:
///
/// | folder          | who writes there                                                           | made private by |
/// |-----------------|----------------------------------------------------------------------------|-----------------|
/// | `/run`          | `ip netns add` (/run/netns), pid files of dnsmasq and dhclient, the iptables lock | a tmpfs   |
/// | `/var/lib/misc` | dnsmasq's lease file                                                        | a tmpfs (if the folder exists) |
/// | `/var/lib/dhcp` | dhclient's lease file                                                       | a tmpfs (if the folder exists) |
/// | `/var/tmp`      | the book's chapter 6 HTTP recipe (`mkdir -p /var/tmp/http-home`)           | a tmpfs (if the folder exists) |
/// | `/etc`          | dhclient-script and its hooks: the first edition's dnsmasq (no `--port 0 --no-resolv`) names a DNS server, and dhclient rewrites /etc/resolv.conf | an overlay, else a copy |
///
/// /etc stays readable as it is on the host but takes writes privately: an overlayfs whose lower layer is the
/// host's /etc (never written) and whose upper layer is a tmpfs; where overlayfs cannot be mounted (no overlay
/// support, or /etc already too deeply stacked), a copy of /etc on a tmpfs. A bind mount of resolv.conf alone
/// would not do: older dhclient-scripts `mv` a new file over /etc/resolv.conf, and renaming onto a mount point
/// fails (EBUSY). Everything made inside vanishes with the mount namespace; /tmp stays shared (tests pass files
/// through it).
public enum Sandbox {
    /// How /etc was made private.
    public enum Etc: String, Sendable, CaseIterable {
        /// overlayfs: the host's /etc below, a tmpfs above.
        case overlay
        /// a copy of the host's /etc on a tmpfs, moved onto /etc.
        case copy
    }

    /// The folders made private besides /run and /etc, when they exist on the host.
    public static let stateFolders = ["/var/lib/misc", "/var/lib/dhcp", "/var/tmp"]

    /// Moves the calling thread into a new network and mount namespace and makes the folders above private.
    /// `etc`: how to make /etc private; nil tries the overlay, then the copy. Returns how it was done.
    ///
    /// Only the calling thread moves (other threads stay where they are): keep what follows synchronous, and
    /// start the book's commands from this thread (posix_spawn), so they start inside. On a failure after the
    /// unshare the thread stays in the half-made sandbox, never back on the host's mounts.
    @discardableResult
    public static func enter(etc: Etc? = nil) throws -> Etc {
        guard nc_unshare(nc_CLONE_NEWNET | nc_CLONE_NEWNS) == 0 else { throw KernelError("unshare(CLONE_NEWNET|CLONE_NEWNS)", errno: errno) }
        // Private propagation: nothing mounted here shows up on the host.
        guard nc_mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil) == 0 else { throw KernelError("mount --make-rprivate /", errno: errno) }
        try mountTmpfs(on: "/run")
        if mkdir(NetworkNamespace.directory, 0o755) != 0 && errno != EEXIST { throw KernelError("mkdir /run/netns", errno: errno) }
        for folder in stateFolders where isDirectory(folder) { try mountTmpfs(on: folder) }
        return try makeEtcPrivate(etc)
    }

    /// Makes the next program this process starts the first process (PID 1) of a new PID namespace, where everything
    /// it starts lives too: when it ends, or is killed, the kernel kills every process left there (`unshare --pid`).
    /// Only one program can be started there: call it right before starting the sandbox's one command.
    public static func isolateProcesses() throws {
        guard nc_unshare(nc_CLONE_NEWPID) == 0 else { throw KernelError("unshare(CLONE_NEWPID)", errno: errno) }
    }

    /// Runs `body` on the calling thread inside a new sandbox (`enter`), kills what it left running there (`reap`),
    /// and returns the thread to the network and mount namespaces it was in: the tests' in-process ThreadSandbox.
    /// `body` gets how /etc was made private. Like `NetworkNamespace.run`, this is one of the two places that call
    /// setns(2); a thread that cannot return is stopped (fatalError) rather than left in the sandbox.
    public static func within<T>(etc: Etc? = nil, _ body: (Etc) throws -> T) throws -> T {
        let homeNet = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard homeNet >= 0 else { throw KernelError("open /proc/thread-self/ns/net", errno: errno) }
        defer { close(homeNet) }
        let homeMnt = open("/proc/thread-self/ns/mnt", O_RDONLY | O_CLOEXEC)
        guard homeMnt >= 0 else { throw KernelError("open /proc/thread-self/ns/mnt", errno: errno) }
        defer { close(homeMnt) }
        // Registered before entering: a sandbox that fails half-way is left too.
        defer {
            if nc_setns(homeMnt, nc_CLONE_NEWNS) != 0 || nc_setns(homeNet, nc_CLONE_NEWNET) != 0 {
                fatalError("cannot leave the sandbox: \(String(cString: strerror(errno)))")
            }
        }
        let made = try enter(etc: etc)
        defer { reap() }
        return try body(made)
    }

    /// A fresh tmpfs on `path`, with the mode of the folder it covers (/var/tmp keeps its sticky 1777).
    static func mountTmpfs(on path: String, size: String = "16m") throws {
        var st = stat()
        guard stat(path, &st) == 0 else { throw KernelError("stat \(path)", errno: errno) }
        let mode = String(UInt32(st.st_mode) & 0o7777, radix: 8)
        guard nc_mount("netcheck-sandbox", path, "tmpfs", UInt(MS_NOSUID | MS_NODEV), "size=\(size),mode=\(mode)") == 0 else {
            throw KernelError("mount -t tmpfs netcheck-sandbox \(path)", errno: errno)
        }
    }

    /// Where the layers of the private /etc are prepared: inside the sandbox's own /run.
    static let staging = "/run/netcheck-etc"

    static func makeEtcPrivate(_ wanted: Etc?) throws -> Etc {
        if mkdir(staging, 0o700) != 0 && errno != EEXIST { throw KernelError("mkdir \(staging)", errno: errno) }
        defer { rmdir(staging) }
        var overlayError: KernelError?
        if wanted != .copy {
            do {
                try overlay("/etc", staging: staging, size: "64m")
                return .overlay
            } catch let e as KernelError {
                if wanted == .overlay { throw e }
                overlayError = e
            }
        }
        do {
            try copyEtc()
        } catch let e as KernelError {
            // Say why the overlay was not used either: that is the first thing to fix.
            if let overlayError { throw KernelError("\(overlayError.operation) (\(String(cString: strerror(overlayError.errno)))), then \(e.operation)", errno: e.errno) }
            throw e
        }
        return .copy
    }

    /// `mount -t overlay -o lowerdir=PATH,upperdir=U,workdir=W PATH`, U and W on a tmpfs of their own (of `size`)
    /// made on `staging`, an empty folder. The tmpfs is then detached from the staging folder: overlayfs keeps a
    /// private reference to its layers.
    static func overlay(_ path: String, staging: String, size: String) throws {
        try mountTmpfs(on: staging, size: size)
        defer { umount2(staging, Int32(MNT_DETACH)) }
        for dir in ["upper", "work"] where mkdir("\(staging)/\(dir)", 0o755) != 0 {
            throw KernelError("mkdir \(staging)/\(dir)", errno: errno)
        }
        // The top of the upper layer takes the folder's own mode, owner and times: overlayfs shows the upper's.
        var st = stat()
        guard stat(path, &st) == 0 else { throw KernelError("stat \(path)", errno: errno) }
        try copyAttributes(st, to: "\(staging)/upper")
        let options = "lowerdir=\(path),upperdir=\(staging)/upper,workdir=\(staging)/work"
        let name = "netcheck-" + (path.split(separator: "/").last.map(String.init) ?? "root")
        guard nc_mount(name, path, "overlay", 0, options) == 0 else {
            throw KernelError("mount -t overlay -o \(options) \(name) \(path)", errno: errno)
        }
    }

    /// /etc copied file by file (modes, owners, times, symlinks kept) onto a tmpfs, which is then moved onto /etc.
    static func copyEtc() throws {
        try mountTmpfs(on: staging, size: "25%")
        do {
            try copyTree(from: "/etc", to: staging)
            var st = stat()
            guard lstat("/etc", &st) == 0 else { throw KernelError("stat /etc", errno: errno) }
            try copyAttributes(st, to: staging)
            guard nc_mount(staging, "/etc", nil, UInt(MS_MOVE), nil) == 0 else {
                throw KernelError("mount --move \(staging) /etc", errno: errno)
            }
        } catch {
            umount2(staging, Int32(MNT_DETACH))
            throw error
        }
    }

    /// Copies the entries of directory `source` into the existing directory `target`.
    static func copyTree(from source: String, to target: String) throws {
        guard let names = Directory.entries(source) else { throw KernelError("opendir \(source)", errno: errno) }
        for name in names.sorted() {
            let from = "\(source)/\(name)", to = "\(target)/\(name)"
            var st = stat()
            guard lstat(from, &st) == 0 else { throw KernelError("lstat \(from)", errno: errno) }
            let type = UInt32(st.st_mode) & FileType.mask
            let mode = mode_t(UInt32(st.st_mode) & 0o7777)
            switch type {
            case FileType.directory:
                guard mkdir(to, 0o700) == 0 else { throw KernelError("mkdir \(to)", errno: errno) }
                try copyTree(from: from, to: to)
            case FileType.regular:
                try copyFile(from: from, to: to)
            case FileType.symlink:
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let n = readlink(from, &buffer, buffer.count - 1)
                guard n >= 0 else { throw KernelError("readlink \(from)", errno: errno) }
                buffer[n] = 0
                guard symlink(buffer, to) == 0 else { throw KernelError("symlink \(to)", errno: errno) }
            case FileType.socket:
                continue    // a socket cannot be copied; nothing in /etc should be one
            default:        // FIFOs and device nodes, as they are
                guard mknod(to, mode_t(type) | mode, st.st_rdev) == 0 else { throw KernelError("mknod \(to)", errno: errno) }
            }
            try copyAttributes(st, to: to)
        }
    }

    static func copyFile(from: String, to: String) throws {
        let input = open(from, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw KernelError("open \(from)", errno: errno) }
        defer { close(input) }
        let output = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw KernelError("open \(to)", errno: errno) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = read(input, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw KernelError("read \(from)", errno: errno) }
            if n == 0 { return }
            var written = 0
            while written < n {
                let w = buffer[written..<n].withUnsafeBytes { write(output, $0.baseAddress, $0.count) }
                if w < 0 && errno == EINTR { continue }
                guard w > 0 else { throw KernelError("write \(to)", errno: errno) }
                written += w
            }
        }
    }

    /// Owner, mode and times of `st` onto `path` (a symlink itself, not what it points to).
    static func copyAttributes(_ st: stat, to path: String) throws {
        let isLink = UInt32(st.st_mode) & FileType.mask == FileType.symlink
        guard lchown(path, st.st_uid, st.st_gid) == 0 else { throw KernelError("chown \(path)", errno: errno) }
        if !isLink, chmod(path, mode_t(UInt32(st.st_mode) & 0o7777)) != 0 { throw KernelError("chmod \(path)", errno: errno) }
        var times = [st.st_atim, st.st_mtim]
        guard utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0 else { throw KernelError("utimensat \(path)", errno: errno) }
    }

    /// The S_IF* bits of st_mode (<sys/stat.h>; the names clash between Glibc and the Linux headers in Swift).
    enum FileType {
        static let mask: UInt32 = 0o170000, directory: UInt32 = 0o040000, regular: UInt32 = 0o100000
        static let symlink: UInt32 = 0o120000, socket: UInt32 = 0o140000
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && UInt32(st.st_mode) & FileType.mask == FileType.directory
    }

    /// The state letter of /proc/PID/stat (R, S, D, Z, …), nil when there is no such process.
    static func state(of pid: pid_t) -> Character? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 512)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0, let close = buffer[0..<n].lastIndex(of: UInt8(ascii: ")")), close + 2 < n else { return nil }
        return Character(UnicodeScalar(buffer[close + 2]))
    }

    /// Kills (SIGKILL, by PID) every process still living in one of the sandbox's network namespaces: the calling
    /// thread's own and each namespace under its /run/netns (whatever the book's commands left running:
    /// dnsmasq, dhclient, a listener). Call it from inside the sandbox. Returns how many there were.
    @discardableResult
    public static func reap() -> Int {
        var namespaces: Set<[UInt64]> = []
        func identity(_ path: String) -> [UInt64]? {
            var st = stat()
            return stat(path, &st) == 0 ? [UInt64(st.st_dev), UInt64(st.st_ino)] : nil
        }
        if let own = identity("/proc/thread-self/ns/net") { namespaces.insert(own) }
        for raw in Directory.rawEntries(NetworkNamespace.directory) ?? [] {
            let path = String(decoding: Array(NetworkNamespace.directory.utf8) + [UInt8(ascii: "/")], as: UTF8.self)
            var st = stat()
            // By bytes (a name need not be UTF-8); stat never blocks, whatever the entry is.
            let ok = (Array(path.utf8) + raw + [0]).withUnsafeBufferPointer { p in
                p.withMemoryRebound(to: CChar.self) { stat($0.baseAddress!, &st) == 0 }
            }
            if ok { namespaces.insert([UInt64(st.st_dev), UInt64(st.st_ino)]) }
        }
        var killed: [pid_t] = []
        let me = getpid()
        for name in Directory.entries("/proc") ?? [] {
            guard let pid = pid_t(name), pid != me, let ns = identity("/proc/\(pid)/ns/net"), namespaces.contains(ns) else { continue }
            if kill(pid, SIGKILL) == 0 { killed.append(pid) }
        }
        // SIGKILL is delivered, not done: a daemon in the middle of a system call (state D) takes a moment to go. Wait
        // for each to be gone or a zombie (at most 2 s in all), so that nothing of the sandbox outlives it.
        let until = Monotonic.microseconds() + 2_000_000
        for pid in killed {
            while Monotonic.microseconds() < until {
                guard let stat = Self.state(of: pid), stat != "Z", stat != "X" else { break }
                usleep(2_000)
            }
        }
        return killed.count
    }
}
