import Addresses
import Foundation
@testable import Grading
import NetlinkWire
import XCTest

final class ExerciseLoaderTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let catalog = ExerciseCatalog(directory: ExerciseLoaderTests.root.appendingPathComponent("Exercises").path)

    func testEveryShippedExerciseLoadsAndHasASolution() throws {
        let ids = try catalog.ids()
        XCTAssertTrue(ids.contains("chapter3-router"))
        for id in ids {
            let exercise = try catalog.load(id)
            XCTAssertEqual(exercise.id, id)
            XCTAssertFalse(exercise.title.en.isEmpty)
            XCTAssertFalse(exercise.title.ja.isEmpty)
            let solution = Self.root.appendingPathComponent("Solutions/\(id).sh").path
            XCTAssertTrue(FileManager.default.fileExists(atPath: solution), "missing \(solution)")
        }
    }

    func testRouterExerciseModel() throws {
        let e = try catalog.load("chapter3-router")
        XCTAssertEqual(e.namespaces, ["ns1", "router", "ns2"])
        XCTAssertEqual(e.link("ns1", "ns1-veth0")?.peer, Endpoint(namespace: "router", name: "gw-veth0"))
        XCTAssertEqual(e.link("ns1", "ns1-veth0")?.kind, "veth")
        XCTAssertEqual(e.link("ns1", "ns1-veth0")?.up, true)
        XCTAssertEqual(e.addresses.first?.address, IPv4Prefix("192.0.2.1/24"))
        XCTAssertEqual(e.reachability.last?.ttl, 63)
        XCTAssertEqual(e.reachability.last?.source, IPv4Address("192.0.2.1"))
        XCTAssertEqual(e.routes.first?.probeAddress, IPv4Address("198.51.100.1"))
    }

    /// The ids graders key on: stable, in foundation-first order.
    func testPlanIdsForRouter() throws {
        let ids = Plan(exercise: try catalog.load("chapter3-router")).checks.map(\.id)
        XCTAssertEqual(ids, [
            "ns1.netns", "router.netns", "ns2.netns",
            "ns1.link.ns1-veth0", "router.link.gw-veth0", "ns2.link.ns2-veth0", "router.link.gw-veth1",
            "ns1.veth.ns1-veth0", "ns2.veth.ns2-veth0",
            "ns1.addr.192.0.2.1", "router.addr.192.0.2.254", "router.addr.198.51.100.254", "ns2.addr.198.51.100.1",
            "router.ip_forward",
            "ns1.route.198.51.100.0/24", "ns2.route.192.0.2.0/24",
            "ns1.ping.192.0.2.254", "ns1.ping.198.51.100.1",
        ])
    }

    // MARK: broken files: each error names the file, the position and the field

    /// Found by the ExerciseFuzzer: a single-quoted key (which json-c accepts) holding a "[" made the duplicate-key
    /// scan loop forever, so `netcheck` hung on this 34-byte file. Now it is a JSON syntax error at the quote.
    func testSingleQuotedKeyIsASyntaxErrorNotAHang() {
        let text = String(decoding: [123, 10, 32, 32, 39, 10, 42, 32, 32, 32, 91, 32, 32, 10, 32, 32, 221, 10, 39, 10, 58,
                                     32, 32, 32, 91, 32, 32, 10, 32, 32, 93, 10, 125, 10] as [UInt8], as: UTF8.self)
        let error = load(text)
        XCTAssertEqual(error?.position, "line 2, column 3")
        XCTAssertTrue(error?.message.hasPrefix("JSON syntax error") == true, "\(String(describing: error))")
    }

    func load(_ text: String) -> ExerciseFileError? {
        do {
            _ = try ExerciseLoader.load(text: text, file: "broken.json")
            XCTFail("loaded a broken file")
            return nil
        } catch let e as ExerciseFileError {
            return e
        } catch {
            XCTFail("unexpected error \(error)")
            return nil
        }
    }

    let minimal = """
    {"id": "x", "title": {"en": "X", "ja": "X"}, "namespaces": ["ns1"]
    """

    func testMinimalFileLoads() throws {
        let e = try ExerciseLoader.load(text: minimal + "}", file: "ok.json")
        XCTAssertEqual(e.namespaces, ["ns1"])
        XCTAssertEqual(Plan(exercise: e).checks.map(\.id), ["ns1.netns"])
    }

    func testSyntaxErrorHasLineAndColumn() {
        let e = load("{\n  \"id\": \"x\",\n  \"title\" {}\n}")
        XCTAssertEqual(e?.file, "broken.json")
        XCTAssertTrue(e?.position.hasPrefix("line 3, column") ?? false, e?.description ?? "")
        XCTAssertTrue(e?.message.contains("JSON syntax error") ?? false)
    }

    func testUnknownFieldSuggestsTheRightOne() {
        let e = load(minimal + ", \"links\": [{\"namepsace\": \"ns1\", \"name\": \"a\"}]}")
        XCTAssertEqual(e?.position, "/links/0")
        XCTAssertEqual(e?.field, "namepsace")
        XCTAssertTrue(e?.message.contains("did you mean \"namespace\"") ?? false, e?.description ?? "")
    }

    func testWrongType() {
        let e = load(minimal + ", \"reachability\": [{\"from\": \"ns1\", \"to\": \"192.0.2.1\", \"ttl\": \"64\"}]}")
        XCTAssertEqual(e?.description, "broken.json: /reachability/0: field \"ttl\": expected an integer, found string")
    }

    func testMissingRequiredField() {
        let e = load("{\"id\": \"x\", \"namespaces\": []}")
        XCTAssertEqual(e?.position, "/")
        XCTAssertEqual(e?.field, "title")
        XCTAssertEqual(e?.message, "is required")
    }

    func testBadAddress() {
        let e = load(minimal + ", \"links\": [{\"namespace\": \"ns1\", \"name\": \"a\"}], \"addresses\": [{\"namespace\": \"ns1\", \"link\": \"a\", \"address\": \"192.0.2.300/24\"}]}")
        XCTAssertEqual(e?.position, "/addresses/0")
        XCTAssertEqual(e?.field, "address")
    }

    func testAddressWithoutPrefixLength() {
        let e = load(minimal + ", \"links\": [{\"namespace\": \"ns1\", \"name\": \"a\"}], \"addresses\": [{\"namespace\": \"ns1\", \"link\": \"a\", \"address\": \"192.0.2.1\"}]}")
        XCTAssertEqual(e?.field, "address")
    }

    func testUndeclaredNamespace() {
        let e = load(minimal + ", \"links\": [{\"namespace\": \"ns2\", \"name\": \"a\"}]}")
        XCTAssertEqual(e?.position, "/links/0")
        XCTAssertEqual(e?.field, "namespace")
        XCTAssertTrue(e?.message.contains("did you mean \"ns1\"") ?? false, e?.description ?? "")
    }

    func testAddressOnUndeclaredLink() {
        let e = load(minimal + ", \"addresses\": [{\"namespace\": \"ns1\", \"link\": \"eth0\", \"address\": \"192.0.2.1/24\"}]}")
        XCTAssertEqual(e?.position, "/addresses/0")
        XCTAssertEqual(e?.field, "link")
    }

    func testHintNeedsBothLanguages() {
        let e = load(minimal + ", \"reachability\": [{\"from\": \"ns1\", \"to\": \"192.0.2.1\", \"hint\": {\"en\": \"x\"}}]}")
        XCTAssertEqual(e?.position, "/reachability/0/hint")
        XCTAssertEqual(e?.field, "ja")
    }

    func testDuplicateCheckIds() {
        let e = load(minimal + ", \"reachability\": [{\"from\": \"ns1\", \"to\": \"192.0.2.1\"}, {\"from\": \"ns1\", \"to\": \"192.0.2.1\", \"reachable\": false}]}")
        XCTAssertEqual(e?.field, "id")
        XCTAssertTrue(e?.message.contains("ns1.ping.192.0.2.1") ?? false)
    }

    func testDuplicateKey() {
        let e = load("{\"id\": \"x\", \"id\": \"y\", \"title\": {\"en\": \"X\", \"ja\": \"X\"}, \"namespaces\": []}")
        XCTAssertEqual(e?.field, "id")
        XCTAssertEqual(e?.message, "appears more than once")
    }

    func testTTLOnNegativeExpectation() {
        let e = load(minimal + ", \"reachability\": [{\"from\": \"ns1\", \"to\": \"192.0.2.1\", \"reachable\": false, \"ttl\": 64}]}")
        XCTAssertEqual(e?.field, "ttl")
    }

    func testInterfaceNameTooLong() {
        let e = load(minimal + ", \"links\": [{\"namespace\": \"ns1\", \"name\": \"a-very-long-name0\"}]}")
        XCTAssertEqual(e?.field, "name")
    }

    func testNotAnObject() {
        let e = load("[1, 2]")
        XCTAssertEqual(e?.description, "broken.json: /: expected an object, found array")
    }

    // MARK: the catalogue

    func testUnknownExerciseSuggestions() {
        XCTAssertThrowsError(try catalog.load("chapter3-ruoter")) { error in
            guard case let ExerciseCatalog.Failure.unknownExercise(id, suggestions, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(id, "chapter3-ruoter")
            XCTAssertEqual(suggestions.first, "chapter3-router")
            XCTAssertTrue("\(error)".contains("did you mean \"chapter3-router\""))
        }
        XCTAssertTrue(ExerciseCatalog.suggestions(for: "veth", in: try catalog.ids()).contains("chapter3-veth"))
    }

    func testFileNameMustMatchId() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-ex-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try (minimal + "}").write(to: dir.appendingPathComponent("y.json"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ExerciseCatalog(directory: dir.path).load("y")) { error in
            XCTAssertEqual((error as? ExerciseFileError)?.field, "id")
        }
    }

    func testVariantsAndLayout() throws {
        let e = try ExerciseLoader.load(text: minimal + """
            , "variants": ["y", "z"], "layout": {"en": "ns1 alone", "ja": "ns1 だけ"}}
            """, file: "x.json")
        XCTAssertEqual(e.variants, ["y", "z"])
        XCTAssertEqual(e.layout?.en, "ns1 alone")
        XCTAssertEqual(try ExerciseLoader.load(text: minimal + "}", file: "x.json").variants, [])
    }

    func testVariantNamingItselfTwiceOrNotAnId() {
        XCTAssertEqual(load(minimal + ", \"variants\": [\"y\", \"x\"]}")?.description,
                       "broken.json: /variants/1: field \"variants\": names the exercise itself; list the other layouts of the same end state")
        XCTAssertEqual(load(minimal + ", \"variants\": [\"y\", \"y\"]}")?.position, "/variants/1")
        XCTAssertEqual(load(minimal + ", \"variants\": [\"../y\"]}")?.position, "/variants/0")
        XCTAssertEqual(load(minimal + ", \"variants\": \"y\"}")?.position, "/variants")
        XCTAssertEqual(load(minimal + ", \"layout\": {\"en\": \"only english\"}}")?.field, "ja")
    }

    /// The shipped bridges name each other: each finds the other once, and the walk ends.
    func testShippedBridgeLayoutsAreVariantsOfEachOther() throws {
        let first = try catalog.load("chapter4-bridge"), second = try catalog.load("chapter4-bridge-netns")
        XCTAssertEqual(try catalog.variants(of: first).map(\.id), ["chapter4-bridge-netns"])
        XCTAssertEqual(try catalog.variants(of: second).map(\.id), ["chapter4-bridge"])
        XCTAssertEqual(second.layout?.en, "br0 in the namespace bridge, as the book's 2nd edition builds it")
        XCTAssertNotNil(first.layout?.ja)
        for id in try catalog.ids() where !["chapter4-bridge", "chapter4-bridge-netns"].contains(id) {
            XCTAssertEqual(try catalog.load(id).variants, [], id)
        }
    }

    /// a → b → c → a, and b → a: every one once, in the order reached; a missing one is named where it is declared.
    func testVariantWalkEndsOnCyclesAndNamesAMissingOne() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-variants-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ id: String, _ variants: [String]) throws {
            let list = variants.map { "\"\($0)\"" }.joined(separator: ", ")
            try """
                {"id": "\(id)", "title": {"en": "\(id)", "ja": "\(id)"}, "namespaces": ["ns1"], "variants": [\(list)]}
                """.write(to: dir.appendingPathComponent("\(id).json"), atomically: true, encoding: .utf8)
        }
        try write("a", ["b"]); try write("b", ["c", "a"]); try write("c", ["a"])
        let catalog = ExerciseCatalog(directory: dir.path)
        XCTAssertEqual(try catalog.variants(of: try catalog.load("a")).map(\.id), ["b", "c"])
        XCTAssertEqual(try catalog.variants(of: try catalog.load("c")).map(\.id), ["a", "b"])
        try write("c", ["a", "bb"])
        XCTAssertThrowsError(try catalog.variants(of: try catalog.load("a"))) { error in
            let e = error as? ExerciseFileError
            XCTAssertEqual(e?.file, dir.appendingPathComponent("c.json").path, "the file that names it")
            XCTAssertEqual(e?.position, "/variants/1")
            XCTAssertEqual(e?.field, "variants")
            XCTAssertTrue(e?.message.hasPrefix("no exercise \"bb\" in \(dir.path) (did you mean \"b\"") ?? false, "\(String(describing: e))")
        }
    }

    func testEditDistance() {
        XCTAssertEqual(editDistance("kitten", "sitting"), 3)
        XCTAssertEqual(editDistance("", "abc"), 3)
        XCTAssertEqual(editDistance("ruoter", "router"), 1, "a swap of neighbours is one typo")
        XCTAssertEqual(ExerciseCatalog.suggestions(for: "chapter3-ruoter", in: ["chapter3-router", "chapter3-veth"]), ["chapter3-router"])
        XCTAssertEqual(closestMatch(to: "adress", in: ["address", "link"]), "address")
        XCTAssertNil(closestMatch(to: "zzzzzz", in: ["address", "link"]))
    }
}
