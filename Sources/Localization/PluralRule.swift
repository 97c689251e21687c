/// The plural categories of Unicode CLDR: a message that depends on a number gives one text per category its
/// language uses (`{"one": "{count} frame", "other": "{count} frames"}`; Japanese has `other` only).
public enum PluralCategory: String, CaseIterable, Sendable, Comparable {
    case zero, one, two, few, many, other

    public static func < (a: PluralCategory, b: PluralCategory) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How a language picks a plural category for a whole number, after CLDR's plural rules: the categories a
/// catalogue in that language must give for each plural message, and the one a count selects. A language not
/// in the table counts as English does (one for 1, other for everything else).
public struct PluralRule: Sendable {
    /// Every category the language has, in CLDR's order (`other` always among them).
    public let categories: [PluralCategory]
    let select: @Sendable (Int) -> PluralCategory

    public func category(for n: Int) -> PluralCategory { select(abs(n)) }

    public static func of(_ language: Language) -> PluralRule {
        let code = language.code, base = language.base?.code ?? code
        if code == "pt-PT" { return oneManyOther { $0 == 1 } }
        switch base {
        case "ja", "zh", "ko", "vi", "th", "id", "ms", "lo", "my", "km", "yue":
            return PluralRule(categories: [.other]) { _ in .other }
        case "fr", "pt":
            return oneManyOther { $0 == 0 || $0 == 1 }
        case "es", "it", "ca":
            return oneManyOther { $0 == 1 }
        case "hi", "bn", "fa", "gu", "am", "zu", "kn":
            return PluralRule(categories: [.one, .other]) { $0 <= 1 ? .one : .other }
        case "ru", "uk", "be":
            return PluralRule(categories: [.one, .few, .many, .other]) { n in
                if n % 10 == 1 && n % 100 != 11 { return .one }
                if (2...4).contains(n % 10) && !(12...14).contains(n % 100) { return .few }
                return .many
            }
        case "pl":
            return PluralRule(categories: [.one, .few, .many, .other]) { n in
                if n == 1 { return .one }
                if (2...4).contains(n % 10) && !(12...14).contains(n % 100) { return .few }
                return .many
            }
        case "cs", "sk":
            return PluralRule(categories: [.one, .few, .many, .other]) { n in
                n == 1 ? .one : (2...4).contains(n) ? .few : .other
            }
        case "ar":
            return PluralRule(categories: PluralCategory.allCases) { n in
                switch (n, n % 100) {
                case (0, _): return .zero
                case (1, _): return .one
                case (2, _): return .two
                case (_, 3...10): return .few
                case (_, 11...99): return .many
                default: return .other
                }
            }
        default:
            return PluralRule(categories: [.one, .other]) { $0 == 1 ? .one : .other }
        }
    }

    /// one for what `isOne` says, many for a non-zero multiple of a million ("1000000 de fichiers"), other else.
    static func oneManyOther(_ isOne: @escaping @Sendable (Int) -> Bool) -> PluralRule {
        PluralRule(categories: [.one, .many, .other]) { n in
            isOne(n) ? .one : (n != 0 && n % 1_000_000 == 0) ? .many : .other
        }
    }
}
