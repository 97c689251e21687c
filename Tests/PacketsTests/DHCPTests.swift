import Addresses
import Foundation
import TestSupport
import XCTest
@testable import Packets

/// BOOTP/DHCP: the DISCOVER builder, a server's OFFER and ACK decoded field by field, cut and malformed messages
/// (which never make a frame fail), and `TcpdumpFormat.detail` against `tcpdump -v`. The `-tnel` lines of these
/// frames are checked in TcpdumpDifferentialTests (FrameKit.dhcpFrames).
final class DHCPTests: XCTestCase {
    typealias K = FrameKit

    func testDiscoverFrame() throws {
        let bytes = DHCPMessage.discoverFrame(clientMAC: K.client, transactionID: 0x1234_abcd)
        XCTAssertEqual(bytes.count, 342)
        XCTAssertEqual(K.checksum(Array(bytes[14..<34])), 0, "IPv4 header checksum")
        let frame = try EthernetFrame.decode(bytes)
        XCTAssertEqual(frame.destination, .broadcast)
        XCTAssertEqual(frame.source, K.client)
        guard case .ipv4(let ip) = frame.payload, case .udp(let udp) = ip.transport else { return XCTFail("\(frame)") }
        XCTAssertEqual(ip.source, K.ip("0.0.0.0"))
        XCTAssertEqual(ip.destination, K.ip("255.255.255.255"))
        XCTAssertEqual(ip.totalLength, 328)
        XCTAssertEqual([udp.sourcePort, udp.destinationPort], [68, 67])
        XCTAssertEqual(udp.length, 308)
        XCTAssertEqual(udp.dhcp, DHCPMessage(operation: 1, transactionID: 0x1234_abcd, flags: 0x8000,
                                             clientAddress: K.ip("0.0.0.0"), yourAddress: K.ip("0.0.0.0"),
                                             serverAddress: K.ip("0.0.0.0"), clientMAC: K.client, messageType: 1))
        XCTAssertEqual(udp.dhcp?.messageTypeName, "Discover")
        // Options: 53 = DISCOVER, 55 = [1, 3, 6], end; then padding to 300 bytes of BOOTP.
        XCTAssertEqual(Array(bytes[(42 + 236)..<(42 + 249)]), [99, 130, 83, 99, 53, 1, 1, 55, 3, 1, 3, 6, 255])
        XCTAssertEqual(TcpdumpFormat.detail(frame), "DHCP-Message (53), length 1: Discover")
    }

    func testOfferAndAck() throws {
        for (frameBytes, type, name) in [(K.dhcpOffer, UInt8(2), "Offer"), (K.dhcpAck, 5, "ACK")] {
            let frame = try EthernetFrame.decode(frameBytes)
            guard case .ipv4(let ip) = frame.payload, case .udp(let udp) = ip.transport, let m = udp.dhcp else {
                return XCTFail("\(name): \(frame)")
            }
            XCTAssertEqual([udp.sourcePort, udp.destinationPort], [67, 68])
            XCTAssertEqual(m.operation, 2, name)
            XCTAssertEqual(m.transactionID, 0x1234_abcd, name)
            XCTAssertEqual(m.flags, type == 5 ? 0x8000 : 0, name)
            XCTAssertEqual(m.clientAddress, K.ip("0.0.0.0"), name)
            XCTAssertEqual(m.yourAddress, K.ip("192.0.2.150"), name)
            XCTAssertEqual(m.serverAddress, K.ip("0.0.0.0"), name)
            XCTAssertEqual(m.clientMAC, K.client, name)
            XCTAssertEqual(m.messageType, type, name)
            XCTAssertEqual(m.messageTypeName, name)
            XCTAssertEqual(m.serverIdentifier, K.ip("192.0.2.254"), name)
            XCTAssertEqual(m.leaseSeconds, 3600, name)
            XCTAssertEqual(m.subnetMask, K.ip("255.255.255.0"), name)
            XCTAssertEqual(m.routers, [K.ip("192.0.2.254")], name)
            XCTAssertEqual(TcpdumpFormat.detail(frame), "DHCP-Message (53), length 1: \(name), Your-IP 192.0.2.150")
        }
    }

    func testMessageTypeNames() {
        var m = DHCPMessage(operation: 1, transactionID: 0, flags: 0, clientAddress: IPv4Address(0),
                            yourAddress: IPv4Address(0), serverAddress: IPv4Address(0), clientMAC: K.client)
        XCTAssertEqual(m.messageTypeName, "")
        let names = [1: "Discover", 2: "Offer", 3: "Request", 4: "Decline", 5: "ACK", 6: "NACK", 7: "Release",
                     8: "Inform", 9: "Unknown (9)", 13: "LeaseActive", 200: "Unknown (200)"]
        for (type, name) in names {
            m.messageType = UInt8(type)
            XCTAssertEqual(m.messageTypeName, name)
        }
    }

    /// Pad options are skipped, the end option may be missing, and bytes after it are not read; several routers.
    func testOptionWalk() throws {
        let options: [UInt8] = [0, 0, 53, 1, 3, 0, 3, 8, 192, 0, 2, 1, 192, 0, 2, 2, 61, 0]
        let m = try DHCPMessage.decode(K.bootp(op: 1, options: options, padTo: 0))
        XCTAssertEqual(m.messageType, 3)
        XCTAssertEqual(m.routers, [K.ip("192.0.2.1"), K.ip("192.0.2.2")])
        let ended = try DHCPMessage.decode(K.bootp(op: 1, options: [53, 1, 7, 255, 53, 40, 9]))
        XCTAssertEqual(ended.messageType, 7)
        XCTAssertNil(ended.serverIdentifier)
    }

    /// Malformed BOOTP data throws from `DHCPMessage.decode` and leaves `dhcp` nil in a frame that still decodes.
    func testMalformedMessagesLeaveDHCPNil() throws {
        var noCookie = K.bootp(op: 1, options: [53, 1, 1, 255])
        noCookie[236] = 0
        var ieee802 = K.bootp(op: 1, options: [53, 1, 1, 255])
        ieee802[1] = 6
        let cases: [(String, [UInt8])] = [
            ("length past the end", K.bootp(op: 1, options: [53, 40, 1], padTo: 0)),
            ("length byte missing", K.bootp(op: 1, options: [53, 1, 1, 54], padTo: 0)),
            ("missing cookie", noCookie),
            ("operation 3", K.bootp(op: 3, options: [255])),
            ("hardware type 6", ieee802),
            ("option 53 length 2", K.bootp(op: 1, options: [53, 2, 1, 1, 255])),
            ("option 54 length 3", K.bootp(op: 2, options: [54, 3, 192, 0, 2, 255])),
            ("option 3 length 5", K.bootp(op: 2, options: [3, 5, 192, 0, 2, 254, 1, 255])),
            ("option 3 length 0", K.bootp(op: 2, options: [3, 0, 255])),
        ]
        for (name, payload) in cases {
            XCTAssertThrowsError(try DHCPMessage.decode(payload), name) { error in
                guard case FrameDecodeError.malformed(layer: "DHCP", _) = error else { return XCTFail("\(name): \(error)") }
            }
            let frame = try EthernetFrame.decode(K.dhcpFrame(payload))
            guard case .ipv4(let ip) = frame.payload, case .udp(let udp) = ip.transport else { return XCTFail(name) }
            XCTAssertNil(udp.dhcp, name)
            XCTAssertNil(TcpdumpFormat.detail(frame), name)
        }
    }

    /// Every prefix of each DHCP frame decodes or throws FrameDecodeError; and every prefix of its BOOTP data,
    /// sent as a whole datagram, decodes (with `dhcp` nil when cut short of 240 bytes) and renders.
    func testEveryPrefixDecodesOrThrows() throws {
        for frame in K.dhcpFrames() {
            for n in 0...frame.bytes.count {
                do { _ = try EthernetFrame.decode(Array(frame.bytes.prefix(n))) } catch is FrameDecodeError {} catch {
                    XCTFail("\(frame.name) prefix \(n): unexpected \(error)")
                }
            }
        }
        for bytes in [DHCPMessage.discoverFrame(clientMAC: K.client, transactionID: 1), K.dhcpOffer, K.dhcpAck] {
            let payload = Array(bytes[42...])
            for n in 0...payload.count {
                let cut = Array(payload.prefix(n))
                do { _ = try DHCPMessage.decode(cut) } catch is FrameDecodeError {} catch { XCTFail("\(n): \(error)") }
                let frame = try EthernetFrame.decode(K.dhcpFrame(cut))
                guard case .ipv4(let ip) = frame.payload, case .udp(let udp) = ip.transport else { return XCTFail("\(n)") }
                if n < 240 { XCTAssertNil(udp.dhcp, "\(n)") }
                XCTAssertTrue(TcpdumpFormat.line(frame).contains("BOOTP/DHCP") || n == 0)
                _ = TcpdumpFormat.detail(frame)
            }
        }
    }

    /// Random options after a valid header and cookie: decode or throw, never trap.
    func testRandomOptionsNeverTrap() {
        var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
        func next() -> UInt8 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: seed >> 33)
        }
        for _ in 0..<2000 {
            let count = Int(next()) % 80
            let options = (0..<count).map { _ in next() % 4 == 0 ? [0, 1, 3, 51, 53, 54, 255][Int(next()) % 7] : next() }
            do { _ = try DHCPMessage.decode(K.bootp(op: 2, options: options, padTo: 0)) } catch is FrameDecodeError {} catch {
                XCTFail("\(options): \(error)")
            }
        }
    }

    func testDetailIsNilForOtherFrames() throws {
        for frame in K.differentialFrames() where !frame.name.hasPrefix("DHCP") && !frame.name.hasPrefix("BOOTP") {
            XCTAssertNil(TcpdumpFormat.detail(try EthernetFrame.decode(frame.bytes, wireLength: frame.wireLength)), frame.name)
        }
        // A plain BOOTP message with the cookie but no option 53 and no yiaddr has nothing to show.
        XCTAssertNil(TcpdumpFormat.detail(try EthernetFrame.decode(K.dhcpFrame(K.bootp(op: 1, options: [255])))))
    }

    /// `detail` equals the DHCP-Message and Your-IP lines `tcpdump -tnelv` prints for the frame (trimmed,
    /// in that order, joined by ", "); for frames where it is nil tcpdump prints neither or the message is malformed.
    func testDetailMatchesTcpdumpVerbose() throws {
        guard FileManager.default.isExecutableFile(atPath: TcpdumpDifferentialTests.tcpdump) else {
            return XCTFail("\(TcpdumpDifferentialTests.tcpdump) is missing: apt-get install -y tcpdump")
        }
        let frames = K.dhcpFrames()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("dhcp-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PcapFile.write(frames.map { (bytes: $0.bytes, wireLength: $0.wireLength) }, to: path)
        let result = try runProcess(TcpdumpDifferentialTests.tcpdump, ["-tnelv", "-r", path])
        XCTAssertEqual(result.status, 0, result.stderr)

        // One block per frame: its first line starts at column 0, the rest with a space or tab.
        var blocks: [[String]] = []
        for line in result.stdout.split(separator: "\n").map(String.init) {
            if line.hasPrefix(" ") || line.hasPrefix("\t") { blocks[blocks.count - 1].append(line) } else { blocks.append([line]) }
        }
        XCTAssertEqual(blocks.count, frames.count, result.stdout)
        var compared = 0
        for (frame, block) in zip(frames, blocks) {
            let decoded = try EthernetFrame.decode(frame.bytes, wireLength: frame.wireLength)
            guard let detail = TcpdumpFormat.detail(decoded) else { continue }
            let trimmed = block.map { $0.trimmingCharacters(in: .whitespaces) }
            let wanted = [trimmed.first { $0.hasPrefix("DHCP-Message (53)") }, trimmed.first { $0.hasPrefix("Your-IP ") }]
            XCTAssertEqual(detail, wanted.compactMap { $0 }.joined(separator: ", "), "\(frame.name):\n\(block.joined(separator: "\n"))")
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 4)
    }
}

/// DHCP frames: a client (`client`) and the server 192.0.2.254 (`mac3`) on 192.0.2.0/24.
extension FrameKit {
    static let client = MACAddress("02:00:00:12:34:56")!

    /// BOOTP data: the 236-byte fixed header (hops, secs, ciaddr, siaddr, giaddr 0; htype 1, hlen 6,
    /// chaddr `client`), the magic cookie and `options`, zero-padded to `padTo` bytes (300 like dhclient).
    static func bootp(op: UInt8, xid: UInt32 = 0x1234_abcd, flags: Int = 0, yiaddr: String = "0.0.0.0",
                      options: [UInt8], padTo: Int = 300) -> [UInt8] {
        var b: [UInt8] = [op, 1, 6, 0] + be32(xid) + be16(0) + be16(flags)
        b += ip("0.0.0.0").bytes + ip(yiaddr).bytes + ip("0.0.0.0").bytes + ip("0.0.0.0").bytes
        b += client.bytes + [UInt8](repeating: 0, count: 10 + 64 + 128)
        b += [99, 130, 83, 99] + options
        return b + [UInt8](repeating: 0, count: max(0, padTo - b.count))
    }

    /// A server reply (67 -> 68) or, with `request`, a client message (68 -> 67, from 0.0.0.0, broadcast).
    static func dhcpFrame(_ payload: [UInt8], request: Bool = false, dst: String = "255.255.255.255",
                          udpLength: Int? = nil) -> [UInt8] {
        let udp = be16(request ? 68 : 67) + be16(request ? 67 : 68) + be16(udpLength ?? 8 + payload.count) + [0, 0] + payload
        let packet = request ? ipv4("0.0.0.0", "255.255.255.255", proto: 17, flagsOffset: 0, udp)
            : ipv4("192.0.2.254", dst, proto: 17, flagsOffset: 0, udp)
        return ethernet(dst == "255.255.255.255" ? .broadcast : client, request ? client : mac3, type: 0x0800, packet)
    }

    /// Options 53, 54 (192.0.2.254), 51 (3600 s), 1 (/24), 3 (192.0.2.254), end.
    static func serverOptions(_ type: UInt8) -> [UInt8] {
        [53, 1, type, 54, 4, 192, 0, 2, 254, 51, 4, 0, 0, 0x0e, 0x10, 1, 4, 255, 255, 255, 0, 3, 4, 192, 0, 2, 254, 255]
    }

    /// DHCPOFFER of 192.0.2.150, unicast to the client; DHCPACK of it, broadcast (the client set the flag).
    static let dhcpOffer = dhcpFrame(bootp(op: 2, yiaddr: "192.0.2.150", options: serverOptions(2)), dst: "192.0.2.150")
    static let dhcpAck = dhcpFrame(bootp(op: 2, flags: 0x8000, yiaddr: "192.0.2.150", options: serverOptions(5)))

    /// DHCP and BOOTP frames for the differential tests, well-formed ones first, then cut and malformed ones.
    static func dhcpFrames() -> [Frame] {
        let request = bootp(op: 1, flags: 0x8000, options: [53, 1, 3, 50, 4, 192, 0, 2, 150, 54, 4, 192, 0, 2, 254, 255])
        var noCookie = bootp(op: 1, options: [])
        noCookie.replaceSubrange(236..<240, with: [0, 0, 0, 0])
        return [
            frame("DHCP discover (builder)", DHCPMessage.discoverFrame(clientMAC: client, transactionID: 0x1234_abcd)),
            frame("DHCP offer", dhcpOffer),
            frame("DHCP request", dhcpFrame(request, request: true)),
            frame("DHCP ack", dhcpAck),
            frame("DHCP nak", dhcpFrame(bootp(op: 2, options: [53, 1, 6, 54, 4, 192, 0, 2, 254, 255]))),
            frame("DHCP inform", dhcpFrame(bootp(op: 1, options: [53, 1, 8, 255]), request: true)),
            frame("DHCP message type 42", dhcpFrame(bootp(op: 2, yiaddr: "192.0.2.150", options: [53, 1, 42, 255]))),
            frame("BOOTP without DHCP options", dhcpFrame(bootp(op: 2, yiaddr: "192.0.2.151", options: [255]))),
            frame("BOOTP without cookie", dhcpFrame(noCookie, request: true)),
            frame("BOOTP option length past the end", dhcpFrame(bootp(op: 1, options: [53, 40, 1], padTo: 0), request: true)),
            frame("BOOTP request cut at 20 bytes", dhcpFrame(Array(request.prefix(20)), request: true)),
            frame("BOOTP request cut at 34 bytes", dhcpFrame(Array(request.prefix(34)), request: true)),
            frame("BOOTP reply of 1 byte", dhcpFrame([2])),
            frame("BOOTP empty", dhcpFrame([], request: true)),
            frame("BOOTP operation 7", dhcpFrame([7, 1, 6])),
            frame("BOOTP request, hardware type 6", dhcpFrame([1, 6, 6] + [UInt8](repeating: 0, count: 40), request: true)),
            frame("BOOTP UDP length beyond the datagram", dhcpFrame(request, request: true, udpLength: 400)),
            frame("BOOTP UDP length shorter than the data", dhcpFrame(request, request: true, udpLength: 20)),
        ]
    }
}
