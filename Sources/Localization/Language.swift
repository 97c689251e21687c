/// A language netcheck can speak, named by its code as BCP 47 writes it: `en`, `ja`, `fr`, `pt-BR`, `zh-Hant`.
/// Open: a language is added by files alone (`Messages/<code>.json`, and `"<code>": …` beside `"en"` in exercise
/// files), and one netcheck has no text for speaks English. Each text is looked up in the exact code first, then
/// in its base language (`pt` for `pt-BR`), then in English (`fallbacks`).
public struct Language: Hashable, Sendable, CustomStringConvertible {
    /// The code in its usual spelling: the language in lower case, a region in upper case, a script in title
    /// case (`pt-BR`, `zh-Hant`), parts joined with `-`.
    public let code: String

    public static let en = Language(canonical: "en")
    public static let ja = Language(canonical: "ja")

    init(canonical code: String) { self.code = code }

    /// A code such as `fr`, `pt-BR`, `pt_br` or `zh-Hant-TW`: a language of 2 or 3 letters, then parts of 2 to 8
    /// letters or digits; nil for anything else.
    public init?(code: String) {
        let parts = code.split(separator: "-", omittingEmptySubsequences: false).flatMap {
            $0.split(separator: "_", omittingEmptySubsequences: false)
        }
        guard let first = parts.first, (2...3).contains(first.count), first.allSatisfy(\.isASCIILetter) else { return nil }
        var spelled = [first.lowercased()]
        for part in parts.dropFirst() {
            guard (2...8).contains(part.count), part.allSatisfy({ $0.isASCIILetter || $0.isASCIIDigit }) else { return nil }
            if part.count == 2, part.allSatisfy(\.isASCIILetter) {
                spelled.append(part.uppercased())
            } else if part.count == 4, part.allSatisfy(\.isASCIILetter) {
                spelled.append(part.prefix(1).uppercased() + part.dropFirst().lowercased())
            } else {
                spelled.append(part.lowercased())
            }
        }
        self.code = spelled.joined(separator: "-")
    }

    /// The language of a locale as LC_ALL, LC_MESSAGES and LANG hold it (`ja_JP.UTF-8`, `fr_FR@euro`, `pt_BR`);
    /// nil for `C`, `POSIX` and what names no language.
    public init?(locale: String) {
        let name = locale.prefix { $0 != "." && $0 != "@" }
        guard name != "C", name != "POSIX", let language = Language(code: String(name)) else { return nil }
        self = language
    }

    /// The language before any region or script: `pt` for `pt-BR`; nil for a code that has none.
    public var base: Language? {
        guard let dash = code.firstIndex(of: "-") else { return nil }
        return Language(canonical: String(code[..<dash]))
    }

    /// Where a text is looked for, in order: this language, its base language, English.
    public var fallbacks: [Language] {
        var chain = [self]
        if let base, base != self { chain.append(base) }
        if !chain.contains(.en) { chain.append(.en) }
        return chain
    }

    public var description: String { code }
    /// The code, as `--lang` takes it.
    public var rawValue: String { code }
}

extension Character {
    var isASCIILetter: Bool { isASCII && isLetter }
    var isASCIIDigit: Bool { isASCII && isNumber }
}
