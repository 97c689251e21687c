import CNetlink
import Glibc

/// What `netcheck grade` adds to the sandbox around a learner's submission, so that a script that misbehaves acts
/// inside the sandbox only: the host's files read-only, and a limit on the processes it can start (a fork bomb).
///
/// This guards against mistakes (`rm -rf` of the wrong folder, a loop that forks without end, `echo … > /etc/…`),
/// not against a learner who sets out to escape: the replay runs as root with CAP_SYS_ADMIN, which could remount
/// what is made read-only here.
extension Sandbox {
    /// The mounts of the sandbox that stay writable whatever `protectHost` is given: the kernel's own file systems
    /// (/proc: `sysctl -w` inside the learner's namespaces; /dev: /dev/null and the terminal), and what `enter()`
    /// made private (/run, /etc, the state folders).
    /// /sys/fs/cgroup stays writable for `ProcessLimit`, which leaves and removes its cgroup from there.
    static let writableMounts = ["/proc", "/dev", "/run", "/etc", "/sys/fs/cgroup"] + stateFolders

    /// Makes every mount of the calling thread's mount namespace read-only (`mount -o bind,remount,ro`, which changes
    /// the mount, not the file system: the host's own mounts stay as they were), except `writableMounts`, the
    /// folders of `writable` (bound onto themselves, so that they stay writable inside a read-only mount), and
    /// /tmp, which shows the host's but keeps what is written there (an overlay). /sys is made read-only too: its net/ shows the host's interfaces.
    /// Call it after `enter()`, from the same thread.
    public static func protectHost(writable: [String]) throws {
        let before = mountPoints()
        // Held open across the new /tmp, which would hide a folder under it: bound back from the descriptor.
        var held: [(folder: String, fd: Int32)] = []
        defer { for h in held { close(h.fd) } }
        for folder in writable {
            let fd = open(folder, 0o10000000 /* O_PATH */ | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else { throw KernelError("open \(folder)", errno: errno) }
            held.append((folder, fd))
        }
        // /tmp as the host has it (an instructor's exercises or solutions may be there), taking writes privately; where
        // overlayfs cannot be mounted, read-only as the rest.
        let tmpPrivate = (try? privateTmp()) != nil
        for h in held {
            guard nc_mount("/proc/self/fd/\(h.fd)", h.folder, nil, UInt(MS_BIND), nil) == 0 else {
                throw KernelError("mount --bind \(h.folder) \(h.folder)", errno: errno)
            }
        }
        for point in before where !writableMounts.contains(where: { point == $0 || point.hasPrefix($0 + "/") })
            && !writable.contains(where: { point == $0 || point.hasPrefix($0 + "/") }) && !(tmpPrivate && point == "/tmp") {
            var fs = statvfs()
            guard statvfs(point, &fs) == 0 else { continue }   // hidden under a later mount: nothing to reach it by
            if fs.f_flag & StatvfsFlag.readOnly != 0 { continue }
            var flags = UInt(MS_BIND | MS_REMOUNT | MS_RDONLY)
            // A remount keeps only the flags it is given: those the mount has are given again.
            for (st, ms) in [(StatvfsFlag.noSUID, MS_NOSUID), (StatvfsFlag.noDev, MS_NODEV), (StatvfsFlag.noExec, MS_NOEXEC),
                             (StatvfsFlag.noATime, MS_NOATIME), (StatvfsFlag.noDirATime, MS_NODIRATIME), (StatvfsFlag.relATime, MS_RELATIME)]
            where fs.f_flag & st != 0 {
                flags |= UInt(ms)
            }
            guard nc_mount(nil, point, nil, flags, nil) == 0 else {
                throw KernelError("mount -o bind,remount,ro \(point)", errno: errno)
            }
        }
    }

    /// An overlay on /tmp: the host's below, never written; a tmpfs above.
    static func privateTmp() throws {
        let staging = "/run/netcheck-tmp"
        if mkdir(staging, 0o700) != 0 && errno != EEXIST { throw KernelError("mkdir \(staging)", errno: errno) }
        defer { rmdir(staging) }
        try overlay("/tmp", staging: staging, size: "256m")
    }

    /// statvfs(3)'s f_flag bits (<sys/statvfs.h>: an enum Swift does not import).
    enum StatvfsFlag {
        static let readOnly: UInt = 1, noSUID: UInt = 2, noDev: UInt = 4, noExec: UInt = 8
        static let noATime: UInt = 1024, noDirATime: UInt = 2048, relATime: UInt = 4096
    }

    /// The mount points of the calling thread's mount namespace, in the order of /proc/thread-self/mountinfo
    /// (parents before children), their octal escapes (`\040` for a space) decoded.
    static func mountPoints() -> [String] {
        guard let file = fopen("/proc/thread-self/mountinfo", "r") else { return [] }
        defer { fclose(file) }
        var points: [String] = []
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let fields = String(cString: line).split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 4 else { continue }
            points.append(unescape(fields[4]))
        }
        return points
    }

    static func unescape(_ field: Substring) -> String {
        var bytes: [UInt8] = []
        let raw = Array(field.utf8)
        var i = 0
        while i < raw.count {
            if raw[i] == UInt8(ascii: "\\"), i + 3 < raw.count, let value = UInt8(String(decoding: raw[(i + 1)...(i + 3)], as: UTF8.self), radix: 8) {
                bytes.append(value); i += 4
            } else {
                bytes.append(raw[i]); i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A pids cgroup that holds the processes of one sandboxed command: at most `limit` of them at once, so that a
/// fork bomb fails its forks (EAGAIN) instead of taking the machine's last PID. cgroup v2 or v1's pids hierarchy;
/// where neither lets this process make a limited cgroup beside its own (no pids controller, v2's parent without
/// `+pids` in its subtree_control, a read-only /sys/fs/cgroup), there is no limit and `make` returns nil: the time
/// limit still ends a fork bomb.
/// The cgroup is made beside the caller's own, and removed once its processes are gone.
public struct ProcessLimit: Sendable {
    public let path: String
    /// The cgroup.procs the caller came from, to go back to once its command is started.
    let home: String

    /// Makes the cgroup, named after this process, and moves the calling process into it: whatever it starts next
    /// starts inside. Call `leave()` right after starting the command.
    public static func make(limit: Int) -> ProcessLimit? {
        guard let (root, relative) = hierarchy() else { return nil }
        let home = root + relative
        let path = (home.hasSuffix("/") ? home : home + "/") + "netcheck-sandbox-\(getpid())"
        guard mkdir(path, 0o755) == 0 else { return nil }
        let made = ProcessLimit(path: path, home: home + "/cgroup.procs")
        do {
            try write("\(limit)\n", to: path + "/pids.max")
            try write("\(getpid())\n", to: path + "/cgroup.procs")
        } catch {
            made.remove()
            return nil
        }
        return made
    }

    /// Moves the calling process back where it was: only its command (and what that starts) stays limited.
    public func leave() throws { try Self.write("\(getpid())\n", to: home) }

    /// Removes the cgroup once it is empty: after `Sandbox.reap()` or the end of the PID namespace, its last
    /// processes may take a moment to be freed (up to 2 s).
    public func remove() {
        let until = Monotonic.microseconds() + 2_000_000
        while rmdir(path) != 0 && errno == EBUSY && Monotonic.microseconds() < until { usleep(5_000) }
    }

    /// Where the pids controller is, and this process's cgroup in it (/proc/self/cgroup): v2's unified hierarchy
    /// when it offers pids, else v1's pids hierarchy.
    static func hierarchy() -> (root: String, relative: String)? {
        guard let file = fopen("/proc/self/cgroup", "r") else { return nil }
        defer { fclose(file) }
        var v1: String?, v2: String?
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0, let line {
            let text = String(cString: line).split(separator: "\n").first.map(String.init) ?? ""
            let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if parts[0] == "0" && parts[1].isEmpty { v2 = String(parts[2]) }
            if parts[1].split(separator: ",").contains("pids") { v1 = String(parts[2]) }
        }
        if let v2, let controllers = read("/sys/fs/cgroup/cgroup.controllers"), controllers.split(separator: " ").contains(where: { $0.hasPrefix("pids") }) {
            return ("/sys/fs/cgroup", v2)
        }
        if let v1, access("/sys/fs/cgroup/pids/cgroup.procs", W_OK) == 0 { return ("/sys/fs/cgroup/pids", v1) }
        return nil
    }

    static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 1024)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }

    static func write(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw KernelError("open \(path)", errno: errno) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw KernelError("write \(path)", errno: errno)
        }
    }
}
