import CJSONC

/// A JSON syntax error, located by line and column (1-based) and byte offset.
public struct JSONSyntaxError: Error, Equatable, CustomStringConvertible, Sendable {
    public var line: Int
    public var column: Int
    public var offset: Int
    public var message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}

/// Parsing and writing JSON through json-c. This file is the only place in netcheck that calls json-c.
public enum JSON {
    /// Nesting deeper than this is refused (json-c's own default is 32).
    public static let maximumDepth: Int32 = 64

    /// Parses one JSON document, strictly (RFC 8259: no comments, no trailing commas, no single quotes), with
    /// nothing but whitespace after it.
    public static func parse(_ text: String) throws -> JSONValue {
        let bytes = Array(text.utf8)
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
        return try value(of: object)
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

    /// Keys that appear more than once in the same object, as JSON pointers to that object with the key
    /// (json-c keeps only the last value, so a parsed document cannot show them). `text` must be valid JSON.
    public static func duplicateKeys(in text: String) -> [(pointer: String, key: String)] {
        var scanner = DuplicateKeyScanner(Array(text.utf8))
        return scanner.scan()
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
            let bytes = Array(s.utf8)
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
