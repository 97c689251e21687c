import Addresses
@testable import Grading
import Localization
import Report
import XCTest

/// `Doctor.findings` judged from facts alone: each trap gives its finding, a clean machine none, and what a learner
/// named (namespaces, paths) cannot garble the text.
final class DoctorFindingsTests: XCTestCase {
    func clean() -> HostFacts {
        HostFacts(privileged: true, netns: .directory(readable: true),
                  tools: HostFacts.bookTools.map { HostFacts.Tool(name: $0.name, path: "/usr/bin/\($0.name)", resolved: "/usr/bin/\($0.name)",
                                                                 variant: $0.name == "nc" ? "openbsd" : nil) },
                  namespaces: [HostFacts.Namespace(name: nil)], nameservers: [IPv4Address("10.0.0.53")!])
    }

    func testACleanMachineHasNothingToFix() {
        let findings = Doctor.findings(clean())
        XCTAssertEqual(Doctor.exitStatus(findings), 0)
        XCTAssertEqual(findings.filter { $0.status != .ok }.map(\.id), [])
        XCTAssertTrue(findings.allSatisfy { $0.fix == nil })
    }

    func testNetnsThatIsAFileStopsIpNetnsAdd() throws {
        var facts = clean()
        facts.netns = .notDirectory("a regular file")
        let f = try XCTUnwrap(Doctor.findings(facts).first { $0.id == "netns" })
        XCTAssertEqual(f.status, .problem)
        XCTAssertEqual(f.observed.en, "a regular file, not a folder: `ip netns add` fails")
        XCTAssertEqual(f.fix?.en.contains("sudo mv /run/netns /run/netns.old"), true)
    }

    func testLeftoversAreTracedToTheirExercise() {
        let exercises: [(id: String, namespaces: [String])] = [("chapter3-router", ["ns1", "router", "ns2"]), ("chapter7-snat", ["lan", "router", "wan"]),
                                                              ("chapter4-bridge", ["ns1", "ns2", "ns3", "root"])]
        XCTAssertEqual(Doctor.leftFrom(present: ["ns1", "ns2", "router"], foreign: ["ns1", "ns2", "router"], exercises: exercises), ["chapter3-router"])
        // `router` alone: each exercise with a router, the smallest first.
        XCTAssertEqual(Doctor.leftFrom(present: ["router", "extra"], foreign: ["router"], exercises: Array(exercises.prefix(2))),
                       ["chapter3-router", "chapter7-snat"])
        XCTAssertEqual(Doctor.leftFrom(present: ["mine"], foreign: ["mine"], exercises: exercises), [])
    }

    /// A FORWARD drop in a namespace that neither forwards nor bridges is only worth knowing.
    func testForwardDropMattersOnlyWhereItIsCrossed() throws {
        var facts = clean()
        var router = HostFacts.Namespace(name: "router")
        router.forwardDropChains = ["ip filter FORWARD"]
        facts.namespaces.append(router)
        XCTAssertEqual(try XCTUnwrap(Doctor.findings(facts).first { $0.id == "forward.router" }).status, .warning)
        facts.namespaces[1].ipForward = "1"
        let f = try XCTUnwrap(Doctor.findings(facts).first { $0.id == "forward.router" })
        XCTAssertEqual(f.status, .problem)
        XCTAssertEqual(f.fix?.en, "Let forwarded packets through: `sudo ip netns exec router iptables -P FORWARD ACCEPT`.")
        XCTAssertEqual(Doctor.exitStatus(Doctor.findings(facts)), 1)
    }

    /// A namespace name with terminal escapes and a newline: the text stays one line per finding, with no escape.
    func testHostileNamesCannotGarbleTheText() {
        var facts = clean()
        var evil = HostFacts.Namespace(name: "x\u{1b}[2J\nfake ✓ line")
        evil.forwardDropChains = ["ip filter FORWARD"]
        evil.ipForward = "1"
        facts.namespaces.append(evil)
        let findings = Doctor.findings(facts)
        for language in [Language.en, .ja] {
            let text = Doctor.text(findings, language: language)
            XCTAssertFalse(text.contains("\u{1b}"), text)
            XCTAssertFalse(text.contains("\nfake"), text)
        }
        let json = Doctor.json(findings, language: .en)
        XCTAssertFalse(json.contains("\u{1b}"), "JSON escapes control characters")
    }

    /// Every finding a trap can give reads as one person's Japanese.
    func testJapaneseFindingsFollowTheStyle() {
        var facts = clean()
        facts.privileged = false
        facts.netns = .notDirectory("a FIFO (named pipe)")
        facts.tools[3].variant = "traditional"
        facts.tools[5].path = nil
        facts.nameservers = [IPv4Address("192.0.2.254")!]
        var ns = HostFacts.Namespace(name: "router")
        ns.forwardDropChains = ["ip filter FORWARD"]; ns.ipForward = "1"; ns.rpFilterAll = "1"
        var root = HostFacts.Namespace(name: nil)
        root.forwardDropChains = ["ip filter FORWARD"]; root.bridges = ["br0"]; root.bridgeNfCallIptables = "1"
        facts.namespaces = [root, ns]
        let findings = Doctor.findings(facts, exercise: nil, exercises: [("chapter3-router", ["ns1", "router", "ns2"])])
        XCTAssertGreaterThanOrEqual(findings.filter { $0.status == .problem }.count, 5)
        for f in findings {
            for text in [f.subject, f.observed] + (f.fix.map { [$0] } ?? []) {
                XCTAssertEqual(JapaneseStyle.problems(in: text.text(.ja)), [], "\(f.id): \(text.text(.ja))")
            }
        }
        XCTAssertEqual(JapaneseStyle.problems(in: Doctor.text(findings, language: .ja)), [])
    }
}
