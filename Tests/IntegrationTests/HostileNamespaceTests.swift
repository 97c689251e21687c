import Foundation
import Report
import TestSupport
import XCTest

/// Hostile input, namespaces: what a learner can put under /run/netns, or take away from netcheck, must neither fool
/// the grade nor hang the run. Each case runs in a private sandbox, as root.
final class HostileNamespaceTests: XCTestCase {
    /// chapter3-veth built entirely in the root namespace, as if ns1 and ns2 were namespaces.
    static let vethInRoot = """
        ip link add ns1-veth0 type veth peer name ns2-veth0
        ip address add 192.0.2.1/24 dev ns1-veth0
        ip address add 192.0.2.2/24 dev ns2-veth0
        ip link set ns1-veth0 up
        ip link set ns2-veth0 up
        """

    func assertNamespaceRefused(_ run: GradedRun, _ ns: String, observed: String, hint: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(run.status, 1, "exit status; stderr: \(run.stderr)", file: file, line: line)
        guard let check = run.check("\(ns).netns", file: file, line: line) else { return }
        XCTAssertEqual(check.status, .fail, check.observed, file: file, line: line)
        XCTAssertTrue(check.observed.contains(observed), "observed: \(check.observed)", file: file, line: line)
        XCTAssertTrue(check.hint.contains(hint), "hint: \(check.hint)", file: file, line: line)
        // Nothing that needs the namespace may pass on the strength of what is really elsewhere.
        for c in run.report?.checks ?? [] where c.id != "\(ns).netns" && c.id.hasPrefix("\(ns).") {
            XCTAssertNotEqual(c.status, .pass, "\(c.id) passed through a fake \(ns)", file: file, line: line)
        }
        XCTAssertEqual(run.before, run.after, "netcheck changed the learner's state", file: file, line: line)
    }

    func testSymlinkToTheRootNamespaceDoesNotPass() throws {
        let run = try Grading.run("chapter3-veth", solution: Self.vethInRoot + """

            ln -s /proc/$$/ns/net /run/netns/ns1
            ln -s /proc/$$/ns/net /run/netns/ns2
            """)
        assertNamespaceRefused(run, "ns1", observed: "is a symbolic link to /proc/", hint: "`ip netns delete ns1`, then `ip netns add ns1`")
        assertNamespaceRefused(run, "ns2", observed: "is a symbolic link", hint: "`ip netns add ns2`")
        XCTAssertEqual(run.report?.checks.filter { $0.status == .pass }.count, 0, "8/8 passed this way before")
    }

    func testBindMountOfTheRootNamespaceDoesNotPass() throws {
        let run = try Grading.run("chapter3-veth", solution: Self.vethInRoot + """

            touch /run/netns/ns1 /run/netns/ns2
            mount --bind /proc/$$/ns/net /run/netns/ns1
            mount --bind /proc/$$/ns/net /run/netns/ns2
            """)
        assertNamespaceRefused(run, "ns1", observed: "ns1 is the root namespace itself", hint: "`ip netns delete ns1`, then `ip netns add ns1`")
        assertNamespaceRefused(run, "ns2", observed: "ns2 is the root namespace itself", hint: "`ip netns add ns2`")
    }

    func testTwoNamesForOneNamespace() throws {
        let run = try Grading.run("chapter3-veth", solution: """
            ip netns add ns1
            touch /run/netns/ns2
            mount --bind /run/netns/ns1 /run/netns/ns2
            ip -n ns1 link add ns1-veth0 type veth peer name ns2-veth0
            ip -n ns1 address add 192.0.2.1/24 dev ns1-veth0
            ip -n ns1 address add 192.0.2.2/24 dev ns2-veth0
            ip -n ns1 link set ns1-veth0 up
            ip -n ns1 link set ns2-veth0 up
            """)
        assertNamespaceRefused(run, "ns1", observed: "ns1 is the same namespace as ns2", hint: "`ip netns add ns1`")
        assertNamespaceRefused(run, "ns2", observed: "ns2 is the same namespace as ns1", hint: "`ip netns add ns2`")
    }

    func testOtherKindsOfEntry() throws {
        let cases: [(setup: String, observed: String, hint: String)] = [
            ("mkfifo /run/netns/ns1", "/run/netns/ns1 is a FIFO, not a namespace", "`ip netns delete ns1`, then `ip netns add ns1`"),
            ("mkfifo /run/fifo; ln -s /run/fifo /run/netns/ns1", "is a symbolic link to /run/fifo", "`ip netns delete ns1`"),
            ("mkdir /run/netns/ns1", "/run/netns/ns1 is a directory", "`rmdir /run/netns/ns1`, then `ip netns add ns1`"),
            ("touch /run/netns/ns1", "/run/netns/ns1 is a plain file", "`ip netns delete ns1`, then `ip netns add ns1`"),
            ("touch /run/netns/ns1; mount --bind /proc/self/ns/uts /run/netns/ns1", "not a network namespace", "`ip netns add ns1`"),
        ]
        for c in cases {
            let started = Date()
            let run = try Grading.run("chapter3-veth", solution: "ip netns add ns2\n" + c.setup, extraArguments: "--deadline 2000")
            XCTAssertLessThan(Date().timeIntervalSince(started), 2.5 + 3, "\(c.setup): the run waited on the entry")
            assertNamespaceRefused(run, "ns1", observed: c.observed, hint: c.hint)
        }
    }

    func testAFifoAnywhereUnderRunNetnsBlocksNothing() throws {
        // A mistake that sends the diagnosis looking through every namespace, and a FIFO among them.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let d = ScriptSandbox.shellQuote(dir.path)
        let r = try ScriptSandbox.run("""
            bash -e Solutions/chapter3-veth.sh
            ip -n ns2 link set ns2-veth0 netns $$
            mkfifo /run/netns/evil
            t0=$(date +%s%N)
            set +e
            "$NETCHECK" check chapter3-veth --format json --deadline 2000 > \(d)/report; echo $? > \(d)/status
            "$NETCHECK" show chapter3-veth --found > \(d)/show; echo $? >> \(d)/status
            timeout 3 "$NETCHECK" watch chapter3-veth --timeout 200 --lang en > \(d)/watch; echo $? >> \(d)/status
            t1=$(date +%s%N); echo $(( (t1 - t0) / 1000000 )) > \(d)/ms
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        func read(_ name: String) -> String { (try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)) ?? "" }
        let statuses = read("status").split(separator: "\n")
        XCTAssertEqual(statuses.count, 3, read("status"))
        XCTAssertEqual(statuses.first, "1", "check fails")
        XCTAssertTrue(["0", "1"].contains(statuses.dropFirst().first ?? ""), "show returns: \(statuses)")
        XCTAssertEqual(statuses.last, "124", "watch runs until stopped")
        let report = try XCTUnwrap(try? Report(jsonText: read("report")), read("report"))
        let link = try XCTUnwrap(report.checks.first { $0.id == "ns2.link.ns2-veth0" })
        XCTAssertTrue(link.hint.contains("ns2-veth0"), link.hint)
        XCTAssertFalse(read("show").isEmpty)
        XCTAssertTrue(read("watch").contains("ns2.link.ns2-veth0") || read("watch").contains("ns2-veth0"), read("watch"))
        XCTAssertLessThan(Int(read("ms").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 99_999, 2_500 + 1_000 + 3_500)
    }

    func testANamespaceNamedInAnotherEncodingIsStillSeen() throws {
        // ns2-veth0 left in a namespace whose name is not UTF-8: the diagnosis still finds it there.
        let run = try Grading.run("chapter3-veth", mistake: """
            ip netns add $'ns\\xff'
            ip -n ns2 link set ns2-veth0 netns $'ns\\xff'
            """)
        XCTAssertEqual(run.status, 1, run.stderr)
        let link = try XCTUnwrap(run.check("ns2.link.ns2-veth0"))
        XCTAssertEqual(link.status, .fail)
        XCTAssertTrue(link.observed.contains("ns\\xff") || link.hint.contains("ns\\xff"), "\(link.observed) — \(link.hint)")
    }

    func testMoreNamespacesThanTheSoftDescriptorLimit() throws {
        // 80 other namespaces with a soft limit of 48 descriptors; ns2-veth0 sits in the last one.
        let run = try Grading.run("chapter3-veth", mistake: """
            for i in $(seq -w 1 80); do ip netns add zz$i; done
            ip -n ns2 link set ns2-veth0 netns zz80
            ulimit -S -n 48
            """)
        XCTAssertEqual(run.status, 1, run.stderr)
        let link = try XCTUnwrap(run.check("ns2.link.ns2-veth0"))
        XCTAssertTrue(link.observed.contains("zz80") || link.hint.contains("zz80"), "\(link.observed) — \(link.hint)")
    }

    func testWithoutCapSysAdminIsAnEnvironmentProblem() throws {
        let r = try ScriptSandbox.run("""
            bash -e Solutions/chapter3-veth.sh
            set +e
            setpriv --bounding-set -sys_admin -- "$NETCHECK" check chapter3-veth --format json > /dev/null 2> /run/err
            echo "status $?"; cat /run/err
            """)
        XCTAssertTrue(r.stdout.hasPrefix("status 3\n"), r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("CAP_SYS_ADMIN"), r.stdout)
    }
}

/// Hostile input, time: the deadline is kept, and a short one still lets a working network pass.
final class HostileDeadlineTests: XCTestCase {
    func testAShortDeadlineStillPassesAWorkingPing() throws {
        assertAllPass(try Grading.run("chapter3-veth", extraArguments: "--deadline 100"))
    }

    func testTheTimeoutReportedIsTheOneThatRan() throws {
        let run = try Grading.run("chapter3-router", mistake: "ip netns exec router sysctl -qw net.ipv4.ip_forward=0",
                                  extraArguments: "--deadline 400 --timeout 5000")
        let ping = try XCTUnwrap(run.check("ns1.ping.198.51.100.1"))
        XCTAssertFalse(ping.observed.contains("5000 ms"), ping.observed)
        XCTAssertTrue(ping.observed.contains("all the run's --deadline left for it"), ping.observed)
    }

    func testAReplierThatStartsAtAnotherTTL() throws {
        // ns2 starts its packets at TTL 128: one router makes 127, which is what TTL 63 means from a Linux default.
        let passing = try Grading.run("chapter3-router", mistake: "ip netns exec ns2 sysctl -qw net.ipv4.ip_default_ttl=128")
        let ping = try XCTUnwrap(passing.check("ns1.ping.198.51.100.1"))
        XCTAssertEqual(ping.status, .pass, ping.observed)
        XCTAssertTrue(ping.observed.contains("ttl=127") && ping.observed.contains("starts at TTL 128"), ping.observed)
        // The wrong number of routers is still named, counted from the replier's own start.
        let direct = try Grading.run("chapter3-veth", mistake: "ip netns exec ns2 sysctl -qw net.ipv4.ip_default_ttl=128")
        XCTAssertEqual(direct.check("ns1.ping.192.0.2.2")?.status, .pass, direct.check("ns1.ping.192.0.2.2")?.observed ?? "")
        for c in (passing.report?.checks ?? []) + (direct.report?.checks ?? []) {
            XCTAssertFalse(c.hint.contains("-64") || c.hint.contains("crossed -"), c.hint)
        }
    }
}
