import Foundation
import TestSupport
import XCTest

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
        let (status, findings) = try doctor("bash -e Solutions/chapter3-router.sh\nip netns exec router iptables -P FORWARD DROP", "chapter3-router")
        XCTAssertEqual(status, 1)
        let f = try finding("forward.router", in: findings)
        XCTAssertEqual(f.status, "problem")
        XCTAssertTrue(f.observed.contains("ip filter FORWARD"), f.observed)
        XCTAssertEqual(f.fix?.contains("`sudo ip netns exec router iptables -P FORWARD ACCEPT`"), true, f.fix ?? "")
    }

    /// iptables-legacy's FORWARD policy (Ubuntu 20.04's default backend), which nft does not list.
    func testLegacyForwardDropInARouterIsAProblem() throws {
        let (status, findings) = try doctor("bash -e Solutions/chapter3-router.sh\nip netns exec router iptables-legacy -P FORWARD DROP", "chapter3-router")
        XCTAssertEqual(status, 1)
        let f = try finding("forward.router", in: findings)
        XCTAssertEqual(f.status, "problem")
        XCTAssertTrue(f.observed.contains("filter FORWARD"), f.observed)
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
        let (status, findings) = try doctor("bash -e Solutions/chapter4-bridge.sh\niptables -P FORWARD DROP", "chapter4-bridge")
        if FileManager.default.fileExists(atPath: "/proc/sys/net/bridge/bridge-nf-call-iptables") {
            XCTAssertEqual(status, 1)
            let f = try finding("forward.root", in: findings)
            XCTAssertEqual(f.status, "problem")
            XCTAssertTrue(f.observed.contains("br0") && f.observed.contains("bridge-nf-call-iptables = 1"), f.observed)
            XCTAssertEqual(f.fix?.contains("`sudo sysctl -w net.bridge.bridge-nf-call-iptables=0`"), true, f.fix ?? "")
        } else {
            // Without br_netfilter, bridged frames never meet iptables.
            XCTAssertEqual(try finding("forward.root", in: findings).status, "warning")
        }
    }

    func testLeftoverNamespacesAreNamedWithTheirExercise() throws {
        let setup = "bash -e Solutions/chapter3-router.sh\nsed 's/^set -e$//' Solutions/chapter4-bridge.sh | bash > /dev/null 2>&1 || true"
        let (status, findings) = try doctor(setup, "chapter4-bridge")
        XCTAssertEqual(status, 1)
        let f = try finding("namespaces", in: findings)
        XCTAssertEqual(f.status, "problem", "cabled to the exercise's ns1 and ns2")
        for part in ["router", "chapter3-router", "ns1-veth0 (ns1) ↔ gw-veth0 (router)"] {
            XCTAssertTrue(f.observed.contains(part), "\(part) not in \(f.observed)")
        }
        XCTAssertEqual(f.fix?.contains("`sudo ip --all netns delete`"), true)
        // Without an exercise, namespaces present are only worth knowing: the learner may be in the middle of one.
        let (plain, others) = try doctor("bash -e Solutions/chapter3-router.sh")
        XCTAssertEqual(plain, 0)
        let g = try finding("namespaces", in: others)
        XCTAssertEqual(g.status, "warning")
        XCTAssertTrue(g.observed.contains("chapter3-router"), g.observed)
    }

    /// The first edition's dnsmasq: dhclient rewrites /etc/resolv.conf (the sandbox's own).
    func testResolvConfRewrittenByDhclientIsAProblem() throws {
        let (status, findings) = try doctor(try firstEditionDHCPSolution())
        XCTAssertEqual(status, 1)
        let f = try finding("resolv.conf", in: findings)
        XCTAssertEqual(f.status, "problem")
        XCTAssertTrue(f.observed.contains("192.0.2.254"), f.observed)
        XCTAssertEqual(f.fix?.contains("--port 0 --no-resolv"), true, f.fix ?? "")
    }

    /// `nc` is netcat-traditional (update-alternatives chose it): the book's `nc -ulnv` fails.
    func testAnotherNetcatIsAProblem() throws {
        let setup = """
            mkdir -p /run/fake-nc && printf '#!/bin/sh\\n' > /run/fake-nc/nc.traditional && chmod +x /run/fake-nc/nc.traditional
            ln -s /run/fake-nc/nc.traditional /run/fake-nc/nc
            """
        let (status, findings) = try doctor(setup, prefix: "PATH=/run/fake-nc:$PATH")
        XCTAssertEqual(status, 1)
        let f = try finding("tools.nc", in: findings)
        XCTAssertEqual(f.status, "problem")
        XCTAssertTrue(f.observed.contains("traditional"), f.observed)
        XCTAssertEqual(f.fix?.contains("`sudo update-alternatives --config nc`"), true, f.fix ?? "")
    }

    func testAMissingToolIsAProblem() throws {
        // A PATH with everything but dnsmasq.
        let setup = """
            mkdir -p /run/tools
            for t in ip ping tcpdump nc iptables dhclient python3; do ln -s "$(command -v $t)" /run/tools/$t; done
            """
        let (status, findings) = try doctor(setup, prefix: "PATH=/run/tools")
        XCTAssertEqual(status, 1)
        let f = try finding("tools.dnsmasq", in: findings)
        XCTAssertEqual(f.status, "problem")
        XCTAssertEqual(f.fix?.contains("`sudo apt install dnsmasq`"), true, f.fix ?? "")
        XCTAssertEqual(try finding("tools.ping", in: findings).status, "ok")
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
