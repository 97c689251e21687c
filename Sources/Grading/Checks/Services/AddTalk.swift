import Glibc
import Probes

/// Chapter 8's binary protocol, as the book's addserver.py speaks it: two SIGNED 32-bit big-endian integers in
/// (`struct.unpack('!ii', …)`), their sum out as one SIGNED 64-bit big-endian integer (`struct.pack('!q', …)`),
/// then the server closes. One connection carries one question, so netcheck asks one — chosen so that every
/// usual mistake gives another answer than the right one:
/// both operands negative (a server reading unsigned numbers, '!II', is off by 2^32 each), and their sum below
/// −2^31 (a 32-bit answer or a 32-bit addition cannot hold it); random (an answer cannot be written in advance),
/// and such that reading the bytes little-endian gives another sum (a byte-order mistake shows).
enum AddTalk {
    static func question() -> (Int32, Int32) {
        var rng = SystemRandomNumberGenerator()
        while true {
            let a = Int32.random(in: Int32.min ... -(1 << 30) - 1, using: &rng)
            let b = Int32.random(in: Int32.min ... -(1 << 30) - 1, using: &rng)
            let right = Int64(a) + Int64(b)
            let swapped = Int64(a.byteSwapped) + Int64(b.byteSwapped)
            if swapped != right && swapped.byteSwapped != right && right.byteSwapped != right { return (a, b) }
        }
    }

    static func ask(on c: ServiceProbe.Connection, until deadline: Int) -> Talk {
        let (a, b) = question()
        if let e = c.send(bigEndian(a) + bigEndian(b), until: deadline) {
            return Talk(passed: false, observed: Localized("send: \(String(cString: strerror(e)))"))
        }
        let (back, closed) = c.receive(atLeast: 8, until: deadline)
        return judge(a, b, answer: back, closed: closed)
    }

    static func bigEndian(_ v: Int32) -> [UInt8] {
        let u = UInt32(bitPattern: v)
        return [UInt8(u >> 24), UInt8(u >> 16 & 0xff), UInt8(u >> 8 & 0xff), UInt8(u & 0xff)]
    }

    static let protocolText = Localized(
        en: "Read two signed 32-bit big-endian integers (8 bytes, `struct.unpack('!ii', data)`) and answer their sum as one signed 64-bit big-endian integer (8 bytes, `struct.pack('!q', result)`), as the book's addserver.py does.",
        ja: "符号付き 32 ビット整数 (ビッグエンディアン) を 2 つ読み (8 バイト、`struct.unpack('!ii', data)`)、和を符号付き 64 ビット整数 (ビッグエンディアン、8 バイト、`struct.pack('!q', result)`) で返してください。本の addserver.py と同じです。")

    /// The verdict on what came back for `a + b` (`closed`: the server closed the connection before the deadline).
    static func judge(_ a: Int32, _ b: Int32, answer: [UInt8], closed: Bool) -> Talk {
        let want = Int64(a) + Int64(b)
        let question = "\(a) + \(b)"
        guard answer.count >= 8 else {
            let observed: Localized
            let hint: Localized
            switch (answer.count, closed) {
            case (0, true):
                observed = Localized(en: "\(question): the server closed the connection without answering",
                                     ja: "\(question): サーバーは答えずに接続を閉じました")
                hint = Localized(en: "Did the server stop with an error? This sum (\(want)) needs 64 bits: `struct.pack('!i', …)` cannot hold it, `struct.pack('!q', …)` can. " + protocolText.en,
                                 ja: "サーバーがエラーで止まっていないか確認してください。この和 (\(want)) には 64 ビットが必要で、`struct.pack('!i', …)` では表せません。`struct.pack('!q', …)` を使ってください。" + protocolText.ja)
            case (0, false):
                observed = Localized(en: "\(question): no answer before the deadline", ja: "\(question): 時間内に答えがありません")
                hint = Localized(en: "netcheck sent exactly 8 bytes and waits for 8: does the server read 8 bytes (not until the connection closes) and then answer? " + protocolText.en,
                                 ja: "netcheck はちょうど 8 バイト送り、8 バイトの答えを待ちます。サーバーは 8 バイト読んだら (接続が閉じるのを待たずに) 答えているか確認してください。" + protocolText.ja)
            case (4, _):
                observed = Localized(en: "\(question): 4 bytes came back, not 8", ja: "\(question): 返ってきたのは 8 バイトではなく 4 バイト")
                hint = Localized(en: "The answer is a 64-bit integer, 8 bytes: pack it with `struct.pack('!q', result)`, not '!i'. " + protocolText.en,
                                 ja: "答えは 64 ビット整数 (8 バイト) です。'!i' ではなく `struct.pack('!q', result)` で詰めてください。" + protocolText.ja)
            default:
                observed = Localized(en: "\(question): \(answer.count) bytes came back, not 8", ja: "\(question): 返ってきたのは 8 バイトではなく \(answer.count) バイト")
                hint = protocolText
            }
            return Talk(passed: false, observed: observed, hint: hint)
        }
        let bytes = Array(answer.prefix(8))
        let got = Int64(bitPattern: bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        if got == want {
            return Talk(passed: true, observed: Localized(en: "\(question) = \(want): right, in 8 bytes, on one connection",
                                                          ja: "\(question) = \(want): 1 つの接続で、8 バイトの正しい答えが返りました"))
        }
        let observed = Localized(en: "\(question) = \(want), the server answered \(got)", ja: "\(question) = \(want) のところ、サーバーの答えは \(got)")
        let littleAnswer = got.byteSwapped
        let swappedOperands = Int64(a.byteSwapped) + Int64(b.byteSwapped)
        if littleAnswer == want || got == swappedOperands || littleAnswer == swappedOperands {
            return Talk(passed: false, observed: observed, hint: Localized(
                en: "The byte order is wrong: numbers cross the network big-endian. Use '!' in the formats (`struct.unpack('!ii', data)`, `struct.pack('!q', result)`), or htonl/ntohl in C.",
                ja: "バイトオーダーが違います。ネットワーク上の数値はビッグエンディアンです。フォーマットに '!' を付けてください (`struct.unpack('!ii', data)`、`struct.pack('!q', result)`)。C なら htonl/ntohl です。"))
        }
        let unsignedSum = Int64(UInt32(bitPattern: a)) + Int64(UInt32(bitPattern: b))
        if got == unsignedSum {
            return Talk(passed: false, observed: observed, hint: Localized(
                en: "The numbers are read as unsigned: in the book's protocol they are signed, `struct.unpack('!ii', data)` (lower-case i), and so is the sum, `struct.pack('!q', result)`.",
                ja: "数値を符号なしとして読んでいます。本のプロトコルでは符号付きです: `struct.unpack('!ii', data)` (小文字の i)、和も `struct.pack('!q', result)` です。"))
        }
        if got == Int64(Int32(truncatingIfNeeded: want)) || got == Int64(UInt32(truncatingIfNeeded: want)) {
            return Talk(passed: false, observed: observed, hint: Localized(
                en: "The sum was computed in 32 bits and overflowed: \(want) needs 64. Add as 64-bit integers (int64_t in C; Python's int does not overflow) and answer with `struct.pack('!q', result)`.",
                ja: "和を 32 ビットで計算して桁あふれしています。\(want) には 64 ビットが必要です。64 ビット整数で足し (C なら int64_t。Python の int はあふれません)、`struct.pack('!q', result)` で返してください。"))
        }
        return Talk(passed: false, observed: observed, hint: protocolText)
    }
}
