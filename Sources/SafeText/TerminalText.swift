/// Text from outside netcheck made safe to print on a terminal or in a table. In a course netcheck runs as root over
/// a learner's machine, so every name it prints may be hostile: an interface or namespace name, a listener's
/// process name (/proc/PID/comm), an HTTP page's title or status line, an nft rule and its comment, an exercise
/// file. Raw, an ESC clears the screen or recolours it, a newline starts a forged `[ OK ]` line, a NUL cuts the
/// line where C code writes it, a bidi control (U+202E) shows a name backwards.
///
/// Every printer goes through `escape`: the text report and `watch` (TextRenderer), `show` (TopologyText,
/// TopologyDot), `summarize` (Summary), Gradescope and JUnit (their text fields), netcheck's error lines. The JSON
/// report stays faithful: json-c escapes control characters itself.
public enum TerminalText {
    /// `s` with every character that does something other than show itself replaced by a visible escape, never
    /// dropped: `\t` `\n` `\r` `\e`, `\xHH` for the other C0 controls and DEL, `\uHHHH` (`\UHHHHHHHH` past the
    /// BMP) for C1 controls, bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), the other
    /// invisible format characters (general category Cf: zero-width space and joiners, U+FEFF, tags), the line
    /// and paragraph separators U+2028 and U+2029, and noncharacters (U+FFFE, which XML refuses).
    ///
    /// A backslash is left as it is, so that commands quoted from exercise files still read as typed; the escapes
    /// are therefore visible but not reversible.
    public static func escape(_ s: String) -> String {
        // Fast path: printable ASCII, as nearly every name and netcheck's own English text are.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return s }
        guard s.unicodeScalars.contains(where: needsEscape) else { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars {
            guard needsEscape(scalar) else { out.append(scalar); continue }
            out.append(contentsOf: escaped(scalar).unicodeScalars)
        }
        return String(out)
    }

    /// The scalar is a control, format or separator character, or a noncharacter: something `escape` rewrites.
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v >= 0x20 && v < 0x7f { return false }
        if v < 0x20 || (0x7f...0x9f).contains(v) { return true }
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator: return true
        default: return scalar.properties.isNoncharacterCodePoint
        }
    }

    static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x09: return "\\t"
        case 0x0a: return "\\n"
        case 0x0d: return "\\r"
        case 0x1b: return "\\e"
        case let v where v < 0x20 || v == 0x7f: return "\\x" + hex(v, digits: 2)
        case let v where v <= 0xffff: return "\\u" + hex(v, digits: 4)
        case let v: return "\\U" + hex(v, digits: 8)
        }
    }

    static func hex(_ v: UInt32, digits: Int) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, digits - h.count)) + h
    }

    /// How much of a key a message about a file quotes.
    public static let keyLimit = 80

    /// Text copied from a file (a key, a value, a file name) into a message printed as one line: `escape`d, and when
    /// longer than `limit` Unicode scalars, its middle cut to "…" (the first two thirds and the last third are kept,
    /// so that a message quoting a megabyte still ends with what it says about it).
    public static func oneLine(_ text: String, limit: Int = .max) -> String {
        let scalars = text.unicodeScalars
        guard limit < .max, scalars.count > limit else { return escape(text) }
        let tail = max(1, limit / 3)
        return escape(String(String.UnicodeScalarView(scalars.prefix(max(1, limit - tail))))) + "…"
            + escape(String(String.UnicodeScalarView(scalars.suffix(tail))))
    }

    /// At most `limit` Unicode scalars of `s`, then "…" when it was longer: for text copied from the learner's
    /// machine into a report (a page title, an nft rule). Counted in scalars, not characters: one character may
    /// carry any number of combining marks.
    public static func excerpt(_ s: String, limit: Int) -> String {
        let scalars = s.unicodeScalars
        guard let end = scalars.index(scalars.startIndex, offsetBy: limit, limitedBy: scalars.endIndex),
              end != scalars.endIndex else { return s }
        return String(scalars[..<end]) + "…"
    }
}
