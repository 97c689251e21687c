import Report

/// A text in the two languages netcheck speaks. Exercise files carry them as `{"en": "...", "ja": "..."}`.
public struct Localized: Hashable, Sendable {
    public var en: String
    public var ja: String

    public init(en: String, ja: String) { self.en = en; self.ja = ja }
    /// The same text in both languages (addresses, commands, names).
    public init(_ both: String) { en = both; ja = both }

    public func text(_ language: Language) -> String { language == .ja ? ja : en }

    public static let empty = Localized("")

    /// Joins non-empty parts with a separator per language. In Japanese a part that already ends a sentence
    /// (。) takes no other 。 after it.
    public static func join(_ parts: [Localized], en: String = "; ", ja: String = "。") -> Localized {
        let p = parts.filter { !$0.en.isEmpty || !$0.ja.isEmpty }
        var japanese = ""
        for (i, part) in p.enumerated() {
            if i > 0 && !(ja == "。" && japanese.hasSuffix("。")) { japanese += ja }
            japanese += part.ja
        }
        return Localized(en: p.map(\.en).joined(separator: en), ja: japanese)
    }
}
