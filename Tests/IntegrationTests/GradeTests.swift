import Foundation
import JSON
import Report
import Submissions
import TestSupport
import XCTest

/// `netcheck grade`: a class of submissions, each replayed in a sandbox of its own and checked there, folded into
/// class.csv and class.md; what cannot be read or runs too long is a row, never the end of the batch.
final class GradeTests: XCTestCase {
    /// A learner's pasted terminal for chapter3-router: two kinds of prompt, `sudo`, output lines, a `\` continuation
    /// shown with PS2, a root shell (`sudo -i`, `#` prompts, `exit`), two mistyped commands each followed by the
    /// corrected one, and the learner's own `netcheck` line.
    static let transcript = """
        vagrant@ubuntu:~$ sudo ip netns add ns1
        vagrant@ubuntu:~$ sudo ip netns add router
        vagrant@ubuntu:~$ sudo ip netns add ns2
        vagrant@ubuntu:~$ ip netns list
        ns2
        router
        ns1
        vagrant@ubuntu:~$ sudo ip link add ns1-veth0 type veth peer name gw-veth0
        vagrant@ubuntu:~$ sudo ip link add ns2-veth0 type veth \\
        > peer name gw-veth1
        vagrant@ubuntu:~$ sudo ip link set ns1-veth0 netns ns1
        vagrant@ubuntu:~$ sudo ip link set gw-veth0 netns router
        vagrant@ubuntu:~$ sudo ip link set gw-veth1 netns router
        vagrant@ubuntu:~$ sudo ip link set ns2-veth0 netns ns2
        vagrant@ubuntu:~$ sudo -i
        root@ubuntu:~# ip netns exec ns1 ip lnik set ns1-veth0 up
        Object "lnik" is unknown, try "ip help".
        root@ubuntu:~# ip netns exec ns1 ip link set ns1-veth0 up
        root@ubuntu:~# ip netns exec router ip link set gw-veth0 up
        root@ubuntu:~# ip netns exec router ip link set gw-veth1 up
        root@ubuntu:~# ip netns exec ns2 ip link set ns2-veth0 up
        root@ubuntu:~# exit
        logout
        $ sudo ip netns exec ns1 ip address add 192.0.2.1/24 dev ns1-veth0
        $ sudo ip netns exec router ip address add 192.0.2.254/24 dev gw-veth0
        $ sudo ip netns exec router ip address add 198.51.100.254/24 dev gw-veth1
        $ sudo ip netns exec ns2 ip address add 198.51.100.1/24 dev ns2-veth0
        $ sudo ip netns exec ns1 ip route add default via 192.0.2.254
        $ sudo ip netns exec ns2 ip route add default via 198.51.100.254
        $ sudo ip netns exec router sysctl net.ipv4.ip_foward=1
        sysctl: cannot stat /proc/sys/net/ipv4/ip_foward: No such file or directory
        $ sudo ip netns exec router sysctl net.ipv4.ip_forward=1
        net.ipv4.ip_forward = 1
        $ sudo ip netns exec ns1 ping -c 1 198.51.100.1 -I 192.0.2.1
        PING 198.51.100.1 (198.51.100.1) from 192.0.2.1 : 56(84) bytes of data.
        64 bytes from 198.51.100.1: icmp_seq=1 ttl=63 time=0.052 ms
        $ sudo netcheck chapter3-router
        [ OK ] ns1: namespace ns1 exists  [ns1.netns]

        """

    /// The fields of one CSV line (RFC 4180 quotes).
    static func fields(_ line: String) -> [String] {
        var fields = [""], quoted = false, previous: Character = " "
        for c in line {
            if c == "\"" { if quoted { quoted = false } else { if previous == "\"" { fields[fields.count - 1].append("\"") }; quoted = true } }
            else if c == "," && !quoted { fields.append("") }
            else { fields[fields.count - 1].append(c) }
            previous = c
        }
        return fields
    }

    func netcheck(_ args: [String]) throws -> ProcessResult { try runProcess(TestPaths.netcheck, args) }

    func temporaryFolder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-grade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        return dir
    }

    /// The PIDs whose command line mentions `text` (nothing a grade started may be left running).
    func processes(mentioning text: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.filter { Int($0) != nil && Int32($0) != getpid() }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            return String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).contains(text)
        }
    }

    func testAClassIsGradedRowByRow() throws {
        let dir = try temporaryFolder()
        let submissions = dir.appendingPathComponent("submissions")
        try FileManager.default.createDirectory(at: submissions.appendingPathComponent("bob"), withIntermediateDirectories: true)
        let solution = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Solutions/chapter3-router.sh"), encoding: .utf8)
        XCTAssertTrue(solution.contains("net.ipv4.ip_forward=1"))
        try solution.write(to: submissions.appendingPathComponent("alice.sh"), atomically: true, encoding: .utf8)
        // bob hands in a folder: his pasted terminal, and a note that is not a submission (hidden).
        try Self.transcript.write(to: submissions.appendingPathComponent("bob/terminal.txt"), atomically: true, encoding: .utf8)
        try "notes".write(to: submissions.appendingPathComponent("bob/.notes"), atomically: true, encoding: .utf8)
        try solution.replacingOccurrences(of: "ip_forward=1", with: "ip_forward=0")
            .write(to: submissions.appendingPathComponent("carol.sh"), atomically: true, encoding: .utf8)
        try "#!/bin/bash\nip netns add ns1\nwhile true; do :; done\n".write(to: submissions.appendingPathComponent("dave.sh"), atomically: true, encoding: .utf8)
        try "".write(to: submissions.appendingPathComponent("erin.txt"), atomically: true, encoding: .utf8)
        // A name a spreadsheet would read as a formula, on a file that is not text.
        try Data([0x24, 0x20, 0x6c, 0x73, 0x00, 0x01]).write(to: submissions.appendingPathComponent("-1+1.txt"))
        let out = dir.appendingPathComponent("grades")

        let started = Date()
        let names = ["alice.sh", "bob", "carol.sh", "dave.sh", "erin.txt", "-1+1.txt"]
        let r = try netcheck(["grade", "chapter3-router"] + names.map { submissions.appendingPathComponent($0).path }
                             + ["--out", out.path, "--time-limit", "5", "--jobs", "2", "--lang", "en",
                                "--also", "gradescope", "--also", "junit", "--also", "classroom"])
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(r.status, 1, "one learner did not pass: \(r.stdout)\n\(r.stderr)")
        // dave's loop is cut at 5 s; the rest run beside it, two at a time.
        XCTAssertLessThan(elapsed, 30, "the grade took \(elapsed) s")
        XCTAssertEqual(processes(mentioning: out.path), [], "a replay outlived the grade")

        func report(_ learner: String) throws -> Report {
            try Report(jsonText: String(contentsOf: out.appendingPathComponent("\(learner)/report.json"), encoding: .utf8))
        }
        let alice = try report("alice"), bob = try report("bob"), carol = try report("carol")
        XCTAssertTrue(alice.passed, "\(alice.checks.filter { $0.status != .pass })")
        XCTAssertTrue(bob.passed, "\(bob.checks.filter { $0.status != .pass })")
        XCTAssertEqual(alice.checks.map(\.id), bob.checks.map(\.id))
        XCTAssertFalse(carol.passed)
        XCTAssertEqual(carol.checks.first { $0.status != .pass }?.id, "router.ip_forward")
        XCTAssertEqual(carol.checks.first { $0.id == "router.ip_forward" }?.status, .fail)
        XCTAssertEqual(carol.checks.first { $0.id == "ns1.ping.198.51.100.1" }?.status, .fail)
        XCTAssertTrue(carol.checks.first { $0.id == "router.ip_forward" }?.hint.contains("sysctl net.ipv4.ip_forward=1") ?? false)
        for none in ["dave", "erin", "-1_1"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(none)/report.json").path), none)
        }

        // --also: every learner has the three files, also those without a report (one failing test, worth 0 of 18).
        func object(_ path: String) throws -> JSONObject {
            try XCTUnwrap(JSON.parse(String(contentsOf: out.appendingPathComponent(path), encoding: .utf8)).object, path)
        }
        XCTAssertEqual(try object("alice/gradescope.json")["score"], 18)
        XCTAssertEqual(try object("carol/classroom.json")["status"], "fail")
        XCTAssertEqual(try object("carol/classroom.json")["tests"]?.array?.compactMap { $0.object?["score"]?.number }.reduce(0, +), 16)
        XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("carol/junit.xml"), encoding: .utf8).contains("tests=\"18\" failures=\"2\""))
        for none in ["dave", "erin", "-1_1"] {
            let classroom = try object("\(none)/classroom.json")
            XCTAssertEqual(classroom["status"], "fail", none)
            XCTAssertEqual(classroom["max_score"], 18, none)
            XCTAssertEqual(classroom["tests"]?.array?.compactMap { $0.object?["score"] }, [0], none)
            XCTAssertEqual(try object("\(none)/gradescope.json")["max_score"], 18, none)
            XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("\(none)/junit.xml"), encoding: .utf8).contains("<failure message="), none)
        }
        XCTAssertTrue(try object("dave/classroom.json")["tests"]?.array?.first?.object?["message"]?.string?.hasPrefix("time limit: ran past the time limit of 5 s") ?? false)

        // bob's replay: each typed command once, with its status; the mistyped ones failed and did not stop the
        // rest; no output line was run (that would be "command not found", 127); the root shell, its exit and his
        // own netcheck line were not replayed.
        let log = try String(contentsOf: out.appendingPathComponent("bob/replay.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("[0] ip link add ns2-veth0 type veth \\\npeer name gw-veth1\n"), log)
        XCTAssertTrue(log.contains("] ip netns exec ns1 ip lnik set ns1-veth0 up\n[0] ip netns exec ns1 ip link set ns1-veth0 up\n"), log)
        XCTAssertFalse(log.contains("[0] ip netns exec ns1 ip lnik"), log)
        XCTAssertTrue(log.contains("] ip netns exec router sysctl net.ipv4.ip_foward=1\n[0] ip netns exec router sysctl net.ipv4.ip_forward=1\n"), log)
        XCTAssertFalse(log.contains("[0] ip netns exec router sysctl net.ipv4.ip_foward"), log)
        XCTAssertFalse(log.contains("[127]"), log)
        XCTAssertFalse(log.contains("sudo "), log)
        XCTAssertEqual(log.components(separatedBy: "\n").filter { $0.hasPrefix("[skipped") }.count, 3, log)
        XCTAssertEqual(log.components(separatedBy: "\n").filter { $0.hasPrefix("[") }.count, 27, log)
        // alice's script: what ran, and it ended well.
        let aliceLog = try String(contentsOf: out.appendingPathComponent("alice/replay.log"), encoding: .utf8)
        XCTAssertTrue(aliceLog.contains("+ ip netns exec router sysctl -q net.ipv4.ip_forward=1\n"), aliceLog)
        XCTAssertTrue(aliceLog.hasSuffix("[0] . \(out.path)/alice/submission.sh\n"), aliceLog)

        let csv = try String(contentsOf: out.appendingPathComponent("class.csv"), encoding: .utf8)
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(lines.count, 1 + 6 + 2, csv)
        let header = lines[0].components(separatedBy: ",")
        XCTAssertEqual(Array(header.prefix(7)), ["learner", "result", "score", "max_score", "first_failing", "reason", "ns1.netns"])
        XCTAssertEqual(header.count, 6 + alice.checks.count)
        func row(_ learner: String) -> [String] { lines.first { $0.hasPrefix(learner + ",") }.map(Self.fields) ?? [] }
        XCTAssertEqual(Array(row("alice").prefix(6)), ["alice", "passed", "18", "18", "", ""])
        XCTAssertEqual(Array(row("bob").prefix(5)), ["bob", "passed", "18", "18", ""])
        XCTAssertEqual(Array(row("carol").prefix(5)), ["carol", "failed", "16", "18", "router.ip_forward"])
        XCTAssertEqual(row("carol")[header.firstIndex(of: "router.ip_forward")!], "fail")
        XCTAssertEqual(row("carol")[header.firstIndex(of: "ns1.netns")!], "pass")
        XCTAssertEqual(Array(row("dave").prefix(2)), ["dave", "time_limit"])
        XCTAssertEqual(row("dave")[5], "ran past the time limit of 5 s (--time-limit): stopped, not graded")
        XCTAssertEqual(row("dave")[header.firstIndex(of: "ns1.netns")!], "")
        XCTAssertEqual(Array(row("erin").prefix(2)), ["erin", "unreadable"])
        XCTAssertEqual(row("erin")[5], submissions.appendingPathComponent("erin.txt").path + " is empty")
        // The learner "-1_1" starts like a formula: guarded.
        XCTAssertEqual(Array(row("'-1_1").prefix(2)), ["'-1_1", "unreadable"], csv)
        XCTAssertTrue(lines.first { $0.hasPrefix("'-1_1,") }!.contains("is not text"), csv)
        // 2 of 6 passed; everyone with a report passed ns1.netns; the ip_forward check only alice and bob.
        let rate = row("(pass rate)")
        XCTAssertEqual(rate[1], "33%")
        XCTAssertEqual(rate[header.firstIndex(of: "ns1.netns")!], "50%")
        XCTAssertEqual(rate[header.firstIndex(of: "router.ip_forward")!], "33%")
        XCTAssertEqual(Array(row("(most common first failure)").prefix(5)), ["(most common first failure)", "", "", "", "router.ip_forward"], csv)

        let markdown = try String(contentsOf: out.appendingPathComponent("class.md"), encoding: .utf8)
        XCTAssertTrue(markdown.hasPrefix("# chapter3-router: 2 of 6 learners passed\n"), markdown)
        XCTAssertTrue(markdown.contains("| carol | failed | 16/18 | `router.ip_forward` | ✓ |"), markdown)
        XCTAssertTrue(markdown.contains("| dave | time limit |  | ran past the time limit of 5 s"), markdown)
        XCTAssertTrue(markdown.contains("Most common first failure: `router.ip_forward`, for 1 of 6 learners."), markdown)
        let html = try String(contentsOf: out.appendingPathComponent("class.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<title>chapter3-router: 2 of 6 learners passed</title>"), html)
        XCTAssertTrue(html.contains("<td class=\"s fail\" title=\"carol, router.ip_forward: fail\">✗</td>"), html)
        XCTAssertTrue(html.contains("title=\"dave: no report\">ran past the time limit of 5 s"), html)
        // The terminal summary: one line per learner, then the count.
        XCTAssertTrue(r.stdout.contains("carol  failed      16/18  router.ip_forward: router has net.ipv4.ip_forward=0."), r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("2 of 6 learners passed; reports, logs and class.csv / class.md / class.html in \(out.path)\n"), r.stdout)
    }

    /// The learner's script first prints without end (`yes`): its output stops at the file size limit, and the rest
    /// of the script runs.
    func testEveryLearnerPassingIsZero() throws {
        let dir = try temporaryFolder()
        let script = dir.appendingPathComponent("veth.sh")
        let solution = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Solutions/chapter3-veth.sh"), encoding: .utf8)
        try ("yes\n" + solution).write(to: script, atomically: true, encoding: .utf8)
        let r = try netcheck(["grade", "chapter3-veth", script.path, "--out", dir.appendingPathComponent("out").path,
                              "--format", "csv", "--lang", "ja"])
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("learner,result,"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\r\nveth,passed,"), r.stdout)
        let markdown = try String(contentsOf: dir.appendingPathComponent("out/class.md"), encoding: .utf8)
        XCTAssertTrue(markdown.hasPrefix("# chapter3-veth: 1 人中 1 人が合格\n"), markdown)
        XCTAssertTrue(markdown.contains("| veth | 合格 |"), markdown)
        let html = try String(contentsOf: dir.appendingPathComponent("out/class.html"), encoding: .utf8)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"ja\">\n"), html)
        XCTAssertTrue(html.contains("<title>chapter3-veth: 1 人中 1 人が合格</title>"), html)
        let output = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("out/veth/output.log").path)
        XCTAssertEqual(output[.size] as? Int, 16 << 20)
        let log = try String(contentsOf: dir.appendingPathComponent("out/veth/replay.log"), encoding: .utf8)
        XCTAssertTrue(log.hasPrefix("+ . '"), log)
        XCTAssertTrue(log.contains("+ yes\n[1] yes\n"), log)
    }

    /// Nothing of the host changes, however a submission misbehaves (issue 14): files outside the learner's folder
    /// cannot be removed or planted (the host's are read-only, and /tmp is the sandbox's own), host interfaces are
    /// not even seen, and a fork bomb hits the process limit and then
    /// the time limit. The vandal's solution still passes: the read-only host does not stop the book's commands.
    func testAMisbehavingSubmissionActsInsideTheSandboxOnly() throws {
        let dir = try temporaryFolder()
        let canary = dir.appendingPathComponent("canary")
        try "still here".write(to: canary, atomically: true, encoding: .utf8)
        let planted = "/usr/local/netcheck-grade-canary-\(getpid())"
        let hostLinks = try runProcess("/usr/sbin/ip", ["-o", "link", "show"]).stdout.split(separator: "\n").map { $0.split(separator: ":")[1] }
        let solution = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Solutions/chapter3-router.sh"), encoding: .utf8)
        let vandal = dir.appendingPathComponent("vandal.sh"), bomber = dir.appendingPathComponent("bomber.sh")
        try """
            rm -f \(canary.path)
            echo owned > \(planted)
            echo owned > \(dir.path)/planted
            for l in $(ls /sys/class/net); do ip link del "$l"; done
            ip link del eth0
            """.appending("\n" + solution).write(to: vandal, atomically: true, encoding: .utf8)
        try "#!/bin/bash\nip netns add ns1\nbomb() { bomb | bomb & }; bomb\n".write(to: bomber, atomically: true, encoding: .utf8)
        // `pkill` and `ps`, as a learner stops a server: they see the replay's processes only, by their own PIDs.
        let killer = dir.appendingPathComponent("killer.sh")
        try (solution + "\nsleep 300 &\npkill -x sleep && echo killed-own-sleep\nps -e -o comm= | sort -u > \(dir.path)/out/killer/ps.txt\n")
            .write(to: killer, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let hostSleep = Process()
        hostSleep.executableURL = URL(fileURLWithPath: "/bin/sleep")
        hostSleep.arguments = ["300"]
        try hostSleep.run()
        defer { hostSleep.terminate(); hostSleep.waitUntilExit() }
        let r = try netcheck(["grade", "chapter3-router", vandal.path, bomber.path, killer.path, "--out", out.path, "--time-limit", "8", "--jobs", "2"])
        XCTAssertTrue(hostSleep.isRunning, "the learner's pkill reached a process of the host")
        XCTAssertTrue(r.stdout.contains("killer  passed"), r.stdout)
        XCTAssertTrue(try String(contentsOf: out.appendingPathComponent("killer/output.log"), encoding: .utf8).contains("killed-own-sleep"))
        let seen = try String(contentsOf: out.appendingPathComponent("killer/ps.txt"), encoding: .utf8)
        // The host's kernel threads (kthreadd, ksoftirqd/0) are in every host /proc; the replay's own has none.
        XCTAssertFalse(seen.contains("kthreadd"), "ps in the replay lists host processes: \(seen)")
        XCTAssertTrue(seen.contains("bash"), seen)
        XCTAssertEqual(r.status, 1, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("vandal  passed"), r.stdout)
        // The bomb's forks fail at the process limit; the check then grades what the script made (or, should the bomb
        // starve it, the row says so): either way the batch goes on.
        XCTAssertTrue(["bomber  failed", "bomber  time limit", "bomber  error"].contains { r.stdout.contains($0) }, r.stdout)
        let bomb = try String(contentsOf: out.appendingPathComponent("bomber/output.log"), encoding: .utf8)
        XCTAssertTrue(bomb.contains("fork: retry: Resource temporarily unavailable"), String(bomb.prefix(2000)))
        XCTAssertEqual(try String(contentsOf: canary, encoding: .utf8), "still here")
        XCTAssertFalse(FileManager.default.fileExists(atPath: planted))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("planted").path))
        let log = try String(contentsOf: out.appendingPathComponent("vandal/output.log"), encoding: .utf8)
        XCTAssertTrue(log.contains("\(planted): Read-only file system"), log)
        XCTAssertTrue(log.contains("Cannot find device \"eth0\""), log)
        XCTAssertEqual(try runProcess("/usr/sbin/ip", ["-o", "link", "show"]).stdout.split(separator: "\n").map { $0.split(separator: ":")[1] }, hostLinks)
        XCTAssertEqual(processes(mentioning: out.path), [], "a replay outlived the grade")
        for hierarchy in ["/sys/fs/cgroup/pids", "/sys/fs/cgroup"] {
            let left = ((try? FileManager.default.contentsOfDirectory(atPath: hierarchy)) ?? []).filter { $0.hasPrefix("netcheck-sandbox-") }
            XCTAssertEqual(left, [], "a process limit outlived the grade in \(hierarchy)")
        }
    }

    func testUsageAndExerciseErrorsAreTwo() throws {
        let dir = try temporaryFolder()
        let script = dir.appendingPathComponent("a.sh")
        try "ip netns add ns1\n".write(to: script, atomically: true, encoding: .utf8)
        let unknown = try netcheck(["grade", "chapter3-ruoter", script.path, "--out", dir.path])
        XCTAssertEqual(unknown.status, 2, unknown.stderr)
        XCTAssertTrue(unknown.stderr.contains("chapter3-router"), unknown.stderr)
        XCTAssertEqual(try netcheck(["grade", "chapter3-router"]).status, 2)
        XCTAssertEqual(try netcheck(["grade", "chapter3-router", script.path, "--jobs", "0"]).status, 2)
        XCTAssertEqual(try netcheck(["grade", "chapter3-router", script.path, "--time-limit", "0"]).status, 2)
        // Each sandbox has a /run of its own: the replays could not write there.
        let hidden = try netcheck(["grade", "chapter3-router", script.path, "--out", "/run/netcheck-grade-test-\(UUID().uuidString)"])
        XCTAssertEqual(hidden.status, 2, hidden.stderr)
        XCTAssertTrue(hidden.stderr.contains("is under /run"), hidden.stderr)
    }

    /// `netcheck sandbox --pid --time-limit`: at the limit the command and everything it started are killed, also
    /// what it started inside a namespace of its own.
    func testTimeLimitKillsEverythingTheCommandStarted() throws {
        let marker = "3\(Int.random(in: 100_000...999_999))"
        let started = Date()
        let r = try netcheck(["sandbox", "--pid", "--time-limit", "1", "--", "/bin/bash", "-c",
                              "sleep \(marker) & ip netns add x && ip netns exec x sleep \(marker) & (trap '' TERM; sleep \(marker)) & wait"])
        XCTAssertEqual(r.status, 124, r.stderr)
        XCTAssertTrue(r.stderr.contains("ran past its time limit of 1 s"), r.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 5)
        XCTAssertEqual(processes(mentioning: "sleep \(marker)"), [])
        let inside = try netcheck(["sandbox", "--pid", "--", "/bin/bash", "-c", "echo $$"])
        XCTAssertEqual(inside.stdout, "1\n", "the command is the first process of its PID namespace")
    }

    /// The pasted-terminal dialect of the one parser: prompts, PS2, here-documents, output kept apart.
    func testTerminalTranscripts() {
        let text = "user@host:~/lab$ sudo ip netns add ns1\r\nns1\r\n[root@host lab]# cat << EOF > a.txt\n> hello\n> EOF\n# ip netns list\nns1\n$ \nhost:/tmp# echo a \\\n> b\n"
        XCTAssertTrue(Transcript.hasPrompts(text))
        let t = Transcript.parse(text, dialect: .terminal)
        XCTAssertEqual(t.commands.map(\.text), ["ip netns add ns1", "cat << EOF > a.txt\nhello\nEOF", "ip netns list", "echo a \\\nb"])
        XCTAssertEqual(t.commands.map(\.printed), [["ns1"], [], ["ns1"], []])
        // The book's files: `# ` is a comment there.
        XCTAssertEqual(Transcript.parse("# builds on: a.txt\n# a note\n$ ls\n", dialect: .book), Transcript(commands: [Command(text: "ls", kind: .foreground)], buildsOn: "a.txt"))
        // A here-document never closed is closed at the end, as bash does, so the replay's own lines stay out of it.
        XCTAssertEqual(Transcript.parse("$ cat <<'END'\nx", dialect: .terminal).commands.map(\.text), ["cat <<'END'\nx\nEND"])
        XCTAssertFalse(Transcript.hasPrompts("PING 192.0.2.1 (192.0.2.1) 56(84) bytes of data.\n2: lo: <LOOPBACK,UP> mtu 65536\n"))
        XCTAssertEqual(try? Submission.kind(name: "a.txt", text: "ns1\nns2\n"), nil)
        XCTAssertEqual(try? Submission.kind(name: "a.sh", text: "ip netns add ns1\n"), .script)
        XCTAssertEqual(try? Submission.chooseFile(["notes.md", "run.sh", ".hidden.sh"]), "run.sh")
        XCTAssertThrowsError(try Submission.chooseFile(["a.sh", "b.sh"]))
    }

    func testLearnerNamesAreSafeFolderNames() {
        XCTAssertEqual(Submission.learnerName(path: "/x/class/alice.sh", isFolder: false), "alice")
        XCTAssertEqual(Submission.learnerName(path: "/x/class/bob.smith/", isFolder: true), "bob.smith")
        XCTAssertEqual(Submission.folderName("山田", taken: []), "山田")
        XCTAssertEqual(Submission.folderName("ali\u{202E}ce", taken: []), "ali_ce")
        XCTAssertEqual(Submission.folderName("\u{1b}[2J..", taken: []), "__2J..")
        XCTAssertEqual(Submission.folderName("..", taken: []), "learner")
        XCTAssertEqual(Submission.folderName("a/b c", taken: []), "a_b_c")
        XCTAssertEqual(Submission.folderName("alice", taken: ["alice", "alice-2"]), "alice-3")
        XCTAssertEqual(Submission.folderName("class.csv", taken: []), "class.csv-2")
        XCTAssertEqual(Submission.folderName(String(repeating: "x", count: 300), taken: []).count, 64)
    }
}
