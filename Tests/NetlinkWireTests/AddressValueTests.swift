import NetlinkWire
import XCTest

final class AddressValueTests: XCTestCase {
    func testIPv4Parsing() {
        XCTAssertEqual(IPv4Address("192.0.2.1")?.bytes, [192, 0, 2, 1])
        XCTAssertEqual(IPv4Address("192.0.2.1")?.description, "192.0.2.1")
        for bad in ["", "192.0.2", "192.0.2.1.5", "192.0.2.256", "192.0.02.1", "a.b.c.d", "192.0.2.-1", "1..2.3", " 192.0.2.1"] {
            XCTAssertNil(IPv4Address(bad), bad)
        }
        XCTAssertEqual(IPv4Address(bytes: [203, 0, 113, 254]), IPv4Address("203.0.113.254"))
        XCTAssertNil(IPv4Address(bytes: [1, 2, 3]))
    }

    func testPrefixes() {
        let p = IPv4Prefix("198.51.100.7/24")!
        XCTAssertEqual(p.network, IPv4Address("198.51.100.0"))
        XCTAssertEqual(p.masked.description, "198.51.100.0/24")
        XCTAssertTrue(p.contains(IPv4Address("198.51.100.254")!))
        XCTAssertFalse(p.contains(IPv4Address("198.51.101.1")!))
        XCTAssertEqual(IPv4Prefix("default"), IPv4Prefix(IPv4Address(0), 0))
        XCTAssertTrue(IPv4Prefix("default")!.contains(IPv4Address("8.8.8.8")!))
        XCTAssertEqual(IPv4Prefix("default")?.description, "default")
        XCTAssertEqual(IPv4Prefix("default")?.cidr, "0.0.0.0/0")
        XCTAssertEqual(IPv4Prefix("192.0.2.1")?.length, 32)
        for bad in ["192.0.2.0/33", "192.0.2.0/", "192.0.2.0/a", "192.0.2.0/24/1", "/24", "192.0.2.0/-1"] {
            XCTAssertNil(IPv4Prefix(bad), bad)
        }
    }

    func testMAC() {
        XCTAssertEqual(MACAddress("00:00:5E:00:53:01")?.description, "00:00:5e:00:53:01")
        XCTAssertEqual(MACAddress("0:0:5e:0:53:1")?.description, "00:00:5e:00:53:01")
        XCTAssertEqual(MACAddress.broadcast.description, "ff:ff:ff:ff:ff:ff")
        for bad in ["", "00:00:5e:00:53", "00:00:5e:00:53:01:02", "00:00:5e:00:53:zz", "000:00:5e:00:53:01"] {
            XCTAssertNil(MACAddress(bad), bad)
        }
    }
}
