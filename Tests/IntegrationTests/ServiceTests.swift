import Foundation
import Report
import TestSupport
import XCTest

// Chapters 5, 6 and 8: servers on 127.0.0.1 in the sandbox's root namespace, judged by talking to them.

/// A Python server started in the background of a sandbox script (killed by PID when the sandbox ends).
func pythonServer(_ code: String, port: Int = 54321, transport: String = "tcp") -> String {
    """
    ip link set lo up
    . Solutions/wait-for-port.sh
    cat > /run/server.py <<'PY'
    \(code)
    PY
    python3 /run/server.py > /dev/null 2>&1 &
    wait_for_port \(transport) \(port)
    """
}

final class UDPServiceTests: XCTestCase {
    func testSolutionPassesWithTheDatagramOnLo() throws {
        let run = try Grading.run("chapter5-udp")
        assertAllPass(run)
        let talk = try XCTUnwrap(run.check("root.udp.54321.datagram"))
        XCTAssertTrue((talk.evidence ?? []).contains { $0.hasPrefix("IP 127.0.0.1.") && $0.hasSuffix(" > 127.0.0.1.54321: UDP, length 14") }, "\(talk.evidence ?? [])")
        XCTAssertTrue(run.check("root.udp.54321.bound")?.observed.contains("(nc (pid ") ?? false, "the owner is named")
    }

    func testNothingListening() throws {
        let run = try Grading.run("chapter5-udp", solution: "ip link set lo up")
        assertFails(run, "root.udp.54321.bound", hintContains: "nc -ulnv 127.0.0.1 54321", observedContains: "nothing on port 54321")
        assertFails(run, "root.udp.54321.datagram", hintContains: "nc -ulnv 127.0.0.1 54321", observedContains: "udp port 54321 unreachable")
    }

    func testTCPInsteadOfUDP() throws {
        let run = try Grading.run("chapter5-udp", solution: "ip link set lo up\n. Solutions/wait-for-port.sh\nnc -lk 127.0.0.1 54321 >/dev/null 2>&1 &\nwait_for_port tcp 54321")
        assertFails(run, "root.udp.54321.bound", hintContains: "the exercise is UDP (nc: -u)")
    }

    func testPortTypo() throws {
        let run = try Grading.run("chapter5-udp", solution: "ip link set lo up\n. Solutions/wait-for-port.sh\nnc -ulk 127.0.0.1 54312 >/dev/null 2>&1 &\nwait_for_port udp 54312")
        assertFails(run, "root.udp.54321.bound", hintContains: "a typo in the port")
    }

    func testIPv6Only() throws {
        let run = try Grading.run("chapter5-udp", solution: "ip link set lo up\n. Solutions/wait-for-port.sh\nnc -6 -ulk ::1 54321 >/dev/null 2>&1 &\nwait_for_port udp 54321")
        assertFails(run, "root.udp.54321.bound", hintContains: "::1 only (IPv6)")
    }
}

final class TCPServiceTests: XCTestCase {
    /// The capture on lo records the conversation, which comes after the probe run: the run must not wait for it
    /// (a watcher that counted as satisfied only once it had seen a frame held every service run for --timeout).
    func testAPassingRunDoesNotWaitForTheProbeTimeout() throws {
        let r = try ScriptSandbox.run("""
            bash -e Solutions/chapter5-tcp.sh
            "$NETCHECK" check chapter5-tcp --timeout 4000 --format json
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try XCTUnwrap(try? Report(jsonText: r.stdout), r.stdout)
        XCTAssertTrue(report.passed, r.stdout)
        XCTAssertLessThan(report.durationMs, 2000, "a passing run takes no probe timeout (--timeout 4000)")
    }

    func testSolutionShowsTheHandshake() throws {
        let run = try Grading.run("chapter5-tcp")
        assertAllPass(run)
        let lines = run.check("root.tcp.54321.connect")?.evidence ?? []
        XCTAssertTrue(lines.contains { $0.contains("> 127.0.0.1.54321: Flags [S], seq") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.hasPrefix("IP 127.0.0.1.54321 > ") && $0.contains("Flags [S.]") }, "\(lines)")
        XCTAssertTrue(lines.contains { $0.contains("> 127.0.0.1.54321: Flags [.], ack") }, "\(lines)")
    }

    func testNothingListening() throws {
        let run = try Grading.run("chapter5-tcp", solution: "ip link set lo up")
        assertFails(run, "root.tcp.54321.connect", hintContains: "nc -lnv 127.0.0.1 54321", observedContains: "Connection refused")
    }

    func testUDPInsteadOfTCP() throws {
        let run = try Grading.run("chapter5-tcp", solution: "ip link set lo up\n. Solutions/wait-for-port.sh\nnc -ulk 127.0.0.1 54321 >/dev/null 2>&1 &\nwait_for_port udp 54321")
        assertFails(run, "root.tcp.54321.bound", hintContains: "the exercise is TCP (nc: no -u)")
    }

    func testAnotherAddress() throws {
        let run = try Grading.run("chapter5-tcp", solution: pythonServer("""
            import socket, time
            s = socket.socket(); s.bind(("127.0.0.2", 54321)); s.listen(); time.sleep(60)
            """))
        assertFails(run, "root.tcp.54321.bound", hintContains: "bound to 127.0.0.2, not to 127.0.0.1 or 0.0.0.0")
    }

    func testAllAddressesIsFine() throws {
        assertAllPass(try Grading.run("chapter5-tcp", solution: "ip link set lo up\n. Solutions/wait-for-port.sh\nnc -lk 54321 >/dev/null 2>&1 &\nwait_for_port tcp 54321"))
    }
}

final class HTTPServiceTests: XCTestCase {
    func testSolutionPasses() throws {
        let run = try Grading.run("chapter6-http")
        assertAllPass(run)
        XCTAssertTrue(run.check("root.tcp.80.http")?.observed.contains("HTTP/1.0 200 OK") ?? false)
    }

    func testWrongTitle() throws {
        let s = try solution("chapter6-http").replacingOccurrences(of: "<title>Hello, World</title>", with: "<title>Hello World</title>")
            .replacingOccurrences(of: "$(dirname \"$0\")", with: "Solutions")
        assertFails(try Grading.run("chapter6-http", solution: s), "root.tcp.80.http", hintContains: "\"Hello, World\"", observedContains: "\"Hello World\"")
    }

    func testNotFound() throws {
        let run = try Grading.run("chapter6-http", solution: pythonServer("""
            import http.server
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self): self.send_error(404)
            http.server.HTTPServer(("127.0.0.1", 80), H).serve_forever()
            """, port: 80))
        assertFails(run, "root.tcp.80.http", hintContains: "GET / with 200", observedContains: "404")
    }

    func testNothingListening() throws {
        assertFails(try Grading.run("chapter6-http", solution: "ip link set lo up"), "root.tcp.80.bound",
                    hintContains: "python3 -m http.server -b 127.0.0.1 80")
    }
}

final class EchoServiceTests: XCTestCase {
    func testSolutionPasses() throws {
        assertAllPass(try Grading.run("chapter8-echoserver"))
    }

    func testOneRecvIsNotOneMessage() throws {
        // Echoes whatever one recv() returns, once, then closes: fine for short lines, not for a long message.
        let run = try Grading.run("chapter8-echoserver", solution: pythonServer("""
            import socket, threading
            def serve(c):
                with c:
                    while True:
                        d = c.recv(4096)
                        if not d: return
                        c.send(d[:1000])
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 54321)); s.listen()
            while True:
                c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
            """))
        assertFails(run, "root.tcp.54321.echo", hintContains: "read in a loop", observedContains: "message 3 (100000 bytes)")
    }

    func testNotAnEcho() throws {
        let run = try Grading.run("chapter8-echoserver", solution: pythonServer("""
            import socket
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 54321)); s.listen()
            while True:
                c, _ = s.accept()
                with c:
                    d = c.recv(4096); c.sendall(d.upper())
            """))
        assertFails(run, "root.tcp.54321.echo", hintContains: "sends back exactly what it receives", observedContains: "message 1 (14 bytes): 14 bytes came back, different")
    }

    func testNothingListening() throws {
        assertFails(try Grading.run("chapter8-echoserver", solution: "ip link set lo up"), "root.tcp.54321.echo",
                    hintContains: "python3 echoserver.py", observedContains: "Connection refused")
    }
}

final class BinaryProtocolTests: XCTestCase {
    /// A server that reads exactly 8 bytes, runs `reply` (with the bytes in `d` and the client in `c`), and, as
    /// the book's addserver.py, serves that one client and exits.
    func server(_ reply: String) -> String {
        pythonServer("""
            import socket, struct
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 54321)); s.listen()
            c, _ = s.accept()
            d = b""
            while len(d) < 8:
                x = c.recv(8 - len(d))
                if not x: break
                d += x
            \(reply)
            c.close(); s.close()
            """)
    }

    func testSolutionPasses() throws {
        let run = try Grading.run("chapter8-binproto")
        assertAllPass(run)
        let sum = try XCTUnwrap(run.check("root.tcp.54321.sum"))
        XCTAssertTrue(sum.observed.contains(": right, in 8 bytes, on one connection"), sum.observed)
        XCTAssertTrue(sum.note?.contains("python3 addserver.py") ?? false, "the one-shot server is said to be gone: \(sum.note ?? "no note")")
    }

    func testTheBooksWayInOneLine() throws {
        assertAllPass(try Grading.run("chapter8-binproto", solution: server("a, b = struct.unpack('!ii', d); c.sendall(struct.pack('!q', a + b))")))
    }

    func testLittleEndianIsNamed() throws {
        let run = try Grading.run("chapter8-binproto", solution: server("a, b = struct.unpack('<ii', d); c.sendall(struct.pack('<q', a + b))"))
        assertFails(run, "root.tcp.54321.sum", hintContains: "byte order is wrong", observedContains: "the server answered")
    }

    func testLittleEndianAnswerOnly() throws {
        let run = try Grading.run("chapter8-binproto", solution: server("a, b = struct.unpack('!ii', d); c.sendall(struct.pack('<q', a + b))"))
        assertFails(run, "root.tcp.54321.sum", hintContains: "byte order is wrong")
    }

    func testUnsignedIsNamed() throws {
        let run = try Grading.run("chapter8-binproto", solution: server("a, b = struct.unpack('!II', d); c.sendall(struct.pack('!Q', a + b))"))
        assertFails(run, "root.tcp.54321.sum", hintContains: "read as unsigned", observedContains: "the server answered")
    }

    func testThirtyTwoBitAnswer() throws {
        let run = try Grading.run("chapter8-binproto", solution: server("a, b = struct.unpack('!ii', d); c.sendall(struct.pack('!I', (a + b) & 0xffffffff))"))
        assertFails(run, "root.tcp.54321.sum", hintContains: "struct.pack('!q', result)", observedContains: "4 bytes came back, not 8")
    }

    func testThirtyTwoBitPackCrashes() throws {
        // '!i' cannot hold the sum: struct.error, the server dies with the connection unanswered.
        let run = try Grading.run("chapter8-binproto", solution: server("a, b = struct.unpack('!ii', d); c.sendall(struct.pack('!i', a + b))"))
        assertFails(run, "root.tcp.54321.sum", hintContains: "needs 64 bits", observedContains: "closed the connection without answering")
    }

    func testOverflowIsCaught() throws {
        // A C-style 32-bit addition: wraps, then widened.
        let run = try Grading.run("chapter8-binproto", solution: server("""
            a, b = struct.unpack('!ii', d); r = (a + b) & 0xffffffff; r = r - (1 << 32) if r >= 1 << 31 else r; c.sendall(struct.pack('!q', r))
            """))
        assertFails(run, "root.tcp.54321.sum", hintContains: "computed in 32 bits and overflowed", observedContains: "the server answered")
    }

    func testWaitsForMoreThanEightBytes() throws {
        let run = try Grading.run("chapter8-binproto", solution: pythonServer("""
            import socket, struct, time
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 54321)); s.listen()
            c, _ = s.accept(); c.recv(16); time.sleep(30)
            """))
        assertFails(run, "root.tcp.54321.sum", hintContains: "read 8 bytes", observedContains: "no answer before the deadline")
    }

    func testJapanese() throws {
        let run = try Grading.run("chapter8-binproto", solution: server("a, b = struct.unpack('<ii', d); c.sendall(struct.pack('<q', a + b))"), lang: "ja")
        XCTAssertTrue(run.check("root.tcp.54321.sum")?.hint.contains("バイトオーダーが違います") ?? false)
    }
}

/// The book's servers serve one client and exit (`nc -lnv`, echoserver.py, addserver.py): everything netcheck needs
/// comes from one conversation, and the sockets are read before it, so such a server passes on its first run,
/// every time; a second run says plainly that the server is gone.
final class OneShotServerTests: XCTestCase {
    /// Starts `start` (a command that serves one client) and checks, `times` times in one sandbox; the statuses.
    func repeatedly(_ exercise: String, start: String, port: Int = 54321, times: Int) throws -> [String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-oneshot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try ScriptSandbox.run("""
            ip link set lo up
            . Solutions/wait-for-port.sh
            for i in $(seq \(times)); do
              \(start) > /dev/null 2>&1 &
              server=$!
              wait_for_port tcp \(port)
              set +e; "$NETCHECK" check \(exercise) --format json --timeout 2000 > \(ScriptSandbox.shellQuote(dir.path))/report-$i; echo "$i $?"; set -e
              # The server has served netcheck and exits by itself: wait for it (at most 5 s), as a terminal would.
              for _ in $(seq 100); do kill -0 $server 2>/dev/null || break; sleep 0.05; done
              kill -0 $server 2>/dev/null && { echo "$i server still running"; kill $server; }
              wait $server 2>/dev/null || true
            done
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        for i in 1...times {
            let text = (try? String(contentsOf: dir.appendingPathComponent("report-\(i)"), encoding: .utf8)) ?? ""
            let report = try XCTUnwrap(try? Report(jsonText: text), "run \(i): \(text)")
            for c in report.checks where c.status != .pass { XCTFail("run \(i): \(c.id) \(c.status): \(c.observed) — \(c.hint)") }
        }
        return r.stdout.split(separator: "\n").map(String.init)
    }

    func testNcServesOneConnectionTwentyTimes() throws {
        let lines = try repeatedly("chapter5-tcp", start: "nc -lnv 127.0.0.1 54321", times: 20)
        XCTAssertEqual(lines, (1...20).map { "\($0) 0" })
    }

    func testEchoServerTwentyTimes() throws {
        let lines = try repeatedly("chapter8-echoserver", start: "python3 Solutions/echoserver.py", times: 20)
        XCTAssertEqual(lines, (1...20).map { "\($0) 0" })
    }

    func testAddServerTwentyTimes() throws {
        let lines = try repeatedly("chapter8-binproto", start: "python3 Solutions/addserver.py", times: 20)
        XCTAssertEqual(lines, (1...20).map { "\($0) 0" })
    }

    func testSecondRunSaysTheServerIsGone() throws {
        let run = try Grading.run("chapter5-tcp", solution: """
            bash Solutions/chapter5-tcp.sh
            "$NETCHECK" check chapter5-tcp --format json > /dev/null
            """)
        assertFails(run, "root.tcp.54321.bound", hintContains: "Start it again: `nc -lnv 127.0.0.1 54321`", observedContains: "nothing on port 54321")
        XCTAssertTrue(run.check("root.tcp.54321.bound")?.hint.contains("a connection to it ended") ?? false)
        assertFails(run, "root.tcp.54321.connect", hintContains: "must be started again before each check")
    }

    func testFirstRunNotesTheServerStopped() throws {
        let run = try Grading.run("chapter5-tcp")
        assertAllPass(run)
        let note = try XCTUnwrap(run.check("root.tcp.54321.connect")?.note)
        XCTAssertTrue(note.contains("served netcheck's connection and stopped listening") && note.contains("`nc -lnv 127.0.0.1 54321`"), note)
        XCTAssertNil(run.check("root.tcp.54321.bound")?.note)
    }

    func testTheLearnersClientIsStillConnected() throws {
        // The book's transcript: `nc -lnv` in one terminal, `nc 127.0.0.1 54321` in another, left open. nc keeps its
        // listening socket while it serves that client, so the kernel still completes netcheck's handshake and
        // acknowledges its data: the check passes (nc itself never reads netcheck's bytes).
        let run = try Grading.run("chapter5-tcp", solution: """
            bash Solutions/chapter5-tcp.sh
            (echo "Hello, World!"; sleep 30) | nc 127.0.0.1 54321 > /dev/null 2>&1 &
            for _ in $(seq 100); do ss -Htn state established "sport = :54321" | grep -q . && break; sleep 0.05; done
            """)
        assertAllPass(run)
    }

    func testAServerThatStopsListeningOnceItHasAClient() throws {
        // A server that closes its listening socket as soon as it has accepted someone else's connection.
        let run = try Grading.run("chapter5-tcp", solution: pythonServer("""
            import socket, time
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 54321)); s.listen()
            c, _ = s.accept(); s.close(); time.sleep(30)
            """) + """

            (sleep 30) | nc 127.0.0.1 54321 > /dev/null 2>&1 &
            for _ in $(seq 100); do ss -Htln "sport = :54321" | grep -q . || break; sleep 0.05; done
            """)
        assertFails(run, "root.tcp.54321.bound", hintContains: "accepted a connection from 127.0.0.1:", observedContains: "↔ 127.0.0.1:")
        XCTAssertTrue(run.check("root.tcp.54321.bound")?.hint.contains("End that client (Ctrl-C") ?? false)
        XCTAssertTrue(run.check("root.tcp.54321.bound")?.hint.contains("python3 (pid ") ?? false, run.check("root.tcp.54321.bound")?.hint ?? "")
    }

    func testEchoServerGoneIsNamedWithTheBooksFile() throws {
        let run = try Grading.run("chapter8-echoserver", solution: """
            bash Solutions/chapter8-echoserver.sh
            "$NETCHECK" check chapter8-echoserver --format json > /dev/null
            """)
        assertFails(run, "root.tcp.54321.echo", hintContains: "Start it again: `python3 echoserver.py`", observedContains: "Connection refused")
    }
}

final class UDPConversationTests: XCTestCase {
    func testTheBooksNcPassesTwiceInARow() throws {
        let run = try Grading.run("chapter5-udp", solution: """
            bash Solutions/chapter5-udp.sh
            "$NETCHECK" check chapter5-udp --format json > /run/first.json || { cat /run/first.json; exit 1; }
            grep -q '"note"' /run/first.json
            """)
        assertAllPass(run)
        XCTAssertTrue(run.check("root.udp.54321.datagram")?.observed.contains("the one peer the socket is connected to") ?? false)
        XCTAssertTrue(run.check("root.udp.54321.bound")?.observed.contains("connected to 127.0.0.1:") ?? false)
    }

    func testAfterTheBooksClient() throws {
        // `nc -ulnv` then `nc -u 127.0.0.1 54321` typing "Hello, World!": the server now talks to that client only.
        let run = try Grading.run("chapter5-udp", solution: """
            ip link set lo up
            nc -ulnv 127.0.0.1 54321 > /run/server.out 2>&1 &
            . Solutions/wait-for-port.sh; wait_for_port udp 54321
            (echo "Hello, World!"; sleep 30) | nc -u 127.0.0.1 54321 > /dev/null 2>&1 &
            for _ in $(seq 100); do ss -Hun state established "sport = :54321" | grep -q . && break; sleep 0.05; done
            """, extraDump: "cat /run/server.out")
        XCTAssertEqual(run.status, 0, run.stderr)
        for id in ["root.udp.54321.bound", "root.udp.54321.datagram"] { XCTAssertEqual(run.check(id)?.status, .pass, run.check(id)?.observed ?? "") }
        // The server printed netcheck's datagram as it did the client's: it was really delivered.
        XCTAssertTrue(run.after.components(separatedBy: "Hello, World!").count - 1 > run.before.components(separatedBy: "Hello, World!").count - 1,
                      "the server saw netcheck's datagram:\n\(run.after)")
    }

    func testServerGoneAfterConnecting() throws {
        let run = try Grading.run("chapter5-udp", solution: """
            bash Solutions/chapter5-udp.sh
            "$NETCHECK" check chapter5-udp --format json > /dev/null
            pkill -x nc
            for _ in $(seq 100); do ss -Hun "sport = :54321" | grep -q . || break; sleep 0.05; done
            """)
        assertFails(run, "root.udp.54321.datagram", hintContains: "nc -ulnv 127.0.0.1 54321", observedContains: "udp port 54321 unreachable")
    }
}

final class DualStackTests: XCTestCase {
    func v6Server(v6only: Bool) -> String {
        pythonServer("""
            import socket, time
            s = socket.socket(socket.AF_INET6); s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, \(v6only ? 1 : 0))
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("::", 54321)); s.listen()
            while True:
                c, _ = s.accept(); c.recv(100); time.sleep(0.2); c.close()
            """)
    }

    func testV6OnlyIsNotIPv4() throws {
        let run = try Grading.run("chapter5-tcp", solution: v6Server(v6only: true))
        assertFails(run, "root.tcp.54321.bound", hintContains: "IPV6_V6ONLY", observedContains: "[::]:54321 (IPV6_V6ONLY)")
        assertFails(run, "root.tcp.54321.connect", hintContains: "IPV6_V6ONLY", observedContains: "Connection refused")
    }

    func testDualStackTakesIPv4() throws {
        assertAllPass(try Grading.run("chapter5-tcp", solution: v6Server(v6only: false)))
    }
}

final class DirectoryListingTests: XCTestCase {
    func testEmptyFolder() throws {
        let s = "ip link set lo up\n. Solutions/wait-for-port.sh\nmkdir -p /run/empty\npython3 -m http.server -b 127.0.0.1 -d /run/empty 80 >/dev/null 2>&1 &\nwait_for_port tcp 80"
        assertFails(try Grading.run("chapter6-http", solution: s), "root.tcp.80.http", hintContains: "index.html is not there (the folder is empty)",
                    observedContains: "Directory listing")
    }

    func testMisnamedPage() throws {
        let s = """
            ip link set lo up
            . Solutions/wait-for-port.sh
            mkdir -p /run/site; echo '<title>Hello, World</title>' > /run/site/Index.html; touch /run/site/notes.txt
            python3 -m http.server -b 127.0.0.1 -d /run/site 80 >/dev/null 2>&1 &
            wait_for_port tcp 80
            """
        let run = try Grading.run("chapter6-http", solution: s)
        assertFails(run, "root.tcp.80.http", hintContains: "Index.html is not index.html")
        XCTAssertTrue(run.check("root.tcp.80.http")?.hint.contains("python3 -m http.server -b 127.0.0.1 80") ?? false)
    }
}
