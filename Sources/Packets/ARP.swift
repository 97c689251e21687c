import Addresses

/// An ARP packet for IPv4 over Ethernet (RFC 826: hardware type 1, protocol 0x0800, address lengths 6 and 4).
///
///     0       2       4    5    6       8            14          18           24          28
///     +-------+-------+----+----+-------+------------+-----------+------------+-----------+
///     | htype | ptype |hlen|plen| oper  | sender MAC | sender IP | target MAC | target IP |
///     +-------+-------+----+----+-------+------------+-----------+------------+-----------+
public struct ARPPacket: LayerDecoding {
    /// 1 request, 2 reply (3/4 RARP, 8/9 InARP).
    public var operation: UInt16
    public var senderMAC: MACAddress
    public var senderIP: IPv4Address
    public var targetMAC: MACAddress
    public var targetIP: IPv4Address

    public static let layerName = "ARP"

    /// The 28 bytes of an Ethernet/IPv4 ARP packet; anything after them (Ethernet padding) is ignored. Next: none.
    public static func decode(layer bytes: ArraySlice<UInt8>, in context: LayerContext = .whole) throws(FrameDecodeError) -> DecodedLayer<ARPPacket> {
        let r = FrameReader(bytes, layer: layerName)
        try r.need(8)
        let htype = try r.u16be(0), ptype = try r.u16be(2), hlen = try r.u8(4), plen = try r.u8(5)
        guard htype == 1, ptype == 0x0800 else {
            throw .malformed(layer: layerName, reason: "hardware type \(htype), protocol 0x\(hex4(ptype)); only Ethernet/IPv4")
        }
        guard hlen == 6, plen == 4 else {
            throw .malformed(layer: layerName, reason: "address lengths \(hlen)/\(plen); expected 6/4")
        }
        try r.need(28)
        let packet = ARPPacket(operation: try r.u16be(6), senderMAC: try r.mac(8), senderIP: try r.ipv4(14),
                               targetMAC: try r.mac(18), targetIP: try r.ipv4(24))
        return DecodedLayer(header: packet, next: .none, payload: [])
    }
}
