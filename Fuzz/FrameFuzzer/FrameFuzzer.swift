// libFuzzer target: the input as a captured Ethernet frame (EthernetFrame.decode, then the tcpdump-style
// TcpdumpFormat.line and .detail), and as an IPv4 datagram from a raw ICMP socket (ICMPPacket.decode), both
// the whole input and the input after an Ethernet header, so that frame seeds reach the ICMP decoder too.
// Decoding must succeed or throw the decoder's own error type; anything else (a trap, another error) is a bug.
// See Fuzz/README.md: built with -sanitize=fuzzer,address -DFUZZING by `make fuzz`; without FUZZING the
// executable replays the files named on its command line.
import Packets
import Probes

func fuzzOne(_ bytes: [UInt8]) {
    do {
        let frame = try EthernetFrame.decode(bytes)
        let line = TcpdumpFormat.line(frame)
        if line.isEmpty { fuzzFailure("empty tcpdump line") }
        _ = TcpdumpFormat.detail(frame)
        // The same bytes with a larger wire length (a frame cut by the snaplen) print as well.
        _ = TcpdumpFormat.line(try EthernetFrame.decode(bytes, wireLength: bytes.count + 1500))
        agreeOnICMP(frame, Array(bytes.dropFirst(14)))
    } catch is FrameDecodeError {
    } catch {
        fuzzFailure("EthernetFrame.decode threw \(error)")
    }
    for datagram in [bytes, Array(bytes.dropFirst(14))] {
        do { _ = try ICMPPacket.decode(datagram) } catch is ICMPPacket.DecodeError {} catch {
            fuzzFailure("ICMPPacket.decode threw \(error)")
        }
    }
    // BOOTP data straight after Ethernet, IPv4 (no options) and UDP headers.
    do { _ = try DHCPMessage.decode(Array(bytes.dropFirst(42))) } catch is FrameDecodeError {} catch {
        fuzzFailure("DHCPMessage.decode threw \(error)")
    }
}

/// The two ICMP readers must agree: what the frame decoder (captures) sees as an echo reply, or as an error
/// quoting an echo request, the probe decoder (raw sockets, which only get whole datagrams: not fragments)
/// must see the same way, with the same identifier, sequence, addresses and TTL.
func agreeOnICMP(_ frame: EthernetFrame, _ datagram: [UInt8]) {
    guard case .ipv4(let ip) = frame.payload, ip.fragmentOffset == 0, !ip.moreFragments,
          case .icmp(let m) = ip.transport else { return }
    // ICMPPacket.decode may throw for other ICMP messages (an error quoting fewer than 8 bytes of ICMP, say):
    // it only needs echo replies and errors about echo requests.
    let received: Result<ICMPPacket.Received, any Error> = Result { try ICMPPacket.decode(datagram) }
    switch m.type {
    case 0:
        guard case .success(.echoReply(let from, let ttl, let id, let seq, _)) = received, from == ip.source, ttl == ip.ttl,
              id == m.identifier, seq == m.sequence else {
            fuzzFailure("echo reply \(ip.source) id \(m.identifier as Any) seq \(m.sequence as Any) ttl \(ip.ttl), ICMPPacket: \(received)")
        }
    case 3, 11:
        guard let q = m.quoted, q.protocolNumber == 1, case .icmp(let inner) = q.transport, inner.type == 8,
              let id = inner.identifier, let seq = inner.sequence else { return }
        guard case .success(.error(let type, let code, let from, let rid, let rseq, let dst)) = received, type == m.type,
              code == m.code, from == ip.source, rid == id, rseq == seq, dst == q.destination else {
            fuzzFailure("ICMP error \(m.type)/\(m.code) quoting echo \(id)/\(seq) to \(q.destination), ICMPPacket: \(received)")
        }
    default:
        break
    }
}
