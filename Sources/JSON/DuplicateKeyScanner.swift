/// Walks valid JSON text and reports object keys that occur twice in one object, with the JSON pointer of
/// that object. Used only after json-c has accepted the text, so it need not diagnose syntax.
struct DuplicateKeyScanner {
    let bytes: [UInt8]
    var i = 0
    var found: [(pointer: String, key: String)] = []

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func scan() -> [(pointer: String, key: String)] {
        skipSpace()
        value(pointer: "")
        return found
    }

    mutating func skipSpace() {
        while i < bytes.count, JSON.isWhitespace(bytes[i]) { i += 1 }
    }

    mutating func value(pointer: String) {
        skipSpace()
        guard i < bytes.count else { return }
        switch bytes[i] {
        case UInt8(ascii: "{"):
            i += 1
            var seen = Set<String>()
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] != UInt8(ascii: "}") else { i += 1; return }
                if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                let start = i
                let key = string()
                if !seen.insert(key).inserted { found.append((pointer.isEmpty ? "/" : pointer, key)) }
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: ":") { i += 1 }
                value(pointer: pointer + "/" + key)
                // Text json-c would not accept (a stray "]") must not stop the walk: always move on.
                if i == start { i += 1 }
            }
        case UInt8(ascii: "["):
            i += 1
            var index = 0
            while true {
                skipSpace()
                guard i < bytes.count, bytes[i] != UInt8(ascii: "]") else { i += 1; return }
                if bytes[i] == UInt8(ascii: ",") { i += 1; index += 1; continue }
                let start = i
                value(pointer: pointer + "/\(index)")
                if i == start { i += 1 } // a stray "}" (see above)
            }
        case UInt8(ascii: "\""):
            _ = string()
        default:
            while i < bytes.count, !",}] \t\r\n".utf8.contains(bytes[i]) { i += 1 }
        }
    }

    /// The raw text of a string (escapes kept as written), positioned after its closing quote.
    mutating func string() -> String {
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return "" }
        i += 1
        let start = i
        while i < bytes.count, bytes[i] != UInt8(ascii: "\"") { i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1 }
        let s = String(decoding: bytes[start..<min(i, bytes.count)], as: UTF8.self)
        i += 1
        return s
    }
}
