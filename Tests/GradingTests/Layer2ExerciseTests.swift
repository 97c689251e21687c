import Addresses
import Foundation
@testable import Grading
import NetlinkWire
import XCTest

/// The chapter 4 parts of exercise files: frames, ARP, neighbour and fdb items, the `root` namespace.
final class Layer2ExerciseTests: XCTestCase {
    let catalog = ExerciseCatalog(directory: ExerciseLoaderTests.root.appendingPathComponent("Exercises").path)

    func testRouterMACModelAndIds() throws {
        let e = try catalog.load("chapter4-router-mac")
        let frames = try XCTUnwrap(e.reachability.first?.frames)
        XCTAssertEqual(frames.map(\.link), ["ns1-veth0", "ns2-veth0"])
        XCTAssertEqual(frames[1].sourceMAC, MACAddress("00:00:5e:00:53:21"))
        XCTAssertEqual(frames[1].ttl, 63)
        let ids = Plan(exercise: e).checks.map(\.id)
        XCTAssertEqual(Array(ids.suffix(3)), ["ns1.ping.198.51.100.1", "ns1.frames.ns1-veth0", "ns2.frames.ns2-veth0"])
    }

    func testBridgeInRootIsNotANamespaceCheck() throws {
        let e = try catalog.load("chapter4-bridge")
        let ids = Plan(exercise: e).checks.map(\.id)
        XCTAssertFalse(ids.contains("root.netns"))
        XCTAssertTrue(ids.contains("root.link.br0"))
        XCTAssertTrue(ids.contains("root.fdb.ns2-br0"))
        XCTAssertEqual(ids.filter { $0.contains(".ping.") }.count, 6, "every pair, both ways")
        XCTAssertEqual(e.link("root", "ns3-br0")?.master, "br0")
    }

    func testARPAndNeighbourItems() throws {
        let e = try catalog.load("chapter4-arp")
        XCTAssertEqual(e.arp.first?.target, IPv4Address("192.0.2.2"))
        XCTAssertEqual(e.neighbours.first?.mac, MACAddress("00:00:5e:00:53:02"))
        XCTAssertTrue(Plan(exercise: e).checks.map(\.id).contains("ns1.arp.192.0.2.2"))
        XCTAssertTrue(Plan(exercise: e).checks.map(\.id).contains("ns1.neigh.192.0.2.2"))
    }

    func error(_ text: String) -> ExerciseFileError? {
        do { _ = try ExerciseLoader.load(text: text, file: "l2.json"); return nil } catch { return error as? ExerciseFileError }
    }

    let head = #"{"id": "x", "title": {"en": "x", "ja": "x"}, "namespaces": ["ns1"], "links": [{"namespace": "ns1", "name": "v0"}], "#

    func testBrokenLayer2Items() {
        let mac = error(head + #""arp": [{"namespace": "ns1", "link": "v0", "target": "192.0.2.2", "mac": "00:00:5e:00:53"}]}"#)
        XCTAssertEqual(mac?.position, "/arp/0")
        XCTAssertEqual(mac?.field, "mac")
        XCTAssertTrue(mac?.description.contains("MAC address") ?? false, mac?.description ?? "")

        let link = error(head + #""arp": [{"namespace": "ns1", "link": "v9", "target": "192.0.2.2", "mac": "00:00:5e:00:53:02"}]}"#)
        XCTAssertEqual(link?.field, "link")

        let port = error(head + #""fdb": [{"namespace": "ns1", "bridge": "br0", "port": "v0", "mac": "00:00:5e:00:53:02"}]}"#)
        XCTAssertEqual(port?.field, "bridge")

        let typo = error(head + #""reachability": [{"from": "ns1", "to": "192.0.2.2", "frames": [{"namespace": "ns1", "link": "v0", "src_mak": "00:00:5e:00:53:01"}]}]}"#)
        XCTAssertEqual(typo?.position, "/reachability/0/frames/0")
        XCTAssertTrue(typo?.description.contains("did you mean \"src_mac\"") ?? false, typo?.description ?? "")

        let rootListed = error(#"{"id": "x", "title": {"en": "x", "ja": "x"}, "namespaces": ["root"]}"#)
        XCTAssertTrue(rootListed?.description.contains("\"root\" means the namespace netcheck runs in") ?? false, rootListed?.description ?? "")

        let unknownNS = error(head + #""neighbors": [{"namespace": "ns2", "address": "192.0.2.2", "mac": "00:00:5e:00:53:02"}]}"#)
        XCTAssertEqual(unknownNS?.position, "/neighbors/0")
    }

    func testRootNamespaceIsAccepted() throws {
        let e = try ExerciseLoader.load(text: (head + #""fdb": [{"namespace": "root", "bridge": "br0", "port": "p1", "mac": "00:00:5e:00:53:02"}], "links": [{"namespace": "root", "name": "br0", "kind": "bridge"}, {"namespace": "root", "name": "p1", "master": "br0"}]}"#)
            .replacingOccurrences(of: #""links": [{"namespace": "ns1", "name": "v0"}], "#, with: ""), file: "ok.json")
        XCTAssertEqual(e.forwarding.first?.port, "p1")
    }
}

final class StepFileTests: XCTestCase {
    func error(_ text: String) -> ExerciseFileError? {
        do { _ = try ExerciseLoader.load(text: text, file: "s.json"); return nil } catch { return error as? ExerciseFileError }
    }
    let head = #"{"id": "x", "title": {"en": "x", "ja": "x"}, "namespaces": ["ns1"], "reachability": [{"from": "ns1", "to": "192.0.2.2"}], "#

    func testStepsNameExistingChecks() {
        let e = error(head + #""steps": [{"title": {"en": "a", "ja": "a"}, "checks": ["ns1.ping.192.0.2.3"]}]}"#)
        XCTAssertEqual(e?.position, "/steps/0/checks/0")
        XCTAssertTrue(e?.description.contains("did you mean \"ns1.ping.192.0.2.2\"") ?? false, e?.description ?? "")
    }

    func testFailsWithIsForNegativeExpectationsOnly() {
        let e = error(head + #""steps": [{"title": {"en": "a", "ja": "a"}, "reachability": [{"from": "ns1", "to": "192.0.2.9", "fails_with": "timeout"}]}]}"#)
        XCTAssertEqual(e?.field, "fails_with")
        let bad = error(head + #""steps": [{"title": {"en": "a", "ja": "a"}, "reachability": [{"from": "ns1", "to": "192.0.2.9", "reachable": false, "fails_with": "slow"}]}]}"#)
        XCTAssertTrue(bad?.description.contains("\"network-unreachable\"") ?? false, bad?.description ?? "")
    }

    func testStepItemsGetStableIds() throws {
        let e = try ExerciseLoader.load(text: head + #""steps": [{"title": {"en": "a", "ja": "あ"}, "checks": ["ns1.netns"], "reachability": [{"from": "ns1", "to": "192.0.2.9", "reachable": false, "fails_with": "network-unreachable"}]}]}"#, file: "ok.json")
        XCTAssertEqual(e.steps.first?.reachability.first?.id, "step1.ns1.ping.192.0.2.9")
        XCTAssertEqual(Plan(exercise: e, step: 1).checks.map(\.id), ["ns1.netns", "step1.ns1.ping.192.0.2.9"])
        XCTAssertFalse(Plan(exercise: e).checks.contains { $0.stepOnly })
        XCTAssertTrue(Plan(exercise: e, withSteps: true).checks.contains { $0.stepOnly })
    }
}
