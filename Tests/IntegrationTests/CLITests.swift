import Foundation
import Report
import TestSupport
import XCTest

/// The command line as users meet it: exit codes, one-line reasons on stderr, list, demo.
final class CLITests: XCTestCase {
    func netcheck(_ args: [String], environment: [String: String] = [:]) throws -> ProcessResult {
        try runProcess(TestPaths.netcheck, args, environment: environment)
    }

    func testUnknownExerciseSuggests() throws {
        let r = try netcheck(["chapter3-ruoter"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("unknown exercise \"chapter3-ruoter\" (did you mean \"chapter3-router\"?)"), r.stderr)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, "one line: \(r.stderr)")
        XCTAssertEqual(r.stdout, "")
    }

    func testUsageErrorIsTwo() throws {
        XCTAssertEqual(try netcheck(["check", "chapter3-router", "--format", "xml"]).status, 2)
        XCTAssertEqual(try netcheck(["check", "chapter3-router", "--timeout", "0"]).status, 2)
        XCTAssertEqual(try netcheck([]).status, 2)
    }

    func testMalformedExerciseFileIsTwoWithPosition() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "{\"id\": \"bad\",\n \"title\": {\"en\": \"B\", \"ja\": \"B\"},\n \"namespaces\": [\"ns1\"],\n \"links\": [{\"namespace\": \"ns1\", \"name\": 5}]}"
            .write(to: dir.appendingPathComponent("bad.json"), atomically: true, encoding: .utf8)
        try "{\"id\": \"syntax\",\n \"title\": {\"en\": \"B\" \"ja\": \"B\"}}"
            .write(to: dir.appendingPathComponent("syntax.json"), atomically: true, encoding: .utf8)
        let r = try netcheck(["bad", "--exercises", dir.path])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("bad.json: /links/0: field \"name\": expected a string, found number"), r.stderr)
        let s = try netcheck(["syntax", "--exercises", dir.path])
        XCTAssertEqual(s.status, 2)
        XCTAssertTrue(s.stderr.contains("syntax.json: line 2, column"), s.stderr)
    }

    func testListShowsChapterThreeInBothLanguages() throws {
        let en = try netcheck(["list", "--lang", "en"])
        XCTAssertEqual(en.status, 0, en.stderr)
        XCTAssertTrue(en.stdout.contains("chapter3-router"))
        XCTAssertTrue(en.stdout.contains("A router between two networks"))
        let ja = try netcheck(["list"], environment: ["LANG": "ja_JP.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""])
        XCTAssertTrue(ja.stdout.contains("ルーターで 2 つのネットワークをつなぐ"), ja.stdout)
        let allOverridesLang = try netcheck(["list"], environment: ["LANG": "ja_JP.UTF-8", "LC_ALL": "C"])
        XCTAssertTrue(allOverridesLang.stdout.contains("A router between two networks"))
    }

    func testNotRootIsThree() throws {
        let r = try runProcess("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                                                   TestPaths.netcheck, "chapter3-router"])
        XCTAssertEqual(r.status, 3, r.stderr)
        XCTAssertTrue(r.stderr.contains("sudo"), r.stderr)
    }

    func testJSONWhenNotATerminal() throws {
        // stdout is a file here: JSON by default. No namespaces exist in this sandbox, so the check fails.
        let r = try ScriptSandbox.run("\"$NETCHECK\" chapter3-veth --timeout 200")
        XCTAssertEqual(r.status, 1)
        let report = try Report(jsonText: r.stdout)
        XCTAssertEqual(report.exercise, "chapter3-veth")
        XCTAssertFalse(report.passed)
        XCTAssertEqual(report.checks.first { $0.id == "ns1.netns" }?.status, .fail)
        XCTAssertEqual(report.checks.first { $0.id == "ns1.ping.192.0.2.2" }?.status, .skipped)
    }

    func testDemoRunsTheSolutionInASandboxAndLeavesNothing() throws {
        let before = try runProcess("/bin/bash", ["-c", "ip netns list; ip -br link"])
        let r = try netcheck(["demo", "chapter3-multi-router", "--format", "json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try Report(jsonText: r.stdout)
        XCTAssertTrue(report.passed)
        XCTAssertEqual(report.checks.count, 27)
        let after = try runProcess("/bin/bash", ["-c", "ip netns list; ip -br link"])
        XCTAssertEqual(before.stdout, after.stdout)
    }

    func testDemoWithAMistakeFails() throws {
        let r = try netcheck(["demo", "chapter3-router", "--format", "text", "--lang", "en", "--timeout", "300",
                              "--then", "ip netns exec router sysctl -qw net.ipv4.ip_forward=0"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stdout.contains("ip netns exec router sysctl net.ipv4.ip_forward=1"), r.stdout)
    }
}

/// The layout `make install` makes: bin/netcheck with share/netcheck/{Exercises,Solutions,Messages} beside it, no
/// source tree.
final class InstalledLayoutTests: XCTestCase {
    func testAnInstalledBinaryFindsItsExercises() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-prefix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let root = TestPaths.packageRoot.path
        let setup = try runProcess("/bin/sh", ["-c", """
            set -e
            install -d "$P/bin" "$P/share/netcheck/Exercises" "$P/share/netcheck/Solutions" "$P/share/netcheck/Messages"
            install -m 755 "\(TestPaths.netcheck)" "$P/bin/netcheck"
            install -m 644 "\(root)"/Exercises/*.json "$P/share/netcheck/Exercises/"
            install -m 755 "\(root)"/Solutions/*.sh "\(root)"/Solutions/*.py "$P/share/netcheck/Solutions/"
            install -m 644 "\(root)"/Messages/*.json "$P/share/netcheck/Messages/"
            """], environment: ["P": prefix.path])
        XCTAssertEqual(setup.status, 0, setup.stderr)
        let binary = prefix.appendingPathComponent("bin/netcheck").path
        let list = try runProcess(binary, ["list"], currentDirectory: URL(fileURLWithPath: "/"))
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("chapter7-dnat"), list.stdout)
        // Its words come from share/netcheck/Messages.
        let ja = try runProcess(binary, ["list", "--lang", "ja"], currentDirectory: URL(fileURLWithPath: "/"))
        XCTAssertTrue(ja.stdout.hasPrefix("演習"), ja.stdout)
        let demo = try runProcess(binary, ["demo", "chapter3-veth", "--format", "json"], currentDirectory: URL(fileURLWithPath: "/"))
        XCTAssertEqual(demo.status, 0, demo.stderr + demo.stdout)
        let completion = try runProcess(binary, ["--generate-completion-script", "bash"])
        XCTAssertTrue(completion.stdout.contains("watch") && completion.stdout.contains("summarize"), "completions know the subcommands")
    }
}
