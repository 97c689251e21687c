import Foundation
import Report
import TestSupport
import XCTest

/// The traps of a real host (issue 15), each built in a sandbox: the failing check's hint names the trap and the
/// command that fixes it, not the generic "a route there, forwarding and a route back".
final class HostTrapTests: XCTestCase {
    func report(_ exercise: String, trap: String) throws -> Report {
        let r = try ScriptSandbox.run("""
            bash -e Solutions/\(exercise).sh
            \(trap)
            set +e
            "$NETCHECK" check \(exercise) --format json --timeout 500
            true
            """)
        XCTAssertEqual(r.status, 0, r.stderr)
        return try Report(jsonText: r.stdout)
    }

    /// `iptables -P FORWARD DROP` on the router, as Docker and ufw leave a host.
    func testForwardPolicyDropIsNamed() throws {
        let report = try report("chapter3-router", trap: "ip netns exec router iptables -P FORWARD DROP")
        // Pings to the router's own addresses are not forwarded, and pass; those across it fail.
        let failed = report.checks.filter { $0.id.contains(".ping.") && $0.status != .pass }
        XCTAssertGreaterThanOrEqual(failed.count, 1, "\(report.checks.map { "\($0.id) \($0.status)" })")
        for ping in failed {
            XCTAssertEqual(ping.status, .fail, ping.id)
            XCTAssertTrue(ping.hint.contains("`ip netns exec router iptables -P FORWARD ACCEPT`"), "\(ping.id): \(ping.hint)")
            XCTAssertTrue(ping.observed.contains("FORWARD chain (ip filter FORWARD) has policy drop"), "\(ping.id): \(ping.observed)")
        }
        // Everything else holds: the sysctl, the routes.
        XCTAssertTrue(report.checks.filter { !$0.id.contains(".ping.") }.allSatisfy { $0.status == .pass },
                      "\(report.checks.filter { $0.status != .pass }.map(\.id))")
    }

    /// The same written with nft, in a table of the learner's own name: named by its table and chain.
    func testNftForwardDropChainIsNamed() throws {
        let report = try report("chapter3-router", trap: """
            ip netns exec router nft add table inet lab
            ip netns exec router nft add chain inet lab labforward '{ type filter hook forward priority 0; policy drop; }'
            """)
        let ping = try XCTUnwrap(report.checks.first { $0.id.contains(".ping.") && $0.status != .pass })
        XCTAssertEqual(ping.status, .fail)
        XCTAssertTrue(ping.observed.contains("(inet lab labforward)"), ping.observed)
    }

    /// A FORWARD chain that drops by policy but is not in the way (no failing ping) is not blamed: the walk only
    /// runs for a ping that failed, and one that passes never reads the ruleset.
    func testAPassingRunDoesNotMentionTheFilter() throws {
        let report = try report("chapter3-router", trap: "ip netns exec router iptables -P FORWARD DROP; ip netns exec router iptables -A FORWARD -j ACCEPT")
        XCTAssertTrue(report.passed, "\(report.checks.filter { $0.status != .pass }.map { "\($0.id): \($0.hint)" })")
    }

    /// Chapter 4 typed over chapter 3's namespaces, as a reader who skipped `ip --all netns delete` does: `ip netns add
    /// ns1` fails, and ns1-veth0 stays paired with gw-veth0 in chapter 3's router. The hints name the leftover and the
    /// book's command, never "attach gw-veth0 in router to br0" (impossible across namespaces).
    func testLeftoverNamespaceIsNamed() throws {
        for exercise in ["chapter4-bridge", "chapter4-bridge-netns"] {
            let r = try ScriptSandbox.run("""
                bash -e Solutions/chapter3-router.sh
                set +e
                sed 's/^set -e$//' Solutions/\(exercise).sh | bash > /dev/null 2>&1
                "$NETCHECK" check \(exercise) --format json --timeout 500
                true
                """)
            XCTAssertEqual(r.status, 0, r.stderr)
            let report = try Report(jsonText: r.stdout)
            let veth = try XCTUnwrap(report.checks.first { $0.id == "ns1.veth.ns1-veth0" }, exercise)
            XCTAssertEqual(veth.status, .fail, exercise)
            XCTAssertTrue(veth.observed.contains("gw-veth0 in router, a namespace this exercise does not have"), veth.observed)
            let failedPings = report.checks.filter { $0.id.contains(".ping.") && $0.status == .fail }
            XCTAssertFalse(failedPings.isEmpty, exercise)
            for check in [veth] + failedPings {
                XCTAssertTrue(check.hint.contains("`ip --all netns delete`"), "\(exercise) \(check.id): \(check.hint)")
                XCTAssertFalse(check.hint.contains("master br0"), "\(exercise) \(check.id): \(check.hint)")
            }
        }
    }

    /// The first edition's chapter 4 bridge in the root namespace of a Docker host: br_netfilter hands bridged frames
    /// to iptables, whose FORWARD policy is drop. Named, with both fixes; without br_netfilter the pings pass.
    func testBridgedFramesDroppedByForwardPolicyAreNamed() throws {
        for (exercise, namespace, exec) in [("chapter4-bridge", "root", ""), ("chapter4-bridge-netns", "bridge", "ip netns exec bridge ")] {
            let report = try report(exercise, trap: "\(exec)iptables -P FORWARD DROP")
            guard FileManager.default.fileExists(atPath: "/proc/sys/net/bridge/bridge-nf-call-iptables") else {
                XCTAssertTrue(report.passed, "without br_netfilter bridged frames never meet iptables")
                continue
            }
            let failed = report.checks.filter { $0.id.contains(".ping.") && $0.status != .pass }
            XCTAssertFalse(failed.isEmpty, exercise)
            for ping in failed {
                XCTAssertEqual(ping.status, .fail, ping.id)
                XCTAssertTrue(ping.observed.contains("br0 in \(namespace) hands the frames it bridges to iptables"), "\(ping.id): \(ping.observed)")
                XCTAssertTrue(ping.hint.contains("`\(exec)iptables -P FORWARD ACCEPT`"), "\(ping.id): \(ping.hint)")
                XCTAssertTrue(ping.hint.contains("`\(exec)sysctl net.bridge.bridge-nf-call-iptables=0`"), "\(ping.id): \(ping.hint)")
            }
        }
    }

    // MARK: the forward rules of both backends

    /// The failing pings of chapter3-router with `trap`; each must be a failure.
    func failedPings(_ trap: String, file: StaticString = #filePath, line: UInt = #line) throws -> [CheckResult] {
        let run = try Grading.run("chapter3-router", mistake: trap)
        XCTAssertEqual(run.before, run.after, "netcheck changed the learner's state", file: file, line: line)
        let report = try XCTUnwrap(run.report, run.stderr, file: file, line: line)
        let failed = report.checks.filter { $0.id.contains(".ping.") && $0.status != .pass }
        XCTAssertGreaterThanOrEqual(failed.count, 1, "\(report.checks.map { "\($0.id) \($0.status)" })", file: file, line: line)
        for ping in failed { XCTAssertEqual(ping.status, .fail, ping.id, file: file, line: line) }
        return failed
    }

    /// `iptables-legacy -P FORWARD DROP`: the policy of iptables-legacy's FORWARD chain, which nft does not list.
    func testLegacyForwardPolicyDropIsNamed() throws {
        for ping in try failedPings("ip netns exec router iptables-legacy -P FORWARD DROP") {
            XCTAssertTrue(ping.observed.contains("its FORWARD chain in iptables-legacy (filter FORWARD) has policy drop"), "\(ping.id): \(ping.observed)")
            XCTAssertTrue(ping.hint.contains("`ip netns exec router iptables -P FORWARD ACCEPT`"), "\(ping.id): \(ping.hint)")
            XCTAssertTrue(ping.hint.contains("run iptables-legacy instead"), "\(ping.id): \(ping.hint)")
        }
    }

    /// `iptables -A FORWARD -j DROP` with the host's own iptables (iptables-nft here, iptables-legacy on Ubuntu
    /// 20.04): the rule is named with the command that deletes it in whichever backend holds it.
    func testForwardDropRuleIsNamedWithItsDeleteCommand() throws {
        for ping in try failedPings("ip netns exec router iptables -A FORWARD -j DROP") {
            let nft = ping.hint.contains("`ip netns exec router nft delete rule ip filter FORWARD handle ")
            let legacy = ping.hint.contains("`ip netns exec router iptables -D FORWARD -j DROP`")
            XCTAssertTrue(nft || legacy, "\(ping.id): \(ping.hint)")
            XCTAssertTrue(ping.observed.contains("drops the packet"), "\(ping.id): \(ping.observed)")
        }
    }

    /// The same with iptables-legacy: quoted as iptables-legacy-save prints it, deleted with the book's iptables.
    func testLegacyForwardDropRuleIsNamed() throws {
        let trap = "ip netns exec router iptables-legacy -A FORWARD -s 192.0.2.0/24 -o gw-veth1 -j REJECT"
        let failed = try failedPings(trap)
        for ping in failed {
            XCTAssertTrue(ping.observed.contains("the rule `-A FORWARD -s 192.0.2.0/24 -o gw-veth1 -j REJECT --reject-with icmp-port-unreachable` in iptables-legacy (filter FORWARD) drops the packet"),
                          "\(ping.id): \(ping.observed)")
            XCTAssertTrue(ping.hint.contains("`ip netns exec router iptables -D FORWARD -s 192.0.2.0/24 -o gw-veth1 -j REJECT --reject-with icmp-port-unreachable`"),
                          "\(ping.id): \(ping.hint)")
        }
        // The command named fixes it (with iptables-legacy, as the hint says where iptables is iptables-nft).
        let delete = "ip netns exec router iptables-legacy -D FORWARD -s 192.0.2.0/24 -o gw-veth1 -j REJECT --reject-with icmp-port-unreachable"
        assertAllPass(try Grading.run("chapter3-router", mistake: trap + "\n" + delete))
    }

    /// A drop rule written with nft in a table of the learner's own: named with `nft delete rule … handle N`, and
    /// that command fixes it.
    func testNftForwardDropRuleIsNamedWithItsHandle() throws {
        let trap = """
            ip netns exec router nft add table inet lab
            ip netns exec router nft add chain inet lab labforward '{ type filter hook forward priority 0; }'
            ip netns exec router nft add rule inet lab labforward ip daddr 198.51.100.0/24 counter drop
            """
        let failed = try failedPings(trap)
        var command: String?
        for ping in failed {
            XCTAssertTrue(ping.observed.contains("the rule `ip daddr 198.51.100.0/24 drop` of its forward chain inet lab labforward drops the packet"),
                          "\(ping.id): \(ping.observed)")
            let marker = "`ip netns exec router nft delete rule inet lab labforward handle "
            let range = try XCTUnwrap(ping.hint.range(of: marker), ping.hint)
            command = String(ping.hint[ping.hint.index(after: range.lowerBound)...].prefix { $0 != "`" })
        }
        assertAllPass(try Grading.run("chapter3-router", mistake: trap + "\n" + XCTUnwrap(command)))
    }

    /// A DROP rule for another subnet is not in the way: when a ping fails for another reason (no route back),
    /// that reason is named, not the rule; and a policy drop whose rules accept the exercise's packets is not
    /// blamed either.
    func testADropRuleThatMatchesOtherPacketsIsNotBlamed() throws {
        let filters = """
            ip netns exec router iptables-legacy -P FORWARD DROP
            ip netns exec router iptables-legacy -A FORWARD -s 10.0.0.0/8 -j DROP
            ip netns exec router iptables-legacy -A FORWARD -i gw-veth0 -o gw-veth1 -j ACCEPT
            ip netns exec router iptables-legacy -A FORWARD -i gw-veth1 -o gw-veth0 -j ACCEPT
            ip netns exec router iptables-nft -A FORWARD -d 203.0.113.0/24 -j DROP
            """
        assertAllPass(try Grading.run("chapter3-router", mistake: filters))
        for ping in try failedPings(filters + "\nip netns exec ns2 ip route del default") {
            XCTAssertTrue(ping.hint.contains("ip netns exec ns2 ip route add default via 198.51.100.254"), "\(ping.id): \(ping.hint)")
            XCTAssertFalse(ping.hint.contains("FORWARD") || ping.observed.contains("FORWARD"), "\(ping.id): \(ping.observed) \(ping.hint)")
        }
    }

    /// Docker's FORWARD chain as it leaves a host (user chains, conntrack and docker0 rules before the drop policy): the
    /// rules cannot match a frame bridged by br0, so the policy is what drops it, and is named.
    func testDockersForwardChainBehindTheRootBridgeIsNamed() throws {
        guard FileManager.default.fileExists(atPath: "/proc/sys/net/bridge/bridge-nf-call-iptables") else {
            let report = try report("chapter4-bridge", trap: "iptables -P FORWARD DROP")
            XCTAssertTrue(report.passed, "without br_netfilter bridged frames never meet iptables")
            return
        }
        let report = try report("chapter4-bridge", trap: """
            iptables -N DOCKER-USER; iptables -A DOCKER-USER -j RETURN; iptables -N DOCKER
            iptables -P FORWARD DROP
            iptables -A FORWARD -j DOCKER-USER
            iptables -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
            iptables -A FORWARD -o docker0 -j DOCKER
            iptables -A FORWARD -i docker0 ! -o docker0 -j ACCEPT
            """)
        let failed = report.checks.filter { $0.id.contains(".ping.") && $0.status != .pass }
        XCTAssertFalse(failed.isEmpty)
        for ping in failed {
            XCTAssertTrue(ping.observed.contains("br0 in root hands the frames it bridges to iptables"), "\(ping.id): \(ping.observed)")
            XCTAssertTrue(ping.hint.contains("`iptables -P FORWARD ACCEPT`"), "\(ping.id): \(ping.hint)")
        }
        // A rule that accepts the bridge's frames overrides the policy: nothing is blamed, and the pings pass.
        let accepted = try self.report("chapter4-bridge", trap: "iptables -P FORWARD DROP; iptables -A FORWARD -i br0 -o br0 -j ACCEPT")
        XCTAssertTrue(accepted.passed, "\(accepted.checks.filter { $0.status != .pass }.map { "\($0.id): \($0.hint)" })")
    }

    /// `nc` is netcat-traditional: the book's `nc -ulnv` fails on its options, nothing listens, and the hint says which
    /// nc this is and how the book chooses netcat-openbsd. With netcat-openbsd the hint says nothing of it.
    func testAnotherNetcatIsNamedWhenNothingListens() throws {
        func hint(path: String) throws -> String {
            let r = try ScriptSandbox.run("""
                ip link set lo up
                \(fakeTraditionalNetcat)
                set +e
                PATH=\(path) "$NETCHECK" check chapter5-udp --format json
                true
                """)
            XCTAssertEqual(r.status, 0, r.stderr)
            return try XCTUnwrap(try Report(jsonText: r.stdout).checks.first { $0.id == "root.udp.54321.bound" }).hint
        }
        let traditional = try hint(path: "/run/fake-nc:$PATH")
        XCTAssertTrue(traditional.contains("netcat traditional"), traditional)
        XCTAssertTrue(traditional.contains("`sudo update-alternatives --config nc`"), traditional)
        XCTAssertTrue(traditional.contains("`nc -ulnv 127.0.0.1 54321`"), traditional)
        let openbsd = try hint(path: "$PATH")
        XCTAssertFalse(openbsd.contains("update-alternatives"), openbsd)
    }
}

/// Chapter 7 written with iptables-legacy (Ubuntu 20.04's iptables): graded exactly as with iptables-nft, and a
/// rule at fault is said to be in iptables-legacy.
final class LegacyNATTests: XCTestCase {
    func legacy(_ exercise: String) throws -> String {
        try solution(exercise).replacingOccurrences(of: " iptables ", with: " iptables-legacy ")
    }

    func testChapter7SolutionsWrittenWithIptablesLegacyPass() throws {
        for exercise in ["chapter7-snat", "chapter7-dnat"] {
            let s = try legacy(exercise)
            XCTAssertTrue(s.contains("iptables-legacy -t nat -A POSTROUTING"), s)
            assertAllPass(try Grading.run(exercise, solution: s))
        }
    }

    func testLegacyMasqueradeOnTheWrongInterface() throws {
        let s = try legacy("chapter7-snat").replacingOccurrences(of: "-o gw-veth1", with: "-o gw-veth0")
        let run = try Grading.run("chapter7-snat", solution: s)
        assertFails(run, "router.snat.lan", hintContains: masquerade,
                    observedContains: "the NAT rule in router's iptables-legacy tables (`-A POSTROUTING -s 192.0.2.0/24 -o gw-veth0 -j MASQUERADE`) applies to packets leaving gw-veth0, but they leave by gw-veth1")
        XCTAssertTrue(run.check("router.snat.lan")?.hint.contains("run iptables-legacy instead") ?? false)
        XCTAssertNil(run.check("router.snat.lan")?.note, "one backend only")
    }

    func testLegacyDNATToTheWrongHost() throws {
        let s = try legacy("chapter7-dnat").replacingOccurrences(of: "--to-destination 192.0.2.1", with: "--to-destination 192.0.2.2")
        let run = try Grading.run("chapter7-dnat", solution: s)
        assertFails(run, "router.dnat.203.0.113.254:54321", hintContains: dnatRule,
                    observedContains: "router translates to 192.0.2.2 (`-A PREROUTING -d 203.0.113.254/32 -p tcp -m tcp --dport 54321 -j DNAT --to-destination 192.0.2.2`, in iptables-legacy), not to 192.0.2.1")
    }

    /// `-o gw+` matches gw-veth1: a rule with a wildcard is not taken for one on the wrong interface; what is wrong
    /// with it (the address it translates to) is named instead.
    func testAWildcardInterfaceIsNotTheWrongOne() throws {
        let s = try withoutNAT("chapter7-snat") + "\nip netns exec router iptables-legacy -t nat -A POSTROUTING -o gw+ -j SNAT --to-source 203.0.113.253\n"
        let run = try Grading.run("chapter7-snat", solution: s)
        assertFails(run, "router.snat.lan", hintContains: masquerade,
                    observedContains: "router translates to 203.0.113.253 (`-A POSTROUTING -o gw+ -j SNAT --to-source 203.0.113.253`, in iptables-legacy)")
    }

    /// MASQUERADE rules in both backends, both wrong: the failing check names the first and notes that both
    /// backends hold NAT rules; in Japanese too.
    func testNATRulesInBothBackendsAreNoted() throws {
        let s = try withoutNAT("chapter7-snat") + """

            ip netns exec router iptables-nft -t nat -A POSTROUTING -s 192.0.2.0/24 -o gw-veth0 -j MASQUERADE
            ip netns exec router iptables-legacy -t nat -A POSTROUTING -s 192.0.2.0/24 -o gw-veth0 -j MASQUERADE
            """
        let run = try Grading.run("chapter7-snat", solution: s)
        assertFails(run, "router.snat.lan", hintContains: masquerade, observedContains: "packets leaving gw-veth0")
        let note = try XCTUnwrap(run.check("router.snat.lan")?.note)
        XCTAssertTrue(note.contains("router holds NAT rules both in iptables-legacy and in nftables"), note)
        XCTAssertTrue(note.contains("which iptables you run decides where a new rule goes"), note)
        let ja = try Grading.run("chapter7-snat", solution: s, lang: "ja")
        let jaNote = try XCTUnwrap(ja.check("router.snat.lan")?.note)
        XCTAssertTrue(jaNote.contains("iptables-legacy と nftables"), jaNote)
    }
}
