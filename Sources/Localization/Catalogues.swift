import Glibc
import Synchronization

/// The message catalogues of every language, one file per language (`<code>.json`) in a folder: `Messages/`
/// beside the sources (found from the executable, as `Exercises/` is), or `PREFIX/share/netcheck/Messages` when
/// installed. Folders given with `--messages DIR` or `NETCHECK_MESSAGES` come first: a language one of them has
/// is read from there, the others from the built-in folder. A catalogue is read once, when a text in its
/// language is first wanted (`preload` reads the run's languages at start, so that a broken file stops the run
/// before anything is done).
public final class Catalogues: Sendable {
    /// Where catalogues are looked for, in order.
    public let folders: [String]
    /// Built-in folders looked for but not found (for the error when English is nowhere).
    let tried: [String]
    private let loaded = Mutex<[Language: Result<Catalogue?, CatalogueError>]>([:])

    public init(folders: [String], tried: [String] = []) {
        self.folders = folders
        self.tried = tried
    }

    /// The most a catalogue file may be (the shipped ones are some tens of kilobytes).
    public static let maximumSize = 1 << 20

    /// The catalogue of exactly `language` (no fallback), nil when no folder has one. Throws `CatalogueError`.
    public func catalogue(_ language: Language) throws -> Catalogue? {
        if let known = loaded.withLock({ $0[language] }) { return try known.get() }
        let result = Self.load(language, from: folders)
        loaded.withLock { $0[language] = result }
        return try result.get()
    }

    static func load(_ language: Language, from folders: [String]) -> Result<Catalogue?, CatalogueError> {
        guard let file = folders.lazy.map({ "\($0)/\(language.code).json" }).first(where: TextFile.exists) else {
            return .success(nil)
        }
        let text: String
        do { text = try TextFile.read(file, limit: maximumSize) } catch {
            return .failure(CatalogueError(file: file, position: "/", message: (error as? TextFile.Failure)?.reason ?? "\(error)"))
        }
        do { return .success(try Catalogue.parse(text, file: file, language: language)) } catch {
            return .failure(error as? CatalogueError ?? CatalogueError(file: file, position: "/", message: "\(error)"))
        }
    }

    /// Reads the catalogues `language` falls back on, English included: a broken one, or no English at all, is
    /// an error the command line reports before doing anything.
    public func preload(_ language: Language) throws {
        for l in language.fallbacks { _ = try catalogue(l) }
        if try catalogue(.en) == nil {
            let looked = folders + tried
            throw CatalogueError(file: "", position: "",
                                 message: "no message catalogue en.json found (looked in \(looked.isEmpty ? "no folder" : looked.joined(separator: ", "))); pass --messages DIR or set NETCHECK_MESSAGES")
        }
    }

    /// The message `id` as `language` says it: from the first catalogue of its fallbacks that has it, with the
    /// plural rule of the language it was found in. Catalogues that cannot be read are passed over (`preload`
    /// reports them).
    func message(_ id: String, in language: Language) -> (Message, PluralRule)? {
        for l in language.fallbacks {
            if let c = try? catalogue(l), let m = c.messages[id] { return (m, c.rule) }
        }
        return nil
    }

    // MARK: the process's catalogues

    private static let current = Mutex<Catalogues?>(nil)

    /// The catalogues texts are resolved against unless told otherwise: those `use` set, or else the built-in
    /// folder found from the executable and `NETCHECK_MESSAGES` (`locate`).
    public static var shared: Catalogues {
        current.withLock { c in
            if let c { return c }
            let located = locate(environment: TextFile.environment)
            c = located
            return located
        }
    }

    /// Makes `catalogues` the process's own (`--messages DIR`), before any text is resolved.
    public static func use(_ catalogues: Catalogues) { current.withLock { $0 = catalogues } }

    /// `extra` folders (`--messages DIR`), then `$NETCHECK_MESSAGES`, then the built-in folder: the first of
    /// `Messages/` in a parent of the executable (a build tree), `<prefix>/share/netcheck/Messages` (an installed
    /// binary), `./Messages`.
    public static func locate(environment: [String: String], extra: [String] = []) -> Catalogues {
        var folders = extra
        if let dir = environment["NETCHECK_MESSAGES"], !dir.isEmpty { folders.append(dir) }
        var tried: [String] = []
        if let builtin = builtinFolder(tried: &tried) { folders.append(builtin); tried = [] }
        return Catalogues(folders: folders, tried: tried.count > 5 ? Array(tried.prefix(4)) + [tried.last!] : tried)
    }

    static func builtinFolder(tried: inout [String]) -> String? {
        if let exe = TextFile.executablePath() {
            var dir = TextFile.parent(exe)
            for _ in 0..<6 {
                for candidate in ["\(dir)/Messages", "\(dir)/share/netcheck/Messages"] {
                    if TextFile.isDirectory(candidate) { return candidate }
                    tried.append(candidate)
                }
                if dir == "/" { break }
                dir = TextFile.parent(dir)
            }
        }
        if TextFile.isDirectory("Messages") { return "Messages" }
        tried.append("./Messages")
        return nil
    }
}

/// The little file access netcheck needs before anything else runs (the catalogues are read first), on libc
/// (netcheck keeps Foundation out of its run path); the exercise catalogue finds its folders with it too.
public enum TextFile {
    struct Failure: Error { var reason: String }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static var environment: [String: String] {
        var result: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let s = String(cString: entry)
            if let eq = s.firstIndex(of: "=") { result[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return result
    }

    /// A regular file of at most `limit` bytes, as UTF-8 (opened O_NONBLOCK: a FIFO in its place cannot block).
    static func read(_ path: String, limit: Int) throws -> String {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw Failure(reason: String(cString: strerror(errno))) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw Failure(reason: "not a regular file") }
        guard st.st_size <= limit else { throw Failure(reason: "is \(st.st_size) bytes; a catalogue may have at most \(limit)") }
        var bytes = [UInt8](repeating: 0, count: limit + 1)
        var count = 0
        while count < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { throw Failure(reason: String(cString: strerror(errno))) }
            if n == 0 { break }
            count += n
        }
        guard count <= limit else { throw Failure(reason: "grew past \(limit) bytes while being read") }
        return String(decoding: bytes[0..<count], as: UTF8.self)
    }
}
