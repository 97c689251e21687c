import SafeText

/// What a learner handed in for `netcheck grade`, decided from names and text only (the command reads the files).
public enum Submission {
    /// What the text is and how it is replayed.
    public enum Kind: Equatable, Sendable {
        /// A shell script: run by bash as it is.
        case script
        /// A pasted terminal session: its commands replayed one by one.
        case transcript(Transcript)
    }

    /// Why a submission is not replayed (the command says it in the catalogue's words, `grade.unreadable.*`).
    public enum Unreadable: Equatable, Sendable, Error {
        /// Nothing in it but white space.
        case empty
        /// Bytes a text never holds (a NUL): an image, an archive, a binary.
        case binary
        /// Neither a script (`.sh`, `#!`) nor a transcript (no line starts with a prompt).
        case noCommands
        /// A folder with no file to grade.
        case emptyFolder
        /// A folder with more than one: these.
        case severalFiles([String])
    }

    /// A script when the file is named `.sh` or starts with `#!`; else a transcript when some line has a prompt.
    public static func kind(name: String, text: String) throws(Unreadable) -> Kind {
        guard text.unicodeScalars.contains(where: { !" \t\r\n".unicodeScalars.contains($0) }) else { throw .empty }
        guard !text.utf8.contains(0) else { throw .binary }
        if name.hasSuffix(".sh") || text.hasPrefix("#!") { return .script }
        guard Transcript.hasPrompts(text) else { throw .noCommands }
        return .transcript(Transcript.parse(text, dialect: .terminal))
    }

    /// The file of a folder that is the submission, from its regular files' names: the one script (`.sh`), else
    /// the one other text file (`.txt`, `.log`, `.typescript` or no extension); hidden files never.
    public static func chooseFile(_ names: [String]) throws(Unreadable) -> String {
        let visible = names.filter { !$0.hasPrefix(".") }.sorted()
        let scripts = visible.filter { $0.hasSuffix(".sh") }
        if scripts.count == 1 { return scripts[0] }
        if scripts.count > 1 { throw .severalFiles(scripts) }
        let texts = visible.filter { name in
            [".txt", ".log", ".typescript"].contains { name.hasSuffix($0) } || !name.dropFirst().contains(".")
        }
        if texts.count == 1 { return texts[0] }
        if texts.isEmpty { throw .emptyFolder }
        throw .severalFiles(texts)
    }

    /// The learner's name from the submission's path: a folder's name, a file's name without its extension.
    public static func learnerName(path: String, isFolder: Bool) -> String {
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        guard !isFolder, let dot = last.lastIndex(of: "."), dot != last.startIndex else { return last }
        return String(last[..<dot])
    }

    /// Names the grade's output folder holds itself: no learner's folder may take them.
    public static let reservedNames: Set<String> = ["class.csv", "class.md"]

    /// `name` made a folder name that is safe to create and to print: letters and digits of any script, `-`, `_`
    /// and `.` kept, every other character `_`, no leading `.` (no `..`, no hidden folder), at most 64 characters,
    /// "learner" when nothing is left; then unique among `taken` (`alice`, `alice-2`, …) and never a reserved name.
    public static func folderName(_ name: String, taken: Set<String>) -> String {
        // By scalar, not by character: a letter followed by a zero-width joiner or a bidi control is one character,
        // and the control must go too.
        var scalars = String.UnicodeScalarView()
        for scalar in name.unicodeScalars.prefix(64) {
            let kept = (scalar.properties.isAlphabetic || scalar.properties.generalCategory == .decimalNumber
                        || "-_.".unicodeScalars.contains(scalar)) && !TerminalText.needsEscape(scalar)
            scalars.append(kept ? scalar : "_")
        }
        var safe = String(scalars)
        while safe.hasPrefix(".") { safe.removeFirst() }
        if safe.isEmpty { safe = "learner" }
        var candidate = safe
        var n = 2
        while taken.contains(candidate) || reservedNames.contains(candidate) {
            candidate = "\(safe)-\(n)"
            n += 1
        }
        return candidate
    }
}
