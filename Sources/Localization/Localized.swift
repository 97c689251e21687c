/// A text to show a person, in whatever language the report is in: a reference to a catalogue message with its
/// named arguments, resolved when it is rendered (`text(_:)`), so that a language is added by files alone. Also
/// the texts of exercise files (`{"en": …, "ja": …, "fr": …}`), plain text that reads the same in every language
/// (addresses, commands, frames), and joins of texts by a joiner message (`join.clauses`: "; " in English, "。"
/// in Japanese).
public struct Localized: Hashable, Sendable {
    /// What a placeholder is given.
    public enum Argument: Hashable, Sendable {
        /// Inserted as it is (a name, an address, a command).
        case text(String)
        /// A number: inserted in digits; the one named `count` also chooses a plural form.
        case number(Int)
        /// Another text, resolved in the same language.
        case message(Localized)
        /// Text the message quotes: where the message puts it in 「」, its own 「」 become 『』.
        case quotation(String)
    }

    indirect enum Content: Hashable, Sendable {
        case verbatim(String)
        /// By language code, as an exercise file gives them; English is the fallback.
        case texts([String: String])
        case message(String, [String: Argument])
        /// The non-empty parts, each resolved, with the joiner's text between them.
        case join([Localized], joiner: Localized)
    }

    let content: Content

    init(content: Content) { self.content = content }

    /// The message `id` of the catalogues, with its placeholders' arguments:
    /// `Localized(id: "cause.linkDown.finding", ["namespace": ns, "link": link])`.
    public init(id: String, _ arguments: [String: any MessageArgument] = [:]) {
        content = .message(id, arguments.mapValues(\.messageArgument))
    }

    /// The same text in every language (addresses, commands, names).
    public init(_ both: String) { content = .verbatim(both) }

    /// Texts by language code, as exercise files give them (`"en"` is the one a language without its own falls
    /// back to).
    public init(texts: [String: String]) { content = .texts(texts) }

    /// The two languages the book's exercises are written in.
    public init(en: String, ja: String) { content = .texts(["en": en, "ja": ja]) }

    public static let empty = Localized("")

    /// The joiners: between findings of one observation (`; ` / `。`, and in Japanese no second 。 after a part that
    /// ends a sentence), between whole sentences (` ` / nothing), between the items of a list (`, ` / `、`).
    public static let clauses = Localized(id: "join.clauses")
    public static let sentences = Localized(id: "join.sentences")
    public static let listItems = Localized(id: "join.list")

    /// The non-empty `parts`, with `joiner` between them. A joiner that is one mark (`。`) is not written after a
    /// part that already ends with it.
    public static func join(_ parts: [Localized], by joiner: Localized = clauses) -> Localized {
        Localized(content: .join(parts, joiner: joiner))
    }

    /// `join` with a joiner of two texts, English and Japanese (tests and old call sites; netcheck's own joins use
    /// the joiner messages).
    public static func join(_ parts: [Localized], en: String, ja: String) -> Localized {
        join(parts, by: Localized(en: en, ja: ja))
    }

    /// Plain items as a list: `a, b` / `a、b`.
    public static func list(_ items: [String]) -> Localized { join(items.map(Localized.init), by: listItems) }

    /// The text in `language`, from `catalogues`: each message from the first of the language's fallbacks that has
    /// it (the code, its base language, English). A message no catalogue has shows as its id.
    public func text(_ language: Language, in catalogues: Catalogues = .shared) -> String {
        switch content {
        case .verbatim(let s):
            return s
        case .texts(let texts):
            for l in language.fallbacks { if let t = texts[l.code] { return t } }
            return texts.sorted { $0.key < $1.key }.first?.value ?? ""
        case let .message(id, arguments):
            guard let (message, rule) = catalogues.message(id, in: language) else { return id }
            let count: Int? = switch arguments["count"] {
            case .number(let n)?: n
            case .text(let s)?: Int(s)
            default: nil
            }
            let segments = Message.segments(message.template(count: count, rule: rule))
            var out = ""
            for (i, segment) in segments.enumerated() {
                switch segment {
                case .text(let s): out += s
                case .placeholder(let name):
                    switch arguments[name] {
                    case nil: out += "{\(name)}"
                    case .text(let s)?: out += s
                    case .number(let n)?: out += String(n)
                    case .message(let m)?: out += m.text(language, in: catalogues)
                    case .quotation(let s)?:
                        let before = i > 0 ? segments[i - 1] : nil, after = i + 1 < segments.count ? segments[i + 1] : nil
                        if case .text(let b)? = before, b.hasSuffix("「"), case .text(let a)? = after, a.hasPrefix("」") {
                            out += String(s.map { $0 == "「" ? "『" : $0 == "」" ? "』" : $0 })
                        } else {
                            out += s
                        }
                    }
                }
            }
            return out
        case let .join(parts, joiner):
            let separator = joiner.text(language, in: catalogues)
            let isMark = !separator.isEmpty && !separator.contains(where: \.isWhitespace)
            var out = "", first = true
            for part in parts {
                let t = part.text(language, in: catalogues)
                if t.isEmpty { continue }
                if !first && !(isMark && out.hasSuffix(separator)) { out += separator }
                out += t
                first = false
            }
            return out
        }
    }

    /// The English text.
    public var en: String { text(.en) }
    /// The Japanese text.
    public var ja: String { text(.ja) }

    /// The message id, when this is a catalogue message (tests; a report never shows it).
    public var messageID: String? { if case .message(let id, _) = content { return id }; return nil }
}

/// What can be given to a placeholder: text, numbers, other texts.
public protocol MessageArgument: Sendable {
    var messageArgument: Localized.Argument { get }
}

extension Localized.Argument: MessageArgument { public var messageArgument: Localized.Argument { self } }
extension Localized: MessageArgument { public var messageArgument: Localized.Argument { .message(self) } }
extension String: MessageArgument { public var messageArgument: Localized.Argument { .text(self) } }
extension Substring: MessageArgument { public var messageArgument: Localized.Argument { .text(String(self)) } }
extension Int: MessageArgument { public var messageArgument: Localized.Argument { .number(self) } }
extension Int32: MessageArgument { public var messageArgument: Localized.Argument { .number(Int(self)) } }
extension Int64: MessageArgument { public var messageArgument: Localized.Argument { .number(Int(self)) } }
extension UInt8: MessageArgument { public var messageArgument: Localized.Argument { .number(Int(self)) } }
extension UInt16: MessageArgument { public var messageArgument: Localized.Argument { .number(Int(self)) } }
extension UInt32: MessageArgument { public var messageArgument: Localized.Argument { .number(Int(self)) } }

/// Text a message quotes (a step's title in 「」): see `Localized.Argument.quotation`.
public struct Quotation: MessageArgument {
    public var text: String
    public init(_ text: String) { self.text = text }
    public var messageArgument: Localized.Argument { .quotation(text) }
}

/// An error whose message a person reads: in the language of the command line, where `description` is English.
public protocol LocalizedError: Error, CustomStringConvertible {
    var message: Localized { get }
}

extension LocalizedError {
    public var description: String { message.en }
}
