import Glibc
import Kernel

/// Small file-system helpers on top of libc (netcheck keeps Foundation out of its run path to start fast).
public enum Files {
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var errno: Int32
        /// The system's reason, e.g. "No such file or directory".
        public var reason: String { String(cString: strerror(errno)) }
        public var description: String { "cannot read \(path): \(reason)" }
    }

    /// The whole file as UTF-8 text (invalid bytes replaced).
    public static func read(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, errno: errno) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, errno: errno)
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Names in `directory` ending in `suffix`, sorted.
    static func list(_ directory: String, suffix: String) throws -> [String] {
        guard let names = Directory.entries(directory) else { throw Failure(path: directory, errno: errno) }
        return names.filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }.sorted()
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The real path of the running executable (/proc/self/exe).
    static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
