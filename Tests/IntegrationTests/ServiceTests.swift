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
        assertFails(run, "root.udp.54321.bound", hintContains: "nc -ulv 127.0.0.1 54321", observedContains: "nothing on port 54321")
        assertFails(run, "root.udp.54321.datagram", hintContains: "nc -ulv 127.0.0.1 54321", observedContains: "udp port 54321 unreachable")
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

    func testNoIndexPage() throws {
        // http.server then lists the folder: 200, but not the page.
        let s = "ip link set lo up\n. Solutions/wait-for-port.sh\nmkdir -p /run/empty\npython3 -m http.server -b 127.0.0.1 -d /run/empty 80 >/dev/null 2>&1 &\nwait_for_port tcp 80"
        assertFails(try Grading.run("chapter6-http", solution: s), "root.tcp.80.http", hintContains: "<title> must be \"Hello, World\"",
                    observedContains: "Directory listing")
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
                    hintContains: "python3 chapter8-echoserver.py", observedContains: "Connection refused")
    }
}

final class BinaryProtocolTests: XCTestCase {
    func server(_ reply: String) -> String {
        pythonServer("""
            import socket, struct
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 54321)); s.listen()
            while True:
                c, _ = s.accept()
                with c:
                    d = b""
                    while len(d) < 8:
                        x = c.recv(8 - len(d))
                        if not x: break
                        d += x
                    if len(d) < 8: continue
                    \(reply)
            """)
    }

    func testSolutionPasses() throws {
        assertAllPass(try Grading.run("chapter8-binproto"))
    }

    func testLittleEndianIsNamed() throws {
        let run = try Grading.run("chapter8-binproto", solution: server("a, b = struct.unpack('<II', d); c.sendall(struct.pack('<Q', a + b))"))
        assertFails(run, "root.tcp.54321.sum", hintContains: "byte order is wrong", observedContains: "1000 + 2000 = 3000")
    }

    func testThirtyTwoBitAnswer() throws {
        let run = try Grading.run("chapter8-binproto", solution: server("a, b = struct.unpack('!II', d); c.sendall(struct.pack('!I', (a + b) & 0xffffffff))"))
        assertFails(run, "root.tcp.54321.sum", hintContains: "64-bit big-endian", observedContains: "4 bytes came back, not 8")
    }

    func testOverflowIsCaught() throws {
        // Right for small numbers, wrong when the sum needs 33 bits.
        let run = try Grading.run("chapter8-binproto", solution: server("a, b = struct.unpack('!II', d); c.sendall(struct.pack('!Q', (a + b) & 0xffffffff))"))
        assertFails(run, "root.tcp.54321.sum", hintContains: "64-bit", observedContains: "the server answered")
    }

    func testJapanese() throws {
        let run = try Grading.run("chapter8-binproto", solution: server("a, b = struct.unpack('<II', d); c.sendall(struct.pack('<Q', a + b))"), lang: "ja")
        XCTAssertTrue(run.check("root.tcp.54321.sum")?.hint.contains("バイトオーダーが違います") ?? false)
    }
}
