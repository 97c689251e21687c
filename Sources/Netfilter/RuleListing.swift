/// The rules of an `nft -a list ruleset` text listing, by table, chain and handle:
///
///     table ip nat { # handle 1
///         chain POSTROUTING { # handle 1
///             type nat hook postrouting priority srcnat; policy accept;
///             oifname "gw-veth1" ip saddr 192.0.2.0/24 counter packets 0 bytes 0 masquerade # handle 2
///
/// Each rule's text is kept without its "counter packets N bytes M" and its "# handle N", and at most
/// `maximumTextLength` characters of it (a rule with a set of thousands of elements written inline is one line
/// of hundreds of kilobytes). The listing can be fed as it arrives (`feed`), line by line, in time linear in its
/// length: no regular expression, and only the start and end of an overlong line are held.
struct RuleListing {
    struct Key: Hashable { var chain: ChainKey; var handle: Int64 }

    private(set) var rules: [Key: String] = [:]
    /// Only the lines that may be NAT rules (they name masquerade, snat, dnat, redirect or an xt target) or rules
    /// that drop (drop, reject), and at most `limit` of them: a listing of a hundred thousand accept rules then
    /// costs nothing.
    let onlyNAT: Bool
    let limit: Int
    /// `limit` texts were kept.
    var atLimit: Bool { rules.count >= limit }

    static let maximumTextLength = 1000
    /// What is held of a line: its first bytes, and its last (where "# handle N" is).
    static let headLength = 4096, tailLength = 64

    private var family: String?, table: String?, chain: String?
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    private var overlong = false

    init(onlyNAT: Bool = false, limit: Int = .max) {
        self.onlyNAT = onlyNAT
        self.limit = limit
    }

    init(_ text: String) {
        self.init()
        feed(text.utf8)
        finish()
    }

    /// Feeds the next bytes of the listing.
    mutating func feed(_ bytes: some Sequence<UInt8>) {
        let done: Void? = bytes.withContiguousStorageIfAvailable { feed(buffer: $0) }
        if done == nil { Array(bytes).withUnsafeBufferPointer { feed(buffer: $0) } }
    }

    private mutating func feed(buffer p: UnsafeBufferPointer<UInt8>) {
        var i = 0
        while i < p.count {
            // Up to the end of the line (or of the chunk), appended in one piece.
            var j = i
            while j < p.count, p[j] != 0x0a, p[j] != 0x0d { j += 1 }
            append(UnsafeBufferPointer(rebasing: p[i..<j]))
            if j < p.count { endLine() }
            i = j + 1
        }
    }

    /// Part of a line: into `head` while it has room, the rest into `tail`, of which only the end is kept.
    private mutating func append(_ part: UnsafeBufferPointer<UInt8>) {
        let room = max(0, Self.headLength - head.count)
        head.append(contentsOf: part.prefix(room))
        guard part.count > room else { return }
        overlong = true
        tail.append(contentsOf: part.suffix(min(part.count - room, Self.tailLength)))
        if tail.count > 2 * Self.tailLength { tail.removeFirst(tail.count - Self.tailLength) }
    }

    /// The listing ended (a last line without a newline).
    mutating func finish() { endLine() }

    private mutating func endLine() {
        defer { head.removeAll(keepingCapacity: true); tail.removeAll(keepingCapacity: true); overlong = false }
        guard !head.isEmpty else { return }
        var line = Self.trimmed(head[...])
        // "… # handle N" at the end of the line, from its tail when the line was cut.
        var handle: Int64?
        if let (before, number) = Self.splitHandle(overlong ? Self.trimmed(tail[...]) : line) {
            handle = number
            if !overlong { line = Self.trimmed(before) }
        }
        if !overlong && line.last == UInt8(ascii: "{") {
            // A block: a table, a chain, or something else (set, map, flowtable...) that holds no rules.
            let words = line.split(separator: UInt8(ascii: " ")).map { String(decoding: $0, as: UTF8.self) }
            if words.first == "table", words.count >= 4 {
                (family, table, chain) = (words[1], words[2], nil)
            } else if words.first == "chain", words.count >= 3 {
                chain = words[1]
            } else {
                chain = nil
            }
        } else if !overlong && line.elementsEqual([UInt8(ascii: "}")]) {
            chain = nil
        } else if let handle, let family, let table, let chain, !atLimit, !onlyNAT || Self.mayBeNAT(line) {
            let key = Key(chain: ChainKey(family: family, table: table, chain: chain), handle: handle)
            let kept = Self.withoutCounters(line)
            if overlong || kept.count > Self.maximumTextLength {
                rules[key] = String(decoding: kept.prefix(Self.maximumTextLength), as: UTF8.self) + " …"
            } else {
                rules[key] = String(decoding: kept, as: UTF8.self)
            }
        }
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }

    private static let natWords = ["nat", "masquerade", "redirect", "xt ", "drop", "reject"].map { Array($0.utf8) }

    /// The line names a NAT statement (snat, dnat, masquerade, redirect), an iptables-nft target, or a verdict that
    /// drops (drop, reject: the forward rules netcheck may blame).
    static func mayBeNAT(_ line: ArraySlice<UInt8>) -> Bool {
        var i = line.startIndex
        while i < line.endIndex {
            let b = line[i]
            if b == UInt8(ascii: "n") || b == UInt8(ascii: "m") || b == UInt8(ascii: "r") || b == UInt8(ascii: "x") || b == UInt8(ascii: "d") {
                for w in natWords where w[0] == b && line[i...].starts(with: w) { return true }
            }
            i += 1
        }
        return false
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = bytes
        while let f = s.first, isSpace(f) { s = s.dropFirst() }
        while let l = s.last, isSpace(l) { s = s.dropLast() }
        return s
    }

    private static let handleMark = Array(" # handle ".utf8)

    /// `(.*) # handle (\d+)` as a whole match: the last " # handle " followed by digits only.
    static func splitHandle(_ line: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, Int64)? {
        var digitsStart = line.endIndex
        while digitsStart > line.startIndex, (0x30...0x39).contains(line[digitsStart - 1]) { digitsStart -= 1 }
        guard digitsStart < line.endIndex, digitsStart - line.startIndex >= handleMark.count,
              line[(digitsStart - handleMark.count)..<digitsStart].elementsEqual(handleMark),
              let number = Int64(String(decoding: line[digitsStart...], as: UTF8.self)) else { return nil }
        return (line[..<(digitsStart - handleMark.count)], number)
    }

    private static let counterWord = Array("counter packets ".utf8), bytesWord = Array(" bytes ".utf8)

    /// Without `counter packets N bytes M` where it stands as words: `(?:^| )counter packets \d+ bytes \d+(?= |$)`
    /// removed, then trimmed.
    static func withoutCounters(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var out: [UInt8] = []
        out.reserveCapacity(line.count)
        var i = line.startIndex
        func digits(from j: Int) -> Int {
            var k = j
            while k < line.endIndex, (0x30...0x39).contains(line[k]) { k += 1 }
            return k
        }
        while i < line.endIndex {
            let atWordStart = i == line.startIndex || line[i - 1] == 0x20
            if atWordStart, line[i] == counterWord[0], line[i...].starts(with: counterWord) {
                let n1 = digits(from: i + counterWord.count)
                if n1 > i + counterWord.count, line[n1...].starts(with: bytesWord) {
                    let n2 = digits(from: n1 + bytesWord.count)
                    if n2 > n1 + bytesWord.count, n2 == line.endIndex || line[n2] == 0x20 {
                        // The match takes the space before it, as the regular expression did.
                        if i > line.startIndex, out.last == 0x20 { out.removeLast() }
                        i = n2
                        continue
                    }
                }
            }
            out.append(line[i])
            i += 1
        }
        return trimmed(out[...])
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
