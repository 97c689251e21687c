import SafeText
import CJSONC

/// A JSON syntax error, located by line and column (1-based) and byte offset.
public struct JSONSyntaxError: Error, Equatable, CustomStringConvertible, Sendable {
    public var line: Int
    public var column: Int
    public var offset: Int
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// JSON text that json-c reads, but not as what it says (see `JSON.parse`), located like a syntax error.
public struct JSONContentError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Problem: Equatable, Sendable {
        /// The key appears before in the same object, compared as decoded (json-c would keep the last value).
        case duplicateKey
        /// A key holds U+0000 (json-c keeps keys as C strings, so `"id\u0000"` would be read as `id`).
        case u0000InKey
        /// A string holds U+0000 (cut short wherever it reaches C: an interface name, a path).
        case u0000InString
        /// An integer outside Int64, as written (json-c would clamp it to the nearest end).
        case integerOutOfRange(String)
        /// A number beyond the range of a Double, as written (json-c would read infinity).
        case numberOutOfRange(String)
    }

    public var line: Int
    public var column: Int
    public var offset: Int
    /// JSON pointer of the object holding the key (for a key), or of the value.
    public var pointer: String
    /// The key concerned: the duplicate, the key with U+0000, or the key of the member whose value it is.
    public var key: String?
    public var problem: Problem

    public init(line: Int, column: Int, offset: Int, pointer: String, key: String?, problem: Problem) {
        self.line = line; self.column = column; self.offset = offset; self.pointer = pointer; self.key = key; self.problem = problem
    }

    /// The field a message names before saying what is wrong with it; nil when the message names the key itself.
    public var field: String? {
        switch problem {
        case .duplicateKey, .u0000InKey, .u0000InString: return key
        case .integerOutOfRange, .numberOutOfRange: return nil
        }
    }

    /// What is wrong, without the position and `field`. Text copied from the file is escaped and kept short.
    public var message: String {
        let member = key.map { " for \"\(TerminalText.oneLine($0, limit: TerminalText.keyLimit))\"" } ?? ""
        switch problem {
        case .duplicateKey: return "appears more than once"
        case .u0000InKey: return "a key must not contain U+0000"
        case .u0000InString: return "a string must not contain U+0000"
        case .integerOutOfRange(let text):
            return "\(TerminalText.oneLine(text, limit: 40)) is not a valid integer\(member) (integers run from \(Int64.min) to \(Int64.max))"
        case .numberOutOfRange(let text):
            return "\(TerminalText.oneLine(text, limit: 40)) is out of range\(member) (more than a 64-bit floating-point number holds)"
        }
    }

    public var description: String {
        let f = field.map { "field \"\(TerminalText.oneLine($0, limit: TerminalText.keyLimit))\": " } ?? ""
        return "line \(line), column \(column): \(f)\(message)"
    }
}

/// Parsing and writing JSON through json-c. This file is the only place in netcheck that calls json-c.
public enum JSON {
    /// Nesting deeper than this is refused (json-c's own default is 32).
    public static let maximumDepth: Int32 = 64

    /// Parses one JSON document, strictly (RFC 8259: no comments, no trailing commas, no single quotes, no raw
    /// control characters in strings), with nothing but whitespace after it. Text json-c would read as something
    /// else than it says is a `JSONContentError` where it is written: a key twice in one object (compared as
    /// decoded: `"c\u0068apter"` is `"chapter"`; `allowingDuplicateKeys` keeps the last, as json-c does), U+0000 in a
    /// key or string, an integer outside Int64, a number beyond Double (see `ContentScanner`).
    public static func parse(_ text: String, allowingDuplicateKeys: Bool = false) throws -> JSONValue {
        let bytes = Array(text.utf8)
        // json-c takes the length as an int.
        guard bytes.count <= Int(Int32.max) else {
            throw JSONSyntaxError(line: 1, column: 1, offset: 0, message: "the text is larger than json-c reads (2 GiB)")
        }
        guard let tokener = json_tokener_new_ex(maximumDepth) else {
            throw JSONSyntaxError(line: 1, column: 1, offset: 0, message: "out of memory")
        }
        defer { json_tokener_free(tokener) }
        json_tokener_set_flags(tokener, JSON_TOKENER_STRICT)
        let object: OpaquePointer? = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(buffer.count, 1)) {
                json_tokener_parse_ex(tokener, $0, Int32(buffer.count))
            }
        }
        defer { if let object { json_object_put(object) } }
        let status = json_tokener_get_error(tokener)
        let end = Int(json_tokener_get_parse_end(tokener))
        if status == json_tokener_continue || (status == json_tokener_success && object == nil && bytes.isEmpty) {
            throw syntaxError(bytes, at: bytes.count, "unexpected end of input")
        }
        guard status == json_tokener_success else {
            let message = String(cString: json_tokener_error_desc(status))
            throw syntaxError(bytes, at: max(0, min(end, bytes.count) - 1), message)
        }
        if let garbage = bytes[end...].firstIndex(where: { !isWhitespace($0) }) {
            throw syntaxError(bytes, at: garbage, "unexpected text after the JSON value")
        }
        // json-c 0.16 accepts a single-quoted object key even with JSON_TOKENER_STRICT.
        if let quote = singleQuoteOutsideStrings(bytes[..<end]) {
            throw syntaxError(bytes, at: quote, "strings take double quotes, not single quotes")
        }
        var scanner = ContentScanner(bytes, checkDuplicates: !allowingDuplicateKeys)
        if let finding = scanner.first() { throw error(for: finding, in: bytes) }
        return try value(of: object)
    }

    static func error(for finding: ContentScanner.Finding, in bytes: [UInt8]) -> any Error {
        let at = syntaxError(bytes, at: finding.offset, "")
        let problem: JSONContentError.Problem
        switch finding.kind {
        case .rawControlCharacter(let b):
            return syntaxError(bytes, at: finding.offset,
                               "control characters in strings must be escaped (\(TerminalText.oneLine(String(UnicodeScalar(b)))))")
        case .duplicateKey: problem = .duplicateKey
        case .u0000InKey: problem = .u0000InKey
        case .u0000InString: problem = .u0000InString
        case .integerOutOfRange(let text): problem = .integerOutOfRange(text)
        case .numberOutOfRange(let text): problem = .numberOutOfRange(text)
        }
        return JSONContentError(line: at.line, column: at.column, offset: finding.offset, pointer: finding.pointer,
                                key: finding.key, problem: problem)
    }

    /// Writes `value` as UTF-8 JSON text (non-ASCII characters unescaped); `pretty` indents by two spaces.
    public static func serialize(_ value: JSONValue, pretty: Bool = true) -> String {
        let object = make(value)
        defer { if let object { json_object_put(object) } }
        var flags = JSON_C_TO_STRING_NOSLASHESCAPE
        flags |= pretty ? (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED) : JSON_C_TO_STRING_PLAIN
        guard let object else { return "null" }
        var length = 0
        let text = json_object_to_json_string_length(object, Int32(flags), &length)!
        return String(decoding: UnsafeRawBufferPointer(start: text, count: length), as: UTF8.self)
    }

    /// Every key that appears more than once in the same object (keys compared as decoded), as the JSON pointer of
    /// that object with the key. `parse` refuses the first; this lists them all. Any text is walked to its end.
    public static func duplicateKeys(in text: String) -> [(pointer: String, key: String)] {
        var scanner = ContentScanner(Array(text.utf8), collectDuplicates: true)
        return scanner.duplicates().map { ($0.pointer, $0.key ?? "") }
    }

    // MARK: json-c objects <-> values

    static func value(of object: OpaquePointer?) throws -> JSONValue {
        guard let object else { return .null }
        switch json_object_get_type(object) {
        case json_type_null: return .null
        case json_type_boolean: return .bool(json_object_get_boolean(object) != 0)
        case json_type_int: return .int(json_object_get_int64(object))
        case json_type_double: return .double(json_object_get_double(object))
        case json_type_string: return .string(string(of: object))
        case json_type_array:
            let count = json_object_array_length(object)
            return .array(try (0..<count).map { try value(of: json_object_array_get_idx(object, $0)) })
        case json_type_object:
            var result = JSONObject()
            var it = json_object_iter_begin(object)
            var end = json_object_iter_end(object)
            while json_object_iter_equal(&it, &end) == 0 {
                // json-c keeps keys as C strings; a key with U+0000, which this would cut short, is refused before.
                let key = String(cString: json_object_iter_peek_name(&it))
                result[key] = try value(of: json_object_iter_peek_value(&it))
                json_object_iter_next(&it)
            }
            return .object(result)
        default:
            return .null
        }
    }

    static func string(of object: OpaquePointer) -> String {
        let length = Int(json_object_get_string_len(object))
        guard let pointer = json_object_get_string(object) else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
    }

    /// A new json-c object (reference owned by the caller); nil stands for JSON null.
    static func make(_ value: JSONValue) -> OpaquePointer? {
        switch value {
        case .null: return nil
        case .bool(let b): return json_object_new_boolean(b ? 1 : 0)
        case .int(let n): return json_object_new_int64(n)
        case .double(let d): return json_object_new_double(d)
        case .string(let s):
            // U+0000 is written as U+FFFD: netcheck's reader refuses it (json-c and every C consumer would cut the
            // string there), and a report must read back. Nothing else is changed.
            let bytes = s.utf8.contains(0) ? Array(String(s.unicodeScalars.map { $0 == "\u{0}" ? "\u{FFFD}" : Character($0) }).utf8) : Array(s.utf8)
            return bytes.withUnsafeBufferPointer { buffer in
                buffer.baseAddress.map { base in
                    base.withMemoryRebound(to: CChar.self, capacity: buffer.count) { json_object_new_string_len($0, Int32(buffer.count)) }
                } ?? json_object_new_string("")
            }
        case .array(let items):
            let array = json_object_new_array()
            for item in items { json_object_array_add(array, make(item)) }
            return array
        case .object(let o):
            let object = json_object_new_object()
            for (key, item) in o.pairs { json_object_object_add(object, key, make(item)) }
            return object
        }
    }

    /// The offset of the first `'` that is not inside a double-quoted string.
    static func singleQuoteOutsideStrings(_ bytes: ArraySlice<UInt8>) -> Int? {
        var inString = false, escaped = false
        for i in bytes.indices {
            let b = bytes[i]
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: "'") {
                return i
            }
        }
        return nil
    }

    static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0d }

    static func syntaxError(_ bytes: [UInt8], at offset: Int, _ message: String) -> JSONSyntaxError {
        var line = 1, column = 1
        var i = 0
        while i < min(offset, bytes.count) {
            if bytes[i] == 0x0a { line += 1; column = 1 } else if bytes[i] & 0xc0 != 0x80 { column += 1 }
            i += 1
        }
        return JSONSyntaxError(line: line, column: column, offset: offset, message: message)
    }
}
