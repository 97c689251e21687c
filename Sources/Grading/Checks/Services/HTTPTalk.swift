import SafeText
import Probes
import Report

/// Chapter 6: `GET / HTTP/1.0` on one connection, as the book types it into nc and as httpclient.py sends it.
enum HTTPTalk {
    /// Reading stops here: a page larger than this is judged on its first MiB.
    static let maxReply = 1 << 20
    /// Text copied from the page into the report is cut here.
    static let maxCopied = 120

    static func get(_ spec: ServiceSpec, on c: ServiceProbe.Connection, until deadline: Int) -> Talk {
        _ = c.send(Array("GET / HTTP/1.0\r\nHost: \(spec.address)\r\n\r\n".utf8), until: deadline)
        let reply = c.receive(atLeast: maxReply, until: deadline).bytes
        return judge(spec, reply: reply)
    }

    static func judge(_ spec: ServiceSpec, reply bytes: [UInt8]) -> Talk {
        // The status line: up to the first CR or LF (bytes: Swift reads "\r\n" as one Character).
        let statusLine = cut(String(decoding: bytes.prefix { $0 != 0x0d && $0 != 0x0a }, as: UTF8.self))
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        let title = self.title(bytes).map(cut)
        let seen = Localized(en: "\(statusLine.isEmpty ? "no answer" : statusLine); title: \(title.map { "\"\($0)\"" } ?? "none")",
                             ja: "\(statusLine.isEmpty ? "応答なし" : statusLine)、\(title.map { "タイトルは「\($0)」" } ?? "タイトルなし")")
        if status == 200 && title == spec.title { return Talk(passed: true, observed: seen) }
        let start = spec.command.map { Localized(en: " Then start the server in that folder: `\($0)`.", ja: "そのフォルダでサーバーを起動してください: `\($0)`。") } ?? .empty
        let hint: Localized
        if status != 200 {
            hint = Localized(en: "The server must answer GET / with 200: is index.html in the folder it serves?" + start.en,
                             ja: "GET / に 200 を返す必要があります。配信するフォルダに index.html があるか確認してください。" + start.ja)
        } else if let entries = listing(bytes, title: title) {
            let near = entries.first { $0.lowercased().hasPrefix("index.") }
            let holds = entries.isEmpty ? Localized(en: "the folder is empty", ja: "フォルダは空です")
                : Localized(en: "the folder holds: \(entries.prefix(8).joined(separator: ", "))\(entries.count > 8 ? ", …" : "")",
                            ja: "フォルダにあるのは \(entries.prefix(8).joined(separator: "、"))\(entries.count > 8 ? " など" : "") です")
            let named = near.map { Localized(en: " \($0) is not index.html: the name must be exactly index.html.", ja: "\($0) は index.html ではありません。名前は正確に index.html にしてください。") } ?? .empty
            hint = Localized(
                en: "The server lists its folder instead of sending a page: index.html is not there (\(holds.en)).\(named.en) Write the page as the book does, `cat << 'EOF' > index.html` in /var/tmp/http-home." + start.en,
                ja: "サーバーはページではなくフォルダの一覧を返しています。index.html がありません (\(holds.ja))。\(named.ja)本と同じように /var/tmp/http-home で `cat << 'EOF' > index.html` としてページを書いてください。" + start.ja)
        } else {
            hint = Localized(en: "The page's <title> must be \"\(spec.title ?? "")\".", ja: "ページの <title> は「\(spec.title ?? "")」にしてください。")
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
