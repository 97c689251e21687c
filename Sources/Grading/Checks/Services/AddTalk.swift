import Glibc
import Probes
import Localization

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

    static let protocolText = Localized(id: "service.sum.protocol")

    /// The verdict on what came back for `a + b` (`closed`: the server closed the connection before the deadline).
    static func judge(_ a: Int32, _ b: Int32, answer: [UInt8], closed: Bool) -> Talk {
        let want = Int64(a) + Int64(b)
        func text(_ id: String, _ more: [String: any MessageArgument] = [:]) -> Localized {
            Localized(id: id, more.merging(["a": a, "b": b, "sum": want, "protocol": protocolText]) { x, _ in x })
        }
        guard answer.count >= 8 else {
            let observed: Localized
            let hint: Localized
            switch (answer.count, closed) {
            case (0, true):
                observed = text("service.sum.observed.closed")
                hint = text("service.sum.hint.closed")
            case (0, false):
                observed = text("service.sum.observed.silent")
                hint = text("service.sum.hint.silent")
            case (4, _):
                observed = text("service.sum.observed.short", ["count": 4])
                hint = text("service.sum.hint.thirtyTwoBits")
            default:
                observed = text("service.sum.observed.short", ["count": answer.count])
                hint = protocolText
            }
            return Talk(passed: false, observed: observed, hint: hint)
        }
        let bytes = Array(answer.prefix(8))
        let got = Int64(bitPattern: bytes.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        if got == want {
            return Talk(passed: true, observed: text("service.sum.observed.right"))
        }
        let observed = text("service.sum.observed.wrong", ["answer": got])
        let littleAnswer = got.byteSwapped
        let swappedOperands = Int64(a.byteSwapped) + Int64(b.byteSwapped)
        if littleAnswer == want || got == swappedOperands || littleAnswer == swappedOperands {
            return Talk(passed: false, observed: observed, hint: text("service.sum.hint.byteOrder"))
        }
        let unsignedSum = Int64(UInt32(bitPattern: a)) + Int64(UInt32(bitPattern: b))
        if got == unsignedSum {
            return Talk(passed: false, observed: observed, hint: text("service.sum.hint.unsigned"))
        }
        if got == Int64(Int32(truncatingIfNeeded: want)) || got == Int64(UInt32(truncatingIfNeeded: want)) {
            return Talk(passed: false, observed: observed, hint: text("service.sum.hint.overflow"))
        }
        return Talk(passed: false, observed: observed, hint: protocolText)
    }
}
