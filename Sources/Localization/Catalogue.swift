import JSON
import SafeText

/// One message of a catalogue: a text with named placeholders (`{namespace} has no interface {link}`), or one
/// such text per plural category, chosen by the message's `count` argument. Kept as written and cut into
/// segments when it is used: a run uses a few dozen of a catalogue's hundreds of messages.
public struct Message: Sendable, Equatable {
    public enum Segment: Sendable, Equatable {
        case text(String)
        case placeholder(String)
    }

    public enum Forms: Sendable, Equatable {
        case single(String)
        case plural([PluralCategory: String])
    }

    public var forms: Forms

    /// The segments of `template`: `{name}` (ASCII letters, digits and `_`, starting with a letter) is a
    /// placeholder, any other brace is text. Scanned as UTF-8 (the braces and names are ASCII, so no character
    /// is cut).
    public static func segments(_ template: String) -> [Segment] {
        let bytes = Array(template.utf8)
        func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z") }
        func isNamePart(_ b: UInt8) -> Bool { isLetter(b) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") }
        var out: [Segment] = []
        var textStart = 0, i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "{"), i + 1 < bytes.count, isLetter(bytes[i + 1]) {
                var j = i + 2
                while j < bytes.count, isNamePart(bytes[j]) { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: "}") {
                    if textStart < i { out.append(.text(String(decoding: bytes[textStart..<i], as: UTF8.self))) }
                    out.append(.placeholder(String(decoding: bytes[(i + 1)..<j], as: UTF8.self)))
                    i = j + 1
                    textStart = i
                    continue
                }
            }
            i += 1
        }
        if textStart < bytes.count { out.append(.text(String(decoding: bytes[textStart...], as: UTF8.self))) }
        return out
    }

    /// Every placeholder of every form.
    public var placeholders: Set<String> {
        let all: [String]
        switch forms {
        case .single(let s): all = [s]
        case .plural(let p): all = Array(p.values)
        }
        return Set(all.flatMap { Self.segments($0).compactMap { if case .placeholder(let n) = $0 { return n }; return nil } })
    }

    public var pluralCategories: [PluralCategory]? {
        if case .plural(let p) = forms { return p.keys.sorted() }
        return nil
    }

    /// The text of the form for `count` under `rule` (`other` when the catalogue lacks the category).
    public func template(count: Int?, rule: PluralRule) -> String {
        switch forms {
        case .single(let s): return s
        case .plural(let p): return p[rule.category(for: count ?? 0)] ?? p[.other] ?? ""
        }
    }
}

/// A message catalogue that cannot be read or does not say what a catalogue says: where, and what is wrong. One
/// line, as exercise-file errors are. In English: the catalogues are what would translate it.
public struct CatalogueError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// "line 3, column 14", or the message id (or `/` for the whole file).
    public var position: String
    public var message: String

    public init(file: String, position: String, message: String) {
        self.file = file; self.position = position; self.message = message
    }

    /// `FILE: POSITION: MESSAGE`, or the message alone when it is about no one file.
    public var description: String {
        let text = TerminalText.oneLine(message, limit: 600)
        return file.isEmpty ? text : "\(TerminalText.oneLine(file)): \(TerminalText.oneLine(position)): \(text)"
    }
}

/// The messages of one language, from `Messages/<code>.json`: a flat object from message id (dotted, grouped
/// by where the message is used: `cause.forwardingOff.finding`, `report.label.expected`) to its text, or to an
/// object of plural forms (`{"one": …, "other": …}`).
public struct Catalogue: Sendable {
    public let language: Language
    public let file: String
    public let messages: [String: Message]
    /// The ids in the order of the file.
    public let ids: [String]
    /// How the language picks a plural form.
    public let rule: PluralRule

    public init(language: Language, file: String, messages: [(String, Message)]) {
        self.language = language; self.file = file; self.rule = PluralRule.of(language)
        self.messages = Dictionary(messages, uniquingKeysWith: { a, _ in a })
        self.ids = messages.map(\.0)
    }

    /// A message id: dotted parts of letters, digits, `_` and `-`, each starting with a letter.
    public static func isValidID(_ id: String) -> Bool {
        var parts = 1, partStart = true
        for b in id.utf8 {
            let letter = (b | 0x20) >= UInt8(ascii: "a") && (b | 0x20) <= UInt8(ascii: "z")
            if b == UInt8(ascii: ".") {
                if partStart { return false }
                parts += 1
                partStart = true
            } else if partStart {
                guard letter else { return false }
                partStart = false
            } else {
                guard letter || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") else { return false }
            }
        }
        return parts >= 2 && !partStart
    }

    /// Parses a catalogue file's text. Syntax errors carry the line and column, content errors the message id.
    public static func parse(_ text: String, file: String, language: Language) throws -> Catalogue {
        let value: JSONValue
        do {
            value = try JSON.parse(text)
        } catch let e as JSONSyntaxError {
            throw CatalogueError(file: file, position: "line \(e.line), column \(e.column)", message: e.message)
        } catch let e as JSONContentError {
            let field = e.field.map { "\"\($0)\" " } ?? ""
            throw CatalogueError(file: file, position: "line \(e.line), column \(e.column)", message: field + e.message)
        }
        guard case .object(let object) = value else {
            throw CatalogueError(file: file, position: "/", message: "expected an object of message ids, found \(value.typeName)")
        }
        var messages: [(String, Message)] = []
        for (id, value) in object.pairs {
            guard isValidID(id) else {
                throw CatalogueError(file: file, position: id, message: "is not a message id (dotted words, such as cause.linkDown.fix)")
            }
            switch value {
            case .string(let s):
                messages.append((id, Message(forms: .single(s))))
            case .object(let forms):
                var plural: [PluralCategory: String] = [:]
                for (key, form) in forms.pairs {
                    guard let category = PluralCategory(rawValue: key) else {
                        throw CatalogueError(file: file, position: id, message: "\"\(key)\" is not a plural category (zero, one, two, few, many, other)")
                    }
                    guard case .string(let s) = form else {
                        throw CatalogueError(file: file, position: id, message: "the plural form \"\(key)\" must be a string, found \(form.typeName)")
                    }
                    plural[category] = s
                }
                guard plural[.other] != nil else {
                    throw CatalogueError(file: file, position: id, message: "a plural message needs the form \"other\"")
                }
                messages.append((id, Message(forms: .plural(plural))))
            default:
                throw CatalogueError(file: file, position: id, message: "expected a string or an object of plural forms, found \(value.typeName)")
            }
        }
        return Catalogue(language: language, file: file, messages: messages)
    }

    /// What keeps this catalogue from being a translation of `english`: ids English does not have, placeholders
    /// English does not give (they would show as `{name}`), plural forms other than the language's (and plural
    /// forms only where the English message has a `{count}` to choose them). Ids it lacks are `missing(from:)`,
    /// placeholders it leaves out `omissions(against:)`: neither is an error.
    public func problems(against english: Catalogue) -> [CatalogueError] {
        var found: [CatalogueError] = []
        for id in ids {
            let message = messages[id]!
            guard let reference = english.messages[id] else {
                found.append(CatalogueError(file: file, position: id, message: "is not a message of \(english.file)"))
                continue
            }
            let unknown = message.placeholders.subtracting(reference.placeholders)
            if !unknown.isEmpty {
                found.append(CatalogueError(file: file, position: id, message: "uses \(Self.list(unknown)), which the English message does not have (it has \(Self.list(reference.placeholders)))"))
            }
            if let categories = message.pluralCategories {
                let wanted = rule.categories
                if !reference.placeholders.contains("count") {
                    found.append(CatalogueError(file: file, position: id, message: "has plural forms, but the message has no {count} to choose them"))
                } else if categories != wanted {
                    found.append(CatalogueError(file: file, position: id, message: "has the plural forms \(categories.map(\.rawValue).joined(separator: ", ")); \(language) has \(wanted.map(\.rawValue).joined(separator: ", "))"))
                }
            }
        }
        return found
    }

    /// The placeholders of English each message of this catalogue leaves out, by id (in this catalogue's order).
    public func omissions(against english: Catalogue) -> [(id: String, placeholders: [String])] {
        ids.compactMap { id in
            guard let reference = english.messages[id] else { return nil }
            let left = reference.placeholders.subtracting(messages[id]!.placeholders)
            return left.isEmpty ? nil : (id, left.sorted())
        }
    }

    static func list(_ names: Set<String>) -> String { names.isEmpty ? "none" : names.sorted().map { "{\($0)}" }.joined(separator: " ") }

    /// The ids of `english` this catalogue lacks, in English's order.
    public func missing(from english: Catalogue) -> [String] { english.ids.filter { messages[$0] == nil } }
}
