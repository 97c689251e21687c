import Addresses
import Foundation
import TestSupport
import XCTest
@testable import Packets

/// Frames built here, written to a pcap file and read back by the real `tcpdump -tnel`: each line tcpdump
/// prints must equal `TcpdumpFormat.line` for the same frame.
final class TcpdumpDifferentialTests: XCTestCase {
    static let tcpdump = "/usr/bin/tcpdump"

    func testLinesMatchTcpdump() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.tcpdump) else {
            XCTFail("\(Self.tcpdump) is missing: apt-get install -y tcpdump")
            return
        }
        let frames = FrameKit.differentialFrames()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("packets-\(UUID().uuidString).pcap").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try PcapFile.write(frames.map { (bytes: $0.bytes, wireLength: $0.wireLength) }, to: path)

        let result = try runProcess(Self.tcpdump, ["-tnel", "-r", path])
        XCTAssertEqual(result.status, 0, result.stderr)
        // Unknown ethertypes get a hex dump on lines starting with a tab; TcpdumpFormat leaves it out.
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            .filter { !$0.isEmpty && !$0.hasPrefix("\t") }
        XCTAssertEqual(lines.count, frames.count, result.stdout)
        for (i, (frame, line)) in zip(frames, lines).enumerated() {
            let decoded = try EthernetFrame.decode(frame.bytes, wireLength: frame.wireLength)
            XCTAssertEqual(TcpdumpFormat.line(decoded), line, "frame \(i): \(frame.name)")
        }
    }
}

/// Builders for test frames, with correct IPv4/ICMP checksums (tcpdump checks none of them without -v).
enum FrameKit {
    struct Frame { var name: String; var bytes: [UInt8]; var wireLength: Int }

    static let mac1 = MACAddress("00:00:5e:00:53:01")!, mac2 = MACAddress("00:00:5e:00:53:02")!
    static let mac3 = MACAddress("00:00:5e:00:53:fe")!
    static func ip(_ s: String) -> IPv4Address { IPv4Address(s)! }

    static func be16(_ v: Int) -> [UInt8] { [UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v)] }
    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }

    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i < bytes.count {
            sum += UInt32(bytes[i]) << 8 | (i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0)
            i += 2
        }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    static func withChecksum(_ bytes: [UInt8], at offset: Int) -> [UInt8] {
        var b = bytes
        let sum = Int(checksum(b))
        b[offset] = UInt8(sum >> 8); b[offset + 1] = UInt8(sum & 0xff)
        return b
    }

    static func ethernet(_ dst: MACAddress, _ src: MACAddress, type: UInt16, _ payload: [UInt8], padTo: Int = 0) -> [UInt8] {
        let frame = dst.bytes + src.bytes + be16(Int(type)) + payload
        return frame + [UInt8](repeating: 0, count: max(0, padTo - frame.count))
    }

    /// A 20-byte IPv4 header (DF unless fragment fields are given) in front of `payload`.
    static func ipv4(_ src: String, _ dst: String, ttl: UInt8 = 64, proto: UInt8, id: Int = 0x1234,
                     flagsOffset: Int = 0x4000, totalLength: Int? = nil, _ payload: [UInt8]) -> [UInt8] {
        let header = [0x45, 0] + be16(totalLength ?? 20 + payload.count) + be16(id) + be16(flagsOffset)
            + [ttl, proto, 0, 0] + ip(src).bytes + ip(dst).bytes
        return withChecksum(header, at: 10) + payload
    }

    /// An IPv4 header with 4 bytes of options (IHL 6: NOP, NOP, NOP, EOL) carrying ICMP.
    static func ipv4WithOptions(_ payload: [UInt8]) -> [UInt8] {
        let header = [0x46, 0] + be16(24 + payload.count) + be16(0x4444) + be16(0) + [64, 1, 0, 0]
            + ip("192.0.2.1").bytes + ip("192.0.2.2").bytes + [1, 1, 1, 0]
        return withChecksum(header, at: 10) + payload
    }

    static func icmpEcho(request: Bool, id: Int, seq: Int, dataLength: Int = 56) -> [UInt8] {
        let data = (0..<dataLength).map { UInt8(truncatingIfNeeded: $0) }
        return withChecksum([request ? 8 : 0, 0, 0, 0] + be16(id) + be16(seq) + data, at: 2)
    }

    /// An ICMP error (type 3 or 11) quoting `quoted` (an IPv4 datagram; the caller cuts it).
    static func icmpError(type: UInt8, code: UInt8, mtu: Int = 0, quoted: [UInt8]) -> [UInt8] {
        withChecksum([type, code, 0, 0, 0, 0] + be16(mtu) + quoted, at: 2)
    }

    static func udp(_ sport: Int, _ dport: Int, _ data: [UInt8]) -> [UInt8] {
        be16(sport) + be16(dport) + be16(8 + data.count) + [0, 0] + data
    }

    static func tcp(_ sport: Int, _ dport: Int, seq: UInt32, ack: UInt32 = 0, flags: UInt8, win: Int = 512,
                    _ data: [UInt8] = []) -> [UInt8] {
        be16(sport) + be16(dport) + be32(seq) + be32(ack) + [0x50, flags] + be16(win) + [0, 0, 0, 0] + data
    }

    /// A TCP header with `options` (a multiple of 4 bytes) and urgent pointer `urg`.
    static func tcpWithOptions(_ sport: Int, _ dport: Int, seq: UInt32, ack: UInt32 = 0, flags: UInt8, win: Int = 512,
                               urg: Int = 0, options: [UInt8], _ data: [UInt8] = []) -> [UInt8] {
        precondition(options.count % 4 == 0 && options.count <= 40)
        return be16(sport) + be16(dport) + be32(seq) + be32(ack) + [UInt8(((20 + options.count) / 4) << 4), flags]
            + be16(win) + [0, 0] + be16(urg) + options + data
    }

    /// TCP segments with every kind of option print-tcp.c knows, malformed ones, and the urgent pointer.
    static func tcpOptionFrames() -> [Frame] {
        let ts: [UInt8] = [8, 10] + be32(2187005123) + be32(2187005124)
        let cases: [(String, UInt8, [UInt8])] = [
            ("syn options as Linux", 0x02, [2, 4, 0xff, 0xd7, 4, 2] + ts + [1, 3, 3, 7]),
            ("syn-ack options as Linux", 0x12, [2, 4, 0x05, 0xb4, 4, 2] + ts + [1, 3, 3, 7]),
            ("ack nop nop TS", 0x10, [1, 1] + ts),
            ("sack 1 block", 0x10, [1, 1, 5, 10] + be32(3000) + be32(4000)),
            ("sack 2 blocks", 0x10, [1, 1, 5, 18] + be32(3000) + be32(4000) + be32(5000) + be32(6000) + [1, 1, 1, 1]),
            ("sack without ack", 0x04, [1, 1, 5, 10] + be32(3000) + be32(4000)),
            ("invalid sack", 0x10, [5, 6, 1, 2, 3, 4, 1, 1]),
            ("eol ends the options", 0x10, [1, 0, 2, 4]),
            ("unknown option", 0x10, [99, 4, 0xab, 0xcd]),
            ("unknown option without data", 0x10, [99, 2, 1, 1]),
            ("option length 1", 0x10, [2, 1, 0, 0]),
            ("option length beyond the header", 0x10, [1, 2, 8, 0]),
            ("mss with length 6", 0x10, [2, 6, 0x05, 0xb4, 0, 0, 1, 1]),
            ("wscale with length 4", 0x10, [3, 4, 7, 0]),
            ("uto minutes", 0x10, [28, 4, 0x00, 0x0b]),
            ("uto seconds", 0x10, [28, 4, 0x01, 0x2c]),
            ("scps", 0x10, [20, 4, 0x1f, 2]),
            ("cc ccnew ccecho", 0x10, [11, 6] + be32(7) + [12, 6] + be32(8) + [13, 6] + be32(9) + [1, 1]),
            ("echo echoreply", 0x10, [6, 6] + be32(7) + [7, 6] + be32(8)),
            ("md5", 0x10, [19, 18] + (0..<16).map { UInt8($0 * 17) } + [1, 1]),
            ("tfo cookie request", 0x02, [34, 2, 1, 1]),
            ("tfo cookie", 0x02, [34, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1]),
            ("tfo odd cookie", 0x02, [34, 5, 1, 2, 3, 1, 1, 1]),
            ("exp tfo", 0x02, [254, 4, 0xf9, 0x89]),
            ("exp tfo cookie", 0x02, [254, 8, 0xf9, 0x89, 9, 8, 7, 6]),
            ("exp other magic", 0x02, [254, 6, 0x12, 0x34, 0, 0, 1, 1]),
            ("exp too short", 0x02, [254, 2, 1, 1]),
            ("tcp-ao", 0x10, [29, 4, 1, 2]),
            ("tcp-ao with mac", 0x10, [29, 8, 1, 2, 0xde, 0xad, 0xbe, 0xef]),
            ("tcp-ao too short", 0x10, [29, 3, 1, 1]),
            ("zero option bytes", 0x10, [0, 0, 0, 0]),
            ("nop only", 0x18, [1, 1, 1, 1]),
            ("option type as the last byte, data follows", 0x18, [1, 1, 1, 2]),
            ("option type as the last byte", 0x10, [1, 1, 1, 2]),
        ]
        var frames = cases.enumerated().map { i, c in
            frame("tcp options: \(c.0)", ethernet(mac2, mac1, type: 0x0800, ipv4("192.0.2.1", "192.0.2.2", proto: 6,
                tcpWithOptions(41000 + i, 45678, seq: 1000 + UInt32(i), ack: 2000, flags: c.1, options: c.2,
                               c.1 == 0x18 ? [1, 2, 3] : []))))
        }
        frames.append(frame("tcp urg", ethernet(mac2, mac1, type: 0x0800, ipv4("192.0.2.1", "192.0.2.2", proto: 6,
            tcpWithOptions(41100, 45678, seq: 5, ack: 6, flags: 0x38, urg: 3, options: [], [1, 2, 3, 4])))))
        return frames
    }

    static func arpReply(sender: MACAddress, senderIP: String, target: MACAddress, targetIP: String) -> [UInt8] {
        [0, 1, 8, 0, 6, 4, 0, 2] + sender.bytes + ip(senderIP).bytes + target.bytes + ip(targetIP).bytes
    }

    static func frame(_ name: String, _ bytes: [UInt8], wireLength: Int? = nil) -> Frame {
        Frame(name: name, bytes: bytes, wireLength: wireLength ?? bytes.count)
    }

    /// Frames of every kind TcpdumpFormat renders (BOOTP/DHCP ones from DHCPTests.swift), with varied addresses, ids, sequences, ports and TTLs.
    static func differentialFrames() -> [Frame] {
        let echo = ipv4("192.0.2.1", "198.51.100.7", ttl: 1, proto: 1, id: 0x0101, icmpEcho(request: true, id: 7, seq: 3))
        let udpProbe = ipv4("192.0.2.1", "192.0.2.2", ttl: 64, proto: 17, id: 0x0202, udp(40001, 33434, [UInt8](repeating: 0x40, count: 32)))
        let tcpSyn = ipv4("192.0.2.1", "192.0.2.2", proto: 6, tcp(40002, 8081, seq: 77, flags: 0x02))
        func v4(_ name: String, _ dst: MACAddress, _ src: MACAddress, _ ip: [UInt8], wire: Int? = nil) -> Frame {
            frame(name, ethernet(dst, src, type: 0x0800, ip), wireLength: wire)
        }
        return [
            v4("echo request", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", proto: 1, icmpEcho(request: true, id: 64371, seq: 1))),
            v4("echo reply", mac1, mac2, ipv4("192.0.2.2", "192.0.2.1", proto: 1, icmpEcho(request: false, id: 64371, seq: 1))),
            v4("echo request, ttl 1, short", mac3, mac1, ipv4("10.0.0.1", "10.0.1.1", ttl: 1, proto: 1, id: 9, icmpEcho(request: true, id: 1, seq: 65535, dataLength: 8))),
            frame("ARP request (builder)", ARPPacket.requestFrame(senderMAC: mac1, senderIP: ip("192.0.2.1"), targetIP: ip("192.0.2.2"))),
            frame("ARP reply", ethernet(mac1, mac2, type: 0x0806, arpReply(sender: mac2, senderIP: "192.0.2.2", target: mac1, targetIP: "192.0.2.1"))),
            frame("ARP reply padded to 60", ethernet(mac1, mac2, type: 0x0806, arpReply(sender: mac2, senderIP: "198.51.100.254", target: mac1, targetIP: "198.51.100.1"), padTo: 60), wireLength: 60),
            frame("ARP request with target MAC", ethernet(mac3, mac1, type: 0x0806, [0, 1, 8, 0, 6, 4, 0, 1] + mac1.bytes + ip("192.0.2.1").bytes + mac3.bytes + ip("192.0.2.254").bytes, padTo: 60), wireLength: 60),
            v4("net unreachable", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", ttl: 255, proto: 1, icmpError(type: 3, code: 0, quoted: ipv4("192.0.2.1", "203.0.113.9", ttl: 63, proto: 1, icmpEcho(request: true, id: 5, seq: 2))))),
            v4("host unreachable", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", proto: 1, icmpError(type: 3, code: 1, quoted: Array(echo.prefix(28))))),
            v4("udp port unreachable", mac1, mac2, ipv4("192.0.2.2", "192.0.2.1", proto: 1, icmpError(type: 3, code: 3, quoted: Array(udpProbe.prefix(28))))),
            v4("tcp port unreachable", mac1, mac2, ipv4("192.0.2.2", "192.0.2.1", proto: 1, icmpError(type: 3, code: 3, quoted: Array(tcpSyn.prefix(28))))),
            v4("need to frag", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", proto: 1, icmpError(type: 3, code: 4, quoted: Array(udpProbe.prefix(28))))),
            v4("need to frag, mtu 1400", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", proto: 1, icmpError(type: 3, code: 4, mtu: 1400, quoted: Array(tcpSyn.prefix(28))))),
            v4("protocol unreachable", mac1, mac2, ipv4("192.0.2.2", "192.0.2.1", proto: 1, icmpError(type: 3, code: 2, quoted: Array(ipv4("192.0.2.1", "192.0.2.2", proto: 253, [0, 0, 0, 0, 0, 0, 0, 0]).prefix(28))))),
            v4("admin prohibited filter", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", proto: 1, icmpError(type: 3, code: 13, quoted: Array(udpProbe.prefix(28))))),
            v4("time exceeded", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", ttl: 255, proto: 1, icmpError(type: 11, code: 0, quoted: echo))),
            v4("reassembly time exceeded", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", proto: 1, icmpError(type: 11, code: 1, quoted: Array(echo.prefix(28))))),
            v4("unreachable code 20", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", proto: 1, icmpError(type: 3, code: 20, quoted: Array(echo.prefix(28))))),
            v4("unreachable code 15", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", proto: 1, icmpError(type: 3, code: 15, quoted: Array(echo.prefix(28))))),
            v4("time exceeded code 7", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", proto: 1, icmpError(type: 11, code: 7, quoted: Array(echo.prefix(28))))),
            v4("source quench", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", proto: 1, icmpError(type: 4, code: 0, quoted: Array(echo.prefix(28))))),
            v4("router solicitation", mac3, mac1, ipv4("192.0.2.1", "224.0.0.2", ttl: 1, proto: 1, withChecksum([10, 0, 0, 0, 0, 0, 0, 0], at: 2))),
            v4("information request", mac3, mac1, ipv4("192.0.2.1", "192.0.2.254", proto: 1, withChecksum([15, 0, 0, 0, 0, 1, 0, 1], at: 2))),
            v4("address mask request", mac3, mac1, ipv4("192.0.2.1", "192.0.2.254", proto: 1, withChecksum([17, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0], at: 2))),
            v4("icmp type 42", mac1, mac3, ipv4("192.0.2.254", "192.0.2.1", proto: 1, withChecksum([42, 0, 0, 0, 0, 0, 0, 0], at: 2))),
            v4("tcp syn ece cwr", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", proto: 6, tcp(40020, 9999, seq: 42, flags: 0xc2))),
            v4("tcp no flags", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", proto: 6, tcp(40021, 9999, seq: 42, flags: 0))),
            v4("udp", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", proto: 17, udp(40000, 50000, [1, 2, 3, 4]))),
            v4("udp length beyond the datagram", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", proto: 17, be16(40003) + be16(50003) + be16(100) + [0, 0, 1, 2, 3, 4])),
            v4("echo request with IP options", mac2, mac1, Array(ipv4WithOptions(icmpEcho(request: true, id: 4, seq: 9)))),
            v4("udp empty, padded", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", ttl: 3, proto: 17, udp(33000, 44444, [])) + [UInt8](repeating: 0, count: 18)),
            v4("tcp syn", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", proto: 6, tcp(40000, 8080, seq: 1000, flags: 0x02))),
            v4("tcp syn-ack", mac1, mac2, ipv4("192.0.2.2", "192.0.2.1", proto: 6, tcp(8080, 40010, seq: 5000, ack: 1001, flags: 0x12, win: 65160))),
            v4("tcp ack", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", proto: 6, tcp(40011, 8080, seq: 1001, ack: 5001, flags: 0x10))),
            v4("tcp psh-ack", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", proto: 6, tcp(40012, 9999, seq: 1001, ack: 5001, flags: 0x18, [UInt8](repeating: 0x41, count: 10)))),
            v4("tcp fin-ack", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", proto: 6, tcp(40013, 9999, seq: 2000, ack: 3000, flags: 0x11))),
            v4("tcp rst", mac1, mac2, ipv4("192.0.2.2", "192.0.2.1", proto: 6, tcp(9999, 40014, seq: 0, flags: 0x04))),
            v4("tcp rst-ack", mac1, mac2, ipv4("192.0.2.2", "192.0.2.1", proto: 6, tcp(9999, 40015, seq: 0, ack: 1, flags: 0x14))),
            v4("unknown ip protocol", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", proto: 253, [1, 2, 3, 4, 5, 6])),
            v4("non-first fragment", mac2, mac1, ipv4("192.0.2.1", "192.0.2.2", proto: 17, id: 77, flagsOffset: 185, [UInt8](repeating: 9, count: 40))),
            frame("unknown ethertype", ethernet(mac2, mac1, type: 0x88b5, [1, 2, 3, 4], padTo: 60)),
        ] + dhcpFrames() + tcpOptionFrames()
    }
}
