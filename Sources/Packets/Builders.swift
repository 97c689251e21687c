import Addresses

extension ARPPacket {
    /// The 42-byte frame a host broadcasts to resolve `targetIP`: Ethernet to ff:ff:ff:ff:ff:ff, ethertype ARP,
    /// an Ethernet/IPv4 request (operation 1) with target MAC 00:00:00:00:00:00. No padding: the NIC adds it.
    /// tcpdump prints it as `Request who-has <targetIP> tell <senderIP>, length 28`.
    public static func requestFrame(senderMAC: MACAddress, senderIP: IPv4Address, targetIP: IPv4Address) -> [UInt8] {
        var frame = MACAddress.broadcast.bytes + senderMAC.bytes + [0x08, 0x06]
        frame += [0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01]   // Ethernet, IPv4, hlen 6, plen 4, request
        frame += senderMAC.bytes + senderIP.bytes
        frame += [UInt8](repeating: 0, count: 6) + targetIP.bytes
        return frame
    }
}

extension DHCPMessage {
    /// A complete 342-byte Ethernet frame: DHCPDISCOVER from `clientMAC`, Ethernet broadcast,
    /// 0.0.0.0:68 -> 255.255.255.255:67 (IPv4 TTL 64, correct header checksum; UDP checksum 0, i.e. none),
    /// BOOTREQUEST with the broadcast flag, options 53 = 1 (DISCOVER), 55 = [1, 3, 6] (subnet mask, router,
    /// DNS) and end, zero-padded so the BOOTP part is 300 bytes as dhclient sends it.
    /// tcpdump prints it as `BOOTP/DHCP, Request from <clientMAC>, length 300`.
    public static func discoverFrame(clientMAC: MACAddress, transactionID: UInt32) -> [UInt8] {
        var bootp: [UInt8] = [bootRequest, 1, 6, 0]                    // op, htype Ethernet, hlen 6, hops
        bootp += bigEndian(transactionID) + [0, 0, 0x80, 0x00]         // xid, secs, flags: broadcast
        bootp += [UInt8](repeating: 0, count: 16)                      // ciaddr, yiaddr, siaddr, giaddr
        bootp += clientMAC.bytes + [UInt8](repeating: 0, count: 10)    // chaddr
        bootp += [UInt8](repeating: 0, count: 64 + 128)                // sname, file
        bootp += magicCookie + [53, 1, 1, 55, 3, 1, 3, 6, 255]
        bootp += [UInt8](repeating: 0, count: 300 - bootp.count)

        let udp = bigEndian16(clientPort) + bigEndian16(serverPort) + bigEndian16(UInt16(8 + bootp.count)) + [0, 0]
        var ip: [UInt8] = [0x45, 0] + bigEndian16(UInt16(20 + udp.count + bootp.count)) + [0, 0, 0, 0]
        ip += [64, 17, 0, 0] + IPv4Address(0).bytes + IPv4Address(UInt32.max).bytes
        let sum = internetChecksum(ip)
        ip[10] = UInt8(sum >> 8); ip[11] = UInt8(sum & 0xff)
        return MACAddress.broadcast.bytes + clientMAC.bytes + [0x08, 0x00] + ip + udp + bootp
    }
}

func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xff), UInt8(v >> 8 & 0xff), UInt8(v & 0xff)] }
func bigEndian16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xff)] }

/// The RFC 1071 Internet checksum: the ones' complement of the ones' complement sum of 16-bit words (IP, ICMP,
/// and TCP/UDP over their pseudo-header). The one implementation netcheck has: the probes use it too.
public func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    for i in stride(from: 0, to: bytes.count, by: 2) {
        sum += UInt32(bytes[i]) << 8 | (i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0)
    }
    while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
    return ~UInt16(sum)
}
