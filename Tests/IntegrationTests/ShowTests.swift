import Foundation
import TestSupport
import XCTest

/// `netcheck show`: the drawing of an exercise, and with `--found` the live namespaces marked against it.
final class ShowTests: XCTestCase {
    /// The book's chapter3-router with gw-veth1 never moved into router: it stays in the (sandbox's) root
    /// namespace, so router lacks it and ns2-veth0's peer is in the wrong place. Everything else is right.
    let interfaceLeftInRoot = """
    sed -e '/gw-veth1 netns router/d' -e '/router ip link set gw-veth1 up/d' -e '/dev gw-veth1/d' \
        Solutions/chapter3-router.sh | bash -e
    """

    func testFoundMarksTheInterfaceLeftInRoot() throws {
        let r = try ThreadSandbox.with { sh -> ProcessResult in
            try sh.must(interfaceLeftInRoot)
            return try runProcess(TestPaths.netcheck, ["show", "chapter3-router", "--found", "--lang", "en"])
        }
        XCTAssertEqual(r.status, 0, r.stderr)
        let found = try XCTUnwrap(r.stdout.components(separatedBy: "Found now:").last, r.stdout)
        let lines = found.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains { $0.contains("│ ✗ gw-veth1") }, "gw-veth1 marked in router's box:\n\(found)")
        XCTAssertTrue(lines.contains { $0.contains("┤ ✓ gw-veth0  192.0.2.254/24 │") }, found)
        XCTAssertTrue(lines.contains { $0.contains("│ ✓ ns1-veth0  192.0.2.1/24") }, found)
        XCTAssertTrue(lines.contains { $0.contains("✓ ns1-veth0   gw-veth0") }, "the first veth pair is right:\n\(found)")
        XCTAssertTrue(lines.contains("✗ gw-veth1 is in root, not in router (`ip link set gw-veth1 netns router`)"), found)
        XCTAssertTrue(lines.contains("✗ veth ns2-veth0 ─ gw-veth1: ns2-veth0's peer is gw-veth1 (root), expected gw-veth1 (router)"), found)
        XCTAssertEqual(lines.filter { $0.hasPrefix("✗ ") }.count, 2, found)
    }

    /// The 2nd edition's bridge made without `ip netns exec bridge`: `show --found chapter4-bridge` draws against the
    /// layout `check` grades (the namespace bridge) and gives the same delete-and-create advice, with `ip netns exec`
    /// wherever the command runs in a namespace.
    func testFoundBridgeInTheWrongNamespace() throws {
        let r = try ThreadSandbox.with { sh -> ProcessResult in
            try sh.must("""
                sed -e 's/^ip netns exec bridge ip link add dev br0/ip link add dev br0/' -e 's/^ip netns exec bridge ip link set br0 up/ip link set br0 up/' \
                    -e '/ns3-br0 master br0/d' -e 's/ip link set ns2-br0 up/ip link set ns2-br0 down/' -e '/master br0/s/^/! /' \
                    Solutions/chapter4-bridge-netns.sh | bash -e
                """)
            return try runProcess(TestPaths.netcheck, ["show", "chapter4-bridge", "--found", "--lang", "en"])
        }
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("chapter4-bridge: graded as chapter4-bridge-netns: br0 in the namespace bridge, as the book's 2nd edition builds it\n\n"), r.stdout)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.contains("✗ br0 is in root, not in bridge; a bridge cannot change namespace: delete it and create it in bridge (`ip link del br0`, then `ip netns exec bridge ip link add dev br0 type bridge`)"), r.stdout)
        XCTAssertTrue(lines.contains("✗ bridge/ns3-br0 is not a port of br0 (`ip netns exec bridge ip link set ns3-br0 master br0`)"), r.stdout)
        XCTAssertTrue(lines.contains("✗ bridge/ns2-br0 is down (`ip netns exec bridge ip link set ns2-br0 up`)"), r.stdout)
        XCTAssertFalse(r.stdout.contains("netns bridge`"), "a bridge is never moved: \(r.stdout)")
    }

    func testFoundMarksAnAddressTypoInDot() throws {
        let r = try ThreadSandbox.with { sh -> ProcessResult in
            try sh.must("sed 's|198.51.100.1/24 dev ns2-veth0|198.51.100.10/24 dev ns2-veth0|' Solutions/chapter3-router.sh | bash -e")
            return try runProcess(TestPaths.netcheck, ["show", "chapter3-router", "--found", "--format", "dot"])
        }
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains(#""found:ns2/ns2-veth0" [label="ns2-veth0\n198.51.100.10/24", color="red""#), r.stdout)
        XCTAssertTrue(r.stdout.contains(#""found:router/gw-veth1" [label="gw-veth1\n198.51.100.254/24"];"#), r.stdout)
    }

    func testFoundWithNothingBuilt() throws {
        let r = try ThreadSandbox.with { _ in
            try runProcess(TestPaths.netcheck, ["show", "chapter3-veth", "--found", "--lang", "ja"])
        }
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("│ (ありません)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("✗ ネームスペース ns1 がありません (`ip netns add ns1`)"), r.stdout)
    }

    func testCLIShowsTheDrawing() throws {
        let r = try runProcess(TestPaths.netcheck, ["show", "chapter3-router", "--lang", "en"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("chapter3-router: A router between two networks\n"), r.stdout)
        XCTAssertTrue(r.stdout.contains("│ ns1-veth0  192.0.2.1/24 ├──"), r.stdout)
        let unknown = try runProcess(TestPaths.netcheck, ["show", "chapter3-ruoter"])
        XCTAssertEqual(unknown.status, 2)
        let badFormat = try runProcess(TestPaths.netcheck, ["show", "chapter3-router", "--format", "svg"])
        XCTAssertEqual(badFormat.status, 2)
    }
}
