@testable import Grading
import Report
import XCTest

// The verdicts of the chapter 5, 6 and 8 service checks, judged again from recorded real runs: no root.

final class ServiceVerdictTests: XCTestCase {
    func testTheBooksNcServesOneConnection() throws {
        XCTAssertEqual(try Replay.check("tcp-pass", "root.tcp.54321.bound").status, .pass)
        let c = try Replay.check("tcp-pass", "root.tcp.54321.connect")
        XCTAssertEqual(c.status, .pass)
        XCTAssertTrue(c.note?.contains("`nc -lnv 127.0.0.1 54321`") ?? false, c.note ?? "no note")
    }

    func testNothingListens() throws {
        let c = try Replay.check("tcp-nothing", "root.tcp.54321.bound")
        XCTAssertEqual(c.status, .fail)
        XCTAssertTrue(c.hint.contains("`nc -lnv 127.0.0.1 54321`"), c.hint)
    }

    func testUDP() throws {
        XCTAssertEqual(try Replay.check("udp-pass", "root.udp.54321.datagram").status, .pass)
        XCTAssertTrue(try Replay.check("udp-tcp-instead", "root.udp.54321.bound").hint.contains("the exercise is UDP"))
    }

    func testHTTP() throws {
        XCTAssertEqual(try Replay.check("http-pass", "root.tcp.80.http").status, .pass)
        XCTAssertTrue(try Replay.check("http-listing", "root.tcp.80.http").hint.contains("index.html is not there"))
    }

    func testEchoAndAdd() throws {
        XCTAssertEqual(try Replay.check("echo-pass", "root.tcp.54321.echo").status, .pass)
        XCTAssertEqual(try Replay.check("binproto-pass", "root.tcp.54321.sum").status, .pass)
        XCTAssertTrue(try Replay.check("binproto-little-endian", "root.tcp.54321.sum").hint.contains("byte order is wrong"))
    }
}
