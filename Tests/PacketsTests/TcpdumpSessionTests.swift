import Addresses
import Foundation
import TestSupport
import XCTest
@testable import Packets

/// TcpdumpSession (relative sequence numbers) and PcapFile reading, the former against real tcpdump on real
/// conversations captured on lo of a scratch network namespace.
final class TcpdumpSessionTests: XCTestCase {
    // MARK: PcapFile reading

    func testReadGivesBackWhatWasWritten() throws {
        let frames: [(bytes: [UInt8], wireLength: Int)] = [([1, 2, 3], 3), ([], 0), (Array(repeating: 7, count: 60), 1514)]
        let read = try PcapFile.frames(in: PcapFile.bytes(frames))
        XCTAssertEqual(read.map(\.bytes), frames.map(\.bytes))
        XCTAssertEqual(read.map(\.wireLength), [3, 0, 1514])
        XCTAssertEqual(try PcapFile.frames(in: PcapFile.bytes([])).count, 0)
    }

    func testReadsBigEndianAndNanosecondFiles() throws {
        // A big-endian, nanosecond file with one 4-byte frame of wire length 64.
        var file: [UInt8] = [0xa1, 0xb2, 0x3c, 0x4d, 0, 2, 0, 4] + [UInt8](repeating: 0, count: 8) + [0, 4, 0, 0, 0, 0, 0, 1]
        file += [0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 64, 9, 8, 7, 6]
        let read = try PcapFile.frames(in: file)
        XCTAssertEqual(read.count, 1)
        XCTAssertEqual(read.first?.bytes, [9, 8, 7, 6])
        XCTAssertEqual(read.first?.wireLength, 64)
    }

    func testRejectsWhatIsNotAClassicEthernetCapture() {
        let good = PcapFile.bytes([([1, 2, 3, 4], 4)])
        func error(_ bytes: [UInt8]) -> PcapFile.ReadError? {
            do { _ = try PcapFile.frames(in: bytes); return nil } catch { return error as? PcapFile.ReadError }
        }
        XCTAssertEqual(error(Array(good.prefix(23))), .truncated(at: 0))
        XCTAssertEqual(error(Array(good.dropLast())), .truncated(at: 24))
        XCTAssertEqual(error(Array(good.prefix(30))), .truncated(at: 24))
        XCTAssertEqual(error([0x0a, 0x0d, 0x0d, 0x0a] + good.dropFirst(4)), .badMagic(0x0a0d_0d0a))   // pcapng
        var raw = good
        raw[20] = 101                                                                                  // LINKTYPE_RAW
        XCTAssertEqual(error(raw), .linkType(101))
    }

    // MARK: Relative sequence numbers

    /// The handshake and first data segment of the book's chapter 5 (client port above the server's).
    func testBookHandshake() throws {
        let ts = { (val: UInt32, ecr: UInt32) in [1, 1, 8, 10] + FrameKit.be32(val) + FrameKit.be32(ecr) }
        let synOptions: (UInt32, UInt32) -> [UInt8] = { val, ecr in
            [2, 4, 0xff, 0xd7, 4, 2, 8, 10] + FrameKit.be32(val) + FrameKit.be32(ecr) + [1, 3, 3, 7]
        }
        func segment(_ fromClient: Bool, seq: UInt32, ack: UInt32, flags: UInt8, win: Int, options: [UInt8], _ data: [UInt8] = []) throws -> EthernetFrame {
            let tcp = FrameKit.tcpWithOptions(fromClient ? 60738 : 54321, fromClient ? 54321 : 60738, seq: seq, ack: ack,
                                              flags: flags, win: win, options: options, data)
            let zero = MACAddress("00:00:00:00:00:00")!
            return try EthernetFrame.decode(FrameKit.ethernet(zero, zero, type: 0x0800, FrameKit.ipv4("127.0.0.1", "127.0.0.1", proto: 6, tcp)))
        }
        let frames = [
            try segment(true, seq: 3126861658, ack: 0, flags: 0x02, win: 65495, options: synOptions(2187005123, 0)),
            try segment(false, seq: 3413711205, ack: 3126861659, flags: 0x12, win: 65483, options: synOptions(2187005123, 2187005123)),
            try segment(true, seq: 3126861659, ack: 3413711206, flags: 0x10, win: 512, options: ts(2187005123, 2187005123)),
            try segment(true, seq: 3126861659, ack: 3413711206, flags: 0x18, win: 512, options: ts(2187005124, 2187005123),
                        Array("hello, server\n".utf8)),
        ]
        let session = TcpdumpSession()
        XCTAssertEqual(frames.map(session.lineWithoutLinkLayer), [
            "IP 127.0.0.1.60738 > 127.0.0.1.54321: Flags [S], seq 3126861658, win 65495, options [mss 65495,sackOK,TS val 2187005123 ecr 0,nop,wscale 7], length 0",
            "IP 127.0.0.1.54321 > 127.0.0.1.60738: Flags [S.], seq 3413711205, ack 3126861659, win 65483, options [mss 65495,sackOK,TS val 2187005123 ecr 2187005123,nop,wscale 7], length 0",
            "IP 127.0.0.1.60738 > 127.0.0.1.54321: Flags [.], ack 1, win 512, options [nop,nop,TS val 2187005123 ecr 2187005123], length 0",
            "IP 127.0.0.1.60738 > 127.0.0.1.54321: Flags [P.], seq 1:15, ack 1, win 512, options [nop,nop,TS val 2187005124 ecr 2187005123], length 14",
        ])
        // Alone, each frame is the first of its conversation: absolute numbers.
        XCTAssertEqual(TcpdumpFormat.lineWithoutLinkLayer(frames[3]),
                       "IP 127.0.0.1.60738 > 127.0.0.1.54321: Flags [P.], seq 3126861659:3126861673, ack 3413711206, win 512, options [nop,nop,TS val 2187005124 ecr 2187005123], length 14")
        // Joining in the middle: the first ACK-bearing segment is absolute, the following ones relative to it.
        let late = TcpdumpSession()
        XCTAssertEqual(late.lineWithoutLinkLayer(frames[2]),
                       "IP 127.0.0.1.60738 > 127.0.0.1.54321: Flags [.], ack 3413711206, win 512, options [nop,nop,TS val 2187005123 ecr 2187005123], length 0")
        XCTAssertTrue(late.lineWithoutLinkLayer(frames[3]).contains("seq 0:14, ack 1, "))
        // The session also renders with the link layer, sharing the same state.
        XCTAssertTrue(late.line(frames[3]).hasPrefix("00:00:00:00:00:00 > 00:00:00:00:00:00, ethertype IPv4 (0x0800), length 80: 127.0.0.1.60738 > 127.0.0.1.54321: Flags [P.], seq 0:14, ack 1,"))
    }

    // MARK: Real conversations

    /// Python on lo of a fresh network namespace, while tcpdump writes what it sees on port 54321:
    /// a refused connection (RST), a conversation with greetings both ways, 200,000 bytes up and 100,000 down
    /// (segmented on lo) and an orderly close; a client on a port above the server's (the other collating
    /// order of tcpdump's table) whose connection the server aborts (RST with ACK); and a second connection
    /// from that same client port (a new SYN-ACK replaces the stored numbers).
    static let conversations = #"""
    import socket, threading, time
    PORT = 54321
    c = socket.socket()
    try:
        c.connect(("127.0.0.1", PORT))
    except ConnectionRefusedError:
        pass
    c.close()
    srv = socket.socket(); srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", PORT)); srv.listen(4)
    def recv_exact(s, n):
        got = b""
        while len(got) < n:
            chunk = s.recv(n - len(got))
            if not chunk: break
            got += chunk
        return got
    def serve():
        conn, _ = srv.accept()
        recv_exact(conn, 14)
        conn.sendall(b"hello, client\n")
        recv_exact(conn, 200000)
        conn.sendall(b"y" * 100000)
        while conn.recv(65536): pass
        conn.close()
        for _ in range(2):
            conn, _ = srv.accept()
            recv_exact(conn, 4)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            conn.close()
    t = threading.Thread(target=serve); t.start()
    c = socket.create_connection(("127.0.0.1", PORT))
    c.sendall(b"hello, server\n")
    recv_exact(c, 14)
    c.sendall(b"x" * 200000)
    recv_exact(c, 100000)
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536): pass
    c.close()
    for _ in range(2):
        c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        c.bind(("127.0.0.1", 60738)); c.connect(("127.0.0.1", PORT))
        c.sendall(b"ping")
        try:
            while c.recv(100): pass
        except ConnectionResetError:
            pass
        c.close()
        time.sleep(0.05)
    t.join(); srv.close()
    """#

    /// Captures with tcpdump in an unshared network namespace; `--immediate-mode` and a pause before SIGINT so
    /// that every packet reaches the file.
    static let captureScript = #"""
    set -e
    ip link set lo up
    /usr/bin/tcpdump -i lo --immediate-mode -U -w "$1" 'tcp port 54321' 2>"$1.err" &
    td=$!
    for i in $(seq 200); do grep -q listening "$1.err" 2>/dev/null && break; sleep 0.05; done
    /usr/bin/python3 "$2"
    sleep 0.5
    kill -INT $td
    wait $td || true
    """#

    func testRealConversationsMatchTcpdump() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tcpdump-session-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let pcap = dir.appendingPathComponent("lo.pcap").path, script = dir.appendingPathComponent("conversations.py").path
        try Self.conversations.write(toFile: script, atomically: true, encoding: .utf8)
        let capture = try runProcess("/usr/bin/unshare", ["-n", "/bin/bash", "-c", Self.captureScript, "capture", pcap, script])
        XCTAssertEqual(capture.status, 0, capture.stdout + capture.stderr)

        let frames = try PcapFile.read(pcap).map { try EthernetFrame.decode($0.bytes, wireLength: $0.wireLength) }
        for (flags, withLinkLayer) in [("-tnl", false), ("-tnel", true)] {
            let result = try runProcess(TcpdumpDifferentialTests.tcpdump, [flags, "-r", pcap])
            XCTAssertEqual(result.status, 0, result.stderr)
            let expected = result.stdout.split(separator: "\n").map(String.init)
            let session = TcpdumpSession()
            let lines = frames.map { withLinkLayer ? session.line($0) : session.lineWithoutLinkLayer($0) }
            XCTAssertEqual(lines.count, expected.count, result.stdout)
            for (i, (line, want)) in zip(lines, expected).enumerated() {
                XCTAssertEqual(line, want, "\(flags) packet \(i + 1)")
            }
            if !withLinkLayer {
                // What the capture must hold for the comparison to mean something.
                XCTAssertTrue(expected.contains { $0.contains("Flags [R.], seq 0, ack ") }, "refused")
                XCTAssertTrue(expected.contains { $0.hasPrefix("IP 127.0.0.1.60738 > ") && $0.contains("Flags [P.], seq 1:5, ack 1,") }, "client port above")
                XCTAssertTrue(expected.contains { $0.contains("Flags [R.], seq 1, ack 5,") }, "abort")
                XCTAssertGreaterThanOrEqual(expected.filter { $0.contains("seq 1:15, ack ") }.count, 2, "greetings")
                let big = expected.filter { line in line.split(separator: " ").last.flatMap { Int($0) }.map { $0 > 1000 } ?? false }
                XCTAssertGreaterThanOrEqual(big.count, 4, "segmented transfer")
                XCTAssertTrue(expected.contains { $0.contains("Flags [F.]") }, "orderly close")
            }
        }
    }
}
