import Addresses

/// A UDP header (RFC 768).
///
///     0              2                   4            6            8
///     +--------------+-------------------+------------+------------+---------
///     | source port  | destination port  | length     | checksum   | data ...
///     +--------------+-------------------+------------+------------+---------
public struct UDPDatagram: LayerDecoding {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// The UDP length field: header (8 bytes) plus data.
    public var length: Int
    /// When either port is 67 or 68 (BOOTP) and the data decodes as a DHCP message; nil otherwise, also for
    /// malformed BOOTP data (the datagram itself still decodes).
    public var dhcp: DHCPMessage? = nil
    /// For BOOTP ports: the first (up to 34) bytes after the UDP header, op … chaddr, which is what tcpdump's
    /// non-verbose BOOTP printer reads, so that even a malformed or cut message is printed as tcpdump does.
    var bootpHead: [UInt8]? = nil

    public static let layerName = "UDP"

    /// `bytes` is the IP data; the UDP data ends at the UDP length or the IP data, whichever is first. In a quote only
    /// the ports are needed. Next: DHCP when either port is a BOOTP port (not in a quote), otherwise nothing.
    public static func decode(layer bytes: ArraySlice<UInt8>, in context: LayerContext = .whole) throws(FrameDecodeError) -> DecodedLayer<UDPDatagram> {
        let r = FrameReader(bytes, layer: layerName)
        try r.need(context.quoted ? 4 : 8)
        let length = r.count >= 6 ? Int(try r.u16be(4)) : 0
        if !context.quoted, length < 8 { throw .malformed(layer: layerName, reason: "length \(length) < 8") }
        var datagram = UDPDatagram(sourcePort: try r.u16be(0), destinationPort: try r.u16be(2), length: length)
        guard !context.quoted else { return DecodedLayer(header: datagram, next: .none, payload: []) }
        let data = try r.slice(8, min(length, r.count) - 8)
        let bootp = [DHCPMessage.serverPort, DHCPMessage.clientPort]
        guard bootp.contains(datagram.sourcePort) || bootp.contains(datagram.destinationPort) else {
            return DecodedLayer(header: datagram, next: .none, payload: data)
        }
        datagram.bootpHead = Array(try r.rest(from: 8).prefix(34))
        return DecodedLayer(header: datagram, next: .dhcp, payload: data)
    }
}
