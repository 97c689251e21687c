import Addresses

/// A BOOTP/DHCP message (RFC 2131) over Ethernet: the fixed 236-byte BOOTP header, the magic cookie
/// 99.130.83.99 and the DHCP options (RFC 2132) this module needs. Other options are skipped; option
/// overload (52) is ignored, so options moved into `sname`/`file` are not seen.
public struct DHCPMessage: LayerDecoding {
    /// 1 BOOTREQUEST (client to server), 2 BOOTREPLY.
    public var operation: UInt8
    public var transactionID: UInt32
    /// 0x8000: the client asks for broadcast replies.
    public var flags: UInt16
    /// ciaddr: the client's address when it already has one (renewing, INFORM).
    public var clientAddress: IPv4Address
    /// yiaddr: the address the server offers or assigns.
    public var yourAddress: IPv4Address
    /// siaddr: the next server to use (TFTP); not the DHCP server, see `serverIdentifier`.
    public var serverAddress: IPv4Address
    /// The first 6 bytes of chaddr (hardware type 1, length 6 are required).
    public var clientMAC: MACAddress
    /// Option 53: 1 DISCOVER, 2 OFFER, 3 REQUEST, 4 DECLINE, 5 ACK, 6 NAK, 7 RELEASE, 8 INFORM; nil for plain BOOTP.
    public var messageType: UInt8?
    /// Option 54: the DHCP server's address.
    public var serverIdentifier: IPv4Address?
    /// Option 51: the lease time in seconds (0xffffffff: infinite).
    public var leaseSeconds: UInt32?
    /// Option 1.
    public var subnetMask: IPv4Address?
    /// Option 3, in order of preference; empty when absent.
    public var routers: [IPv4Address]

    public static let layerName = "DHCP"
    public static let bootRequest: UInt8 = 1
    public static let bootReply: UInt8 = 2
    /// The BOOTP server and client UDP ports.
    public static let serverPort: UInt16 = 67, clientPort: UInt16 = 68
    /// The fixed BOOTP header: op … file, before the magic cookie.
    static let fixedLength = 236
    static let magicCookie: [UInt8] = [99, 130, 83, 99]

    public init(operation: UInt8, transactionID: UInt32, flags: UInt16, clientAddress: IPv4Address,
                yourAddress: IPv4Address, serverAddress: IPv4Address, clientMAC: MACAddress,
                messageType: UInt8? = nil, serverIdentifier: IPv4Address? = nil, leaseSeconds: UInt32? = nil,
                subnetMask: IPv4Address? = nil, routers: [IPv4Address] = []) {
        self.operation = operation; self.transactionID = transactionID; self.flags = flags
        self.clientAddress = clientAddress; self.yourAddress = yourAddress; self.serverAddress = serverAddress
        self.clientMAC = clientMAC; self.messageType = messageType; self.serverIdentifier = serverIdentifier
        self.leaseSeconds = leaseSeconds; self.subnetMask = subnetMask; self.routers = routers
    }

    /// The message type as `tcpdump -v` prints option 53 (print-bootp.c dhcp_msg_values, tcpdump 4.99):
    /// "Discover", "Offer", "Request", "Decline", "ACK", "NACK", "Release", "Inform", the RFC 4388/6926
    /// lease-query types, "Unknown (N)" otherwise, and "" without option 53.
    public var messageTypeName: String {
        guard let type = messageType else { return "" }
        switch type {
        case 1: return "Discover"
        case 2: return "Offer"
        case 3: return "Request"
        case 4: return "Decline"
        case 5: return "ACK"
        case 6: return "NACK"
        case 7: return "Release"
        case 8: return "Inform"
        case 10: return "LeaseQuery"
        case 11: return "LeaseUnassigned"
        case 12: return "LeaseUnknown"
        case 13: return "LeaseActive"
        default: return "Unknown (\(type))"
        }
    }

    /// Decodes the data of a UDP datagram (after the 8-byte UDP header, up to the UDP length).
    ///
    /// Throws `.truncated(layer: "DHCP", …)` when the fixed header and cookie (240 bytes) are incomplete, and
    /// `.malformed(layer: "DHCP", …)` for an operation other than 1/2, a hardware type/length other than
    /// Ethernet's 1/6, a missing magic cookie (plain BOOTP with vendor data), an option whose length runs past
    /// the end, or option 1, 3, 51, 53 or 54 with an impossible length. Bytes after the end option (255) are
    /// ignored; a message without one ends with its bytes. A repeated option replaces the earlier one.
    public static func decode(_ udpPayload: [UInt8]) throws(FrameDecodeError) -> DHCPMessage {
        try decode(layer: udpPayload[...]).header
    }

    /// `decode(_:)` in the shape of every layer. Next: none.
    public static func decode(layer udpPayload: ArraySlice<UInt8>, in context: LayerContext = .whole) throws(FrameDecodeError) -> DecodedLayer<DHCPMessage> {
        let r = FrameReader(udpPayload, layer: layerName)
        try r.need(fixedLength + magicCookie.count)
        let operation = try r.u8(0), htype = try r.u8(1), hlen = try r.u8(2)
        guard operation == bootRequest || operation == bootReply else { throw malformed("operation \(operation)") }
        guard htype == 1, hlen == 6 else { throw malformed("hardware type \(htype), length \(hlen); only Ethernet") }
        guard Array(try r.slice(fixedLength, 4)) == magicCookie else { throw malformed("no magic cookie") }

        var message = DHCPMessage(operation: operation, transactionID: try r.u32be(4), flags: try r.u16be(10),
                                  clientAddress: try r.ipv4(12), yourAddress: try r.ipv4(16),
                                  serverAddress: try r.ipv4(20), clientMAC: try r.mac(28))
        for (tag, value) in try options(Array(udpPayload), from: fixedLength + magicCookie.count) {
            let v = FrameReader(value, layer: layerName)
            func exactly(_ n: Int) throws(FrameDecodeError) {
                guard value.count == n else { throw malformed("option \(tag) length \(value.count), expected \(n)") }
            }
            switch tag {
            case 53: try exactly(1); message.messageType = try v.u8(0)
            case 54: try exactly(4); message.serverIdentifier = try v.ipv4(0)
            case 51: try exactly(4); message.leaseSeconds = try v.u32be(0)
            case 1: try exactly(4); message.subnetMask = try v.ipv4(0)
            case 3:
                guard !value.isEmpty, value.count % 4 == 0 else {
                    throw malformed("option 3 length \(value.count), expected a multiple of 4")
                }
                message.routers = []
                for offset in stride(from: 0, to: value.count, by: 4) { message.routers.append(try v.ipv4(offset)) }
            default: break
            }
        }
        return DecodedLayer(header: message, next: .none, payload: [])
    }

    /// The options from `start` to the end option (255) or the end of the bytes, as (tag, value) pairs;
    /// pad (0) is skipped. Every length is checked against the bytes before they are read.
    static func options(_ bytes: [UInt8], from start: Int) throws(FrameDecodeError) -> [(tag: UInt8, value: [UInt8])] {
        var result: [(tag: UInt8, value: [UInt8])] = []
        var i = start
        while i < bytes.count {
            let tag = bytes[i]
            if tag == 255 { break }
            if tag == 0 { i += 1; continue }
            guard i + 1 < bytes.count else { throw malformed("option \(tag) at offset \(i) has no length") }
            let length = Int(bytes[i + 1]), end = i + 2 + length
            guard end <= bytes.count else {
                throw malformed("option \(tag) at offset \(i): length \(length) runs past the end (\(bytes.count) bytes)")
            }
            result.append((tag, Array(bytes[(i + 2)..<end])))
            i = end
        }
        return result
    }

    static func malformed(_ reason: String) -> FrameDecodeError { .malformed(layer: layerName, reason: reason) }
}
