import Addresses
import XCTest

/// The parsers of the notation `ip` uses: what they take, and everything close to it that they refuse.
final class AddressValueTests: XCTestCase {
    func testIPv4Parsing() {
        XCTAssertEqual(IPv4Address("192.0.2.1")?.bytes, [192, 0, 2, 1])
        XCTAssertEqual(IPv4Address("192.0.2.1")?.description, "192.0.2.1")
        XCTAssertEqual(IPv4Address("0.0.0.0")?.value, 0)
        XCTAssertEqual(IPv4Address("255.255.255.255")?.value, UInt32.max)
        XCTAssertEqual(IPv4Address("10.0.0.0"), IPv4Address(10, 0, 0, 0))
        for bad in ["", "192.0.2", "192.0.2.1.5", "192.0.2.256", "192.0.02.1", "a.b.c.d", "192.0.2.-1", "1..2.3", " 192.0.2.1",
                    "192.0.2.1 ", "+1.2.3.4", "1.2.3.+4", "192.0.2.1000", "1.2.3.4.", ".1.2.3", "00.1.2.3",
                    "١٩٢.0.2.1", "192.0.2.1\u{301}", "0x7f.0.0.1", "4294967296.0.0.1", "1.2.3.99999999999999999999"] {
            XCTAssertNil(IPv4Address(bad), bad)
        }
        XCTAssertEqual(IPv4Address(bytes: [203, 0, 113, 254]), IPv4Address("203.0.113.254"))
        XCTAssertEqual(IPv4Address(bytes: [UInt8]([9, 203, 0, 113, 254]).dropFirst()), IPv4Address("203.0.113.254"))
        XCTAssertNil(IPv4Address(bytes: [1, 2, 3]))
        XCTAssertNil(IPv4Address(bytes: [1, 2, 3, 4, 5]))
        XCTAssertLessThan(IPv4Address("192.0.2.9")!, IPv4Address("192.0.2.10")!, "ordered as numbers, not as text")
    }

    func testPrefixes() {
        let p = IPv4Prefix("198.51.100.7/24")!
        XCTAssertEqual(p.network, IPv4Address("198.51.100.0"))
        XCTAssertEqual(p.address, IPv4Address("198.51.100.7"), "kept as given: an interface address with its length")
        XCTAssertEqual(p.masked.description, "198.51.100.0/24")
        XCTAssertTrue(p.contains(IPv4Address("198.51.100.254")!))
        XCTAssertFalse(p.contains(IPv4Address("198.51.101.1")!))
        XCTAssertEqual(IPv4Prefix("default"), IPv4Prefix(IPv4Address(0), 0))
        XCTAssertTrue(IPv4Prefix("default")!.contains(IPv4Address("8.8.8.8")!))
        XCTAssertEqual(IPv4Prefix("default")?.description, "default")
        XCTAssertEqual(IPv4Prefix("default")?.cidr, "0.0.0.0/0")
        XCTAssertEqual(IPv4Prefix("0.0.0.0/0")?.description, "default")
        XCTAssertEqual(IPv4Prefix("192.0.2.1")?.length, 32)
        XCTAssertEqual(IPv4Prefix("192.0.2.1/32")?.mask, UInt32.max)
        XCTAssertEqual(IPv4Prefix("192.0.2.1/0")?.mask, 0)
        XCTAssertEqual(IPv4Prefix("10.1.2.3/8")?.masked.cidr, "10.0.0.0/8")
        XCTAssertEqual(IPv4Prefix("192.0.2.0/024")?.length, 24, "leading zeros of the length, as before")
        for bad in ["192.0.2.0/33", "192.0.2.0/", "192.0.2.0/a", "192.0.2.0/24/1", "/24", "192.0.2.0/-1", "192.0.2.0/+24",
                    "192.0.2.0/ 24", "192.0.2.0/24 ", "192.0.2.0/٢٤", "192.0.2.0/99999999999999999999", "Default", "default/0",
                    "192.0.2/24", ""] {
            XCTAssertNil(IPv4Prefix(bad), bad)
        }
    }

    func testMAC() {
        XCTAssertEqual(MACAddress("00:00:5E:00:53:01")?.description, "00:00:5e:00:53:01")
        XCTAssertEqual(MACAddress("0:0:5e:0:53:1")?.description, "00:00:5e:00:53:01")
        XCTAssertEqual(MACAddress("fF:Ff:aB:cD:eF:09")?.bytes, [0xff, 0xff, 0xab, 0xcd, 0xef, 0x09])
        XCTAssertEqual(MACAddress.broadcast.description, "ff:ff:ff:ff:ff:ff")
        for bad in ["", "00:00:5e:00:53", "00:00:5e:00:53:01:02", "00:00:5e:00:53:zz", "000:00:5e:00:53:01",
                    // UInt8(_:radix:) takes a sign: "+f" would be 15, "-0" would be 0.
                    "+f:00:5e:00:53:01", "00:00:5e:00:53:+1", "-0:00:5e:00:53:01", "+:00:5e:00:53:01",
                    "00::5e:00:53:01", ":00:00:5e:00:53", "00:00:5e:00:53:01:", "00-00-5e-00-53-01", "0000.5e00.5301",
                    " 00:00:5e:00:53:01", "00:00:5e:00:53:01 ", "0g:00:5e:00:53:01", "00:00:5e:00:53:0x",
                    "０0:00:5e:00:53:01", "00:00:5e:00:53:0\u{301}"] {
            XCTAssertNil(MACAddress(bad), bad)
        }
        XCTAssertEqual(MACAddress(bytes: [0, 0, 0x5e, 0, 0x53, 1]), MACAddress("00:00:5e:00:53:01"))
        XCTAssertNil(MACAddress(bytes: [0, 0, 0x5e, 0, 0x53]))
        XCTAssertNil(MACAddress(bytes: [0, 0, 0x5e, 0, 0x53, 1, 2]))
    }

    /// Every text a parser takes prints back as itself, in the canonical form (a round trip over all the
    /// one-byte values in each position).
    func testRoundTrips() {
        for b in 0...255 {
            let a = IPv4Address(UInt8(b), UInt8(255 - b), 0, UInt8(b))
            XCTAssertEqual(IPv4Address(a.description), a)
            let m = MACAddress(bytes: [UInt8(b), 0, 0x5e, 0, 0x53, UInt8(255 - b)])!
            XCTAssertEqual(MACAddress(m.description), m)
            XCTAssertEqual(MACAddress(m.description.uppercased()), m)
        }
        for n in 0...32 { XCTAssertEqual(IPv4Prefix("192.0.2.1/\(n)")?.length, n) }
    }
}
