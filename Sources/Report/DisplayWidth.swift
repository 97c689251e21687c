/// The number of terminal columns `text` takes: East Asian wide and fullwidth characters (kanji, kana, hangul,
/// fullwidth forms, most emoji) take 2, combining marks and zero-width characters 0, everything else 1.
/// Box-drawing characters and ✓/✗ are narrow, as terminals draw them in Japanese locales too.
public func displayWidth(_ text: String) -> Int {
    text.reduce(0) { $0 + columns(of: $1) }
}

/// `text` followed by spaces up to `width` columns (unchanged when already as wide).
public func padDisplay(_ text: String, to width: Int) -> String {
    text + String(repeating: " ", count: max(0, width - displayWidth(text)))
}

/// Columns of one character (a grapheme cluster): 2 when any of its scalars is wide, 0 when it starts with a
/// zero-width scalar, otherwise 1.
private func columns(of c: Character) -> Int {
    let scalars = c.unicodeScalars
    if scalars.contains(where: isWide) { return 2 }
    if let first = scalars.first, isZeroWidth(first) { return 0 }
    return 1
}

private func isZeroWidth(_ s: Unicode.Scalar) -> Bool {
    switch s.properties.generalCategory {
    case .nonspacingMark, .enclosingMark, .format: return true
    default: return s.value == 0
    }
}

/// East_Asian_Width W or F (the ranges that matter in practice).
private func isWide(_ s: Unicode.Scalar) -> Bool {
    switch s.value {
    case 0x1100...0x115F,   // Hangul Jamo initials
         0x2E80...0x303E,   // CJK radicals, punctuation (、。「」)
         0x3041...0x33FF,   // hiragana, katakana, CJK symbols
         0x3400...0x4DBF,   // CJK extension A
         0x4E00...0x9FFF,   // CJK unified ideographs
         0xA000...0xA4CF,   // Yi
         0xAC00...0xD7A3,   // Hangul syllables
         0xF900...0xFAFF,   // CJK compatibility ideographs
         0xFE30...0xFE4F,   // CJK compatibility forms
         0xFF00...0xFF60,   // fullwidth forms (Ａ, ！, （)
         0xFFE0...0xFFE6,   // fullwidth signs
         0x1F300...0x1F64F, // pictographs, emoticons
         0x1F900...0x1F9FF, // supplemental symbols and pictographs
         0x20000...0x3FFFD: // CJK extensions B and later
        return true
    default:
        return false
    }
}
