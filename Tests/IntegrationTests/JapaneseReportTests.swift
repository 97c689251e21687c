import Foundation
import Report
import TestSupport
import XCTest

/// Real Japanese reports, from graded runs of the book's exercises with the mistakes learners make, read as a
/// whole: each field of the JSON report, the text report (`--format text` and TextRenderer over the same report)
/// and `netcheck show --found`. Whatever fragments a report is glued from, it must follow `JapaneseStyle`: no space
/// around 。、「」 or between full-width characters, a space between Japanese and Latin, ルーター, no English prose
/// ("loss", "[PAST]", …) outside quoted commands.
final class JapaneseReportTests: XCTestCase {
    /// One mistake per cause the diagnosis names, across the chapters (the servers of chapters 5, 6 and 8 aside).
    func scenarios() throws -> [(exercise: String, solution: String?, mistake: String)] {
        let router = try solution("chapter3-router")
        return [
            ("chapter3-helloworld", nil, "ip netns del helloworld"),
            ("chapter3-veth", nil, "ip netns exec ns2 ip link set ns2-veth0 down"),
            ("chapter3-veth", nil, "ip netns exec ns2 ip address del 192.0.2.2/24 dev ns2-veth0; ip netns exec ns2 ip address add 192.0.2.20/24 dev ns2-veth0"),
            ("chapter3-veth", nil, "ip netns exec ns2 ip address del 192.0.2.2/24 dev ns2-veth0; ip netns exec ns2 ip address add 192.0.2.2/24 dev lo"),
            ("chapter3-router", nil, "ip netns exec router sysctl -qw net.ipv4.ip_forward=0"),
            ("chapter3-router", nil, "ip netns exec ns1 ip route replace default via 192.0.2.253"),
            ("chapter3-router", nil, "ip netns exec ns2 ip route del default"),
            ("chapter3-router", nil, "ip netns exec ns1 ip route del default"),
            ("chapter3-router", router.components(separatedBy: "\n").filter { line in
                !["gw-veth1 netns router", "router ip link set gw-veth1 up", "dev gw-veth1"].contains { line.contains($0) }
            }.joined(separator: "\n"), ""),
            ("chapter3-multi-router", nil, "ip netns exec router1 ip route del 198.51.100.0/24"),
            ("chapter3-multi-router", nil, "ip netns exec router2 ip route replace 192.0.2.0/24 via 198.51.100.1"),
            ("chapter4-ethernet", nil, "ip netns exec ns2 ip link set dev ns2-veth0 address 00:00:5e:00:53:20"),
            ("chapter4-arp", nil, "ip netns exec ns2 ip address del 192.0.2.2/24 dev ns2-veth0"),
            ("chapter4-router-mac", nil, "ip netns exec router sysctl -qw net.ipv4.ip_forward=0"),
            ("chapter4-bridge", nil, "ip link set ns3-br0 nomaster"),
            ("chapter7-snat", try withoutNAT("chapter7-snat"), ""),
            ("chapter7-snat", try solution("chapter7-snat").replacingOccurrences(of: "-o gw-veth1", with: "-o gw-veth0"), ""),
            ("chapter7-dnat", try solution("chapter7-dnat").replacingOccurrences(of: "--dport 54321", with: "--dport 54322"), ""),
            ("chapter7-dnat", try solution("chapter7-dnat").replacingOccurrences(of: "--to-destination 192.0.2.1", with: "--to-destination 192.0.2.2"), ""),
            ("chapter7-dnat", try solution("chapter7-dnat").replacingOccurrences(of: "-d 203.0.113.254 -j DNAT", with: "-d 203.0.113.1 -j DNAT"), ""),
            ("chapter6-dhcp", try dhcpSolution(dropping: ["dhclient c-veth0"]), ""),
        ]
    }

    /// Every text of a report a learner reads, with where it is.
    static func texts(_ report: Report) -> [(String, String)] {
        var texts = [("title", report.title)]
        for c in report.checks + (report.steps ?? []).flatMap(\.checks) {
            texts += [("\(c.id) title", c.title), ("\(c.id) expected", c.expected), ("\(c.id) observed", c.observed), ("\(c.id) hint", c.hint),
                      ("\(c.id) note", c.note ?? "")]
        }
        texts += (report.steps ?? []).map { ("step \($0.number) title", $0.title) }
        return texts
    }

    func testGradedReportsReadNaturally() throws {
        var failed = 0
        for s in try scenarios() {
            let what = "\(s.exercise) after `\(s.mistake.isEmpty ? "a changed solution" : s.mistake)`"
            let run: GradedRun
            do { run = try Grading.run(s.exercise, solution: s.solution, mistake: s.mistake, lang: "ja") } catch {
                XCTFail("\(what): \(error)")
                continue
            }
            guard let report = run.report else { XCTFail("\(what): no report: \(run.stderr)"); continue }
            XCTAssertEqual(run.status, 1, "\(what): a check fails")
            if report.checks.allSatisfy({ $0.status == .pass }) { failed += 1 }
            var problems: [String] = []
            for (field, text) in Self.texts(report) {
                problems += JapaneseStyle.problems(in: text).map { "\(field): \($0)\n      \(text)" }
            }
            problems += JapaneseStyle.problems(inTextReport: TextRenderer(language: .ja, color: false).render(report)).map { "text report: \($0)" }
            if !problems.isEmpty { XCTFail("\(what):\n" + problems.joined(separator: "\n")) }
        }
        XCTAssertEqual(failed, 0, "every mistake makes a check fail")
    }

    /// The servers of chapters 5, 6 and 8: passing one-shot servers (with their note), and the usual mistakes.
    func testServerReportsReadNaturally() throws {
        func server(_ code: String, port: Int = 54321) -> String { pythonServer(code, port: port) }
        let sum = """
            import socket, struct
            s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 54321)); s.listen()
            c, _ = s.accept(); d = c.recv(8)

            """
        let scenarios: [(String, String?, String)] = [
            ("chapter5-tcp", nil, ""),
            ("chapter5-tcp", nil, "\"$NETCHECK\" check chapter5-tcp > /dev/null || true"),
            ("chapter5-udp", nil, ""),
            ("chapter5-udp", "ip link set lo up", ""),
            ("chapter5-udp", "ip link set lo up\n. Solutions/wait-for-port.sh\nnc -lk 127.0.0.1 54321 >/dev/null 2>&1 &\nwait_for_port tcp 54321", ""),
            ("chapter5-udp", "ip link set lo up\n. Solutions/wait-for-port.sh\nnc -ulk 127.0.0.1 54312 >/dev/null 2>&1 &\nwait_for_port udp 54312", ""),
            ("chapter5-tcp", server("""
                import socket, time
                s = socket.socket(socket.AF_INET6); s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1); s.bind(("::", 54321)); s.listen(); time.sleep(30)
                """), ""),
            ("chapter5-tcp", server("""
                import socket, time
                s = socket.socket(); s.bind(("127.0.0.2", 54321)); s.listen(); time.sleep(30)
                """), ""),
            ("chapter6-http", "ip link set lo up\n. Solutions/wait-for-port.sh\nmkdir -p /run/site; touch /run/site/Index.html\npython3 -m http.server -b 127.0.0.1 -d /run/site 80 >/dev/null 2>&1 &\nwait_for_port tcp 80", ""),
            ("chapter6-http", "ip link set lo up", ""),
            ("chapter8-echoserver", nil, ""),
            ("chapter8-binproto", nil, ""),
            ("chapter8-binproto", server(sum + "a, b = struct.unpack('<ii', d); c.sendall(struct.pack('<q', a + b))"), ""),
            ("chapter8-binproto", server(sum + "a, b = struct.unpack('!II', d); c.sendall(struct.pack('!Q', a + b))"), ""),
            ("chapter8-binproto", server(sum + "c.sendall(b'1234')"), ""),
            ("chapter8-binproto", server(sum + "a, b = struct.unpack('!ii', d); c.sendall(struct.pack('!i', a + b))"), ""),
        ]
        for (exercise, solution, mistake) in scenarios {
            let what = "\(exercise) with \(solution ?? "the solution") \(mistake)"
            let run: GradedRun
            do { run = try Grading.run(exercise, solution: solution, mistake: mistake, lang: "ja") } catch { XCTFail("\(what): \(error)"); continue }
            guard let report = run.report else { XCTFail("\(what): no report: \(run.stderr)"); continue }
            var problems: [String] = []
            for (field, text) in Self.texts(report) {
                problems += JapaneseStyle.problems(in: text).map { "\(field): \($0)\n      \(text)" }
            }
            problems += JapaneseStyle.problems(inTextReport: TextRenderer(language: .ja, color: false).render(report)).map { "text report: \($0)" }
            if !problems.isEmpty { XCTFail("\(what):\n" + problems.joined(separator: "\n")) }
        }
    }

    /// `netcheck check --format text --lang ja` itself (the README's sample), and `netcheck show --found`.
    func testTextReportAndShowReadNaturally() throws {
        let run = try Grading.run("chapter3-router", mistake: "ip netns exec router sysctl -qw net.ipv4.ip_forward=0", lang: "ja",
                                  extraArguments: "--format text")
        XCTAssertEqual(run.status, 1, run.stderr)
        XCTAssertTrue(run.stdout.contains("ステップ 3/3"), run.stdout)
        XCTAssertEqual(JapaneseStyle.problems(inTextReport: run.stdout).map(\.description), [], run.stdout)

        let show = try ThreadSandbox.with { sh -> ProcessResult in
            try sh.must("""
            sed -e '/gw-veth1 netns router/d' -e '/router ip link set gw-veth1 up/d' -e '/dev gw-veth1/d' \
                -e 's|192.0.2.1/24 dev ns1-veth0|192.0.2.10/24 dev ns1-veth0|' Solutions/chapter3-router.sh | bash -e
            ip netns exec ns2 ip link set ns2-veth0 down
            """)
            return try runProcess(TestPaths.netcheck, ["show", "chapter3-router", "--found", "--lang", "ja"])
        }
        XCTAssertEqual(show.status, 0, show.stderr)
        let notes = show.stdout.split(separator: "\n").filter { $0.hasPrefix("✗ ") }
        XCTAssertGreaterThanOrEqual(notes.count, 3, show.stdout)
        for line in show.stdout.split(separator: "\n") where !line.contains(where: { "│┌└".contains($0) }) {
            XCTAssertEqual(JapaneseStyle.problems(in: String(line.drop { $0 == "✗" || $0 == "✓" || $0 == " " })).map(\.description), [], String(line))
        }
    }
}
