@testable import Grading
import Probes
import Addresses
import Kernel
import NetlinkWire
import Report
import XCTest

/// The verdicts of chapter 6's and 8's conversations, from the bytes a server answered: no root, no sockets.
final class AddTalkTests: XCTestCase {
    func be(_ v: Int64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: v) >> (56 - 8 * UInt64($0))) } }

    func testQuestionsTellMistakesApart() {
        for _ in 0..<1000 {
            let (a, b) = AddTalk.question()
            XCTAssertLessThan(a, 0); XCTAssertLessThan(b, 0)
            let sum = Int64(a) + Int64(b)
            XCTAssertLessThan(sum, Int64(Int32.min), "the sum needs 64 bits")
            XCTAssertNotEqual(Int64(a.byteSwapped) + Int64(b.byteSwapped), sum)
        }
    }

    func testRightAnswer() {
        let t = AddTalk.judge(-1_500_000_000, -1_600_000_000, answer: be(-3_100_000_000), closed: true)
        XCTAssertTrue(t.passed, t.observed.en)
    }

    func testTheBooksExample() {
        XCTAssertTrue(AddTalk.judge(1000, 2000, answer: [0, 0, 0, 0, 0, 0, 0x0b, 0xb8], closed: true).passed)
    }

    func testByteOrder() {
        let (a, b): (Int32, Int32) = (-1_500_000_000, -1_600_000_000)
        let little = AddTalk.judge(a, b, answer: be((Int64(a) + Int64(b)).byteSwapped), closed: true)
        XCTAssertTrue(little.hint?.en.contains("byte order is wrong") ?? false)
        let swappedIn = AddTalk.judge(a, b, answer: be(Int64(a.byteSwapped) + Int64(b.byteSwapped)), closed: true)
        XCTAssertTrue(swappedIn.hint?.en.contains("byte order is wrong") ?? false)
    }

    func testUnsigned() {
        let (a, b): (Int32, Int32) = (-1_500_000_000, -1_600_000_000)
        let t = AddTalk.judge(a, b, answer: be(Int64(UInt32(bitPattern: a)) + Int64(UInt32(bitPattern: b))), closed: true)
        XCTAssertTrue(t.hint?.en.contains("read as unsigned") ?? false, t.hint?.en ?? "")
    }

    func testOverflowAndWidth() {
        let (a, b): (Int32, Int32) = (-1_500_000_000, -1_600_000_000)
        let wrapped = Int64(Int32(truncatingIfNeeded: Int64(a) + Int64(b)))
        XCTAssertTrue(AddTalk.judge(a, b, answer: be(wrapped), closed: true).hint?.en.contains("overflowed") ?? false)
        let four = AddTalk.judge(a, b, answer: [1, 2, 3, 4], closed: true)
        XCTAssertEqual(four.observed.en, "-1500000000 + -1600000000: 4 bytes came back, not 8")
        XCTAssertTrue(AddTalk.judge(a, b, answer: [], closed: true).hint?.en.contains("needs 64 bits") ?? false)
        XCTAssertTrue(AddTalk.judge(a, b, answer: [], closed: false).observed.en.contains("no answer before the deadline"))
    }

    func testEncodingIsBigEndianTwosComplement() {
        XCTAssertEqual(ServiceClients.bigEndian(1000), [0, 0, 0x03, 0xe8])
        XCTAssertEqual(ServiceClients.bigEndian(-2), [0xff, 0xff, 0xff, 0xfe])
    }
}

final class HTTPTalkTests: XCTestCase {
    let spec = ServiceSpec(namespace: "root", transport: .tcp, address: IPv4Address(127, 0, 0, 1), port: 80, talk: .http,
                           title: "Hello, World", command: "python3 -m http.server -b 127.0.0.1 80")

    func reply(_ body: String, status: String = "HTTP/1.0 200 OK") -> [UInt8] {
        Array("\(status)\r\nContent-type: text/html\r\n\r\n\(body)".utf8)
    }

    func testThePage() {
        let t = HTTPTalk.judge(spec, reply: reply("<html><head>\n<TITLE>\n  Hello, World </TITLE></head></html>"))
        XCTAssertTrue(t.passed, t.observed.en)
    }

    func testPythonsListingOfAFolderWithoutIndex() {
        let listing = """
            <!DOCTYPE HTML>
            <html lang="en"><head><meta charset="utf-8"><title>Directory listing for /</title></head>
            <body><h1>Directory listing for /</h1><hr><ul>
            <li><a href="Index.html">Index.html</a></li>
            <li><a href="my%20notes.txt">my notes.txt</a></li>
            </ul><hr></body></html>
            """
        let t = HTTPTalk.judge(spec, reply: reply(listing))
        XCTAssertFalse(t.passed)
        let hint = t.hint?.en ?? ""
        XCTAssertTrue(hint.contains("index.html is not there (the folder holds: Index.html, my notes.txt)"), hint)
        XCTAssertTrue(hint.contains("Index.html is not index.html"), hint)
        XCTAssertTrue(hint.contains("`python3 -m http.server -b 127.0.0.1 80`"), hint)
        XCTAssertFalse(t.hint?.ja.contains(" 。") ?? true)
    }

    func testAnotherTitle() {
        let t = HTTPTalk.judge(spec, reply: reply("<title>Hello World</title>"))
        XCTAssertEqual(t.hint?.en, "The page's <title> must be \"Hello, World\".")
    }

    func testLearnerTextIsCapped() {
        let t = HTTPTalk.judge(spec, reply: reply("<title>" + String(repeating: "x", count: 1 << 20) + "</title>"))
        XCTAssertLessThan(t.observed.en.count, 300)
    }

    func testNoAnswer() {
        XCTAssertEqual(HTTPTalk.judge(spec, reply: []).observed.en, "no answer; title: none")
    }
}

/// What a namespace's sockets say about a service, from socket lists as `ss` would show them.
final class ServiceStateTests: XCTestCase {
    let udp = ServiceSpec(namespace: "root", transport: .udp, address: IPv4Address(127, 0, 0, 1), port: 54321, talk: .datagram,
                          command: "nc -ulnv 127.0.0.1 54321")
    let tcp = ServiceSpec(namespace: "root", transport: .tcp, address: IPv4Address(127, 0, 0, 1), port: 54321, talk: .connect,
                          command: "nc -lnv 127.0.0.1 54321")

    func testV6OnlyWildcardTakesNoIPv4() {
        let dual = SocketEntry(transport: .tcp, address: "::", port: 54321, isIPv6: true, state: .listening, v6Only: false)
        let only = SocketEntry(transport: .tcp, address: "::", port: 54321, isIPv6: true, state: .listening, v6Only: true)
        XCTAssertNotNil(ServiceState(spec: tcp, sockets: [dual]).listener)
        XCTAssertNil(ServiceState(spec: tcp, sockets: [only]).listener)
        XCTAssertTrue(ServiceChecks.boundHint(ServiceState(spec: tcp, sockets: [only])).en.contains("IPV6_V6ONLY"))
    }

    func testConnectedUDPIsUnderstood() {
        let nc = SocketEntry(transport: .udp, address: "127.0.0.1", port: 54321, isIPv6: false, state: .connected,
                             peerAddress: "127.0.0.1", peerPort: 40000, process: "nc (pid 7)")
        let state = ServiceState(spec: udp, sockets: [nc])
        XCTAssertNil(state.listener)
        XCTAssertEqual(state.connectedUDP?.peerPort, 40000)
        let before = ServiceState(spec: udp, sockets: [SocketEntry(transport: .udp, address: "127.0.0.1", port: 54321, isIPv6: false, state: .bound)])
        XCTAssertNotNil(before.connectedToNetcheck(after: [nc], sourcePort: 40000))
        XCTAssertNil(before.connectedToNetcheck(after: [nc], sourcePort: 40001))
        XCTAssertTrue(ServiceChecks.servedNote(before, after: [nc], sourcePort: 40000)?.en.contains("`nc -ulnv 127.0.0.1 54321`") ?? false)
    }

    func testAListenerGoneAfterTheTalk() {
        let listener = SocketEntry(transport: .tcp, address: "127.0.0.1", port: 54321, isIPv6: false, state: .listening, process: "nc (pid 9)")
        let before = ServiceState(spec: tcp, sockets: [listener])
        XCTAssertTrue(before.stoppedListening(after: []))
        XCTAssertFalse(before.stoppedListening(after: [listener]))
        XCTAssertTrue(ServiceChecks.servedNote(before, after: [], sourcePort: 1)?.en.hasPrefix("nc (pid 9) served netcheck's connection") ?? false)
    }

    func testARecentConnectionIsNamed() {
        let tw = SocketEntry(transport: .tcp, address: "127.0.0.1", port: 43000, isIPv6: false, state: .timeWait,
                             peerAddress: "127.0.0.1", peerPort: 54321, expiresMs: 48_000)
        let state = ServiceState(spec: tcp, sockets: [tw])
        XCTAssertEqual(state.secondsSinceLastConnection, 12)
        XCTAssertTrue(ServiceChecks.boundHint(state).en.contains("ended 12 s ago"))
        XCTAssertTrue(ServiceChecks.boundHint(ServiceState(spec: tcp, sockets: [])).en.hasPrefix("Nothing listens on TCP 127.0.0.1:54321."))
    }
}

/// Every Japanese text the service checks can say, held to JapaneseStyle without a sandbox.
final class ServiceJapaneseTests: XCTestCase {
    func testEveryServiceTextReadsNaturally() {
        let tcp = ServiceSpec(namespace: "root", transport: .tcp, address: IPv4Address(127, 0, 0, 1), port: 54321, talk: .connect,
                              command: "nc -lnv 127.0.0.1 54321")
        let udp = ServiceSpec(namespace: "root", transport: .udp, address: IPv4Address(127, 0, 0, 1), port: 54321, talk: .datagram,
                              command: "nc -ulnv 127.0.0.1 54321")
        let http = ServiceSpec(namespace: "root", transport: .tcp, address: IPv4Address(127, 0, 0, 1), port: 80, talk: .http,
                               title: "Hello, World", command: "python3 -m http.server -b 127.0.0.1 80")
        func entry(_ t: SocketEntry.Transport, _ address: String, _ port: UInt16, _ state: SocketEntry.State, v6: Bool = false,
                   v6Only: Bool? = nil, peer: UInt16? = nil) -> SocketEntry {
            SocketEntry(transport: t, address: address, port: port, isIPv6: v6, state: state, peerAddress: peer.map { _ in "127.0.0.1" },
                        peerPort: peer, v6Only: v6Only, expiresMs: 50_000, process: "nc (pid 7)")
        }
        var texts: [Localized] = []
        for (spec, sockets) in [
            (tcp, []), (tcp, [entry(.tcp, "::", 54321, .listening, v6: true, v6Only: true)]), (tcp, [entry(.tcp, "::1", 54321, .listening, v6: true)]),
            (tcp, [entry(.tcp, "127.0.0.2", 54321, .listening)]), (tcp, [entry(.udp, "127.0.0.1", 54321, .bound)]),
            (udp, [entry(.tcp, "127.0.0.1", 54321, .listening)]), (tcp, [entry(.tcp, "127.0.0.1", 54312, .listening)]),
            (tcp, [entry(.tcp, "127.0.0.1", 54321, .connected, peer: 40000)]), (tcp, [entry(.tcp, "127.0.0.1", 40000, .timeWait, peer: 54321)]),
        ] as [(ServiceSpec, [SocketEntry])] {
            texts.append(ServiceChecks.boundHint(ServiceState(spec: spec, sockets: sockets)))
        }
        let listening = ServiceState(spec: tcp, sockets: [entry(.tcp, "127.0.0.1", 54321, .listening)])
        texts.append(ServiceChecks.servedNote(listening, after: [], sourcePort: 1) ?? .empty)
        let bound = ServiceState(spec: udp, sockets: [entry(.udp, "127.0.0.1", 54321, .bound)])
        texts.append(ServiceChecks.servedNote(bound, after: [entry(.udp, "127.0.0.1", 54321, .connected, peer: 40000)], sourcePort: 40000) ?? .empty)
        let (a, b): (Int32, Int32) = (-1_500_000_000, -1_600_000_000)
        let want = Int64(a) + Int64(b)
        func be(_ v: Int64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: UInt64(bitPattern: v) >> (56 - 8 * UInt64($0))) } }
        for (answer, closed) in [(be(want), true), (be(want.byteSwapped), true), (be(Int64(UInt32(bitPattern: a)) + Int64(UInt32(bitPattern: b))), true),
                                 (be(Int64(Int32(truncatingIfNeeded: want))), true), (be(7), true), ([1, 2, 3, 4], true), ([], true), ([], false), ([1], false)] {
            let t = AddTalk.judge(a, b, answer: answer, closed: closed)
            texts += [t.observed, t.hint ?? .empty]
        }
        let listing = Array("HTTP/1.0 200 OK\r\n\r\n<title>Directory listing for /</title><a href=\"Index.html\">".utf8)
        for reply in [listing, Array("HTTP/1.0 404 Not Found\r\n\r\n".utf8), Array("HTTP/1.0 200 OK\r\n\r\n<title>x</title>".utf8), []] {
            let t = HTTPTalk.judge(http, reply: reply)
            texts += [t.observed, t.hint ?? .empty]
        }
        XCTAssertGreaterThan(texts.count, 30)
        for text in texts where !text.ja.isEmpty {
            let problems = JapaneseStyle.problems(in: text.ja)
            XCTAssertTrue(problems.isEmpty, "\(problems)\n  \(text.ja)")
            XCTAssertFalse(text.en.isEmpty)
        }
    }
}
