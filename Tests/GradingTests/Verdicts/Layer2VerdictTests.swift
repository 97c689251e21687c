@testable import Grading
import Report
import XCTest

// The verdicts of the chapter 4 check kinds (frames on a link, ARP, neighbour tables, bridge forwarding databases)
// and the layouts of the bridge exercise, judged again from recorded real runs: no root.

final class FramesVerdictTests: XCTestCase {
    func testTheFramesCarryTheBooksMACs() throws {
        let c = try Replay.check("ethernet-pass", "ns1.frames.ns1-veth0")
        XCTAssertEqual(c.status, .pass)
        XCTAssertTrue((c.evidence ?? []).contains { $0.contains("00:00:5e:00:53:01 > 00:00:5e:00:53:02") }, "\(c.evidence ?? [])")
    }

    func testAnotherMACOnTheWire() throws {
        let c = try Replay.check("ethernet-wrong-mac", "ns1.frames.ns1-veth0")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.observed.contains("00:00:5e:00:53:20"), c.observed)
    }

    func testEachSegmentItsOwnMACs() throws {
        XCTAssertEqual(try Replay.report("router-mac-pass").report.checks.filter { $0.id.contains(".frames.") && $0.status != .pass }.count, 0)
    }
}

final class ARPVerdictTests: XCTestCase {
    func testIsAt() throws {
        let c = try Replay.check("arp-pass", "ns1.arp.192.0.2.2")
        XCTAssertEqual(c.status, .pass)
        XCTAssertTrue((c.evidence ?? []).contains { $0.contains("Reply 192.0.2.2 is-at 00:00:5e:00:53:02") }, "\(c.evidence ?? [])")
    }

    func testNoOneAnswers() throws {
        XCTAssertEqual(try Replay.check("arp-no-address", "ns1.arp.192.0.2.2").status, .fail)
    }
}

final class NeighbourVerdictTests: XCTestCase {
    func testTheCacheHoldsTheMAC() throws {
        XCTAssertEqual(try Replay.check("arp-pass", "ns1.neigh.192.0.2.2").status, .pass)
        XCTAssertEqual(try Replay.check("arp-no-address", "ns1.neigh.192.0.2.2").status, .fail)
    }
}

final class ForwardingVerdictTests: XCTestCase {
    func testLearnedOnItsPort() throws {
        XCTAssertEqual(try Replay.check("bridge-pass", "root.fdb.ns1-br0").status, .pass)
        XCTAssertEqual(try Replay.check("bridge-netns-pass", "bridge.fdb.ns1-br0").status, .pass)
    }

    func testAPortOffTheBridgeLearnsNothing() throws {
        let c = try Replay.check("bridge-nomaster", "root.fdb.ns3-br0")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("master br0"), c.hint)
    }
}

final class LayoutVerdictTests: XCTestCase {
    func testTheSecondEditionsBridgePassesAsTheFirstEditionsExercise() throws {
        let (report, unanswered) = try Replay.report("bridge-second-edition-as-first")
        XCTAssertEqual(unanswered, [])
        XCTAssertEqual(report.exercise, "chapter4-bridge")
        XCTAssertEqual(report.gradedAs?.exercise, "chapter4-bridge-netns")
        XCTAssertTrue(report.passed, "\(report.checks.filter { $0.status != .pass }.map(\.id))")
    }
}
