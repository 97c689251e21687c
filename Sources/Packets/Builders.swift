import Addresses

// What netcheck sends itself, built in one place: the ARP request and DHCPDISCOVER frames it injects, and the
// ICMP echo request, TCP SYN and UDP datagram its raw sockets send (the kernel adds the IP header to those).

extension ARPPacket {
    /// The 42-byte frame a host broadcasts to resolve `targetIP`: Ethernet to ff:ff:ff:ff:ff:ff, ethertype ARP,
    /// an Ethernet/IPv4 request (operation 1) with target MAC 00:00:00:00:00:00. No padding: the NIC adds it.
    /// tcpdump prints it as `Request who-has <targetIP> tell <senderIP>, length 28`.
    public static func requestFrame(senderMAC: MACAddress, senderIP: IPv4Address, targetIP: IPv4Address) -> [UInt8] {
        var w = ByteWriter()
        w.append(MACAddress.broadcast.bytes); w.append(senderMAC.bytes); w.u16be(EthernetFrame.etherTypeARP)
        w.u16be(1); w.u16be(0x0800); w.u8(6); w.u8(4); w.u16be(1)   // Ethernet, IPv4, hlen 6, plen 4, request
        w.append(senderMAC.bytes); w.append(senderIP.bytes)
        w.zeros(6); w.append(targetIP.bytes)
        return w.bytes
    }
}

extension DHCPMessage {
    /// A complete 342-byte Ethernet frame: DHCPDISCOVER from `clientMAC`, Ethernet broadcast,
    /// 0.0.0.0:68 -> 255.255.255.255:67 (IPv4 TTL 64, correct header checksum; UDP checksum 0, i.e. none),
    /// BOOTREQUEST with the broadcast flag, options 53 = 1 (DISCOVER), 55 = [1, 3, 6] (subnet mask, router,
    /// DNS) and end, zero-padded so the BOOTP part is 300 bytes as dhclient sends it.
    /// tcpdump prints it as `BOOTP/DHCP, Request from <clientMAC>, length 300`.
    public static func discoverFrame(clientMAC: MACAddress, transactionID: UInt32) -> [UInt8] {
        var bootp = ByteWriter()
        bootp.append([bootRequest, 1, 6, 0])                        // op, htype Ethernet, hlen 6, hops
        bootp.u32be(transactionID); bootp.u16be(0); bootp.u16be(0x8000)   // xid, secs, flags: broadcast
        bootp.zeros(16)                                              // ciaddr, yiaddr, siaddr, giaddr
        bootp.append(clientMAC.bytes); bootp.zeros(10)               // chaddr
        bootp.zeros(64 + 128)                                        // sname, file
        bootp.append(magicCookie + [53, 1, 1, 55, 3, 1, 3, 6, 255])
        bootp.zeros(300 - bootp.bytes.count)

        var udp = ByteWriter()
        udp.u16be(clientPort); udp.u16be(serverPort); udp.u16be(UInt16(8 + bootp.bytes.count)); udp.u16be(0)
        let ip = ipv4Header(protocolNumber: IPv4Header.udp, ttl: 64, source: IPv4Address(0), destination: IPv4Address(UInt32.max),
                            dataLength: udp.bytes.count + bootp.bytes.count)
        var frame = ByteWriter()
        frame.append(MACAddress.broadcast.bytes); frame.append(clientMAC.bytes); frame.u16be(EthernetFrame.etherTypeIPv4)
        frame.append(ip); frame.append(udp.bytes); frame.append(bootp.bytes)
        return frame.bytes
    }
}

extension ICMPMessage {
    /// The data after the 8-byte header of netcheck's echo requests: 56 bytes, like ping(8), so that tcpdump prints
    /// "ICMP echo request, id …, seq 1, length 64".
    public static let echoDataSize = 56

    /// An echo request (RFC 792) with its checksum; `token` opens the data so that replies to someone else's probe
    /// with the same identifier are not taken for netcheck's, the rest counts up from there.
    ///
    ///     0      1      2             4             6             8
    ///     +------+------+-------------+-------------+-------------+---------------------+
    ///     | 8    | 0    | checksum    | identifier  | sequence    | token, 8, 9, … (56) |
    ///     +------+------+-------------+-------------+-------------+---------------------+
    public static func echoRequest(identifier: UInt16, sequence: UInt16, token: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.u8(echoRequest); w.u8(0); w.u16be(0); w.u16be(identifier); w.u16be(sequence)
        let data = Array(token.prefix(echoDataSize))
        w.append(data)
        for i in data.count..<echoDataSize { w.u8(UInt8(truncatingIfNeeded: i)) }
        return withChecksum(w.bytes, at: 2)
    }
}

extension TCPSegment {
    /// The 20-byte header of a bare SYN (window 64240, no options) with its checksum over the RFC 9293 pseudo-header.
    public static func syn(source: IPv4Address, sourcePort: UInt16, destination: IPv4Address, destinationPort: UInt16,
                           sequence: UInt32) -> [UInt8] {
        var w = ByteWriter()
        w.u16be(sourcePort); w.u16be(destinationPort); w.u32be(sequence); w.u32be(0)   // acknowledgement
        w.u8(5 << 4); w.u8(TCPFlags.syn.rawValue)                                       // 5 words, SYN
        w.u16be(64240); w.u16be(0); w.u16be(0)                                          // window, checksum, urgent pointer
        return withChecksum(w.bytes, at: 16, pseudoHeader: pseudoHeader(source, destination, IPv4Header.tcp, w.bytes.count))
    }
}

extension UDPDatagram {
    /// An 8-byte UDP header and `payload`, with the checksum over the RFC 768 pseudo-header (0xffff for a sum of 0,
    /// which would mean "no checksum").
    public static func datagram(source: IPv4Address, sourcePort: UInt16, destination: IPv4Address, destinationPort: UInt16,
                                payload: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.u16be(sourcePort); w.u16be(destinationPort); w.u16be(UInt16(truncatingIfNeeded: 8 + payload.count)); w.u16be(0)
        w.append(payload)
        return withChecksum(w.bytes, at: 6, pseudoHeader: pseudoHeader(source, destination, IPv4Header.udp, w.bytes.count),
                            zeroAs: 0xffff)
    }
}

/// A 20-byte IPv4 header without options (DF clear, identification 0) with its checksum.
func ipv4Header(protocolNumber: UInt8, ttl: UInt8, source: IPv4Address, destination: IPv4Address, dataLength: Int) -> [UInt8] {
    var w = ByteWriter()
    w.u8(0x45); w.u8(0); w.u16be(UInt16(truncatingIfNeeded: 20 + dataLength)); w.u16be(0); w.u16be(0)
    w.u8(ttl); w.u8(protocolNumber); w.u16be(0); w.append(source.bytes); w.append(destination.bytes)
    return withChecksum(w.bytes, at: 10)
}

/// The pseudo-header TCP and UDP checksums cover: source, destination, zero, protocol, length.
func pseudoHeader(_ source: IPv4Address, _ destination: IPv4Address, _ protocolNumber: UInt8, _ length: Int) -> [UInt8] {
    source.bytes + destination.bytes + [0, protocolNumber, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
}

/// `bytes` with the Internet checksum of `pseudoHeader + bytes` written at `offset` (where `bytes` holds zeros).
func withChecksum(_ bytes: [UInt8], at offset: Int, pseudoHeader: [UInt8] = [], zeroAs: UInt16 = 0) -> [UInt8] {
    var out = bytes
    var sum = internetChecksum(pseudoHeader + bytes)
    if sum == 0 { sum = zeroAs }
    out[offset] = UInt8(sum >> 8)
    out[offset + 1] = UInt8(sum & 0xff)
    return out
}

/// The RFC 1071 Internet checksum: the ones' complement of the ones' complement sum of 16-bit words (IP, ICMP,
/// and TCP/UDP over their pseudo-header). The one implementation netcheck has: the probes use it too.
public func internetChecksum<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
    var sum: UInt32 = 0
    var high = true
    for b in bytes {
        sum += high ? UInt32(b) << 8 : UInt32(b)
        high.toggle()
    }
    while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
    return ~UInt16(sum)
}
