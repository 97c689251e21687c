// libFuzzer target for Packets, the one decoder of frames and datagrams: the input as a captured Ethernet frame
// (EthernetFrame.decode and FrameLayers, then the tcpdump-style TcpdumpFormat.line and .detail), as an IPv4 datagram
// from a raw socket (IPv4Packet.decode(datagram:) and the echo probe's EchoProbe.answer, which reads the same
// layers), both the whole input and the input after an Ethernet header, and as BOOTP data (DHCPMessage.decode).
// Decoding must succeed or throw FrameDecodeError, on the input and on every prefix of it; the decoded layers must
// agree with each other; TCP options must give the header's bytes back. Anything else is a bug.
// See Fuzz/README.md: built with -sanitize=fuzzer,address -DFUZZING by `make fuzz`; without FUZZING the
// executable replays the files named on its command line.
import Addresses
import Packets
import Probes

func fuzzOne(_ bytes: [UInt8]) {
    let layers = checkFrame(bytes)
    if case .success(let frame) = layers.result {
        if TcpdumpFormat.line(frame).isEmpty { fuzzFailure("empty tcpdump line") }
        _ = TcpdumpFormat.lineWithoutLinkLayer(frame)
        _ = TcpdumpFormat.detail(frame)
        // The same bytes with a larger wire length (a frame cut by the snaplen) print as well.
        guard case .success(let cut) = FrameLayers(bytes, wireLength: bytes.count + 1500).result else {
            fuzzFailure("a larger wire length changed the decoding")
        }
        _ = TcpdumpFormat.line(cut)
        checkOptions(frame, bytes)
    }
    // Every prefix fails cleanly (a typed error) or decodes, and keeps the layers the whole input decodes before
    // the prefix ends. Bounded so that an input of the largest size libFuzzer tries stays fast.
    for n in stride(from: 0, to: bytes.count, by: bytes.count <= 1024 ? 1 : bytes.count / 512) {
        let prefix = checkFrame(Array(bytes.prefix(n)))
        if n >= EthernetHeader.size, prefix.ethernet != layers.ethernet { fuzzFailure("prefix \(n): another Ethernet header") }
        if let ip = prefix.ipv4, let whole = layers.ipv4, ip != whole { fuzzFailure("prefix \(n): another IPv4 header") }
    }
    for datagram in [bytes, Array(bytes.dropFirst(EthernetHeader.size))] {
        // The decoders throw FrameDecodeError and nothing else (typed throws: the compiler holds them to it).
        _ = try? IPv4Packet.decode(datagram: datagram)
        _ = EchoProbe.answer(datagram[...])
    }
    // BOOTP data straight after Ethernet, IPv4 (no options) and UDP headers.
    _ = try? DHCPMessage.decode(Array(bytes.dropFirst(42)))
}

/// Decodes `bytes` as a frame both ways and holds the two to each other: `EthernetFrame.decode` throws exactly when
/// `FrameLayers` has a failure, the same one, and returns the same frame otherwise; a layer is there only when the one
/// below it is.
@discardableResult
func checkFrame(_ bytes: [UInt8]) -> FrameLayers {
    let layers = FrameLayers(bytes)
    let decoded: Result<EthernetFrame, FrameDecodeError> = Result { () throws(FrameDecodeError) in try EthernetFrame.decode(bytes) }
    if decoded != layers.result { fuzzFailure("EthernetFrame.decode \(decoded) but FrameLayers \(layers.result)") }
    if (layers.failure == nil) != (layers.frame != nil) { fuzzFailure("failure \(String(describing: layers.failure)) with frame \(String(describing: layers.frame))") }
    if (bytes.count < EthernetHeader.size) != (layers.ethernet == nil) { fuzzFailure("\(bytes.count) bytes, Ethernet \(String(describing: layers.ethernet))") }
    if layers.ipv4 != nil || layers.arp != nil, layers.ethernet == nil { fuzzFailure("a network layer without Ethernet") }
    if layers.transport != nil, layers.ipv4 == nil { fuzzFailure("a transport without IPv4") }
    return layers
}

/// A decoded TCP segment's options give back the bytes of its header between byte 20 and the data offset, so that
/// tcpdump's walk over them (TcpdumpFormat) sees what it would have seen.
func checkOptions(_ frame: EthernetFrame, _ bytes: [UInt8]) {
    guard case .ipv4(let ip) = frame.payload, case .tcp(let t) = ip.transport else { return }
    let start = EthernetHeader.size + ip.headerLength + 20, end = EthernetHeader.size + ip.headerLength + t.headerLength
    guard end <= bytes.count else { fuzzFailure("TCP header past the frame") }
    if TCPOption.bytes(t.options) != Array(bytes[start..<end]) { fuzzFailure("TCP options \(t.options) do not give their bytes back") }
    if TCPOption.parse(bytes[start..<end]) != t.options { fuzzFailure("TCP options parse differently") }
}
