import XCTest
@testable import NetlinkWire

/// `struct inet_diag_msg` replies as a Linux 6.x kernel sent them to a SOCK_DIAG_BY_FAMILY dump (all states),
/// captured with a plain AF_NETLINK socket in a fresh network namespace where a Python script had made: a TCP
/// listener on [::]:54321 with IPV6_V6ONLY=1, a UDP socket bound to 127.0.0.1:54321 and connected to
/// 127.0.0.1:40000, and a TCP connection to 127.0.0.1:54322 closed by the client (left in TIME_WAIT).
final class SockDiagTests: XCTestCase {
    static let v6OnlyListener = Fixtures.bytes("""
        0a0a0000d4310000000000000000000000000000000000000000000000000000000000000000000000000000770000000000000000000000000000008000000000000000d88c0400050008000000000005000b000100000008000f00000000000c00150001000000000000000600160012000000
        """)
    static let connectedUDP = Fixtures.bytes("""
        02010000d4319c407f0000010000000000000000000000007f00000100000000000000000000000000000000780000000000000000000000000000000000000000000000d98c0400050008000000000008000f00000000000c00150001000000000000000600160050000000
        """)
    static let timeWait = Fixtures.bytes("""
        02060300ab0cd4327f0000010000000000000000000000007f000001000000000000000000000000000000007a00000000000000f8e900000000000000000000000000000000000008000f0000000000
        """)

    func testV6OnlyListener() throws {
        let m = try InetDiagMessage(payload: Self.v6OnlyListener)
        XCTAssertEqual(m.family, 10)
        XCTAssertEqual(m.state, InetDiagMessage.stateListen)
        XCTAssertEqual(m.sourcePort, 54321)
        XCTAssertEqual(m.sourceText, "::")
        XCTAssertEqual(m.v6Only, true)
        XCTAssertEqual(m.inode, 0x048cd8)
        XCTAssertFalse(m.otherAttributes.isEmpty, "the attributes netcheck does not read are kept")
    }

    func testConnectedUDPSocketKnowsItsPeer() throws {
        let m = try InetDiagMessage(payload: Self.connectedUDP)
        XCTAssertEqual(m.state, InetDiagMessage.stateEstablished)
        XCTAssertEqual(m.sourceText, "127.0.0.1")
        XCTAssertEqual(m.sourcePort, 54321)
        XCTAssertEqual(m.destinationText, "127.0.0.1")
        XCTAssertEqual(m.destinationPort, 40000)
        XCTAssertNil(m.v6Only, "an IPv4 socket carries no INET_DIAG_SKV6ONLY")
    }

    func testTimeWaitExpires() throws {
        let m = try InetDiagMessage(payload: Self.timeWait)
        XCTAssertEqual(m.state, InetDiagMessage.stateTimeWait)
        XCTAssertEqual(m.sourcePort, 43788)
        XCTAssertEqual(m.destinationPort, 54322)
        XCTAssertEqual(m.expires, 59896, "milliseconds left of the 60 s TIME_WAIT")
        XCTAssertEqual(m.inode, 0)
    }

    func testEveryPrefixFailsCleanly() {
        for fixture in [Self.v6OnlyListener, Self.connectedUDP, Self.timeWait] {
            for n in 0..<InetDiagMessage.size {
                XCTAssertThrowsError(try InetDiagMessage(payload: Array(fixture.prefix(n))), "prefix \(n)")
            }
            for n in InetDiagMessage.size...fixture.count {
                // Past the fixed part, a cut attribute is either a clean error or left out: never a trap.
                _ = try? InetDiagMessage(payload: Array(fixture.prefix(n)))
            }
        }
    }
}
