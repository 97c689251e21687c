import Addresses

/// The Ethernet II header.
///
///     0                 6                 12          14
///     +-----------------+-----------------+-----------+------------
///     | destination MAC | source MAC      | ethertype | payload ...
///     +-----------------+-----------------+-----------+------------
public struct EthernetHeader: LayerDecoding {
    public var destination: MACAddress
    public var source: MACAddress
    public var etherType: UInt16

    public static let layerName = "Ethernet"
    public static let size = 14

    /// The 14-byte header; next is ARP (0x0806), IPv4 (0x0800) or nothing this module decodes.
    public static func decode(layer bytes: ArraySlice<UInt8>, in context: LayerContext = .whole) throws(FrameDecodeError) -> DecodedLayer<EthernetHeader> {
        let r = FrameReader(bytes, layer: layerName)
        try r.need(size)
        let etherType = try r.u16be(12)
        let next: NextLayer = switch etherType {
        case EthernetFrame.etherTypeIPv4: .ipv4
        case EthernetFrame.etherTypeARP: .arp
        default: .none
        }
        return DecodedLayer(header: EthernetHeader(destination: try r.mac(0), source: try r.mac(6), etherType: etherType),
                            next: next, payload: try r.rest(from: size))
    }
}

/// An Ethernet II frame as captured: the 14-byte header and what it carries, decoded whole. The header's fields
/// read as the frame's own (`frame.source`).
@dynamicMemberLookup
public struct EthernetFrame: Equatable, Sendable {
    public var header: EthernetHeader
    /// The length of the frame on the wire (pcap `len`); the captured bytes may be fewer (snaplen).
    public var wireLength: Int
    public var payload: FramePayload

    public static let etherTypeIPv4: UInt16 = 0x0800
    public static let etherTypeARP: UInt16 = 0x0806

    public subscript<T>(dynamicMember field: WritableKeyPath<EthernetHeader, T>) -> T {
        get { header[keyPath: field] }
        set { header[keyPath: field] = newValue }
    }

    /// Decodes captured bytes, every layer or none: throws the first layer's error (see `FrameLayers` for what
    /// was decoded before it). `wireLength` defaults to `bytes.count`.
    public static func decode(_ bytes: [UInt8], wireLength: Int? = nil) throws(FrameDecodeError) -> EthernetFrame {
        switch FrameLayers(bytes, wireLength: wireLength).result {
        case .success(let frame): return frame
        case .failure(let error): throw error
        }
    }
}

/// What an Ethernet frame carries.
public enum FramePayload: Equatable, Sendable {
    case arp(ARPPacket)
    case ipv4(IPv4Packet)
    /// Any other ethertype: the bytes after the Ethernet header.
    case other([UInt8])
}

/// A frame decoded as far as its bytes allow (gopacket's Packet with its ErrorLayer): each layer up to the one that
/// failed, and why it failed, so that a frame cut in its TCP header still gives its MAC addresses and IPv4 TTL.
public struct FrameLayers: Equatable, Sendable {
    public var wireLength: Int
    /// nil only when fewer than 14 bytes came.
    public var ethernet: EthernetHeader?
    public var arp: ARPPacket?
    /// The IPv4 header, also of a datagram cut before its total length (then `failure` is IPv4's `.truncated`).
    public var ipv4: IPv4Header?
    /// ICMP, UDP or TCP; `.other` for another protocol or a later fragment.
    public var transport: Transport?
    /// The first layer that could not be decoded; nil when the whole frame was.
    public var failure: FrameDecodeError?
    /// The whole frame; nil when a layer failed.
    public var frame: EthernetFrame?

    public init(_ bytes: [UInt8], wireLength: Int? = nil) {
        self.wireLength = wireLength ?? bytes.count
        do throws(FrameDecodeError) {
            let ethernet = try EthernetHeader.decode(layer: bytes[...])
            self.ethernet = ethernet.header
            let payload: FramePayload
            switch ethernet.next {
            case .arp:
                let arp = try ARPPacket.decode(layer: ethernet.payload, in: ethernet.context).header
                self.arp = arp
                payload = .arp(arp)
            case .ipv4:
                let ip: DecodedLayer<IPv4Header>
                do { ip = try IPv4Header.decode(layer: ethernet.payload, in: ethernet.context) } catch {
                    // Cut before its total length (a snap length): the header itself may still be all there.
                    if case .truncated = error { ipv4 = try? IPv4Header.decode(layer: ethernet.payload, in: LayerContext(quoted: true)).header }
                    throw error
                }
                ipv4 = ip.header
                let transport = try Transport.decode(ip)
                self.transport = transport
                payload = .ipv4(IPv4Packet(header: ip.header, transport: transport))
            default:
                payload = .other(Array(ethernet.payload))
            }
            frame = EthernetFrame(header: ethernet.header, wireLength: self.wireLength, payload: payload)
        } catch {
            failure = error
        }
    }

    /// The whole frame, or the first layer's error.
    public var result: Result<EthernetFrame, FrameDecodeError> {
        if let frame { return .success(frame) }
        return .failure(failure ?? .malformed(layer: EthernetHeader.layerName, reason: "not decoded"))
    }
}
