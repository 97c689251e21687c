import Foundation
import Report
import TestSupport
import XCTest

// Chapter 6: DHCP. The solution starts dnsmasq and dhclient; the sandbox kills them when the test ends.

let dnsmasqCommand = "ip netns exec server dnsmasq --dhcp-range=192.0.2.100,192.0.2.200,255.255.255.0 --interface=s-veth0 --port 0 --no-resolv --no-daemon"

/// The solution's lines, without those containing any of `dropping`.
func dhcpSolution(dropping: [String] = [], adding: String = "") throws -> String {
    try solution("chapter6-dhcp").components(separatedBy: "\n").filter { line in !dropping.contains { line.contains($0) } }
        .joined(separator: "\n") + "\n" + adding
}

final class DHCPTests: XCTestCase {
    func testSolutionPasses() throws {
        let run = try Grading.run("chapter6-dhcp")
        assertAllPass(run)
        let offer = try XCTUnwrap(run.check("server.dhcp.offer"))
        let evidence = offer.evidence ?? []
        XCTAssertTrue(evidence.contains { $0.contains("0.0.0.0.68 > 255.255.255.255.67: BOOTP/DHCP, Request from 02:") }, "\(evidence)")
        XCTAssertTrue(evidence.contains { $0.contains("192.0.2.254.67 > ") && $0.contains("BOOTP/DHCP, Reply, length") }, "\(evidence)")
        XCTAssertTrue(evidence.contains { $0.contains("DHCP-Message (53), length 1: Offer, Your-IP 192.0.2.") }, "\(evidence)")
        XCTAssertTrue(run.check("client.dhcp.lease")?.observed.contains("sec") ?? false, "a finite lifetime")
        XCTAssertNil(run.check("client.dhcp.lease")?.note, "the book's dnsmasq offers no DNS: resolv.conf is untouched")
    }

    func testServerNotRunning() throws {
        let run = try Grading.run("chapter6-dhcp", solution: try dhcpSolution(dropping: ["dnsmasq --", "dhclient"]))
        assertFails(run, "server.dhcp.offer", hintContains: dnsmasqCommand, observedContains: "no DHCP server is running in server")
        assertFails(run, "client.dhcp.lease", hintContains: "ip netns exec client dhclient c-veth0")
    }

    func testServerOnAnotherInterface() throws {
        let s = try dhcpSolution(dropping: ["dhclient"]).replacingOccurrences(of: "--interface=s-veth0", with: "--interface=lo")
        let run = try Grading.run("chapter6-dhcp", solution: s)
        assertFails(run, "server.dhcp.offer", hintContains: dnsmasqCommand, observedContains: "did not answer a DISCOVER")
    }

    func testClientNeverRanDhclient() throws {
        let run = try Grading.run("chapter6-dhcp", solution: try dhcpSolution(dropping: ["dhclient c-veth0"]))
        assertFails(run, "client.dhcp.lease", hintContains: "ip netns exec client dhclient c-veth0", observedContains: "no IPv4 address")
        XCTAssertEqual(run.check("server.dhcp.offer")?.status, .pass, "the server works")
        assertFails(run, "client.route.default", hintContains: "ip netns exec client dhclient c-veth0")
    }

    func testAddressSetByHand() throws {
        let s = try dhcpSolution(dropping: ["dhclient c-veth0"], adding: "ip netns exec client ip address add 192.0.2.150/24 dev c-veth0\n")
        let run = try Grading.run("chapter6-dhcp", solution: s)
        assertFails(run, "client.dhcp.lease", hintContains: "ip netns exec client ip address del 192.0.2.150/24 dev c-veth0",
                    observedContains: "valid_lft forever")
    }

    func testRangeMismatch() throws {
        let s = try dhcpSolution().replacingOccurrences(of: "192.0.2.100,192.0.2.200", with: "192.0.2.50,192.0.2.60")
        let run = try Grading.run("chapter6-dhcp", solution: s)
        assertFails(run, "server.dhcp.offer", hintContains: "192.0.2.100-192.0.2.200", observedContains: "outside 192.0.2.100-192.0.2.200")
        assertFails(run, "client.dhcp.lease", hintContains: "dhclient -r c-veth0")
    }

    /// The first edition's server (dnsmasq without `--port 0 --no-resolv`): it also answers DNS, and dhclient
    /// rewrites resolv.conf, inside the sandbox only. The same end state, so the same pass.
    func testFirstEditionServerPasses() throws {
        let host = try fingerprint(of: "/etc")
        let run = try Grading.run("chapter6-dhcp", solution: try firstEditionDHCPSolution(), mistake: """
            ip netns exec server ss -Hlun 'sport = :53' | grep -q . || { echo "dnsmasq serves no DNS" >&2; exit 1; }
            grep -qx 'nameserver 192.0.2.254' /etc/resolv.conf || { echo "resolv.conf not rewritten" >&2; exit 1; }
            """)
        assertAllPass(run)
        XCTAssertTrue(run.check("client.dhcp.lease")?.observed.contains("sec") ?? false, "a finite lifetime")
        // Passed, and told what it did to the machine (issue 15): the note names the rewrite, the server and the fix.
        let note = try XCTUnwrap(run.check("client.dhcp.lease")?.note, "no note on the rewritten resolv.conf")
        for part in ["/etc/resolv.conf", "192.0.2.254", "server", "--port 0 --no-resolv", dnsmasqCommand] {
            XCTAssertTrue(note.contains(part), "\(part) not in: \(note)")
        }
        XCTAssertEqual(try fingerprint(of: "/etc"), host, "the host's /etc changed")
    }

    /// The book's 2nd-edition transcript: `dhclient -d c-veth0` in the foreground, stopped with Ctrl-C once bound.
    /// dhclient dies of the SIGINT and leaves its lease (address, lifetime, default route) in place: that passes.
    func testForegroundClientStoppedWithCtrlCPasses() throws {
        let s = try dhcpSolution(dropping: ["dhclient c-veth0"], adding: """
            # What the terminal does on Ctrl-C: SIGINT to the foreground process group (its own, by setsid).
            setsid ip netns exec client dhclient -d c-veth0 > /run/dhclient-d.log 2>&1 &
            for i in $(seq 100); do grep -q '^bound to 192.0.2.' /run/dhclient-d.log && break; sleep 0.1; done
            grep -q '^bound to 192.0.2.' /run/dhclient-d.log || { cat /run/dhclient-d.log >&2; exit 1; }
            kill -INT -- -$!
            for i in $(seq 50); do kill -0 $! 2>/dev/null || break; sleep 0.1; done
            if kill -0 $! 2>/dev/null; then echo "dhclient still runs 5 s after SIGINT" >&2; exit 1; fi
            status=0; wait $! || status=$?
            [ "$status" = 130 ] || { echo "dhclient did not die of SIGINT: status $status" >&2; exit 1; }
            [ -z "$(ip netns pids client)" ] || { echo "still running in client: $(ip netns pids client)" >&2; exit 1; }

            """)
        let run = try Grading.run("chapter6-dhcp", solution: s)
        assertAllPass(run)
        XCTAssertTrue(run.check("client.dhcp.lease")?.observed.contains("sec") ?? false, "a finite lifetime")
    }

    func testNothingIsLeftRunning() throws {
        // The daemons of this run only (other tests may run their own at the same time): those in its namespaces.
        let run = try Grading.run("chapter6-dhcp", extraDump: """
            for p in $(pgrep -x 'dnsmasq|dhclient'); do for ns in server client; do
              [ "$(readlink /proc/$p/ns/net)" = "$(ip netns exec $ns readlink /proc/self/ns/net)" ] && echo "PID:$p"; done; done
            """)
        let pids = run.after.split(separator: "\n").filter { $0.hasPrefix("PID:") }.compactMap { Int32($0.dropFirst(4)) }
        XCTAssertGreaterThanOrEqual(pids.count, 2, "dnsmasq and dhclient ran in the sandbox: \(run.after.suffix(300))")
        for pid in pids {
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            let alive = !stat.isEmpty && !stat.contains(") Z ")
            XCTAssertFalse(alive, "left running: \(stat)")
        }
    }
}
