/// Text copied from a file (a key, a value, a file name) into a message that is printed as one line: every
/// character that would break the line or steer the terminal is written as JSON writes it (`\n`, `\t`, `\u001b`),
/// and a long copy is cut, so that a file can neither garble nor flood what netcheck prints about it.
public enum OneLine {
    /// How much of a key a message quotes.
    public static let keyLimit = 80

    /// `text` with its control characters escaped: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F, which holds the
    /// one-byte CSI), the line and paragraph separators, and the bidirectional controls that reorder a line as it is
    /// shown. Longer than `limit` characters (Unicode scalars), its middle is cut to "…", keeping the first two
    /// thirds and the last third (so a message that quotes a megabyte still ends with what it says about it).
    /// Backslashes are kept as they are: text without control characters, within `limit`, comes back unchanged.
    public static func escaped(_ text: String, limit: Int = .max) -> String {
        let scalars = text.unicodeScalars
        let tooLong = limit < .max && scalars.count > limit
        guard tooLong || scalars.contains(where: needsEscape) else { return text }
        var out = ""
        func append(_ part: Substring.UnicodeScalarView) {
            for s in part {
                guard needsEscape(s) else { out.unicodeScalars.append(s); continue }
                switch s {
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    let hex = String(s.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                }
            }
        }
        if tooLong {
            let tail = max(1, limit / 3)
            append(scalars.prefix(max(1, limit - tail)))
            out += "…"
            append(scalars.suffix(tail))
        } else {
            append(scalars[...])
        }
        return out
    }

    static func needsEscape(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x2028, 0x2029: return true // line and paragraph separators
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true // bidirectional marks and overrides
        default: return false
        }
    }
}
