import Foundation
import Kernel
import TestSupport
import XCTest

/// The sandboxes themselves: what a test builds inside one is invisible outside and gone afterwards.
final class SandboxTests: XCTestCase {
    func testThreadSandboxIsPrivateAndLeavesNothing() throws {
        let hostNames = try NetworkNamespace.listNames()
        let hostNet = try NetworkNamespace.current().identity
        try ThreadSandbox.with { sh in
            try sh.must("ip netns add ns1")
            XCTAssertEqual(try NetworkNamespace.listNames(), ["ns1"])
            XCTAssertNotEqual(try NetworkNamespace.current().identity, hostNet)
            let ns1 = try NetworkNamespace.named("ns1")
            let inside = try ns1.run { try NetworkNamespace.current().identity }
            XCTAssertEqual(inside, ns1.identity)
        }
        XCTAssertEqual(try NetworkNamespace.current().identity, hostNet)
        XCTAssertEqual(try NetworkNamespace.listNames(), hostNames)
    }

    func testScriptSandboxIsPrivate() throws {
        let r = try ScriptSandbox.run("ip netns add ns1\nip netns list")
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "ns1")
        XCTAssertFalse(try NetworkNamespace.listNames().contains("ns1"))
    }
}
