/// Walks JSON text that json-c has accepted and finds what json-c would read differently from what the text says,
/// with the byte offset where it is written:
///
/// - a key that appears twice in one object, keys compared as *decoded* (`"c\u0068apter"` is `"chapter"`; json-c
///   merges them and keeps the last value). Keys are Swift strings here, so canonically equivalent spellings
///   (`"é"`, `"e\u0301"`) are one key too, as they are to `JSONObject`;
/// - U+0000 in a key (json-c keeps keys as C strings: `"id\u0000"` would become `id`) or in a string (cut short
///   wherever netcheck hands it to C);
/// - an integer outside Int64 (json-c clamps 10^26 to 9223372036854775807) or a number beyond Double (json-c reads
///   1e999 as infinity);
/// - a raw control character inside a string, which RFC 8259 wants escaped and json-c 0.16 takes even when strict.
///
/// Strings are decoded as json-c decodes them: a surrogate pair is its character, a lone surrogate U+FFFD.
/// Whatever text it is given (`JSON.duplicateKeys(in:)` takes any), the walk always moves on and ends.
struct ContentScanner {
    enum Kind: Equatable {
        case duplicateKey
        case u0000InKey
        case u0000InString
        case integerOutOfRange(String)
        case numberOutOfRange(String)
        case rawControlCharacter(UInt8)
    }

    struct Finding {
        var kind: Kind
        var offset: Int
        /// The key concerned, or the key of the member whose value it is.
        var key: String?
        /// JSON pointer of the object holding the key (for a key), or of the value.
        var pointer: String
    }

    let bytes: [UInt8]
    /// Every duplicate key (`JSON.duplicateKeys`), or only the first finding of any kind (`JSON.parse`).
    let collectDuplicates: Bool
    let checkDuplicates: Bool
    var i = 0
    var depth = 0
    /// Keys and array indexes from the root down to the value being read; a pointer is built only for a finding.
    var path: [String] = []
    var findings: [Finding] = []

    /// json-c refuses deeper nesting, so this only bounds the recursion on text it would not accept.
    static let depthLimit = Int(JSON.maximumDepth) + 1

    init(_ bytes: [UInt8], collectDuplicates: Bool = false, checkDuplicates: Bool = true) {
        self.bytes = bytes
        self.collectDuplicates = collectDuplicates
        self.checkDuplicates = checkDuplicates || collectDuplicates
    }

    var finished: Bool { !collectDuplicates && !findings.isEmpty }

    /// The first finding in the text, in the order it is written.
    mutating func first() -> Finding? {
        value(key: nil)
        return findings.first
    }

    /// Every duplicate key, with the pointer of its object.
    mutating func duplicates() -> [Finding] {
        value(key: nil)
        return findings.filter { $0.kind == .duplicateKey }
    }

    mutating func record(_ kind: Kind, at offset: Int, key: String?, pointer components: [String]? = nil) {
        if collectDuplicates && kind != .duplicateKey { return }
        let pointer = (components ?? path).map { "/" + escapePointer($0) }.joined()
        findings.append(Finding(kind: kind, offset: offset, key: key, pointer: pointer.isEmpty ? "/" : pointer))
    }

    /// RFC 6901: "~" is written "~0" and "/" "~1" in a JSON pointer.
    func escapePointer(_ component: String) -> String {
        guard component.contains(where: { $0 == "~" || $0 == "/" }) else { return component }
        return component.replacing("~", with: "~0").replacing("/", with: "~1")
    }

    mutating func skipSpace() {
        while i < bytes.count, JSON.isWhitespace(bytes[i]) { i += 1 }
    }

    /// One value; `key` is the key of the member it belongs to, for messages.
    mutating func value(key: String?) {
        skipSpace()
        guard i < bytes.count, !finished else { return }
        switch bytes[i] {
        case UInt8(ascii: "{"): object()
        case UInt8(ascii: "["): array(key: key)
        case UInt8(ascii: "\""): _ = string(decoding: false, key: key)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): number(key: key)
        default:
            let start = i
            while i < bytes.count, !",:{}[]\" \t\r\n".utf8.contains(bytes[i]) { i += 1 }
            if i == start { i += 1 } // a stray "}" or ":" (text json-c would refuse): always move on
        }
    }

    mutating func object() {
        i += 1
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.depthLimit else { i = bytes.count; return }
        var seen = Set<String>()
        while !finished {
            skipSpace()
            guard i < bytes.count, bytes[i] != UInt8(ascii: "}") else { i += 1; return }
            let start = i
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            guard bytes[i] == UInt8(ascii: "\"") else { value(key: nil); if i == start { i += 1 }; continue }
            let key = string(decoding: true, key: nil)
            if checkDuplicates, !seen.insert(key).inserted {
                record(.duplicateKey, at: start, key: key)
                if finished { return }
            }
            skipSpace()
            if i < bytes.count, bytes[i] == UInt8(ascii: ":") { i += 1 }
            path.append(key)
            value(key: key)
            path.removeLast()
        }
    }

    mutating func array(key: String?) {
        i += 1
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.depthLimit else { i = bytes.count; return }
        var index = 0
        while !finished {
            skipSpace()
            guard i < bytes.count, bytes[i] != UInt8(ascii: "]") else { i += 1; return }
            if bytes[i] == UInt8(ascii: ",") { i += 1; index += 1; continue }
            let start = i
            path.append(String(index))
            value(key: key)
            path.removeLast()
            if i == start { i += 1 } // a stray "}" (see above)
        }
    }

    /// Reads a string from its opening quote to after its closing one. With `decoding`, it is a key: returned
    /// decoded, with U+0000 in it recorded as such; otherwise only U+0000 and raw control characters are looked for.
    mutating func string(decoding: Bool, key: String?) -> String {
        let quote = i
        i += 1
        var decoded: [UInt8] = []
        var u0000: Int?
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
            let b = bytes[i]
            if b < 0x20 {
                record(.rawControlCharacter(b), at: i, key: key)
                if finished { return "" }
            }
            guard b == UInt8(ascii: "\\"), i + 1 < bytes.count else {
                if decoding { decoded.append(b) }
                i += 1
                continue
            }
            let escape = bytes[i + 1]
            guard escape == UInt8(ascii: "u"), let unit = hex4(at: i + 2) else {
                if decoding { decoded.append(Self.unescaped[escape] ?? escape) }
                i += 2
                continue
            }
            let at = i
            i += 6
            var scalar: UInt32 = 0xFFFD
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate makes a character with a low one right after it; alone, json-c reads U+FFFD.
                if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u"),
                   let low = hex4(at: i + 2), (0xDC00...0xDFFF).contains(low) {
                    scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                    i += 6
                }
            case 0xDC00...0xDFFF: break
            default: scalar = UInt32(unit)
            }
            if scalar == 0 && u0000 == nil { u0000 = at }
            if decoding { decoded.append(contentsOf: Array(String(Unicode.Scalar(scalar)!).utf8)) }
        }
        i += 1
        let text = decoding ? String(decoding: decoded, as: UTF8.self) : ""
        if let u0000 {
            if decoding { record(.u0000InKey, at: quote, key: text) } else { record(.u0000InString, at: u0000, key: key) }
        }
        return text
    }

    /// The escapes other than \u, as the bytes they stand for.
    static let unescaped: [UInt8: UInt8] = [
        UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0c, UInt8(ascii: "n"): 0x0a, UInt8(ascii: "r"): 0x0d, UInt8(ascii: "t"): 0x09,
    ]

    /// Four hex digits at `offset`, as a UTF-16 code unit.
    func hex4(at offset: Int) -> UInt16? {
        guard offset + 4 <= bytes.count else { return nil }
        var unit: UInt16 = 0
        for b in bytes[offset..<offset + 4] {
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: return nil
            }
            unit = unit << 4 | UInt16(digit)
        }
        return unit
    }

    mutating func number(key: String?) {
        let start = i
        var integer = true
        while i < bytes.count, "-+.eE0123456789".utf8.contains(bytes[i]) {
            if !(bytes[i] == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i])) { integer = false }
            i += 1
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if integer {
            if Int64(text) == nil, text.utf8.contains(where: { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) {
                record(.integerOutOfRange(text), at: start, key: key)
            }
        } else if let d = Double(text), !d.isFinite {
            record(.numberOutOfRange(text), at: start, key: key)
        }
    }
}
