import Addresses

// Captured frames as values, one protocol per file, every decoder in the same shape (gopacket's `layers/`):
// `decode(layer:in:)` reads one header from the front of its bytes and says what the rest carries, and
// `FrameLayers` chains them, keeping what was decoded before a layer failed. Pure decoding: no system calls,
// every read bounds-checked (`ByteReader`), bad input throws a typed error.

/// Why a frame could not be decoded. `layer` names the header being read ("Ethernet", "ARP", "IPv4", ...).
public enum FrameDecodeError: Error, Equatable, Sendable, TruncationError {
    /// The bytes end before the header (or the datagram its length field announces) is complete.
    case truncated(layer: String, needed: Int, got: Int)
    /// The bytes are there but say something impossible or unsupported (wrong version, lengths, address sizes).
    case malformed(layer: String, reason: String)
}

/// The shared reader, throwing the frame decoders' error; packets are in network order: the `be` reads.
typealias FrameReader = ByteReader<FrameDecodeError>

/// What the bytes after a header carry, as that header says (gopacket's NextLayerType).
public enum NextLayer: Equatable, Sendable {
    case arp, ipv4, icmp, udp, tcp, dhcp
    /// Nothing this module decodes: another ethertype or IP protocol, a fragment after the first, data.
    case none
}

/// What the layer below tells the one it carries.
public struct LayerContext: Equatable, Sendable {
    /// Inside an ICMP error's quote, which holds the offending datagram's header and the first bytes of its data
    /// (RFC 792: 8; Linux sends more): lengths are not held to, and fields whose bytes are missing are zero or nil.
    public var quoted: Bool = false
    /// The layer's length according to the layer below: the IP data length (total length − header length).
    public var length: Int? = nil

    /// A layer that is all there: a frame from a capture, a datagram from a raw socket.
    public static let whole = LayerContext()
}

/// One header decoded from the front of its layer's bytes, and what comes next (gopacket's DecodingLayer:
/// DecodeFromBytes, NextLayerType, LayerPayload).
public struct DecodedLayer<Header: Equatable & Sendable>: Equatable, Sendable {
    public var header: Header
    /// What `payload` holds.
    public var next: NextLayer
    /// The bytes after the header, as far as the header's length fields reach (Ethernet padding and bytes past
    /// an IP total length are not part of it), indexed from 0.
    public var payload: ArraySlice<UInt8>
    /// What `next` is to be decoded with.
    public var context: LayerContext = .whole
}

/// The shape of every decoder of this module: one protocol's header from the front of `bytes`, given what the layer
/// below knows (`context`), or a `FrameDecodeError` naming `layerName`.
public protocol LayerDecoding: Equatable, Sendable {
    /// The layer's name in errors ("Ethernet", "ARP", "IPv4", "ICMP", "UDP", "TCP", "DHCP").
    static var layerName: String { get }
    static func decode(layer bytes: ArraySlice<UInt8>, in context: LayerContext) throws(FrameDecodeError) -> DecodedLayer<Self>
}

/// Four lower-case hex digits, as tcpdump prints an ethertype.
func hex4(_ v: UInt16) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}
