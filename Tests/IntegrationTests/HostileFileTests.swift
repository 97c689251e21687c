import Foundation
import Report
import TestSupport
import XCTest

/// Hostile input (issue 11) through the built binary: `netcheck lint`, `list --exercises DIR` and `summarize` given
/// files that are not small regular files, or that say things meant to garble the terminal, end within seconds with
/// one clean line per problem and exit status 2. No root needed. Siblings: HostileFileTests in JSONTests,
/// GradingTests and ReportTests (`swift test --filter HostileFileTests`).
final class HostileFileTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-hostile-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// netcheck with `arguments`, stopped after 20 s (status 124) and held to 4 GiB of address space, so that a
    /// regression hangs or aborts the test instead of the machine.
    func netcheck(_ arguments: [String]) throws -> (result: ProcessResult, elapsed: Duration) {
        let start = ContinuousClock.now
        let r = try runProcess("/bin/sh", ["-c", "ulimit -v 4194304; exec timeout 20 \"$@\"", "sh", TestPaths.netcheck] + arguments)
        return (r, ContinuousClock.now - start)
    }

    func exercise(_ id: String) -> String { #"{"id": "\#(id)", "title": {"en": "T", "ja": "T"}, "namespaces": ["ns1"]}"# }

    /// Sparse: 2.2 GB that take no disk space.
    func makeHuge(_ file: String) {
        let fd = open(file, O_WRONLY | O_CREAT, 0o600)
        XCTAssertEqual(ftruncate(fd, 2_200_000_000), 0)
        close(fd)
    }

    /// Before: a FIFO hung `lint`, a symlink to /dev/zero aborted it (out of memory), a 2.2 GB file killed it with SIGILL.
    func testLintRefusesWhatIsNotASmallRegularFile() throws {
        XCTAssertEqual(mkfifo(path("fifo.json"), 0o600), 0)
        try FileManager.default.createSymbolicLink(atPath: path("zero.json"), withDestinationPath: "/dev/zero")
        try FileManager.default.createDirectory(atPath: path("folder.json"), withIntermediateDirectories: false)
        makeHuge(path("huge.json"))
        try FileManager.default.createDirectory(atPath: path("real"), withIntermediateDirectories: false)
        try exercise("link").write(toFile: path("real/link.json"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: path("link.json"), withDestinationPath: path("real/link.json"))

        let (r, elapsed) = try netcheck(["lint", path("fifo.json"), path("zero.json"), path("folder.json"), path("huge.json"), path("link.json")])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertLessThan(elapsed, .seconds(10))
        XCTAssertEqual(r.stdout, "\(path("link.json")): ok (1 checks)\n", "a symlink to a regular file is read")
        XCTAssertEqual(r.stderr, """
            netcheck: \(path("fifo.json")): is a FIFO (named pipe), not a regular file
            netcheck: \(path("zero.json")): is a character device, not a regular file
            netcheck: \(path("folder.json")): is a directory, not a regular file
            netcheck: \(path("huge.json")): is 2200000000 bytes; netcheck reads at most 1 MiB (1048576 bytes) from an exercise file or report

            """)
    }

    /// A newline or ESC from a value or from a file's name was printed raw, breaking the line or steering the terminal.
    func testLintPrintsEachErrorOnOneCleanLine() throws {
        try #"{"id": "esc", "title": {"en": "T", "ja": "T"}, "namespaces": ["ns1"], "links": [{"namespace": "ns1\n\u001b[31mRED", "name": "a"}]}"#
            .write(toFile: path("esc.json"), atomically: true, encoding: .utf8)
        let odd = path("odd\n\u{1b}[2J.json")
        try exercise("odd").write(toFile: odd, atomically: true, encoding: .utf8)
        let (r, _) = try netcheck(["lint", path("esc.json"), odd])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, """
            netcheck: \(path("esc.json")): /links/0: field "namespace": namespace "ns1\\n\\e[31mRED" is not listed in "namespaces"
            netcheck: \(path("odd\\n\\e[2J.json")): /: field "id": is "odd" but the file is named odd\\n\\e[2J.json

            """)
    }

    /// `netcheck list` loads every `*.json` of the folder: a FIFO there hung it, a symlink to /dev/zero aborted it.
    func testListGetsPastFIFOsAndDevicesInTheFolder() throws {
        try exercise("ok").write(toFile: path("ok.json"), atomically: true, encoding: .utf8)
        XCTAssertEqual(mkfifo(path("fifo.json"), 0o600), 0)
        try FileManager.default.createSymbolicLink(atPath: path("zero.json"), withDestinationPath: "/dev/zero")
        let (r, elapsed) = try netcheck(["list", "--exercises", dir.path, "--lang", "en"])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertLessThan(elapsed, .seconds(10))
        XCTAssertEqual(r.stdout, """
            exercise  chapter  title
            fifo  ?        (broken file)
            ok    -        T
            zero  ?        (broken file)

            """)
        XCTAssertEqual(r.stderr, """
            netcheck: cannot read \(path("fifo.json")): is a FIFO (named pipe), not a regular file
            netcheck: cannot read \(path("zero.json")): is a character device, not a regular file

            """)
    }

    /// Reports come from learners: `summarize` must get past whatever is handed in under a report's name.
    func testSummarizeGetsPastFIFOsDevicesAndHugeReports() throws {
        func folder(_ learner: String) throws -> String {
            let folder = path("reports/\(learner)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            return folder + "/chapter3-veth.json"
        }
        let pass = CheckResult(id: "ns1.netns", title: "ns1", status: .pass, expected: "ns1", observed: "ns1", hint: "")
        let amy = try folder("amy")
        try Report(exercise: "chapter3-veth", title: "veth", checks: [pass], durationMs: 9, netcheckVersion: "0.1.0").jsonText()
            .write(toFile: amy, atomically: true, encoding: .utf8)
        let bob = try folder("bob"), cat = try folder("cat"), dan = try folder("dan")
        XCTAssertEqual(mkfifo(bob, 0o600), 0)
        try FileManager.default.createSymbolicLink(atPath: cat, withDestinationPath: "/dev/zero")
        makeHuge(dan)
        let (r, elapsed) = try netcheck(["summarize", bob, amy, cat, dan])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertLessThan(elapsed, .seconds(10))
        XCTAssertEqual(r.stdout, "learner,exercise,score,max_score,passed,failed\r\namy,chapter3-veth,1,1,true,-\r\n")
        XCTAssertEqual(r.stderr, """
            netcheck: \(bob): is a FIFO (named pipe), not a regular file
            netcheck: \(cat): is a character device, not a regular file
            netcheck: \(dan): is 2200000000 bytes; netcheck reads at most 1 MiB (1048576 bytes) from an exercise file or report

            """)
    }

    /// 100,000 keys (850 KB) took minutes: every insert into a JSONObject searched the keys before it.
    func testLintOfAHundredThousandKeysIsQuick() throws {
        let keys = (0..<100_000).map { "\"k\(String($0, radix: 36))\":0" }.joined(separator: ",")
        try ("{\"id\": \"keys\", " + keys + "}").write(toFile: path("keys.json"), atomically: true, encoding: .utf8)
        let (r, elapsed) = try netcheck(["lint", path("keys.json")])
        XCTAssertEqual(r.status, 2, r.stderr)
        XCTAssertLessThan(elapsed, .seconds(15))
        XCTAssertTrue(r.stderr.hasPrefix("netcheck: \(path("keys.json")): /: field \"k0\": unknown field"), r.stderr)
        XCTAssertEqual(r.stderr.filter { $0 == "\n" }.count, 1)
    }
}
