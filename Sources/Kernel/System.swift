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
    /// The names in `path`, unsorted; nil with errno set when it cannot be opened.
    public static func entries(_ path: String) -> [String]? {
        guard let dir = opendir(path) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
