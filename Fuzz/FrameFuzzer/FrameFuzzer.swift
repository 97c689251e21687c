// libFuzzer target: the input as a captured Ethernet frame (EthernetFrame.decode, then the tcpdump-style
// TcpdumpFormat.line and .detail), and as an IPv4 datagram from a raw ICMP socket (ICMPPacket.decode), both
// the whole input and the input after an Ethernet header, so that frame seeds reach the ICMP decoder too.
// Decoding must succeed or throw the decoder's own error type; anything else (a trap, another error) is a bug.
// See Fuzz/README.md: built with -sanitize=fuzzer,address -DFUZZING by `make fuzz`; without FUZZING the
// executable replays the files named on its command line.
import NetlinkWire
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
