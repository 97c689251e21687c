import Foundation
import Report
import TestSupport
import XCTest

/// One graded run in a sandbox: the book's solution, then a mistake, then `netcheck check`, with the
/// learner's state dumped before and after (netcheck must change nothing).
struct GradedRun {
    var status: Int32
    var report: Report?
    var stdout: String
    var stderr: String
    var before: String
    var after: String

    func check(_ id: String, file: StaticString = #filePath, line: UInt = #line) -> CheckResult? {
        let found = report?.checks.first { $0.id == id }
        if found == nil {
            XCTFail("no check \(id) in the report; ids: \(report?.checks.map(\.id) ?? []); stderr: \(stderr)", file: file, line: line)
        }
        return found
    }
}

/// Dumps everything the learner configured, in every namespace of the sandbox: links, addresses, routes of
/// every table, the IPv4/IPv6 sysctls, the nftables ruleset and iptables-legacy's tables (counters aside: probes are
/// counted). Neighbour tables are left out (probes may fill them), and so is
/// what the kernel changes by itself just after a link comes up: carrier (NO-CARRIER, LOWER_UP, operstate)
/// and IPv6 autoconfiguration (link-local addresses and routes); bridge timers and lease lifetimes, which tick
/// (a lifetime stays "finite" or "forever"). The link dump
/// keeps promiscuity and allmulti: watching the wire must not change them.
let stateDump = #"""
dump_state() {
  # The namespaces by their files, not `ip netns list`: iproute2 opens each entry, and a FIFO there (a hostile
  # test puts one) would block it. Only regular files that are not links can be namespaces made by ip netns add.
  local f names=""
  for f in /run/netns/*; do [ -f "$f" ] && [ ! -L "$f" ] && names="$names ${f#/run/netns/}"; done
  for ns in "" $names; do
    x=""; [ -n "$ns" ] && x="ip netns exec $ns"
    [ -n "$ns" ] && ! $x true 2>/dev/null && { echo "== $ns: not a namespace"; continue; }
    echo "== namespace ${ns:-root}"
    $x ip -d -j link show | sed -E 's/"(tx|rx)_queue_len":[0-9]+//g; s/"(NO-CARRIER|LOWER_UP|M-DOWN)",?//g; s/,?"operstate":"[A-Z]+"//g; s/"[a-z_]*_timer":[0-9.]+,?//g'
    $x ip -4 -j address show | sed -E 's/"(NO-CARRIER|LOWER_UP|M-DOWN)",?//g; s/,?"operstate":"[A-Z]+"//g; s/_life_time":4294967295/_life_time":"forever"/g; s/_life_time":[0-9]+/_life_time":"finite"/g'
    $x ip -4 -j route show table all
    $x sysctl net.ipv4.ip_forward net.ipv4.conf net.ipv6.conf 2>/dev/null | sort
    $x nft list ruleset 2>/dev/null | sed -E 's/counter packets [0-9]+ bytes [0-9]+/counter/' 
    $x iptables-legacy-save 2>/dev/null | sed -E '/^#/d; s/\[[0-9]+:[0-9]+\]/[counters]/'
  done
}
"""#

enum Grading {
    /// Builds `exercise`'s solution in a fresh sandbox, runs `mistake` (shell), then checks.
    static func run(_ exercise: String, solution: String? = nil, mistake: String = "", lang: String = "en",
                    extraArguments: String = "", extraDump: String = "") throws -> GradedRun {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-grade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = ScriptSandbox.shellQuote(dir.path)
        let setup = solution ?? "bash -e Solutions/\(exercise).sh"
        let script = """
        \(stateDump)
        \(setup)
        \(mistake)
        { dump_state; \(extraDump.isEmpty ? ":" : extraDump); } > \(d)/before
        set +e
        "$NETCHECK" check \(exercise) --format json --lang \(lang) --timeout 500 \(extraArguments) > \(d)/report 2> \(d)/stderr
        echo $? > \(d)/status
        set -e
        { dump_state; \(extraDump.isEmpty ? ":" : extraDump); } > \(d)/after
        """
        let r = try ScriptSandbox.run(script)
        guard r.status == 0 else {
            throw ThreadSandbox.Failure(description: "sandbox script failed (\(r.status)): \(r.stderr)")
        }
        func read(_ name: String) -> String { (try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)) ?? "" }
        let out = read("report")
        return GradedRun(status: Int32(read("status").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1,
                         report: try? Report(jsonText: out), stdout: out, stderr: read("stderr"),
                         before: read("before"), after: read("after"))
    }
}

extension XCTestCase {
    /// The check failed, and its hint names `command` (and, when given, the observation names `observed`).
    func assertFails(_ run: GradedRun, _ id: String, hintContains command: String, observedContains observed: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.status, 1, "exit status; stderr: \(run.stderr)", file: file, line: line)
        guard let check = run.check(id, file: file, line: line) else { return }
        XCTAssertEqual(check.status, .fail, "\(id): \(check.observed)", file: file, line: line)
        XCTAssertTrue(check.hint.contains(command), "\(id) hint should name `\(command)`, got: \(check.hint)", file: file, line: line)
        if let observed {
            XCTAssertTrue(check.observed.contains(observed), "\(id) observed should mention \(observed), got: \(check.observed)", file: file, line: line)
        }
        XCTAssertEqual(run.before, run.after, "netcheck changed the learner's state", file: file, line: line)
    }

    func assertAllPass(_ run: GradedRun, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.status, 0, "exit status; stderr: \(run.stderr)", file: file, line: line)
        guard let report = run.report else { return XCTFail("no report: \(run.stdout) \(run.stderr)", file: file, line: line) }
        XCTAssertFalse(report.checks.isEmpty, file: file, line: line)
        for c in report.checks where c.status != .pass {
            XCTFail("\(c.id) \(c.status): \(c.observed) — \(c.hint)", file: file, line: line)
        }
        XCTAssertTrue(report.passed, file: file, line: line)
        XCTAssertEqual(run.before, run.after, "netcheck changed the learner's state", file: file, line: line)
        XCTAssertFalse(run.before.isEmpty, file: file, line: line)
    }
}
