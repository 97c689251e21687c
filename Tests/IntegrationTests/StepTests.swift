import Foundation
import Report
import TestSupport
import XCTest

/// The book's checkpoints: where a learner is, and what the next step needs.
final class StepTests: XCTestCase {
    func routerSolution(without fragments: [String]) throws -> String {
        try solution("chapter3-router").components(separatedBy: "\n").filter { line in !fragments.contains { line.contains($0) } }
            .joined(separator: "\n")
    }

    func testAddressesOnlyIsStepOne() throws {
        let run = try Grading.run("chapter3-router", solution: try routerSolution(without: ["route add", "ip_forward"]))
        let report = try XCTUnwrap(run.report)
        XCTAssertEqual(report.stepReached, 1)
        XCTAssertEqual(report.steps?.map(\.passed), [true, false, false])
        // The step's own expectation is judged for what it is: "Network is unreachable", at once.
        let item = report.steps?[0].checks.first { $0.id == "step1.ns1.ping.198.51.100.1" }
        XCTAssertEqual(item?.status, .pass)
        XCTAssertTrue(item?.observed.contains("Network is unreachable") ?? false, item?.observed ?? "")
        XCTAssertFalse(report.checks.contains { $0.id.hasPrefix("step") }, "step items are not end-state checks")
        XCTAssertEqual(run.before, run.after)
    }

    func testRoutesButNoForwardingIsStepTwo() throws {
        let run = try Grading.run("chapter3-router", solution: try routerSolution(without: ["ip_forward"]))
        let report = try XCTUnwrap(run.report)
        XCTAssertEqual(report.stepReached, 2)
        let item = report.steps?[1].checks.first { $0.id == "step2.ns1.ping.198.51.100.1" }
        XCTAssertEqual(item?.status, .pass, "100% loss while the router does not forward")
        XCTAssertEqual(report.steps?[2].checks.first { $0.id == "router.ip_forward" }?.status, .fail)
    }

    func testTheWholeExerciseIsTheLastStep() throws {
        let run = try Grading.run("chapter3-router")
        assertAllPass(run)
        XCTAssertEqual(run.report?.stepReached, 3)
        // Step 1's "Network is unreachable" no longer holds, and need not: the learner is past it.
        XCTAssertEqual(run.report?.steps?[0].checks.first { $0.id.hasPrefix("step1") }?.status, .fail)
    }

    func testOneStepOnly() throws {
        let run = try Grading.run("chapter3-router", solution: try routerSolution(without: ["ip_forward"]), extraArguments: "--step 2")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertEqual(run.report?.checks.map(\.id), ["ns1.route.198.51.100.0/24", "ns2.route.192.0.2.0/24", "step2.ns1.ping.198.51.100.1"])
        XCTAssertNil(run.report?.steps)
    }

    func testAStepExpectationFailingTheWrongWay() throws {
        // Step 2 expects silence (the router drops); without ns1's route the kernel refuses at once instead.
        let run = try Grading.run("chapter3-router", solution: try routerSolution(without: ["ip_forward", "ns1 ip route add"]), extraArguments: "--step 2")
        assertFails(run, "step2.ns1.ping.198.51.100.1", hintContains: "ip netns exec ns1 ip route add default via 192.0.2.254",
                    observedContains: "should fail with 100% packet loss")
    }

    func testStepOutOfRangeIsAUsageError() throws {
        let r = try ScriptSandbox.run("\"$NETCHECK\" check chapter3-router --step 9 2>&1 || echo status=$?")
        XCTAssertTrue(r.stdout.contains("--step 9: chapter3-router has steps 1 to 3"), r.stdout)
        XCTAssertTrue(r.stdout.contains("status=2"), r.stdout)
    }
}
