import Addresses
import XCTest
@testable import NetlinkWire

/// Decoding the kernel's own bytes, and encoding requests byte for byte as `ip` would.
final class MessageTests: XCTestCase {
    func one(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> NetlinkMessage {
        let messages = try NetlinkMessage.split(bytes)
        XCTAssertEqual(messages.count, 1, file: file, line: line)
        return try XCTUnwrap(messages.first, file: file, line: line)
    }

    func testLinkMessage() throws {
        let m = try one(Fixtures.link)
        XCTAssertEqual(m.header.type, NetlinkMessageType.newLink)
        XCTAssertEqual(m.header.flags & NetlinkFlags.multi, NetlinkFlags.multi)
        XCTAssertEqual(m.header.sequence, 7)
        let link = try LinkMessage(payload: m.payload)
        XCTAssertEqual(link.index, 2)
        XCTAssertEqual(link.deviceType, 1, "ARPHRD_ETHER")
        XCTAssertEqual(link.name, "ns1-veth0")
        XCTAssertNotEqual(link.flags & LinkMessage.flagUp, 0, "administratively up")
        XCTAssertEqual(link.flags & LinkMessage.flagLowerUp, 0, "no carrier: the peer is down")
        XCTAssertTrue(link.attributes.contains(.address([0x00, 0x00, 0x5e, 0x00, 0x53, 0x01])))
        XCTAssertTrue(link.attributes.contains(.mtu(1500)))
        XCTAssertTrue(link.attributes.contains(.link(2)), "the peer's ifindex in its own namespace")
        XCTAssertTrue(link.attributes.contains(.linkNetnsID(0)))
        XCTAssertTrue(link.attributes.contains(.operState(2)))
        XCTAssertEqual(operStateName(2), "DOWN")
        XCTAssertTrue(link.attributes.contains(.carrier(0)))
        let kind = link.attributes.compactMap { if case .linkInfo(let kind, _) = $0 { return kind }; return nil }
        XCTAssertEqual(kind, ["veth"])
    }

    func testAddressMessage() throws {
        let m = try one(Fixtures.address)
        XCTAssertEqual(m.header.type, NetlinkMessageType.newAddress)
        let a = try AddressMessage(payload: m.payload)
        XCTAssertEqual(a.family, 2)
        XCTAssertEqual(a.prefixLength, 24)
        XCTAssertEqual(a.interfaceIndex, 2)
        XCTAssertEqual(a.scope, 0, "global")
        XCTAssertEqual(a.ipv4, IPv4Address(192, 0, 2, 1))
        XCTAssertTrue(a.attributes.contains(.label("ns1-veth0")))
        XCTAssertEqual(a.validLifetime, UInt32.max, "forever")
    }

    func testRoutes() throws {
        let connected = try RouteMessage(payload: one(Fixtures.connectedRoute).payload)
        XCTAssertEqual(connected.destination, IPv4Address(192, 0, 2, 0))
        XCTAssertEqual(connected.destinationLength, 24)
        XCTAssertNil(connected.gateway)
        XCTAssertEqual(connected.preferredSource, IPv4Address(192, 0, 2, 1))
        XCTAssertEqual(connected.routeProtocol, 2, "proto kernel")
        XCTAssertEqual(connected.scope, 253, "scope link")
        XCTAssertEqual(connected.fullTable, 254, "main")

        let staticRoute = try RouteMessage(payload: one(Fixtures.staticRoute).payload)
        XCTAssertEqual(staticRoute.destination, IPv4Address(198, 51, 100, 0))
        XCTAssertEqual(staticRoute.destinationLength, 24)
        XCTAssertEqual(staticRoute.gateway, IPv4Address(192, 0, 2, 254))
        XCTAssertEqual(staticRoute.outputInterface, 2)
        XCTAssertEqual(staticRoute.routeProtocol, 3, "proto boot: typed by hand")
        XCTAssertEqual(staticRoute.type, 1, "unicast")

        let local = try RouteMessage(payload: one(Fixtures.localRoute).payload)
        XCTAssertEqual(local.fullTable, 255, "table local")
        XCTAssertEqual(local.type, 2, "local")
        XCTAssertEqual(local.destination, IPv4Address(192, 0, 2, 1))
        XCTAssertEqual(local.destinationLength, 32)
    }

    func testRouteLookupAnswer() throws {
        let m = try one(Fixtures.routeGet)
        XCTAssertEqual(m.header.type, NetlinkMessageType.newRoute)
        XCTAssertEqual(m.header.sequence, 9)
        let r = try RouteMessage(payload: m.payload)
        XCTAssertEqual(r.destination, IPv4Address(198, 51, 100, 1))
        XCTAssertEqual(r.gateway, IPv4Address(192, 0, 2, 254))
        XCTAssertEqual(r.preferredSource, IPv4Address(192, 0, 2, 1))
        XCTAssertEqual(r.outputInterface, 2)
    }

    func testErrorAnswer() throws {
        let m = try one(Fixtures.unreachable)
        XCTAssertEqual(m.header.type, NetlinkMessageType.error)
        XCTAssertEqual(try m.errorCode(), -101, "-ENETUNREACH")
    }

    func testSeveralMessagesInOneDatagram() throws {
        let datagram = Fixtures.address + Fixtures.connectedRoute + Fixtures.staticRoute
        let messages = try NetlinkMessage.split(datagram)
        XCTAssertEqual(messages.map(\.header.type), [NetlinkMessageType.newAddress, NetlinkMessageType.newRoute, NetlinkMessageType.newRoute])
    }

    /// Every prefix of every fixture either decodes or throws a decode error: never a trap, never a read past
    /// the end. (A prefix that ends on a message boundary decodes to fewer messages.)
    func testEveryPrefixIsSafe() {
        for fixture in Fixtures.all {
            for length in 0..<fixture.count {
                let prefix = Array(fixture[0..<length])
                do {
                    let messages = try NetlinkMessage.split(prefix)
                    XCTAssertTrue(messages.isEmpty, "a \(length)-byte prefix of a \(fixture.count)-byte message split")
                } catch {
                    XCTAssertTrue(error is NetlinkDecodeError, "\(error)")
                }
            }
        }
    }

    /// Payloads cut anywhere, and attributes whose length lies, give a decode error.
    func testTruncatedPayloadsThrow() throws {
        let link = try one(Fixtures.link).payload
        let address = try one(Fixtures.address).payload
        let route = try one(Fixtures.staticRoute).payload
        for cut in [0, 3, 15, 17, 20, 23] {
            XCTAssertThrowsError(try LinkMessage(payload: Array(link.prefix(cut))), "link cut at \(cut)")
        }
        for cut in [0, 7, 9, 12] {
            XCTAssertThrowsError(try AddressMessage(payload: Array(address.prefix(cut))), "address cut at \(cut)")
        }
        for cut in [0, 11, 14, 18] {
            XCTAssertThrowsError(try RouteMessage(payload: Array(route.prefix(cut))), "route cut at \(cut)")
        }
        // An attribute claiming 200 bytes in a 12-byte buffer.
        XCTAssertThrowsError(try RouteAttribute.parse([200, 0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8]))
        // An attribute length shorter than its own header.
        XCTAssertThrowsError(try RouteAttribute.parse([2, 0, 1, 0]))
        // An IFLA_MTU too short to hold a u32.
        XCTAssertThrowsError(try LinkMessage(payload: [UInt8](repeating: 0, count: 16) + [6, 0, 4, 0, 0xdc, 0x05, 0, 0]))
        // A header whose length is below its own size.
        XCTAssertThrowsError(try NetlinkMessage.split([8, 0, 0, 0] + [UInt8](repeating: 0, count: 12)))
    }

    func testRequestsAreWhatIpSends() {
        // struct.pack("=IHHII", 32, RTM_GETLINK, NLM_F_REQUEST|NLM_F_DUMP, 7, 0) + 16 zero bytes
        XCTAssertEqual(NetlinkRequest.dumpLinks(sequence: 7),
                       [32, 0, 0, 0, 18, 0, 0x01, 0x03, 7, 0, 0, 0, 0, 0, 0, 0] + [UInt8](repeating: 0, count: 16))
        XCTAssertEqual(NetlinkRequest.dumpAddresses(sequence: 1),
                       [24, 0, 0, 0, 22, 0, 0x01, 0x03, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0])
        XCTAssertEqual(NetlinkRequest.dumpRoutes(sequence: 1),
                       [28, 0, 0, 0, 26, 0, 0x01, 0x03, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        // `ip route get 198.51.100.1`: rtmsg with dst_len 32 and RTA_DST.
        XCTAssertEqual(NetlinkRequest.getRoute(to: IPv4Address(198, 51, 100, 1), from: nil, sequence: 9),
                       [36, 0, 0, 0, 26, 0, 0x01, 0x00, 9, 0, 0, 0, 0, 0, 0, 0,
                        2, 32, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                        8, 0, 1, 0, 198, 51, 100, 1])
        let withSource = NetlinkRequest.getRoute(to: IPv4Address(198, 51, 100, 1), from: IPv4Address(192, 0, 2, 1), sequence: 9)
        XCTAssertEqual(withSource.count, 44)
        XCTAssertEqual(withSource[18], 32, "src_len")
        XCTAssertEqual(Array(withSource[36...]), [8, 0, 2, 0, 192, 0, 2, 1], "RTA_SRC")
    }
}
