import NetlinkWire

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
