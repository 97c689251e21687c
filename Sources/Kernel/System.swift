import Glibc

/// The monotonic clock every deadline of a run is measured on (CLOCK_MONOTONIC: never jumps with the wall clock,
/// which on some machines runs slow).
public enum Monotonic {
    public static func nanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    public static func microseconds() -> Int { Int(nanoseconds() / 1000) }

    /// A duration in whole microseconds.
    public static func microseconds(_ d: Duration) -> Int {
        Int(d.components.seconds) * 1_000_000 + Int(d.components.attoseconds / 1_000_000_000_000)
    }

    /// A duration in whole milliseconds, for poll(2).
    public static func milliseconds(_ d: Duration) -> Int32 { Int32(clamping: microseconds(d) / 1000) }
}

/// What a waitpid(2) status means as a shell reports it: the exit code, or 128 + the signal that killed it
/// (WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros).
public func shellExitStatus(_ status: Int32) -> Int32 {
    status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
}

/// Reading directories the way `ls -a` minus "." and "..", for /run/netns, /proc and exercise folders.
public enum Directory {
    /// The names in `path`, unsorted; nil with errno set when it cannot be opened. A name that is not UTF-8 is
    /// given with its bytes escaped (see `displayName`): it cannot be opened by that string.
    public static func entries(_ path: String) -> [String]? { rawEntries(path)?.map(displayName) }

    /// The names in `path` as bytes, unsorted; nil with errno set when it cannot be opened.
    public static func rawEntries(_ path: String) -> [[UInt8]]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [[UInt8]] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: UInt8.self, capacity: Int(NAME_MAX) + 1) { p in Array(UnsafeBufferPointer(start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)))) }
            }
            if name != [0x2e] && name != [0x2e, 0x2e] { names.append(name) }
        }
        return names
    }

    /// A file name as text: itself when it is UTF-8, else each byte that is not printable ASCII as `\xHH`.
    public static func displayName(_ raw: [UInt8]) -> String {
        if let text = String(validating: raw, as: UTF8.self) { return text }
        return raw.map { (0x20..<0x7f).contains($0) && $0 != 0x5c ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: false).leftPadded(2) }.joined()
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// The open-files limit raised to what the system allows (a learner's machine may hold thousands of namespaces, and
/// netcheck keeps one descriptor per namespace it reads): RLIMIT_NOFILE's soft limit up to the hard one.
public enum FileLimit {
    @discardableResult
    public static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return -1 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }
}
