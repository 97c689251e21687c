import Foundation
import Kernel
import TestSupport
import XCTest

/// The first edition's DHCP server: dnsmasq without `--port 0 --no-resolv` also serves DNS and names itself as
/// the DNS server, so dhclient-script rewrites /etc/resolv.conf to `nameserver 192.0.2.254`.
func firstEditionDHCPSolution() throws -> String {
    let s = try dhcpSolution().replacingOccurrences(of: " --port 0 --no-resolv", with: "")
    XCTAssertFalse(s.contains("--no-resolv"), "the solution no longer starts dnsmasq as the test expects")
    XCTAssertTrue(s.contains("dnsmasq --dhcp-range=") && s.contains("dhclient c-veth0"))
    return s
}

/// The sandboxes themselves: what a test builds inside one is invisible outside and gone afterwards.
final class SandboxTests: XCTestCase {
    func testThreadSandboxIsPrivateAndLeavesNothing() throws {
        let hostNames = try NetworkNamespace.listNames()
        let hostNet = try NetworkNamespace.current().identity
        try ThreadSandbox.with { sh in
            try sh.must("ip netns add ns1")
            XCTAssertEqual(try NetworkNamespace.listNames(), ["ns1"])
            XCTAssertNotEqual(try NetworkNamespace.current().identity, hostNet)
            let ns1 = try NetworkNamespace.named("ns1")
            let inside = try ns1.run { try NetworkNamespace.current().identity }
            XCTAssertEqual(inside, ns1.identity)
        }
        XCTAssertEqual(try NetworkNamespace.current().identity, hostNet)
        XCTAssertEqual(try NetworkNamespace.listNames(), hostNames)
    }

    func testScriptSandboxIsPrivate() throws {
        let r = try ScriptSandbox.run("ip netns add ns1\nip netns list")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "ns1")
        XCTAssertFalse(try NetworkNamespace.listNames().contains("ns1"))
    }

    /// The host's /etc, its resolv.conf, and a folder of /var/tmp that the sandboxed commands create.
    struct Host {
        var etc: String
        var resolv: Data
        static let varTmpName = "netcheck-sandbox-test-\(UUID().uuidString)"
        static var varTmp: String { "/var/tmp/\(varTmpName)" }

        static func now() throws -> Host {
            Host(etc: try fingerprint(of: "/etc"), resolv: try Data(contentsOf: URL(fileURLWithPath: "/etc/resolv.conf")))
        }

        /// Nothing in /etc changed, resolv.conf has the same bytes, nothing appeared in /var/tmp.
        func assertUnchanged(file: StaticString = #filePath, line: UInt = #line) throws {
            let after = try Host.now()
            XCTAssertEqual(after.resolv, resolv, "the host's /etc/resolv.conf changed", file: file, line: line)
            if after.etc != etc {
                let a = Set(etc.split(separator: "\n")), b = Set(after.etc.split(separator: "\n"))
                XCTFail("the host's /etc changed: gone \(a.subtracting(b).sorted()), new \(b.subtracting(a).sorted())", file: file, line: line)
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: Host.varTmp), "\(Host.varTmp) was made on the host", file: file, line: line)
        }
    }

    /// Commands run in a sandbox after the first edition's solution: resolv.conf as dhclient left it, a folder
    /// in /var/tmp as the book's chapter 6 HTTP recipe makes one, and the PIDs of the daemons (to see them gone).
    let inspectInside = """
        echo "== resolv.conf"; cat /etc/resolv.conf
        mkdir -p \(Host.varTmp) && echo '<html></html>' > \(Host.varTmp)/index.html && echo "== made \(Host.varTmp)"
        echo "== pids" $(ip netns pids server) $(ip netns pids client)
        """

    /// The daemons a sandbox started (the "== pids" line) no longer run: gone, or dead and waiting to be reaped.
    /// Only these PIDs: other work on the machine may be running dnsmasq at the same time.
    func assertGone(_ output: String, file: StaticString = #filePath, line: UInt = #line) {
        guard let pids = output.split(separator: "\n").first(where: { $0.hasPrefix("== pids") })?.split(separator: " ").dropFirst(2),
              pids.count >= 2 else { return XCTFail("no daemon PIDs in: \(output)", file: file, line: line) }
        for pid in pids {
            // "PID (comm) STATE ...": Z is a zombie. A process just killed may still be on its way out (D, while
            // the kernel tears its namespace down): wait for it, up to 3 s.
            var stat = ""
            for _ in 0..<30 {
                guard let s = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { stat = ""; break }
                stat = s
                if s.split(separator: ")").last?.split(separator: " ").first == "Z" { stat = ""; break }
                usleep(100_000)
            }
            XCTAssertEqual(stat, "", "left running", file: file, line: line)
        }
    }

    func hostBeforeFirstEdition() throws -> Host {
        let host = try Host.now()
        XCTAssertFalse(String(decoding: host.resolv, as: UTF8.self).contains("192.0.2.254"),
                       "the host's resolv.conf already names 192.0.2.254: the test could not tell a rewrite")
        XCTAssertFalse(FileManager.default.fileExists(atPath: Host.varTmp))
        return host
    }

    /// dhclient-script rewrites resolv.conf inside the script sandbox (the test really takes that path), and the
    /// host's /etc is byte for byte what it was.
    func testFirstEditionDHCPRewritesOnlyTheSandboxesResolvConf() throws {
        let host = try hostBeforeFirstEdition()
        let r = try ScriptSandbox.run(try firstEditionDHCPSolution() + "\n" + inspectInside + "\nfor m in /etc /var/tmp /run; do findmnt -n -o FSTYPE $m; done\n")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("== resolv.conf\nnameserver 192.0.2.254\n"), "dhclient did not rewrite resolv.conf in the sandbox: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("== made \(Host.varTmp)"), r.stdout)
        assertGone(r.stdout)
        XCTAssertTrue(r.stdout.hasSuffix("overlay\ntmpfs\ntmpfs\n"), "this machine has overlayfs: \(r.stdout)")
        try host.assertUnchanged()
    }

    /// The same in the in-process sandbox, both ways of making /etc private; inside, /etc first reads exactly as
    /// the host's does.
    func testThreadSandboxEtcOverlayAndCopy() throws {
        let hostView = try fingerprint(of: "/etc", changeTimes: false)
        for way in Sandbox.Etc.allCases {
            let host = try hostBeforeFirstEdition()
            let out = try ThreadSandbox.with(etc: way) { sh -> String in
                XCTAssertEqual(sh.etc, way)
                let inside = try fingerprint(of: "/etc", changeTimes: false)
                if inside != hostView {
                    let a = Set(hostView.split(separator: "\n")), b = Set(inside.split(separator: "\n"))
                    XCTFail("\(way): /etc reads differently inside: host only \(a.subtracting(b).sorted().prefix(5)), inside only \(b.subtracting(a).sorted().prefix(5))")
                }
                return try sh.must(try firstEditionDHCPSolution() + "\n" + inspectInside)
            }
            XCTAssertTrue(out.contains("== resolv.conf\nnameserver 192.0.2.254\n"), "\(way): \(out)")
            try host.assertUnchanged()
            assertGone(out)
        }
    }

    /// `netcheck demo` with the first edition's solution (a solutions folder of the test's own): its sandbox keeps
    /// the rewrite inside, the exercise passes, and nothing is left behind.
    func testDemoWithFirstEditionSolution() throws {
        let host = try hostBeforeFirstEdition()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try firstEditionDHCPSolution().write(to: dir.appendingPathComponent("chapter6-dhcp.sh"), atomically: true, encoding: .utf8)
        // --then runs inside the sandbox: it fails the demo (status 3) unless dhclient rewrote resolv.conf there.
        let r = try runProcess(TestPaths.netcheck, [
            "demo", "chapter6-dhcp", "--solutions", dir.path, "--format", "json", "--timeout", "500",
            "--then", "grep -qx 'nameserver 192.0.2.254' /etc/resolv.conf",
            "--then", "mkdir -p \(Host.varTmp)",
            "--then", "echo == pids $(ip netns pids server) $(ip netns pids client) > \(dir.path)/pids",
        ])
        XCTAssertEqual(r.status, 0, r.stderr + r.stdout)
        XCTAssertTrue(r.stdout.contains("\"passed\": true"), r.stdout)
        try host.assertUnchanged()
        assertGone(try String(contentsOf: dir.appendingPathComponent("pids"), encoding: .utf8))
    }
}
