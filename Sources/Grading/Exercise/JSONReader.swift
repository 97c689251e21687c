import JSON
import Localization

/// Reads a parsed exercise file strictly, remembering where it is so that every error names the file,
/// the JSON pointer and the field. Unknown keys are errors (a typo like "namepsace" must not be ignored).
struct JSONNode {
    let value: JSONValue
    /// JSON pointer of this node ("" for the root).
    let path: String
    let file: String

    var position: String { path.isEmpty ? "/" : path }

    func error(_ message: String, field: String? = nil) -> ExerciseFileError {
        ExerciseFileError(file: file, position: position, field: field, message: message)
    }

    func object(keys allowed: [String]) throws -> JSONObjectReader {
        guard case .object(let object) = value else {
            throw error("expected an object, found \(value.typeName)")
        }
        for key in object.keys where !allowed.contains(key) {
            let suggestion = closestMatch(to: key, in: allowed).map { " (did you mean \"\($0)\"?)" } ?? ""
            throw error("unknown field\(suggestion); allowed: \(allowed.joined(separator: ", "))", field: key)
        }
        return JSONObjectReader(object: object, node: self)
    }

    func array() throws -> [JSONNode] {
        guard case .array(let items) = value else { throw error("expected an array, found \(value.typeName)") }
        return items.enumerated().map { JSONNode(value: $1, path: "\(path)/\($0)", file: file) }
    }

    func string() throws -> String {
        guard case .string(let s) = value else { throw error("expected a string, found \(value.typeName)") }
        return s
    }
}

struct JSONObjectReader {
    let object: JSONObject
    let node: JSONNode

    func child(_ key: String) -> JSONNode? {
        object[key].map { JSONNode(value: $0, path: "\(node.path)/\(key)", file: node.file) }
    }

    func missing(_ key: String) -> ExerciseFileError { node.error("is required", field: key) }

    func string(_ key: String) throws -> String {
        guard let value = try optionalString(key) else { throw missing(key) }
        return value
    }

    func optionalString(_ key: String) throws -> String? {
        guard let v = object[key] else { return nil }
        guard case .string(let s) = v else { throw node.error("expected a string, found \(v.typeName)", field: key) }
        guard !s.isEmpty else { throw node.error("must not be empty", field: key) }
        return s
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let v = object[key] else { return fallback }
        guard case .bool(let b) = v else { throw node.error("expected true or false, found \(v.typeName)", field: key) }
        return b
    }

    func optionalInt(_ key: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let v = object[key] else { return nil }
        guard case .int(let n) = v else { throw node.error("expected an integer, found \(v.typeName)", field: key) }
        guard range.contains(Int(n)) else {
            throw node.error("must be between \(range.lowerBound) and \(range.upperBound), found \(n)", field: key)
        }
        return Int(n)
    }

    func array(_ key: String, required: Bool = false) throws -> [JSONNode] {
        guard let child = child(key) else {
            if required { throw missing(key) }
            return []
        }
        return try child.array()
    }

    /// `{"en": "...", "ja": "...", "fr": "..."}`: English and Japanese, the book's languages, are required, so no
    /// learner of the book gets an untranslated hint; any other language code may be added (`fr`, `pt-BR`), and a
    /// language a file does not give falls back to English.
    func localized(_ key: String, required: Bool = false) throws -> Localized? {
        guard let child = child(key) else {
            if required { throw missing(key) }
            return nil
        }
        guard case .object(let object) = child.value else {
            throw child.error("expected an object of texts by language code, found \(child.value.typeName)")
        }
        let o = JSONObjectReader(object: object, node: child)
        var texts: [String: String] = [:]
        for code in object.keys {
            guard let language = Language(code: code) else {
                let suggestion = closestMatch(to: code, in: ["en", "ja"]).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw child.error("unknown field\(suggestion); allowed: en, ja and other language codes (fr, pt-BR, …)", field: code)
            }
            guard texts[language.code] == nil else {
                throw child.error("the language \(language.code) is given twice", field: code)
            }
            texts[language.code] = try o.string(code)
        }
        for code in ["en", "ja"] where texts[code] == nil { throw o.missing(code) }
        return Localized(texts: texts)
    }

    /// A string parsed by `parse`; `what` names the expected notation in the error.
    func parsed<T>(_ key: String, as what: String, required: Bool = true, _ parse: (String) -> T?) throws -> T? {
        guard let text = try optionalString(key) else {
            if required { throw missing(key) }
            return nil
        }
        guard let value = parse(text) else { throw node.error("\"\(text)\" is not \(what)", field: key) }
        return value
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a plausible typo.
///
/// The edit distance takes time quadratic in the lengths, and both the word and the candidates come from the file:
/// a word longer than `suggestionLength` gets no suggestion, a candidate whose length alone puts it too far is not
/// measured, and when the measuring would exceed `suggestionBudget` steps there is no suggestion (a step naming a
/// 20,000-character check id took 50 s; one of a megabyte, days).
func closestMatch(to word: String, in candidates: [String]) -> String? {
    let length = word.unicodeScalars.count
    guard length <= suggestionLength else { return nil }
    let allowed = max(2, word.count / 3)
    var best: (String, Int)?
    var steps = 0
    for candidate in candidates {
        let other = candidate.unicodeScalars.count
        // The distance is at least the difference in length.
        guard abs(other - length) <= allowed else { continue }
        steps += (length + 1) * (other + 1)
        guard steps <= suggestionBudget else { return nil }
        let distance = editDistance(word, candidate)
        if distance < best?.1 ?? .max { best = (candidate, distance) }
    }
    guard let (match, distance) = best, distance <= allowed else { return nil }
    return match
}

/// Longer than any name worth a "did you mean" (keys, namespaces, interface names, check ids).
let suggestionLength = 100
/// Steps of edit distance one suggestion may take: some milliseconds, hundreds of times what a real file needs.
let suggestionBudget = 2_000_000

/// Edit distance over Unicode scalars, counting a swap of two neighbours as one edit ("ruoter" is one
/// typo away from "router"): the optimal-string-alignment form of Damerau–Levenshtein.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var beforePrevious = [Int](repeating: 0, count: b.count + 1)
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                current[j] = min(current[j], beforePrevious[j - 2] + 1)
            }
        }
        beforePrevious = previous
        previous = current
    }
    return previous[b.count]
}
