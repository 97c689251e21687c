import Foundation
import TestSupport
import XCTest

/// Setup lines that make /run/fake-nc/nc a netcat-traditional (by the name update-alternatives gives it), which
/// answers the book's options as netcat-traditional does: put /run/fake-nc first on PATH.
let fakeTraditionalNetcat = """
    mkdir -p /run/fake-nc
    printf '#!/bin/sh\\necho "nc: invalid option -- u" >&2; exit 1\\n' > /run/fake-nc/nc.traditional
    chmod +x /run/fake-nc/nc.traditional
    ln -s /run/fake-nc/nc.traditional /run/fake-nc/nc
    """

/// `netcheck doctor` (issue 15) on a clean sandbox and on each trap of a real host, built in the sandbox: the trap is
/// listed as a problem with its fix, and the exit status says whether anything stops the book's exercises.
final class DoctorTests: XCTestCase {
    struct Finding { var id, status, observed: String; var fix: String? }

    /// Runs `setup` in a fresh sandbox, then `netcheck doctor ARGUMENTS --format json`.
    func doctor(_ setup: String = "", _ arguments: String = "", prefix: String = "") throws -> (status: Int32, findings: [Finding]) {
        let r = try ScriptSandbox.run("""
            \(setup)
            set +e
            \(prefix) "$NETCHECK" doctor \(arguments) --format json > /run/doctor.json
            echo "status=$?"
            cat /run/doctor.json
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n", maxSplits: 1).map(String.init)
        let status = try XCTUnwrap(Int32(try XCTUnwrap(lines.first).replacingOccurrences(of: "status=", with: "")), r.stdout)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any], r.stdout)
        XCTAssertEqual(object["ok"] as? Bool, status == 0, "ok and the exit status agree")
        let items = try XCTUnwrap(object["findings"] as? [[String: Any]])
        let findings = items.map { Finding(id: $0["id"] as? String ?? "", status: $0["status"] as? String ?? "",
                                           observed: $0["observed"] as? String ?? "", fix: $0["fix"] as? String) }
        XCTAssertEqual(object["problems"] as? Int, findings.filter { $0.status == "problem" }.count)
        return (status, findings)
    }

    func finding(_ id: String, in findings: [Finding], file: StaticString = #filePath, line: UInt = #line) throws -> Finding {
        try XCTUnwrap(findings.first { $0.id == id }, "\(id) not in \(findings.map(\.id))", file: file, line: line)
    }

    /// The run says something stops the exercises (exit 1), and `id` is a problem whose observed text holds each of
    /// `observed` and whose fix holds `fix`.
    func assertProblem(_ run: (status: Int32, findings: [Finding]), _ id: String, observed: [String] = [], fix: String? = nil,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(run.status, 1, file: file, line: line)
        let f = try finding(id, in: run.findings, file: file, line: line)
        XCTAssertEqual(f.status, "problem", file: file, line: line)
        for part in observed { XCTAssertTrue(f.observed.contains(part), "\(part) not in \(f.observed)", file: file, line: line) }
        if let fix { XCTAssertEqual(f.fix?.contains(fix), true, f.fix ?? "", file: file, line: line) }
    }

    func testCleanSandboxPasses() throws {
        let (status, findings) = try doctor()
        XCTAssertEqual(status, 0, "\(findings.filter { $0.status != "ok" }.map { "\($0.id): \($0.observed)" })")
        XCTAssertEqual(try finding("namespaces", in: findings).status, "ok")
        XCTAssertEqual(try finding("tools.nc", in: findings).status, "ok", "the test machine has netcat-openbsd (Makefile)")
        for tool in ["ip", "ping", "tcpdump", "iptables", "dnsmasq", "dhclient", "python3"] {
            XCTAssertEqual(try finding("tools.\(tool)", in: findings).status, "ok", tool)
        }
        XCTAssertEqual(try finding("resolv.conf", in: findings).status, "ok")
    }

    /// A book solution in place: its namespaces are the exercise's, not leftovers, and nothing is in the way.
    func testAnExercisesOwnNamespacesAreNotLeftovers() throws {
        let (status, findings) = try doctor("bash -e Solutions/chapter3-router.sh", "chapter3-router")
        XCTAssertEqual(status, 0, "\(findings.filter { $0.status != "ok" }.map { "\($0.id): \($0.observed)" })")
        XCTAssertTrue(try finding("namespaces", in: findings).observed.contains("router"))
    }

    func testForwardDropInARouterIsAProblem() throws {
        try assertProblem(try doctor("bash -e Solutions/chapter3-router.sh\nip netns exec router iptables -P FORWARD DROP", "chapter3-router"),
                          "forward.router", observed: ["ip filter FORWARD"], fix: "`sudo ip netns exec router iptables -P FORWARD ACCEPT`")
    }

    /// iptables-legacy's FORWARD policy (Ubuntu 20.04's default backend), which nft does not list.
    func testLegacyForwardDropInARouterIsAProblem() throws {
        try assertProblem(try doctor("bash -e Solutions/chapter3-router.sh\nip netns exec router iptables-legacy -P FORWARD DROP", "chapter3-router"),
                          "forward.router", observed: ["filter FORWARD"])
    }

    /// NAT rules in both backends: both apply; worth knowing, with the commands that show each.
    func testNATInBothBackendsIsAWarning() throws {
        let setup = """
            bash -e Solutions/chapter7-snat.sh
            ip netns exec router iptables-legacy -t nat -A POSTROUTING -s 192.0.2.0/24 -o gw-veth1 -j MASQUERADE
            ip netns exec router iptables -A FORWARD -s 10.9.9.0/24 -j DROP
            """
        let (status, findings) = try doctor(setup, "chapter7-snat")
        XCTAssertEqual(status, 0, "\(findings.filter { $0.status == "problem" }.map(\.id))")
        let nat = try finding("nat.router", in: findings)
        XCTAssertEqual(nat.status, "warning")
        XCTAssertTrue(nat.observed.contains("both iptables-legacy and nftables"), nat.observed)
        XCTAssertEqual(nat.fix?.contains("`sudo ip netns exec router iptables-legacy-save -t nat`"), true, nat.fix ?? "")
        let rules = try finding("forwardRules.router", in: findings)
        XCTAssertEqual(rules.status, "warning")
        XCTAssertTrue(rules.observed.contains("10.9.9.0/24"), rules.observed)
    }

    /// Docker's and ufw's FORWARD policy on the host itself: the book's namespaces have their own filters, so it is
    /// worth knowing, not a problem — until a bridge in the root namespace hands its frames to it (br_netfilter).
    func testHostForwardDropAloneIsAWarning() throws {
        let (status, findings) = try doctor("iptables -P FORWARD DROP")
        XCTAssertEqual(status, 0)
        XCTAssertEqual(try finding("forward.root", in: findings).status, "warning")
    }

    func testRootBridgeBehindForwardDropIsAProblemWithBrNetfilter() throws {
        let run = try doctor("bash -e Solutions/chapter4-bridge.sh\niptables -P FORWARD DROP", "chapter4-bridge")
        let findings = run.findings
        if FileManager.default.fileExists(atPath: "/proc/sys/net/bridge/bridge-nf-call-iptables") {
            try assertProblem(run, "forward.root", observed: ["br0", "bridge-nf-call-iptables = 1"],
                              fix: "`sudo sysctl -w net.bridge.bridge-nf-call-iptables=0`")
        } else {
            // Without br_netfilter, bridged frames never meet iptables.
            XCTAssertEqual(try finding("forward.root", in: findings).status, "warning")
        }
    }

    func testLeftoverNamespacesAreNamedWithTheirExercise() throws {
        let setup = "bash -e Solutions/chapter3-router.sh\nsed 's/^set -e$//' Solutions/chapter4-bridge.sh | bash > /dev/null 2>&1 || true"
        // A problem: cabled to the exercise's ns1 and ns2.
        try assertProblem(try doctor(setup, "chapter4-bridge"), "namespaces",
                          observed: ["router", "chapter3-router", "ns1-veth0 (ns1) ↔ gw-veth0 (router)"], fix: "`sudo ip --all netns delete`")
        // Without an exercise, namespaces present are only worth knowing: the learner may be in the middle of one.
        let (plain, others) = try doctor("bash -e Solutions/chapter3-router.sh")
        XCTAssertEqual(plain, 0)
        let g = try finding("namespaces", in: others)
        XCTAssertEqual(g.status, "warning")
        XCTAssertTrue(g.observed.contains("chapter3-router"), g.observed)
    }

    /// The first edition's dnsmasq: dhclient rewrites /etc/resolv.conf (the sandbox's own).
    func testResolvConfRewrittenByDhclientIsAProblem() throws {
        try assertProblem(try doctor(try firstEditionDHCPSolution()), "resolv.conf", observed: ["192.0.2.254"], fix: "--port 0 --no-resolv")
    }

    /// `nc` is netcat-traditional (update-alternatives chose it): the book's `nc -ulnv` fails.
    func testAnotherNetcatIsAProblem() throws {
        try assertProblem(try doctor(fakeTraditionalNetcat, prefix: "PATH=/run/fake-nc:$PATH"), "tools.nc",
                          observed: ["traditional"], fix: "`sudo update-alternatives --config nc`")
    }

    func testAMissingToolIsAProblem() throws {
        // A PATH with everything but dnsmasq.
        let setup = """
            mkdir -p /run/tools
            for t in ip ping tcpdump nc iptables dhclient python3; do ln -s "$(command -v $t)" /run/tools/$t; done
            """
        let run = try doctor(setup, prefix: "PATH=/run/tools")
        try assertProblem(run, "tools.dnsmasq", fix: "`sudo apt install dnsmasq`")
        XCTAssertEqual(try finding("tools.ping", in: run.findings).status, "ok")
    }

    /// Without root, what needs root is said to be unseen, and is not a problem.
    func testWithoutRootItSaysWhatItCouldNotSee() throws {
        let (status, findings) = try doctor("bash -e Solutions/chapter3-router.sh\nip netns exec router iptables -P FORWARD DROP",
                                            prefix: "setpriv --reuid=65534 --regid=65534 --clear-groups")
        XCTAssertEqual(status, 0)
        XCTAssertEqual(try finding("privileges", in: findings).status, "unknown")
        XCTAssertNil(findings.first { $0.id == "forward.router" }, "namespaces are not read without root")
    }
}
