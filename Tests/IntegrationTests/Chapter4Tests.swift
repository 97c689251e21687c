import Foundation
import Report
import TestSupport
import XCTest

// Chapter 4: what crosses the wire. Evidence lines must be tcpdump's (the renderer is compared with tcpdump in
// PacketsTests; here they are compared with what tcpdump prints for the same run's frames, by content).

func solution(_ exercise: String) throws -> String {
    try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Solutions/\(exercise).sh"), encoding: .utf8)
}

final class EthernetTests: XCTestCase {
    func testSolutionPassesWithEvidenceInTheBooksFormat() throws {
        let run = try Grading.run("chapter4-ethernet")
        assertAllPass(run)
        let frames = try XCTUnwrap(run.check("ns1.frames.ns1-veth0"))
        let evidence = frames.evidence ?? []
        XCTAssertTrue(evidence.contains { $0.hasPrefix("00:00:5e:00:53:01 > 00:00:5e:00:53:02, ethertype IPv4 (0x0800), length 98: 192.0.2.1 > 192.0.2.2: ICMP echo request, id ") && $0.hasSuffix(", seq 1, length 64") }, "\(evidence)")
        XCTAssertTrue(evidence.contains { $0.hasPrefix("00:00:5e:00:53:02 > 00:00:5e:00:53:01, ethertype IPv4 (0x0800), length 98: 192.0.2.2 > 192.0.2.1: ICMP echo reply") }, "\(evidence)")
        XCTAssertFalse(frames.observed.contains("rewrote"), "no router on a single segment")
    }

    func testMACTypoShowsTheMACFound() throws {
        let s = try solution("chapter4-ethernet").replacingOccurrences(of: "address 00:00:5e:00:53:02", with: "address 00:00:5e:00:53:20")
        let run = try Grading.run("chapter4-ethernet", solution: s)
        assertFails(run, "ns2.link.ns2-veth0", hintContains: "ip netns exec ns2 ip link set dev ns2-veth0 address 00:00:5e:00:53:02",
                    observedContains: "00:00:5e:00:53:20")
        let frames = try XCTUnwrap(run.check("ns1.frames.ns1-veth0"))
        XCTAssertEqual(frames.status, .fail)
        XCTAssertTrue(frames.observed.contains("00:00:5e:00:53:01 > 00:00:5e:00:53:20"), frames.observed)
        XCTAssertTrue(frames.hint.contains("ip link set dev ns2-veth0 address 00:00:5e:00:53:02"), frames.hint)
        XCTAssertTrue((frames.evidence ?? []).contains { $0.contains("00:00:5e:00:53:01 > 00:00:5e:00:53:20, ethertype IPv4") })
        XCTAssertEqual(run.check("ns1.ping.192.0.2.2")?.status, .pass, "the network works, only the MAC is not the book's")
    }

    func testMACNeverSet() throws {
        let s = try solution("chapter4-ethernet").replacingOccurrences(of: "ip netns exec ns1 ip link set dev ns1-veth0 address 00:00:5e:00:53:01\n", with: "")
        let run = try Grading.run("chapter4-ethernet", solution: s)
        assertFails(run, "ns1.link.ns1-veth0", hintContains: "ip netns exec ns1 ip link set dev ns1-veth0 address 00:00:5e:00:53:01")
        assertFails(run, "ns2.frames.ns2-veth0", hintContains: "ip netns exec ns1 ip link set dev ns1-veth0 address 00:00:5e:00:53:01")
    }

    func testLinkDownMeansNoFrames() throws {
        let run = try Grading.run("chapter4-ethernet", mistake: "ip netns exec ns2 ip link set ns2-veth0 down")
        // A capture cannot even open on a link that is down: the link is named as the cause.
        assertFails(run, "ns2.frames.ns2-veth0", hintContains: "ip netns exec ns2 ip link set ns2-veth0 up", observedContains: "DOWN")
        assertFails(run, "ns1.frames.ns1-veth0", hintContains: "ip netns exec ns2 ip link set ns2-veth0 up")
    }

    func testOtherOrderPasses() throws {
        // MACs set before the links go up and before the addresses.
        let s = """
        ip netns add ns1
        ip netns add ns2
        ip link add ns1-veth0 address 00:00:5e:00:53:01 type veth peer name ns2-veth0 address 00:00:5e:00:53:02
        ip link set ns2-veth0 netns ns2
        ip link set ns1-veth0 netns ns1
        ip netns exec ns1 ip address add 192.0.2.1/24 dev ns1-veth0
        ip netns exec ns2 ip address add 192.0.2.2/24 dev ns2-veth0
        ip netns exec ns2 ip link set ns2-veth0 up
        ip netns exec ns1 ip link set ns1-veth0 up
        """
        assertAllPass(try Grading.run("chapter4-ethernet", solution: s))
    }

    func testJapanese() throws {
        let s = try solution("chapter4-ethernet").replacingOccurrences(of: "address 00:00:5e:00:53:02", with: "address 00:00:5e:00:53:20")
        let run = try Grading.run("chapter4-ethernet", solution: s, lang: "ja")
        let link = try XCTUnwrap(run.check("ns2.link.ns2-veth0"))
        XCTAssertTrue(link.hint.contains("MAC アドレスを設定してください: `ip netns exec ns2 ip link set dev ns2-veth0 address 00:00:5e:00:53:02`"), link.hint)
    }
}

final class ARPTests: XCTestCase {
    func testSolutionPasses() throws {
        let run = try Grading.run("chapter4-arp")
        assertAllPass(run)
        let arp = try XCTUnwrap(run.check("ns1.arp.192.0.2.2"))
        let evidence = arp.evidence ?? []
        XCTAssertTrue(evidence.contains("00:00:5e:00:53:01 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: Request who-has 192.0.2.2 tell 192.0.2.1, length 28"), "\(evidence)")
        XCTAssertTrue(evidence.contains("00:00:5e:00:53:02 > 00:00:5e:00:53:01, ethertype ARP (0x0806), length 42: Reply 192.0.2.2 is-at 00:00:5e:00:53:02, length 28"), "\(evidence)")
        XCTAssertTrue(run.check("ns1.neigh.192.0.2.2")?.observed.contains("lladdr 00:00:5e:00:53:02") ?? false)
    }

    func testWrongMACAnswers() throws {
        let s = try solution("chapter4-arp").replacingOccurrences(of: "address 00:00:5e:00:53:02", with: "address 00:00:5e:00:53:03")
        let run = try Grading.run("chapter4-arp", solution: s)
        assertFails(run, "ns1.arp.192.0.2.2", hintContains: "ip netns exec ns2 ip link set dev ns2-veth0 address 00:00:5e:00:53:02",
                    observedContains: "is-at 00:00:5e:00:53:03")
        assertFails(run, "ns1.neigh.192.0.2.2", hintContains: "ip netns exec ns2 ip link set dev ns2-veth0 address 00:00:5e:00:53:02",
                    observedContains: "lladdr 00:00:5e:00:53:03")
    }

    func testNoOneAnswersWhenTheAddressIsMissing() throws {
        let run = try Grading.run("chapter4-arp", mistake: "ip netns exec ns2 ip address del 192.0.2.2/24 dev ns2-veth0")
        assertFails(run, "ns1.arp.192.0.2.2", hintContains: "ip netns exec ns2 ip address add 192.0.2.2/24 dev ns2-veth0",
                    observedContains: "no reply to who-has 192.0.2.2")
        let arp = try XCTUnwrap(run.check("ns1.arp.192.0.2.2"))
        XCTAssertTrue((arp.evidence ?? []).contains { $0.contains("Request who-has 192.0.2.2 tell 192.0.2.1") }, "our request was on the wire")
        assertFails(run, "ns1.neigh.192.0.2.2", hintContains: "ip netns exec ns2 ip address add 192.0.2.2/24 dev ns2-veth0")
    }

    func testPeerDown() throws {
        let run = try Grading.run("chapter4-arp", mistake: "ip netns exec ns2 ip link set ns2-veth0 down")
        assertFails(run, "ns1.arp.192.0.2.2", hintContains: "ip netns exec ns2 ip link set ns2-veth0 up")
    }

    func testLearnersCacheIsNotFlushed() throws {
        // An entry the learner made by hand stays as it was (netcheck only reads it, and never flushes).
        let run = try Grading.run("chapter4-arp", mistake: "ip netns exec ns1 ip neigh add 192.0.2.99 lladdr 00:00:5e:00:53:99 dev ns1-veth0 nud permanent",
                                  extraDump: "ip netns exec ns1 ip neigh show 192.0.2.99")
        assertAllPass(run)
        XCTAssertTrue(run.after.contains("192.0.2.99 dev ns1-veth0 lladdr 00:00:5e:00:53:99 PERMANENT"), run.after)
    }
}

final class RouterMACTests: XCTestCase {
    func testSolutionPassesAndSaysTheRouterRewroteTheFrame() throws {
        let run = try Grading.run("chapter4-router-mac")
        assertAllPass(run)
        let far = try XCTUnwrap(run.check("ns2.frames.ns2-veth0"))
        XCTAssertTrue(far.observed.contains("00:00:5e:00:53:21 > 00:00:5e:00:53:22, TTL 63"), far.observed)
        XCTAssertTrue(far.observed.contains("the router rewrote the Ethernet header"), far.observed)
        XCTAssertTrue((far.evidence ?? []).contains { $0.hasPrefix("00:00:5e:00:53:21 > 00:00:5e:00:53:22, ethertype IPv4 (0x0800), length 98: 192.0.2.1 > 198.51.100.1: ICMP echo request") })
        let near = try XCTUnwrap(run.check("ns1.frames.ns1-veth0"))
        XCTAssertTrue((near.evidence ?? []).contains { $0.hasPrefix("00:00:5e:00:53:11 > 00:00:5e:00:53:12, ethertype IPv4 (0x0800), length 98: 192.0.2.1 > 198.51.100.1: ICMP echo request") })
    }

    func testRouterMACTypo() throws {
        let s = try solution("chapter4-router-mac").replacingOccurrences(of: "gw-veth1 address 00:00:5e:00:53:21", with: "gw-veth1 address 00:00:5e:00:53:12")
        let run = try Grading.run("chapter4-router-mac", solution: s)
        assertFails(run, "router.link.gw-veth1", hintContains: "ip netns exec router ip link set dev gw-veth1 address 00:00:5e:00:53:21",
                    observedContains: "00:00:5e:00:53:12")
        assertFails(run, "ns2.frames.ns2-veth0", hintContains: "ip netns exec router ip link set dev gw-veth1 address 00:00:5e:00:53:21",
                    observedContains: "00:00:5e:00:53:12 > 00:00:5e:00:53:22")
    }

    func testForwardingOffNothingOnTheFarSegment() throws {
        let run = try Grading.run("chapter4-router-mac", mistake: "ip netns exec router sysctl -qw net.ipv4.ip_forward=0")
        assertFails(run, "ns2.frames.ns2-veth0", hintContains: "ip netns exec router sysctl net.ipv4.ip_forward=1", observedContains: "no echo request")
        XCTAssertEqual(run.check("ns1.frames.ns1-veth0")?.status, .pass, "the request still leaves ns1")
    }

    func testNoDefaultRouteInNs1() throws {
        let run = try Grading.run("chapter4-router-mac", mistake: "ip netns exec ns1 ip route del default")
        assertFails(run, "ns1.frames.ns1-veth0", hintContains: "ip netns exec ns1 ip route add default via 192.0.2.254")
    }
}

final class BridgeTests: XCTestCase {
    func testSolutionPasses() throws {
        let run = try Grading.run("chapter4-bridge")
        assertAllPass(run)
        XCTAssertTrue(run.check("root.fdb.ns3-br0")?.observed.contains("00:00:5e:00:53:03 dev ns3-br0 master br0") ?? false)
    }

    func testPortNotEnslaved() throws {
        let run = try Grading.run("chapter4-bridge", mistake: "ip link set ns3-br0 nomaster")
        assertFails(run, "root.link.ns3-br0", hintContains: "ip link set ns3-br0 master br0")
        assertFails(run, "ns1.ping.192.0.2.3", hintContains: "ip link set ns3-br0 master br0")
        assertFails(run, "root.fdb.ns3-br0", hintContains: "ip link set ns3-br0 master br0")
        XCTAssertEqual(run.check("ns1.ping.192.0.2.2")?.status, .pass)
    }

    func testBridgeDown() throws {
        let run = try Grading.run("chapter4-bridge", mistake: "ip link set br0 down")
        assertFails(run, "root.link.br0", hintContains: "ip link set br0 up")
        assertFails(run, "ns1.ping.192.0.2.2", hintContains: "ip link set br0 up")
    }

    func testPortDown() throws {
        let run = try Grading.run("chapter4-bridge", mistake: "ip link set ns2-br0 down")
        assertFails(run, "root.link.ns2-br0", hintContains: "ip link set ns2-br0 up")
        assertFails(run, "ns1.ping.192.0.2.2", hintContains: "ip link set ns2-br0 up")
        XCTAssertEqual(run.check("ns1.ping.192.0.2.3")?.status, .pass)
    }

    /// The 1st edition's commands checked as the 2nd edition's exercise: graded as chapter4-bridge, and it passes.
    func testFirstEditionCommandsPassAsChapter4BridgeNetns() throws {
        let run = try Grading.run("chapter4-bridge-netns", solution: try solution("chapter4-bridge"))
        assertAllPass(run)
        XCTAssertEqual(run.report?.exercise, "chapter4-bridge-netns")
        XCTAssertEqual(run.report?.gradedAs?.exercise, "chapter4-bridge")
        XCTAssertEqual(run.report?.gradedAs?.layout, "br0 and its ports in the root namespace, as the book's 1st edition builds it")
        XCTAssertNotNil(run.check("root.fdb.ns1-br0"))
        XCTAssertNil(try Grading.run("chapter4-bridge").report?.gradedAs, "graded as asked: no graded_as")
    }

    func testPortsEnslavedBeforeTheyAreUpPasses() throws {
        let s = try solution("chapter4-bridge")
        let reordered = s.components(separatedBy: "\n").filter { !$0.hasPrefix("ip link set ns") || !$0.hasSuffix(" up") }.joined(separator: "\n")
            + "\nip link set ns1-br0 up\nip link set ns2-br0 up\nip link set ns3-br0 up\n"
        assertAllPass(try Grading.run("chapter4-bridge", solution: reordered))
    }
}

final class BridgeNetnsTests: XCTestCase {
    func testSolutionPasses() throws {
        assertAllPass(try Grading.run("chapter4-bridge-netns"))
    }

    func testBridgeInTheRootNamespace() throws {
        // The learner forgot `ip netns exec bridge` for the bridge commands.
        let s = try solution("chapter4-bridge-netns").replacingOccurrences(of: "ip netns exec bridge ip link add dev br0 type bridge", with: "ip link add dev br0 type bridge")
            .replacingOccurrences(of: "ip netns exec bridge ip link set br0 up", with: "ip link set br0 up")
            .replacingOccurrences(of: "ip netns exec bridge ip link set ns1-br0 master br0", with: "true")
            .replacingOccurrences(of: "ip netns exec bridge ip link set ns2-br0 master br0", with: "true")
            .replacingOccurrences(of: "ip netns exec bridge ip link set ns3-br0 master br0", with: "true")
        let run = try Grading.run("chapter4-bridge-netns", solution: s)
        // A bridge cannot change namespace (`ip link set br0 netns bridge`: "The interface netns is immutable").
        assertFails(run, "bridge.link.br0", hintContains: "Delete it there and create it in bridge: `ip link del br0`, then `ip netns exec bridge ip link add dev br0 type bridge`",
                    observedContains: "still in the root namespace, not in bridge, and a bridge cannot be moved")
        XCTAssertFalse(run.check("bridge.link.br0")?.hint.contains("netns bridge`") ?? true)
        assertFails(run, "bridge.link.ns1-br0", hintContains: "ip netns exec bridge ip link set ns1-br0 master br0")
        XCTAssertNil(run.report?.gradedAs, "more of the 2nd edition's layout than of the 1st: graded as asked")
        // The same setup asked for as chapter4-bridge is graded as this layout too, with the same advice.
        let asFirst = try Grading.run("chapter4-bridge", solution: s)
        XCTAssertEqual(asFirst.report?.gradedAs?.exercise, "chapter4-bridge-netns")
        assertFails(asFirst, "bridge.link.br0", hintContains: "`ip link del br0`, then `ip netns exec bridge ip link add dev br0 type bridge`")
    }

    /// The mirror image: asked for the 1st edition's layout, the bridge made in the namespace bridge (and its
    /// ports left in the root namespace): delete it there, create it in the root namespace.
    func testBridgeInANamespaceWhereTheRootOneBelongs() throws {
        let s = try solution("chapter4-bridge").replacingOccurrences(of: "ip link add dev br0 type bridge", with: "ip netns add bridge\nip netns exec bridge ip link add dev br0 type bridge")
            .replacingOccurrences(of: "ip link set br0 up", with: "ip netns exec bridge ip link set br0 up")
            .replacingOccurrences(of: "ip link set ns1-br0 master br0", with: "true")
            .replacingOccurrences(of: "ip link set ns2-br0 master br0", with: "true")
            .replacingOccurrences(of: "ip link set ns3-br0 master br0", with: "true")
        let run = try Grading.run("chapter4-bridge", solution: s)
        XCTAssertNil(run.report?.gradedAs)
        assertFails(run, "root.link.br0", hintContains: "Delete it there and create it in root: `ip netns exec bridge ip link del br0`, then `ip link add dev br0 type bridge`",
                    observedContains: "in namespace bridge, not in root")
        assertFails(run, "root.link.ns1-br0", hintContains: "ip link set ns1-br0 master br0")
    }

    /// What the 2nd edition's reader types, checked as the 1st edition's exercise: graded as the 2nd edition's
    /// layout, and it passes; the report says so (JSON and text, en and ja), under the id asked for.
    func testSecondEditionCommandsPassAsChapter4Bridge() throws {
        let run = try Grading.run("chapter4-bridge", solution: try solution("chapter4-bridge-netns"))
        assertAllPass(run)
        XCTAssertEqual(run.report?.exercise, "chapter4-bridge")
        XCTAssertEqual(run.report?.gradedAs, GradedAs(exercise: "chapter4-bridge-netns", layout: "br0 in the namespace bridge, as the book's 2nd edition builds it"))
        XCTAssertEqual(run.report?.title, "A bridge joins three hosts", "the title of the exercise asked for")
        XCTAssertNotNil(run.check("bridge.fdb.ns1-br0"), "the variant's checks")
        let text = try Grading.run("chapter4-bridge", solution: try solution("chapter4-bridge-netns"), lang: "ja", extraArguments: "--format text")
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertTrue(text.stdout.contains("(chapter4-bridge)\nchapter4-bridge-netns として採点しました: 本の第 2 版と同じく、br0 はネームスペース bridge の中にあります\n"), text.stdout)
    }

    /// Only the book's `ip netns add` lines typed so far: the namespace bridge already tells the layout.
    func testNamespacesAloneTellTheLayout() throws {
        let run = try Grading.run("chapter4-bridge", solution: "ip netns add ns1\nip netns add ns2\nip netns add ns3\nip netns add bridge\n")
        XCTAssertEqual(run.report?.gradedAs?.exercise, "chapter4-bridge-netns")
        assertFails(run, "bridge.link.br0", hintContains: "ip netns exec bridge ip link add dev br0 type bridge")
        // Nothing built at all: as much of one layout as of the other, so the one asked for.
        for id in ["chapter4-bridge", "chapter4-bridge-netns"] {
            let empty = try Grading.run(id, solution: "true")
            XCTAssertEqual(empty.status, 1, empty.stderr)
            XCTAssertNil(empty.report?.gradedAs, id)
            XCTAssertEqual(empty.report?.exercise, id)
        }
    }

    func testPortNotEnslaved() throws {
        let run = try Grading.run("chapter4-bridge-netns", mistake: "ip netns exec bridge ip link set ns3-br0 nomaster")
        assertFails(run, "bridge.link.ns3-br0", hintContains: "ip netns exec bridge ip link set ns3-br0 master br0")
        assertFails(run, "ns3.ping.192.0.2.1", hintContains: "ip netns exec bridge ip link set ns3-br0 master br0")
    }

    func testJapanesePortHint() throws {
        let run = try Grading.run("chapter4-bridge-netns", mistake: "ip netns exec bridge ip link set ns3-br0 nomaster", lang: "ja")
        let check = try XCTUnwrap(run.check("bridge.link.ns3-br0"))
        XCTAssertTrue(check.hint.contains("ブリッジにつないでください: `ip netns exec bridge ip link set ns3-br0 master br0`"), check.hint)
    }
}
