import Addresses

/// Frames rendered the way ONE run of tcpdump 4.99 prints a capture: TCP sequence numbers relative to each
/// connection's initial numbers, as print-tcp.c keeps them in `tcp_seq_hash` (without -S).
///
/// tcpdump stores a connection (both directions under one key: the lower port first, or for equal ports the
/// lower address) when it sees an ACK-bearing segment of a connection it does not know, or any SYN+ACK:
/// that segment stores its own sequence number and its ack − 1 for the other direction and is printed with
/// absolute numbers (so are SYNs without ACK, which store nothing); every later ACK-bearing segment of the
/// connection prints seq and ack minus the stored numbers, and segments without ACK (a bare RST) stay
/// absolute. Use one session per capture, feeding frames in capture order.
public final class TcpdumpSession {
    struct Key: Hashable {
        var source: [UInt8]
        var destination: [UInt8]
        var ports: UInt32
    }

    /// Per connection key: `seq` for the direction from the key's source, `ack` for the other one.
    var initial: [Key: (seq: UInt32, ack: UInt32)] = [:]

    public init() {}

    /// As `tcpdump -tnel`, see `TcpdumpFormat.line`.
    public func line(_ frame: EthernetFrame) -> String { TcpdumpFormat.line(frame, session: self) }

    /// As `tcpdump -tnl`, see `TcpdumpFormat.lineWithoutLinkLayer`.
    public func lineWithoutLinkLayer(_ frame: EthernetFrame) -> String { TcpdumpFormat.lineWithoutLinkLayer(frame, session: self) }

    /// print-tcp.c: the (seq, ack) to print for this ACK-bearing segment, and the stored numbers
    /// (thseq, thack, rev) the SACK option is printed relative to.
    func numbers(_ ip: IPv4Packet, _ t: TCPSegment) -> (seq: UInt32, ack: UInt32, thseq: UInt32, thack: UInt32, rev: Bool) {
        let src = ip.source.bytes, dst = ip.destination.bytes
        let sport = t.sourcePort, dport = t.destinationPort
        let rev = sport > dport || (sport == dport && dst.lexicographicallyPrecedes(src))
        let key = rev ? Key(source: dst, destination: src, ports: UInt32(dport) << 16 | UInt32(sport))
                      : Key(source: src, destination: dst, ports: UInt32(sport) << 16 | UInt32(dport))
        var seq = t.sequence, ack = t.acknowledgement
        let stored: (seq: UInt32, ack: UInt32)
        if let known = initial[key], !t.flags.contains(.syn) {
            stored = known
            if rev { seq &-= known.ack; ack &-= known.seq } else { seq &-= known.seq; ack &-= known.ack }
        } else {
            stored = rev ? (seq: ack &- 1, ack: seq) : (seq: seq, ack: ack &- 1)
            initial[key] = stored
        }
        return (seq, ack, stored.seq, stored.ack, rev)
    }
}
