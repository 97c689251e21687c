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
