import Foundation
import JSON
import XCTest
@testable import Report

/// docs/report.schema.json accepts the reports netcheck writes and rejects ones that break docs/report.md,
/// checked with Debian's python3-jsonschema (`make test` installs it; without it these tests fail).
final class SchemaTests: XCTestCase {
    static let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/report.schema.json").path

    static let reports: [Report] = [
        Report(exercise: "chapter3-router", title: "ルーターで 2 つのネットワークをつなぐ", checks: [
            CheckResult(id: "ns1.netns", title: "ネームスペース ns1 がある", status: .pass, expected: "ns1", observed: "ns1", hint: ""),
            CheckResult(id: "router.ip_forward", title: "router: net.ipv4.ip_forward = 1", status: .fail,
                        expected: "net.ipv4.ip_forward = 1", observed: "router has net.ipv4.ip_forward=0",
                        hint: "転送を有効にする: `ip netns exec router sysctl net.ipv4.ip_forward=1`"),
            CheckResult(id: "ns1.frames.ns1-veth0", title: "frames", status: .pass, expected: "e", observed: "o", hint: "",
                        evidence: ["# ip netns exec ns1 tcpdump -tnel -i ns1-veth0", "00:00:5e:00:53:01 > 00:00:5e:00:53:02, …"]),
            CheckResult(id: "ns1.ping.198.51.100.1", title: "ping", status: .skipped, expected: "reply",
                        observed: "skipped: router is missing", hint: "", evidence: []),
            CheckResult(id: "ns2.route.default", title: "route", status: .error, expected: "x", observed: "netlink failed", hint: ""),
        ], durationMs: 1004, netcheckVersion: "0.1.0"),
        Report(exercise: "e", title: "all pass", checks: [
            CheckResult(id: "a.netns", title: "a", status: .pass, expected: "a", observed: "a", hint: ""),
        ], durationMs: 0, netcheckVersion: "0.1.0"),
        Report(exercise: "empty", title: "no checks", checks: [], durationMs: 3, netcheckVersion: "0.2.0-dev"),
    ]

    /// Validates `json` against the schema: nil when it is valid, else python's output.
    func violation(_ json: JSONValue) throws -> String? {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "python3 is missing: apt-get install python3-jsonschema")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-schema-\(UUID().uuidString).json")
        try JSON.serialize(json).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let r = try python(["-c", "import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))",
                            file.path, Self.schema])
        if r.status == 0 { return nil }
        XCTAssertTrue(r.output.contains("jsonschema.exceptions.ValidationError"),
                      "not a schema violation (is python3-jsonschema installed?): \(r.output)")
        return r.output
    }

    func testRealReportsAreValid() throws {
        for report in Self.reports {
            // Through the text, as graders get it.
            let written = try JSON.parse(report.jsonText())
            XCTAssertNil(try violation(written), report.exercise)
        }
    }

    func testReportsWithStepsAreValid() throws {
        var report = Self.reports[1]
        report.steps = [
            StepResult(number: 1, title: "アドレス", checks: [
                CheckResult(id: "step1.ns1.ping.198.51.100.1", title: "not yet", status: .fail, expected: "Network is unreachable",
                            observed: "reply", hint: "h"),
            ]),
            StepResult(number: 2, title: "forwarding", checks: report.checks),
        ]
        let written = try JSON.parse(report.jsonText())
        XCTAssertEqual(written.object?["step_reached"], 2)
        XCTAssertNil(try violation(written))
        XCTAssertEqual(try Report(jsonText: report.jsonText()), report, "steps survive the round trip")
        var missingReached = try XCTUnwrap(written.object)
        missingReached["step_reached"] = nil
        XCTAssertNotNil(try violation(.object(missingReached)), "steps without step_reached")
    }

    /// A variant graded instead of the exercise asked for: `graded_as`, valid, read back, and required whole.
    func testReportGradedAsAVariant() throws {
        var report = Self.reports[1]
        report.gradedAs = GradedAs(exercise: "chapter4-bridge-netns", layout: "br0 in the namespace bridge, as the book's 2nd edition builds it")
        let written = try JSON.parse(report.jsonText())
        XCTAssertEqual(written.object?["graded_as"]?.object?["exercise"], "chapter4-bridge-netns")
        XCTAssertEqual(Array(written.object?.keys ?? []).prefix(4), ["schema_version", "exercise", "title", "graded_as"])
        XCTAssertNil(try violation(written))
        XCTAssertEqual(try Report(jsonText: report.jsonText()), report, "graded_as survives the round trip")
        XCTAssertNil(Self.reports[1].json().object?["graded_as"], "absent when the exercise asked for was graded")
        var noLayout = try XCTUnwrap(written.object)
        noLayout["graded_as"] = .object(JSONObject([("exercise", .string("chapter4-bridge-netns"))]))
        XCTAssertNotNil(try violation(.object(noLayout)), "graded_as without layout")
        XCTAssertThrowsError(try Report(json: .object(noLayout)))
        noLayout["graded_as"] = "chapter4-bridge-netns"
        XCTAssertNotNil(try violation(.object(noLayout)), "graded_as as a bare string")
    }

    func testSchemaIsItselfValid() throws {
        let r = try python(["-c", "import json,sys,jsonschema; jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))",
                            Self.schema])
        XCTAssertEqual(r.status, 0, r.output)
    }

    func testBrokenReportsAreRejected() throws {
        let good = try XCTUnwrap(Self.reports[0].json().object)
        let checks = try XCTUnwrap(good["checks"]?.array)
        func withCheck(_ edit: (inout JSONObject) -> Void) throws -> JSONValue {
            var c = try XCTUnwrap(checks[0].object)
            edit(&c)
            var o = good
            var cs = checks
            cs[0] = .object(c)
            o["checks"] = .array(cs)
            return .object(o)
        }
        func withTop(_ edit: (inout JSONObject) -> Void) -> JSONValue {
            var o = good
            edit(&o)
            return .object(o)
        }
        let broken: [(String, JSONValue)] = [
            ("status ok", try withCheck { $0["status"] = "ok" }),
            ("check without hint", try withCheck { $0["hint"] = nil }),
            ("extra check key", try withCheck { $0["points"] = 1 }),
            ("hint on a pass", try withCheck { $0["hint"] = "do something" }),
            ("evidence not strings", try withCheck { $0["evidence"] = [1] }),
            ("missing exercise", withTop { $0["exercise"] = nil }),
            ("extra top key", withTop { $0["learner"] = "alice" }),
            ("schema_version 2", withTop { $0["schema_version"] = 2 }),
            ("passed as string", withTop { $0["passed"] = "false" }),
            ("duration not integer", withTop { $0["duration_ms"] = 1.5 }),
        ]
        for (name, value) in broken {
            XCTAssertNotNil(try violation(value), "accepted: \(name)")
        }
    }
}
