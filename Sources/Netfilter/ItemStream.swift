/// Splits `nft -j list ruleset` output, as it arrives, into the items of its `{"nftables": [...]}` array, so that
/// each item is parsed on its own: memory holds one item at a time, never the document (11 MB of JSON for 30,000
/// rules, and many times that as a parsed tree), the work is linear in the bytes, and a listing cut short by the
/// deadline still gives the items before the cut.
///
///     {"nftables": [{"metainfo": {…}}, {"table": {…}}, {"chain": {…}}, {"rule": {…}}, …]}
///                   ^ item            ^ item          ^ item          ^ item
///
/// Only the envelope is checked here (an object whose "nftables" member is an array, and nothing after it). An
/// item is kept, and handed over as its bytes to be parsed by `JSON.parse`, only when it is an object whose first
/// key is `wanted` ("chain", "rule") and it is no longer than `maximumItemBytes`; the others are skipped as they
/// stream by (a set of a million elements costs nothing), those skipped for their size counted in `tooLarge`.
struct ItemStream {
    struct Failure: Error, Equatable {
        var message: String
        init(_ message: String) { self.message = message }
    }

    let wanted: Set<String>
    let maximumItemBytes: Int
    /// Wanted items skipped for their size.
    private(set) var tooLarge = 0

    init(wanted: Set<String>, maximumItemBytes: Int) {
        self.wanted = wanted
        self.maximumItemBytes = maximumItemBytes
    }

    private enum Place {
        case beforeDocument, beforeMember, inMemberName, afterMemberName, beforeMemberValue, inOtherValue, afterMember
        case beforeItem, inItem, inScalarItem, afterItem, afterDocument
    }

    private var place = Place.beforeDocument
    private var memberName: [UInt8] = []
    private var sawItems = false
    /// After a ',' in the array: a value must follow.
    private var afterComma = false
    /// Inside a string, and right after a backslash in it.
    private var inString = false
    private var escaped = false
    /// Nesting within the current item or other member's value.
    private var depth = 0
    /// The current item's bytes, while it may be wanted.
    private var item: [UInt8] = []
    private var keeping = false
    /// The current item's first key: being read, and read.
    private var firstKey: [UInt8] = []
    private var readingFirstKey = false
    private var hasFirstKey = false

    /// Feeds the next bytes of the listing; `handle` gets each wanted item's bytes, in order.
    mutating func feed(_ bytes: some Sequence<UInt8>, item handle: ([UInt8]) throws -> Void) throws {
        let done: Void? = try bytes.withContiguousStorageIfAvailable { try feed(buffer: $0, handle) }
        if done == nil { try feed(buffer: Array(bytes).withUnsafeBufferPointer { $0 }, handle) }
    }

    /// The bytes of one chunk. Inside an item whose first key is known (nearly all of the listing) a tight loop
    /// follows strings and brackets and copies what is kept in one piece; the rest goes byte by byte (`step`).
    private mutating func feed(buffer p: UnsafeBufferPointer<UInt8>, _ handle: ([UInt8]) throws -> Void) throws {
        var i = 0
        let n = p.count
        while i < n {
            guard place == .inItem, hasFirstKey || !keeping else {
                try step(p[i], handle)
                i += 1
                continue
            }
            let start = i
            var closed = false
            while i < n {
                let b = p[i]
                i += 1
                if inString {
                    if escaped { escaped = false } else if b == Self.backslash { escaped = true } else if b == Self.quote {
                        inString = false
                        if depth == 0 { closed = true; break }   // a string item
                    }
                    continue
                }
                if b == Self.quote {
                    inString = true
                } else if b == Self.openBrace || b == Self.openBracket {
                    depth += 1
                } else if b == Self.closeBrace || b == Self.closeBracket {
                    depth -= 1
                    if depth < 0 { throw Failure("unbalanced brackets") }
                    if depth == 0 { closed = true; break }
                }
            }
            if keeping {
                if item.count + (i - start) <= maximumItemBytes {
                    item.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<i]))
                } else {
                    keeping = false
                    item = []
                    tooLarge += 1
                }
            }
            if closed {
                try endItem(handle)
                place = .afterItem
            }
        }
    }

    /// The listing ended: it must have been one whole document.
    func finish() throws {
        switch place {
        case .afterDocument: return
        case .beforeDocument: throw Failure("empty document")
        default: throw Failure("the document ends early")
        }
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0a || b == 0x0d }
    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
    private static let openBrace = UInt8(ascii: "{"), closeBrace = UInt8(ascii: "}")
    private static let openBracket = UInt8(ascii: "["), closeBracket = UInt8(ascii: "]")
    private static let comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
    private static let notTheEnvelope = "not an {\"nftables\": [...]} document"

    /// Follows strings inside items and other values; true when `b` belongs to a string (its quotes included).
    private mutating func followString(_ b: UInt8) -> Bool {
        if inString {
            if escaped { escaped = false } else if b == Self.backslash { escaped = true } else if b == Self.quote { inString = false }
            return true
        }
        if b == Self.quote { inString = true; return true }
        return false
    }

    private mutating func step(_ b: UInt8, _ handle: ([UInt8]) throws -> Void) throws {
        switch place {
        case .beforeDocument:
            if Self.isSpace(b) { return }
            guard b == Self.openBrace else { throw Failure(Self.notTheEnvelope) }
            place = .beforeMember
        case .beforeMember:
            if Self.isSpace(b) { return }
            if b == Self.closeBrace { return try endDocument() }
            guard b == Self.quote else { throw Failure("expected a member name") }
            memberName = []
            escaped = false
            place = .inMemberName
        case .inMemberName:
            if escaped { escaped = false } else if b == Self.backslash { escaped = true } else if b == Self.quote {
                place = .afterMemberName
                return
            }
            if memberName.count < 64 { memberName.append(b) }
        case .afterMemberName:
            if Self.isSpace(b) { return }
            guard b == Self.colon else { throw Failure("expected ':' after a member name") }
            place = .beforeMemberValue
        case .beforeMemberValue:
            if Self.isSpace(b) { return }
            if memberName == Array("nftables".utf8) {
                guard b == Self.openBracket else { throw Failure(Self.notTheEnvelope) }
                sawItems = true
                afterComma = false
                place = .beforeItem
                return
            }
            // Another member: skipped, whatever it holds.
            depth = 0
            inString = false
            escaped = false
            place = .inOtherValue
            try otherValue(b)
        case .inOtherValue:
            try otherValue(b)
        case .afterMember:
            if Self.isSpace(b) { return }
            if b == Self.comma { place = .beforeMember; return }
            if b == Self.closeBrace { return try endDocument() }
            throw Failure("expected ',' or '}' after a member")
        case .beforeItem:
            if Self.isSpace(b) { return }
            if b == Self.closeBracket && !afterComma { place = .afterMember; return }
            if b == Self.comma || b == Self.colon || b == Self.closeBrace || b == Self.closeBracket {
                throw Failure("a value is missing in the array")
            }
            try startItem(b)
        case .inItem:
            if try itemByte(b) {
                try endItem(handle)
                place = .afterItem
            }
        case .inScalarItem:
            // A number, true, false or null: skipped up to the next delimiter.
            if Self.isSpace(b) || b == Self.comma || b == Self.closeBracket {
                place = .afterItem
                try step(b, handle)
            }
        case .afterItem:
            if Self.isSpace(b) { return }
            if b == Self.comma { afterComma = true; place = .beforeItem; return }
            if b == Self.closeBracket { place = .afterMember; return }
            throw Failure("expected ',' or ']' after a value in the array")
        case .afterDocument:
            if !Self.isSpace(b) { throw Failure("unexpected text after the document") }
        }
    }

    private mutating func endDocument() throws {
        guard sawItems else { throw Failure(Self.notTheEnvelope) }
        place = .afterDocument
    }

    /// The value of a member other than "nftables", followed until it ends.
    private mutating func otherValue(_ b: UInt8) throws {
        if followString(b) { return }
        switch b {
        case Self.openBrace, Self.openBracket:
            depth += 1
        case Self.closeBrace, Self.closeBracket:
            if depth == 0 {
                // A scalar was the last member's value: this ends the document.
                guard b == Self.closeBrace else { throw Failure("unbalanced ']'") }
                return try endDocument()
            }
            depth -= 1
            if depth == 0 { place = .afterMember }
        case Self.comma where depth == 0:
            place = .beforeMember
        default:
            break
        }
    }

    private mutating func startItem(_ b: UInt8) throws {
        afterComma = false
        guard b == Self.openBrace || b == Self.openBracket || b == Self.quote else {
            place = .inScalarItem
            return
        }
        item = []
        keeping = b == Self.openBrace   // only an object can be wanted
        firstKey = []
        readingFirstKey = false
        hasFirstKey = false
        depth = 0
        inString = false
        escaped = false
        place = .inItem
        _ = try itemByte(b)
    }

    /// One byte of an object, array or string item; true when it closes the item.
    private mutating func itemByte(_ b: UInt8) throws -> Bool {
        if keeping {
            if item.count < maximumItemBytes {
                item.append(b)
            } else {
                keeping = false
                item = []
                tooLarge += 1
            }
        }
        let wasInString = inString
        if followString(b) {
            // The first key of an object item: known by its closing quote, and the item dropped unless wanted.
            if depth == 1 && !hasFirstKey {
                if !wasInString {
                    readingFirstKey = true
                } else if !inString {
                    readingFirstKey = false
                    hasFirstKey = true
                    if keeping && !wanted.contains(String(decoding: firstKey, as: UTF8.self)) {
                        keeping = false
                        item = []
                    }
                } else if readingFirstKey && firstKey.count < 64 {
                    firstKey.append(b)
                }
            }
            return depth == 0 && !inString   // a string item ends with its closing quote
        }
        switch b {
        case Self.openBrace, Self.openBracket:
            depth += 1
        case Self.closeBrace, Self.closeBracket:
            depth -= 1
            if depth < 0 { throw Failure("unbalanced brackets") }
            return depth == 0
        default:
            break
        }
        return false
    }

    private mutating func endItem(_ handle: ([UInt8]) throws -> Void) throws {
        if keeping && hasFirstKey { try handle(item) }
        item = []
        keeping = false
    }
}
