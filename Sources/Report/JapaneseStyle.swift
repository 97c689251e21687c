/// The typographic rules of netcheck's Japanese text, so that a report glued together from fragments still reads
/// as written by one person. The tests hold every Japanese report they produce, every cause's hint and every
/// exercise file's `"ja"` strings to them:
///
/// - no space before or after Japanese punctuation (、。「」 and the other full-width marks): `…です。次に…`;
/// - no space between two full-width characters (a fragment glued on with `" "`);
/// - a half-width space between Japanese and a Latin letter or digit: `ns1 の net.ipv4.ip_forward は 0 です`;
/// - no ideographic space, no doubled 。 or 、;
/// - one word for one thing: ルーター (never ルータ);
/// - no English prose left untranslated (`loss`, `none`, `expected`, …); what ping, ip or tcpdump print may be
///   quoted as they print it.
///
/// Commands quoted in backquotes are left out: they are typed as they are.
public enum JapaneseStyle {
    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        public var rule: String
        /// The text around the problem.
        public var excerpt: String
        public var description: String { "\(rule): …\(excerpt)…" }
    }

    /// English words that are netcheck's own prose, never what a tool prints: in Japanese text they were
    /// left untranslated.
    public static let englishProse = ["loss", "none", "expected", "directly", "not yet", "passed over", "PAST",
                                      "is not", "does not", "not found", "include", "router(s)"]

    /// Every rule `text` breaks, in order.
    public static func problems(in text: String) -> [Problem] {
        let chars = Array(withoutCode(text))
        var found: [Problem] = []
        func report(_ rule: String, at i: Int) {
            let from = max(0, i - 12), to = min(chars.count, i + 13)
            found.append(Problem(rule: rule, excerpt: String(chars[from..<to])))
        }
        for (i, c) in chars.enumerated() {
            let next = i + 1 < chars.count ? chars[i + 1] : nil
            if c == "\u{3000}" { report("ideographic space", at: i) }
            if c == " ", let next, isPunctuation(next) { report("space before \(next)", at: i) }
            if isPunctuation(c), next == " " { report("space after \(c)", at: i) }
            if isPunctuation(c), let next, c == next || (c == "。" && next == "、") || (c == "、" && next == "。") {
                report("doubled punctuation", at: i)
            }
            // (Spaces next to punctuation are the rule above.)
            if isFullWidth(c), !isPunctuation(c), next == " " {
                var j = i + 1
                while j < chars.count, chars[j] == " " { j += 1 }
                if j < chars.count, isFullWidth(chars[j]), !isPunctuation(chars[j]) { report("space between full-width characters", at: i) }
            }
            if let next, (isJapanese(c) && isLatin(next)) || (isLatin(c) && isJapanese(next)) {
                report("no space between Japanese and Latin", at: i)
            }
            if c == "ル", i + 2 < chars.count, chars[i + 1] == "ー", chars[i + 2] == "タ",
               i + 3 >= chars.count || chars[i + 3] != "ー" {
                report("ルータ without ー (write ルーター)", at: i)
            }
        }
        for word in englishProse {
            if let i = wordOffset(word, in: chars) { report("English left untranslated: \(word)", at: i) }
        }
        return found
    }

    /// `problems(in:)` for each line of a text report (`TextRenderer`), less its indentation and its label
    /// (期待:, 実際:, ヒント:, →), which are layout, not text.
    public static func problems(inTextReport text: String) -> [Problem] {
        let renderer = TextRenderer(language: .ja, color: false)
        let labels = [TextRenderer.Label.expected, .observed, .hint].map(renderer.label) + ["→"]
        return text.split(separator: "\n").flatMap { line -> [Problem] in
            var rest = line.drop { $0 == " " }
            for label in labels where rest.hasPrefix(label) { rest = rest.dropFirst(label.count).drop { $0 == " " } }
            return problems(in: String(rest))
        }
    }

    /// The text with what is inside backquotes removed (the quotes stay, so nothing is glued together).
    static func withoutCode(_ text: String) -> String {
        var out = "", inCode = false
        for c in text {
            if c == "`" { inCode.toggle(); out.append(c) } else if !inCode { out.append(c) }
        }
        return out
    }

    /// The offset of `word` in `text` where it stands as a word of its own (not inside a longer Latin word).
    static func wordOffset(_ word: String, in text: [Character]) -> Int? {
        let w = Array(word)
        guard w.count <= text.count else { return nil }
        for i in 0...(text.count - w.count) where Array(text[i..<i + w.count]) == w {
            let before = i == 0 ? nil : text[i - 1], after = i + w.count == text.count ? nil : text[i + w.count]
            if !(before.map(isASCIILetter) ?? false) && !(after.map(isASCIILetter) ?? false) { return i }
        }
        return nil
    }

    static func isASCIILetter(_ c: Character) -> Bool { c.isASCII && c.isLetter }
    static func isLatin(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }

    static func scalar(_ c: Character) -> UInt32 { c.unicodeScalars.first!.value }

    /// Kana and kanji (with ー and 々): the letters of Japanese.
    public static func isJapanese(_ c: Character) -> Bool {
        let v = scalar(c)
        switch v {
        case 0x3005, 0x3006, 0x3007, 0x3041...0x309F, 0x30A1...0x30FA, 0x30FC...0x30FF, 0x31F0...0x31FF,
             0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0xFF66...0xFF9F:
            return true
        default: return false
        }
    }

    /// 、。「」『』（）・〜 and the other full-width marks.
    public static func isPunctuation(_ c: Character) -> Bool {
        let v = scalar(c)
        switch v {
        case 0x3005, 0x3006, 0x3007: return false
        case 0x3000...0x303F, 0x30FB, 0xFF01...0xFF0F, 0xFF1A...0xFF20, 0xFF3B...0xFF40, 0xFF5B...0xFF65: return true
        default: return false
        }
    }

    /// Japanese letters, Japanese punctuation and full-width Latin: what takes two columns.
    public static func isFullWidth(_ c: Character) -> Bool {
        if isJapanese(c) || isPunctuation(c) { return true }
        let v = scalar(c)
        return (0xFF10...0xFF19).contains(v) || (0xFF21...0xFF3A).contains(v) || (0xFF41...0xFF5A).contains(v)
    }
}
