import Glibc
import Kernel
import Localization

/// Small file-system helpers on top of libc (netcheck keeps Foundation out of its run path to start fast).
public enum Files {
    /// Exercise files and reports are a few kilobytes (the largest shipped exercise is under 10 KB); anything
    /// bigger than this is refused from its size alone, before a byte is read.
    public static let maximumSize = 1 << 20

    public struct Failure: LocalizedError, Equatable {
        public enum Problem: Equatable, Sendable {
            /// A system call failed with this errno.
            case system(Int32)
            /// Not a regular file: what it is instead ("a FIFO (named pipe)", "a character device", …).
            case notARegularFile(String)
            /// Larger than `maximumSize`: its size in bytes.
            case tooLarge(Int64)
        }

        public var path: String
        public var problem: Problem

        public init(path: String, problem: Problem) { self.path = path; self.problem = problem }

        init(path: String, errno: Int32) { self.init(path: path, problem: .system(errno)) }

        /// Why, after the path: the system's reason ("No such file or directory") or netcheck's, in the language of
        /// the command line (messages `file.*`).
        public var why: Localized {
            switch problem {
            case .system(let e): return Localized(String(cString: strerror(e)))
            case .notARegularFile(let what):
                return Localized(id: "file.error.notRegular", ["what": Files.kindText(what)])
            case .tooLarge(let size):
                return Localized(id: "file.error.tooLarge", ["size": Int(size), "limit": Files.maximumSize])
            }
        }

        /// `why` in English.
        public var reason: String { why.en }

        public var message: Localized { Localized(id: "cli.error.cannotRead", ["path": path, "reason": why]) }
        public var description: String { message.en }
    }

    /// The whole of a small regular file as UTF-8 text (invalid bytes replaced): an exercise file or a report.
    ///
    /// Whatever is found under the name, this returns at once: the file is opened with O_NONBLOCK (a FIFO without
    /// a writer would block open(2) forever) and O_NOCTTY, then fstat(2) decides: anything but a regular file (a
    /// FIFO, a device such as /dev/zero, a directory, a socket) is refused, a symlink to a regular file is read; a
    /// file larger than `maximumSize` is refused from its size, and one that grows past it while being read too.
    public static func read(_ path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, errno: errno) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(path: path, errno: errno) }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw Failure(path: path, problem: .notARegularFile(kind(of: st.st_mode)))
        }
        guard st.st_size <= maximumSize else { throw Failure(path: path, problem: .tooLarge(Int64(st.st_size))) }
        // One byte more than allowed, to see a file that grew since fstat (or a /proc file that says 0 bytes).
        var bytes = [UInt8](repeating: 0, count: maximumSize + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, errno: errno)
            }
            if n == 0 { break }
            count += n
        }
        guard count <= maximumSize else { throw Failure(path: path, problem: .tooLarge(Int64(max(Int(st.st_size), count)))) }
        return String(decoding: bytes[..<count], as: UTF8.self)
    }

    /// `kind(of:)` in the run's language (messages `file.kind.*`).
    static func kindText(_ what: String) -> Localized {
        let id = switch what {
        case "a directory": "file.kind.directory"
        case "a FIFO (named pipe)": "file.kind.fifo"
        case "a character device": "file.kind.characterDevice"
        case "a block device": "file.kind.blockDevice"
        case "a socket": "file.kind.socket"
        case "a regular file": "file.kind.regular"
        case "a symbolic link": "file.kind.symlink"
        default: "file.kind.unknown"
        }
        return Localized(id: id)
    }

    /// What a file is, for messages (st_mode & S_IFMT).
    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFREG: return "a regular file"
        case S_IFLNK: return "a symbolic link"
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "a file of unknown type"
        }
    }

    /// Names in `directory` ending in `suffix`, sorted.
    static func list(_ directory: String, suffix: String) throws -> [String] {
        guard let names = Directory.entries(directory) else { throw Failure(path: directory, errno: errno) }
        return names.filter { $0.hasSuffix(suffix) && !$0.hasPrefix(".") }.sorted()
    }

    // Where netcheck's own files are: the same answers as the catalogues get (Localization's TextFile).
    static func isDirectory(_ path: String) -> Bool { TextFile.isDirectory(path) }
    static func executablePath() -> String? { TextFile.executablePath() }
    static func parent(_ path: String) -> String { TextFile.parent(path) }
}
