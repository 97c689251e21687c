import Addresses
import Foundation
@testable import Grading
import JSON
import NetlinkWire
import Probes
import Report
import XCTest

/// The Japanese text netcheck writes without running anything: every exercise file's `"ja"` strings, the titles
/// and expectations planned from them, `netcheck show`'s drawing, and every cause's finding and fix, all held to
/// `JapaneseStyle` (no space around 。、「」 or between full-width characters, a space between Japanese and Latin,
/// ルーター, no English prose). The graded runs are in IntegrationTests/JapaneseReportTests.swift.
final class JapaneseTextTests: XCTestCase {
    let catalog = ExerciseCatalog(directory: ExerciseLoaderTests.root.appendingPathComponent("Exercises").path)

    func assertReadsNaturally(_ text: String, _ context: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) {
        for problem in JapaneseStyle.problems(in: text) {
            XCTFail("\(context()): \(problem)\n  in: \(text)", file: file, line: line)
        }
    }

    /// Every `"ja"` string of every exercise file, found by walking the JSON (not only the fields netcheck loads today).
    func testEveryExerciseFileJapaneseString() throws {
        let folder = ExerciseLoaderTests.root.appendingPathComponent("Exercises")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertGreaterThan(files.count, 10)
        var count = 0
        func walk(_ value: JSONValue, _ pointer: String, _ file: String) {
            if let o = value.object {
                for (key, child) in o.pairs {
                    if key == "ja", let text = child.string {
                        count += 1
                        assertReadsNaturally(text, "\(file)\(pointer)/ja")
                    } else {
                        walk(child, pointer + "/" + key, file)
                    }
                }
            } else if let a = value.array {
                for (i, child) in a.enumerated() { walk(child, pointer + "/\(i)", file) }
            }
        }
        for name in files {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            walk(try JSON.parse(text), "", name)
        }
        XCTAssertGreaterThan(count, 50)
    }

    /// What every exercise's checks are called and expect, in Japanese, before anything runs.
    func testEveryPlannedTitleAndExpectation() throws {
        for id in try catalog.ids() {
            let e = try catalog.load(id)
            assertReadsNaturally(e.title.ja, "\(id) title")
            for check in Plan(exercise: e, withSteps: true).checks {
                assertReadsNaturally(check.title.ja, "\(id) \(check.id) title")
            }
            for step in e.steps { assertReadsNaturally(step.title.ja, "\(id) step title") }
            for l in e.links { assertReadsNaturally(LinkCheck.expected(l).ja, "\(id) link expected") }
            for a in e.addresses { assertReadsNaturally(AddressCheck.expected(a).ja, "\(id) address expected") }
            for r in e.routes { assertReadsNaturally(RouteCheck.expected(r).ja, "\(id) route expected") }
            for r in e.reachability + e.steps.flatMap(\.reachability) {
                assertReadsNaturally(ReachabilityCheck.expected(r).ja, "\(id) ping expected")
                for f in r.frames { assertReadsNaturally(FramesCheck.expected(r, f).ja, "\(id) frames expected") }
            }
            for n in e.nat { assertReadsNaturally(NATCheck.expected(n, original: nil).ja, "\(id) NAT expected") }
            // `netcheck show --lang ja`: title, description, steps; the boxes are names and addresses.
            for line in TopologyText(language: .ja).render(e).split(separator: "\n") {
                assertReadsNaturally(String(line.drop { $0 == " " }), "\(id) show")
            }
        }
    }

    /// What a ping is said to have done, and what a step expects of it.
    func testPingOutcomes() throws {
        let spec = ReachabilitySpec(from: "ns1", source: IPv4Address("192.0.2.1"), to: IPv4Address("198.51.100.1")!, reachable: true, ttl: 63)
        let a = IPv4Address("192.0.2.254")!
        let outcomes: [EchoOutcome] = [.reply(from: spec.to, ttl: 63, rttMicroseconds: 1234), .destinationUnreachable(from: a, code: 0),
                                       .destinationUnreachable(from: a, code: 9), .timeExceeded(from: a), .sendFailed(errno: 101), .timeout]
        for o in outcomes {
            assertReadsNaturally(ReachabilityCheck.describe(o, spec: spec, timeoutMs: 1000).ja, "\(o)")
        }
        for f in [ReachabilitySpec.Failure.networkUnreachable, .hostUnreachable, .timeout] {
            var step = spec
            step.reachable = false
            step.failsWith = f
            assertReadsNaturally(ReachabilityCheck.expected(step).ja, "expected \(f)")
            assertReadsNaturally(PingFamily.stepItem(step).title.ja, "step title \(f)")
            assertReadsNaturally(ReachabilityCheck.describe(f).ja, "\(f)")
        }
    }

    /// Every cause, in each of its shapes (with and without the book's command, a found value or none).
    func testEveryCauseFindingAndFix() {
        let causes = HintTests.samples
        XCTAssertEqual(Set(causes.map(HintTests.caseName)).count, HintTests.caseCount, "a sample of every cause")
        for cause in causes {
            assertReadsNaturally(cause.finding.ja, "finding of \(cause)")
            assertReadsNaturally(cause.fix.ja, "fix of \(cause)")
            assertReadsNaturally(cause.hint.ja, "hint of \(cause)")
        }
    }

    /// Fragments glued together: sentences joined with 。, an observation then its cause, a hint then the
    /// exercise's own.
    func testJoinsReadAsOneText() {
        let a = Localized(en: "a", ja: "ns1 に経路がありません"), b = Localized(en: "b", ja: "設定してください。")
        assertReadsNaturally(Localized.join([a, b]).ja, "join")
        assertReadsNaturally(Localized.join([b, a]).ja, "join after a sentence")
        assertReadsNaturally(Localized.join([Cause.forwardingOff(namespace: "router").hint, b], en: " ", ja: "").ja, "hint then hint")
        let v = Verdict.fail(Localized("x"), cause: .forwardingOff(namespace: "router"), observedPrefix: Localized(en: "ping", ja: "応答なし (100% パケットロス)"))
        assertReadsNaturally(v.observed.ja, "observed with cause")
    }
}
