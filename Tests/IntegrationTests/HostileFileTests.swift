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

    /// A newline or ESC from a value or from a file's name was printed raw, breaking the line or steering the terminal.
    func testLintPrintsEachErrorOnOneCleanLine() throws {
        try #"{"id": "esc", "title": {"en": "T", "ja": "T"}, "namespaces": ["ns1"], "links": [{"namespace": "ns1\n\u001b[31mRED", "name": "a"}]}"#
            .write(toFile: path("esc.json"), atomically: true, encoding: .utf8)
        let odd = path("odd\n\u{1b}[2J.json")
        try exercise("odd").write(toFile: odd, atomically: true, encoding: .utf8)
        let (r, _) = try netcheck(["lint", path("esc.json"), odd])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stderr, """
            netcheck: \(path("esc.json")): /links/0: field "namespace": namespace "ns1\\n\\u001b[31mRED" is not listed in "namespaces"
            netcheck: \(path("odd\\n\\u001b[2J.json")): /: field "id": is "odd" but the file is named odd\\n\\u001b[2J.json

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
