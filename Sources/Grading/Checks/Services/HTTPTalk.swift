import SafeText
import Probes
import Report
import Localization

/// Chapter 6: `GET / HTTP/1.0` on one connection, as the book types it into nc and as httpclient.py sends it.
enum HTTPTalk {
    /// Text copied from the page into the report is cut here.
    static let maxCopied = 120

    /// What the reply to `GET /` means: the status line, the page's title, or a directory listing instead.
    static func judge(_ spec: ServiceSpec, reply bytes: [UInt8]) -> Talk {
        // The status line: up to the first CR or LF (bytes: Swift reads "\r\n" as one Character).
        let statusLine = cut(String(decoding: bytes.prefix { $0 != 0x0d && $0 != 0x0a }, as: UTF8.self))
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        let title = self.title(bytes).map(cut)
        let seen = Localized(id: "http.observed", [
            "reply": statusLine.isEmpty ? Localized(id: "http.observed.noAnswer") : Localized(statusLine),
            "title": title.map { Localized(id: "http.observed.title", ["title": $0]) } ?? Localized(id: "http.observed.noTitle")])
        if status == 200 && title == spec.title { return Talk(passed: true, observed: seen) }
        let start = spec.command.map { Localized(id: "http.hint.start", ["command": $0]) } ?? .empty
        let hint: Localized
        if status != 200 {
            hint = Localized.join([Localized(id: "http.hint.status"), start], by: .sentences)
        } else if let entries = listing(bytes, title: title) {
            let near = entries.first { $0.lowercased().hasPrefix("index.") }
            let shown = Localized.list(Array(entries.prefix(8)))
            let holds = entries.isEmpty ? Localized(id: "http.folder.empty")
                : Localized(id: entries.count > 8 ? "http.folder.holds.more" : "http.folder.holds", ["entries": shown])
            let named = near.map { Localized(id: "http.hint.notIndex", ["name": $0]) } ?? .empty
            hint = Localized.join([Localized(id: "http.hint.listing", ["holds": holds]), named, Localized(id: "http.hint.writePage"), start],
                                  by: .sentences)
        } else {
            hint = Localized(id: "http.hint.title", ["title": spec.title ?? ""])
        }
        return Talk(passed: false, observed: seen, hint: hint)
    }

    /// Counted in Unicode scalars: one character may carry any number of combining marks.
    static func cut(_ s: String) -> String { TerminalText.excerpt(s, limit: maxCopied) }

    /// The text of the first <title>…</title> (tags matched without regard to case), trimmed.
    static func title(_ html: [UInt8]) -> String? {
        guard let open = find(Array("<title".utf8), in: html, from: 0),
              let close = html[open...].firstIndex(of: UInt8(ascii: ">")),
              let end = find(Array("</title>".utf8), in: html, from: close + 1) else { return nil }
        let text = String(decoding: html[(close + 1)..<end], as: UTF8.self)
        return String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }

    /// The names a directory listing links to (`python3 -m http.server` in a folder without index.html titles it
    /// "Directory listing for /"; nginx and Apache say "Index of /"), or nil when the page is not one.
    static func listing(_ html: [UInt8], title: String?) -> [String]? {
        guard let title, title.hasPrefix("Directory listing for") || title.hasPrefix("Index of") else { return nil }
        var names: [String] = []
        var at = 0
        let marker = Array("href=\"".utf8)
        while names.count < 64, let start = find(marker, in: html, from: at) {
            let from = start + marker.count
            guard let end = html[from...].firstIndex(of: UInt8(ascii: "\"")) else { break }
            let name = percentDecoded(Array(html[from..<end]))
            if !name.isEmpty && !name.hasPrefix("?") && name != "../" && name != "/" { names.append(cut(name)) }
            at = end + 1
        }
        return names
    }

    static func percentDecoded(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == UInt8(ascii: "%"), i + 2 < bytes.count,
               let v = UInt8(String(decoding: bytes[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(v); i += 3
            } else {
                out.append(bytes[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Where `needle` first occurs in `haystack` at or after `from`, ASCII letters compared without case.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }
        guard needle.count <= haystack.count, from <= haystack.count - needle.count else { return nil }
        var i = from
        while i <= haystack.count - needle.count {
            var j = 0
            while j < needle.count && lower(haystack[i + j]) == lower(needle[j]) { j += 1 }
            if j == needle.count { return i }
            i += 1
        }
        return nil
    }
}
