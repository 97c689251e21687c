import Addresses

/// One decoded frame as the line `tcpdump -t -n -e -l` (tcpdump 4.99) prints for it, without the newline.
///
/// Each function names the tcpdump printer it mirrors; TcpdumpDifferentialTests checks them against the real
/// tcpdump. Not matched, because the decoded values do not hold what tcpdump prints there:
/// - TCP sequence numbers: tcpdump prints them relative to each connection's initial numbers (see
///   `TcpdumpSession`, which renders a capture as one tcpdump run does); these static functions render each frame
///   as a fresh tcpdump would, alone (absolute numbers, as for the first ACK-bearing segment of a connection);
/// - TCP options: MPTCP (30) is printed as "mptcp 0xHEX", where tcpdump decodes its subtypes ("mptcp 4 capable ...");
///   the MD5 signature (19) always as "can't check" (tcpdump -M SECRET verifies it); a TCP header longer than
///   the segment ("[bad hdr length N - too long, > M]" in tcpdump) fails to decode here;
/// - datagrams cut by the snap length: tcpdump prints what it has and "[|tcp]" (or the like), here the frame
///   fails to decode;
/// - application printers on well-known UDP/TCP ports (DNS, HTTP on 80/8080 with data, ...) other than BOOTP
///   (67/68); where tcpdump checks the other port first (53 DNS, 69 TFTP, 525 timed, 5353 mDNS) it prints that
///   protocol, this renderer BOOTP; and of BOOTP only the non-verbose line (see `detail` for one -v item);
/// - a UDP length below 8: tcpdump prints "truncated-udplength N", here the frame fails to decode;
/// - IP protocols other than ICMP/UDP/TCP that tcpdump decodes (IGMP, GRE, OSPF, ...), ICMP types with their
///   own printers (redirect, parameter problem, timestamp, router advertisement, mask reply: here `type-#N`),
///   and port unreachable quoting neither UDP nor TCP (tcpdump shows bytes 2-3 of the quote as the port);
/// - ethertypes other than IPv4/ARP: the header line matches, the hex dump tcpdump adds on following lines
///   (each starting with a tab) is left out, as are 802.3 length fields (< 0x0600) and VLAN tags.
public enum TcpdumpFormat {
    /// Stateless: the line a fresh tcpdump prints for this frame alone (a TCP segment with ACK shows absolute
    /// numbers, as the first of its connection). Render a capture with one `TcpdumpSession` instead.
    public static func line(_ frame: EthernetFrame) -> String { line(frame, session: TcpdumpSession()) }

    static func line(_ frame: EthernetFrame, session: TcpdumpSession) -> String {
        // print-ether.c ether_hdr_print with -e: "src > dst, ethertype NAME (0xXXXX), length LEN: "
        let head = "\(frame.source) > \(frame.destination), ethertype \(etherTypeName(frame.etherType))"
            + " (0x\(hex4(frame.etherType))), length \(frame.wireLength): "
        switch frame.payload {
        case .arp(let arp): return head + self.arp(arp, length: frame.wireLength - 14)
        case .ipv4(let ip): return head + ipv4(ip, session: session)
        case .other: return head
        }
    }

    /// The same frame as `tcpdump -tnl` (without -e) prints it, the way the book watches lo in chapters 5, 6
    /// and 8: "IP 127.0.0.1.40000 > 127.0.0.1.54321: UDP, length 14".
    public static func lineWithoutLinkLayer(_ frame: EthernetFrame) -> String {
        lineWithoutLinkLayer(frame, session: TcpdumpSession())
    }

    static func lineWithoutLinkLayer(_ frame: EthernetFrame, session: TcpdumpSession) -> String {
        switch frame.payload {
        case .arp(let arp): return "ARP, " + self.arp(arp, length: frame.wireLength - 14)
        case .ipv4(let ip): return "IP " + ipv4(ip, session: session)
        case .other: return "ethertype \(etherTypeName(frame.etherType)) (0x\(hex4(frame.etherType))), length \(frame.wireLength)"
        }
    }

    /// print-ether.c ethertype_values (the names tcpdump has for ethertypes; "Unknown" otherwise).
    static func etherTypeName(_ type: UInt16) -> String {
        switch type {
        case 0x0800: "IPv4"
        case 0x0806: "ARP"
        case 0x8035: "Reverse ARP"
        case 0x86dd: "IPv6"
        case 0x8100: "802.1Q"
        case 0x88a8: "802.1Q-QinQ"
        case 0x88cc: "LLDP"
        case 0x8847: "MPLS unicast"
        case 0x8848: "MPLS multicast"
        case 0x888e: "EAPOL"
        default: "Unknown"
        }
    }

    /// print-arp.c arp_print: "Request who-has T [(THA)] tell S", "Reply S is-at SHA", then ", length N"
    /// where N is the frame length after the Ethernet header (46 for a padded 60-byte frame).
    static func arp(_ a: ARPPacket, length: Int) -> String {
        let body: String
        switch a.operation {
        case 1:
            let tha = a.targetMAC.bytes.allSatisfy { $0 == 0 } ? "" : " (\(a.targetMAC))"
            body = "Request who-has \(a.targetIP)\(tha) tell \(a.senderIP)"
        case 2: body = "Reply \(a.senderIP) is-at \(a.senderMAC)"
        case 3: body = "Reverse Request who-is \(a.targetMAC) tell \(a.senderMAC)"
        case 4: body = "Reverse Reply \(a.targetMAC) at \(a.targetIP)"
        case 8: body = "Inverse Request who-is \(a.targetMAC) tell \(a.senderMAC)"
        case 9: body = "Inverse Reply \(a.senderMAC) at \(a.senderIP)"
        default: body = "Unknown (\(a.operation))"
        }
        return body + ", length \(length)"
    }

    /// print-ip.c ip_print without -v: "SRC > DST: " and the transport printer; a non-first fragment is
    /// "SRC > DST: ip-proto-P" and an undecoded protocol "SRC > DST:  ip-proto-P LEN" (two spaces, as tcpdump).
    static func ipv4(_ ip: IPv4Packet, session: TcpdumpSession) -> String {
        let dataLength = ip.totalLength - ip.headerLength
        if ip.fragmentOffset != 0 { return "\(ip.source) > \(ip.destination): ip-proto-\(ip.protocolNumber)" }
        switch ip.transport {
        case .icmp(let m): return "\(ip.source) > \(ip.destination): ICMP \(icmp(m)), length \(m.length)"
        case .udp(let u): return "\(ip.source).\(u.sourcePort) > \(ip.destination).\(u.destinationPort): \(udp(u, ipDataLength: dataLength))"
        case .tcp(let t): return "\(ip.source).\(t.sourcePort) > \(ip.destination).\(t.destinationPort): \(tcp(t, ip: ip, session: session))"
        case .other: return "\(ip.source) > \(ip.destination):  ip-proto-\(ip.protocolNumber) \(dataLength)"
        }
    }

    /// print-icmp.c icmp_print: the text between "ICMP " and ", length N".
    static func icmp(_ m: ICMPMessage) -> String {
        switch m.type {
        case 0, 8:
            let kind = m.type == 8 ? "echo request" : "echo reply"
            return "\(kind), id \(m.identifier ?? 0), seq \(m.sequence ?? 0)"
        case 3: return unreachable(m)
        case 11:
            switch m.code {
            case 0: return "time exceeded in-transit"
            case 1: return "ip reassembly time exceeded"
            default: return "time exceeded-#\(m.code)"
            }
        case 4: return "source quench"
        case 10: return "router solicitation"
        case 15: return "information request"
        case 16: return "information reply"
        case 17: return "address mask request"
        default: return "type-#\(m.type)"
        }
    }

    /// print-icmp.c ICMP_UNREACH: the quoted datagram's destination, and for port unreachable its port.
    static func unreachable(_ m: ICMPMessage) -> String {
        guard let q = m.quoted else { return "[|icmp]" }
        let dst = q.destination
        switch m.code {
        case 0: return "net \(dst) unreachable"
        case 1: return "host \(dst) unreachable"
        case 2: return "\(dst) protocol \(q.protocolNumber) unreachable"
        case 3:
            switch q.transport {
            case .udp(let u): return "\(dst) udp port \(u.destinationPort) unreachable"
            case .tcp(let t): return "\(dst) tcp port \(t.destinationPort) unreachable"
            default: return "\(dst) protocol \(q.protocolNumber) port 0 unreachable"
            }
        case 4:
            let mtu = m.nextHopMTU ?? 0
            return "\(dst) unreachable - need to frag" + (mtu == 0 ? "" : " (mtu \(mtu))")
        case 5: return "\(dst) unreachable - source route failed"
        case 6: return "net \(dst) unreachable - unknown"
        case 7: return "host \(dst) unreachable - unknown"
        case 8: return "\(dst) unreachable - source host isolated"
        case 9: return "net \(dst) unreachable - admin prohibited"
        case 10: return "host \(dst) unreachable - admin prohibited"
        case 11: return "net \(dst) unreachable - tos prohibited"
        case 12: return "host \(dst) unreachable - tos prohibited"
        case 13: return "host \(dst) unreachable - admin prohibited filter"
        case 14: return "host \(dst) unreachable - host precedence violation"
        case 15: return "host \(dst) unreachable - precedence cutoff"
        default: return "\(dst) unreachable - #\(m.code)"
        }
    }

    /// print-udp.c udp_print: BOOTP on port 67 or 68 (see `bootp`), otherwise, for ports without an application
    /// printer, "UDP, length N" (N = UDP length − 8), or "UDP, bad length N > M" when the UDP length exceeds
    /// the IP data.
    static func udp(_ u: UDPDatagram, ipDataLength: Int) -> String {
        let data = u.length - 8, available = ipDataLength - 8
        if let head = u.bootpHead { return bootp(head, length: min(data, available)) }
        return data > available ? "UDP, bad length \(data) > \(available)" : "UDP, length \(data)"
    }

    /// print-bootp.c bootp_print without -v: "BOOTP/DHCP, Request from CHADDR, length N" (the client MAC only
    /// for Ethernet requests: htype 1, hlen 6), "BOOTP/DHCP, Reply, length N", or "unknown (0xOP)" for another
    /// operation. N is the UDP data length (capped at the IP data). `head` holds the bytes tcpdump reads
    /// (op … chaddr); where they end too soon tcpdump stops with " [|bootp]", and so does this.
    static func bootp(_ head: [UInt8], length: Int) -> String {
        let truncated = " [|bootp]"
        guard let op = head.first else { return truncated }
        var s = "BOOTP/DHCP, " + bootpOperationName(op)
        guard head.count >= 3 else { return s + truncated }
        if op == DHCPMessage.bootRequest, head[1] == 1, head[2] == 6 {
            guard let chaddr = MACAddress(bytes: head.dropFirst(28).prefix(6)) else { return s + truncated }
            s += " from \(chaddr)"
        }
        return s + ", length \(length)"
    }

    /// print-bootp.c bootp_op_values: "Request", "Reply", else "unknown (0xNN)".
    static func bootpOperationName(_ op: UInt8) -> String {
        switch op {
        case DHCPMessage.bootRequest: return "Request"
        case DHCPMessage.bootReply: return "Reply"
        default:
            let hex = String(op, radix: 16)
            return "unknown (0x\(hex.count < 2 ? "0" + hex : hex))"
        }
    }

    /// For a frame carrying a decoded DHCP message: what a learner needs from it, in the words of
    /// `tcpdump -v` (print-bootp.c), which prints these items on separate lines:
    /// "DHCP-Message (53), length 1: Offer" (option 53) and "Your-IP 192.0.2.150" (yiaddr, when not 0.0.0.0),
    /// joined by ", ". nil for frames without a DHCP message, or when it has neither item; also for BOOTP data
    /// that `DHCPMessage.decode` rejects (no cookie, an option running past the end, ...), of which tcpdump -v
    /// may still print some lines.
    public static func detail(_ frame: EthernetFrame) -> String? {
        guard case .ipv4(let ip) = frame.payload, case .udp(let u) = ip.transport, let dhcp = u.dhcp else { return nil }
        var items: [String] = []
        if dhcp.messageType != nil { items.append("DHCP-Message (53), length 1: \(dhcp.messageTypeName)") }
        if dhcp.yourAddress.value != 0 { items.append("Your-IP \(dhcp.yourAddress)") }
        return items.isEmpty ? nil : items.joined(separator: ", ")
    }

    /// print-tcp.c tcp_print (tcpdump 4.99, without -v/-S): "Flags [F S R P . U E W], seq S[:S+len], ack A,
    /// win W[, urg U][, options [...]], length N", seq and ack relative per `session` (see `TcpdumpSession`).
    static func tcp(_ t: TCPSegment, ip: IPv4Packet, session: TcpdumpSession) -> String {
        let names: [(TCPFlags, String)] = [(.fin, "F"), (.syn, "S"), (.rst, "R"), (.psh, "P"), (.ack, "."),
                                           (.urg, "U"), (.ece, "E"), (.cwr, "W")]
        let flags = names.filter { t.flags.contains($0.0) }.map(\.1).joined()
        var s = "Flags [\(flags.isEmpty ? "none" : flags)]"
        var seq = t.sequence, ack = t.acknowledgement
        var stored: (thseq: UInt32, thack: UInt32, rev: Bool) = (0, 0, false)
        if t.flags.contains(.ack) {
            let n = session.numbers(ip, t)
            seq = n.seq; ack = n.ack
            stored = (n.thseq, n.thack, n.rev)
        }
        if t.payloadLength > 0 || !t.flags.isDisjoint(with: [.fin, .syn, .rst]) {
            s += ", seq \(seq)"
            if t.payloadLength > 0 { s += ":\(seq &+ UInt32(truncatingIfNeeded: t.payloadLength))" }
        }
        if t.flags.contains(.ack) { s += ", ack \(ack)" }
        s += ", win \(t.window)"
        if t.flags.contains(.urg) { s += ", urg \(t.urgentPointer)" }
        if !t.options.isEmpty {
            // print-tcp.c walks the option bytes its own way (a known kind with a wrong length is read at its usual
            // size, and the walk goes on from there): it is given the header's bytes, which the options give back.
            switch tcpOptions(TCPOption.bytes(t.options), dataFollows: t.payloadLength > 0, thseq: stored.thseq, thack: stored.thack, rev: stored.rev) {
            case .complete(let text): s += ", options [\(text)]"
            case .bad(let text): return s + ", options [\(text)"
            }
        }
        return s + ", length \(t.payloadLength)"
    }

    enum OptionsText { case complete(String), bad(String) }

    /// print-tcp.c's option loop: the text between "options [" and "]", or, for options tcpdump gives up on,
    /// everything it prints up to "[bad opt]" (and "]" when an option came before), after which the line ends.
    /// `dataFollows`: segment data was captured after the header (tcpdump reads a length byte from there).
    static func tcpOptions(_ o: [UInt8], dataFollows: Bool, thseq: UInt32, thack: UInt32, rev: Bool) -> OptionsText {
        var out = "", i = 0, first = true
        func bad() -> OptionsText { .bad(out + "[bad opt]" + (first ? "" : "]")) }
        func u16(_ at: Int) -> UInt32 { UInt32(o[at]) << 8 | UInt32(o[at + 1]) }
        func u32(_ at: Int) -> UInt32 { u16(at) << 16 | u16(at + 2) }
        func hexBytes(_ r: Range<Int>) -> String { r.map { hex2(o[$0]) }.joined() }
        while i < o.count {
            if !first { out += "," }
            let opt = o[i]
            var hlen = o.count - i - 1          // bytes left after the type byte
            let len: Int
            if opt == 0 || opt == 1 {
                len = 1
            } else {
                // The type as the header's last byte: tcpdump reads the length from the data (always too long
                // then), or, with no data captured, stops with " [|tcp]".
                guard hlen >= 1 else { return dataFollows ? bad() : .bad(out + " [|tcp]") }
                len = Int(o[i + 1])
                guard len >= 2, len <= hlen + 1 else { return bad() }
                hlen -= 1
            }
            let cp = i + (len == 1 && (opt == 0 || opt == 1) ? 1 : 2)
            var datalen = 0
            out += optionName(opt)
            switch opt {
            case 2:
                datalen = 2
                guard datalen <= hlen else { return bad() }
                out += " \(u16(cp))"
            case 3:
                datalen = 1
                guard datalen <= hlen else { return bad() }
                out += " \(o[cp])"
            case 5:
                datalen = len - 2
                if datalen % 8 != 0 {
                    out += " invalid sack"
                } else {
                    out += " \(datalen / 8) "
                    for b in stride(from: 0, to: datalen, by: 8) {
                        guard b + 8 <= hlen else { return bad() }
                        var start = u32(cp + b), end = u32(cp + b + 4)
                        let base = rev ? thseq : thack
                        start &-= base; end &-= base
                        out += "{\(start):\(end)}"
                    }
                }
            case 6, 7, 11, 12, 13:
                datalen = 4
                guard datalen <= hlen else { return bad() }
                out += " \(u32(cp))"
            case 8:
                datalen = 8
                guard datalen <= hlen else { return bad() }
                out += " val \(u32(cp)) ecr \(u32(cp + 4))"
            case 20:
                datalen = 2
                guard datalen <= hlen else { return bad() }
                out += " cap \(hex2(o[cp])) id \(o[cp + 1])"
            case 0, 1, 4:
                break
            case 19:
                // Built with libcrypto, tcpdump checks the signature only with -M SECRET.
                datalen = 16
                guard datalen <= hlen else { return bad() }
                out += " shared secret not supplied with -M, can't check - " + hexBytes(cp..<(cp + 16))
            case 29:
                datalen = len - 2
                if datalen < 2 {
                    out += " (invalid)"
                } else {
                    out += " keyid \(o[cp]) rnextkeyid \(o[cp + 1])"
                    if datalen > 2 { out += " mac 0x" + hexBytes((cp + 2)..<(cp + datalen)) }
                }
            case 34:
                datalen = len - 2
                out += " " + fastOpen(Array(o[cp..<(cp + datalen)]))
            case 254:
                datalen = len - 2
                guard datalen >= 2 else { return bad() }
                let magic = u16(cp)
                out += "-" + (magic == 0xf989 ? "tfo" + fastOpen(Array(o[(cp + 2)..<(cp + datalen)]))
                                              : String(repeating: "0", count: 4 - String(magic, radix: 16).count) + String(magic, radix: 16))
            case 28:
                datalen = 2
                guard datalen <= hlen else { return bad() }
                let value = u16(cp)
                out += " 0x\(String(value, radix: 16)) \(value & 1 != 0 ? (value >> 1) * 60 : value >> 1)"
            default:
                datalen = len - 2
                if datalen > 0 { out += " 0x" + hexBytes(cp..<(cp + datalen)) }
            }
            hlen -= datalen
            let expected = datalen + 1 + (opt == 0 || opt == 1 ? 0 : 1)
            if expected != len { out += "[len \(len)]" }
            first = false
            i = o.count - hlen
            if opt == 0 { break }
        }
        return .complete(out)
    }

    /// print-tcp.c print_tcp_fastopen_option: " cookiereq", " cookie HEX" (4 to 16 bytes, even), " (invalid)".
    static func fastOpen(_ cookie: [UInt8]) -> String {
        if cookie.isEmpty { return " cookiereq" }
        if cookie.count % 2 != 0 || cookie.count < 4 || cookie.count > 16 { return " (invalid)" }
        return " cookie " + cookie.map(hex2).joined()
    }

    /// print-tcp.c tcp_option_values; "unknown-N" otherwise.
    static func optionName(_ opt: UInt8) -> String {
        switch opt {
        case 0: "eol"
        case 1: "nop"
        case 2: "mss"
        case 3: "wscale"
        case 4: "sackOK"
        case 5: "sack"
        case 6: "echo"
        case 7: "echoreply"
        case 8: "TS"
        case 11: "cc"
        case 12: "ccnew"
        case 13: ""
        case 19: "md5"
        case 20: "scps"
        case 28: "uto"
        case 29: "tcp-ao"
        case 30: "mptcp"
        case 34: "tfo"
        case 254: "exp"
        default: "unknown-\(opt)"
        }
    }
}

/// Two lower-case hex digits.
func hex2(_ v: UInt8) -> String {
    let s = String(v, radix: 16)
    return s.count < 2 ? "0" + s : s
}
