import Addresses
import Glibc
import Kernel

/// What one conversation with a learner's server gave, as it happened: the bytes and errors, no judgement
/// (Grading's service checks judge it). One per service: the book's servers serve one client and exit.
public struct Conversation: Sendable, Equatable {
    public enum Exchange: Sendable, Equatable {
        /// One datagram, and whether an ICMP error came back (`posingAs`: sent as the peer `nc -u -l` is connected to).
        case datagram(ServiceProbe.DatagramOutcome, posingAs: String?)
        /// connect(2) failed with this errno.
        case notConnected(errno: Int32)
        /// `nc ADDRESS PORT` and a greeting: the send's errno, or how many of its bytes the peer has not acknowledged.
        case connected(sendErrno: Int32?, unacknowledged: Int)
        /// `GET / HTTP/1.0` and what came back (its first `ServiceClients.maxReply` bytes).
        case http(reply: [UInt8])
        /// The echo messages, in order, up to the first that did not come back whole.
        case echo([EchoRound])
        /// The sum protocol's question and what came back for it (`closed`: the server closed before the deadline).
        case sum(a: Int32, b: Int32, sendErrno: Int32?, answer: [UInt8], closed: Bool)
        /// netcheck could not talk at all (a socket of its own failed).
        case failed(String)
    }

    /// One message to an echo server and what came back: its size, how much came back and whether that began with
    /// the message, and why reading stopped.
    public struct EchoRound: Sendable, Equatable {
        public var size: Int
        public var sendErrno: Int32?
        public var received: Int
        public var same: Bool
        public var closed: Bool
        public init(size: Int, sendErrno: Int32?, received: Int, same: Bool, closed: Bool) {
            self.size = size; self.sendErrno = sendErrno; self.received = received; self.same = same; self.closed = closed
        }
        public var whole: Bool { sendErrno == nil && received >= size && same }
    }

    public var exchange: Exchange
    /// The port netcheck's side of the conversation had, to recognise it in the sockets afterwards.
    public var sourcePort: UInt16?

    public init(_ exchange: Exchange, sourcePort: UInt16? = nil) { self.exchange = exchange; self.sourcePort = sourcePort }
}

/// The clients of the book's protocols (chapters 5, 6 and 8), from sockets opened inside the server's namespace.
/// Every wait ends at `deadline` (CLOCK_MONOTONIC µs).
public enum ServiceClients {
    public static let greeting = Array("Hello, World!\n".utf8)
    /// Reading an HTTP reply stops here: a page larger than this is judged on its first MiB.
    public static let maxReply = 1 << 20
    /// The echo server's three messages on one connection, the last larger than a segment.
    public static let echoMessages: [[UInt8]] = [greeting, Array("netcheck: second message\n".utf8),
                                                 (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }]

    /// One datagram, from a fresh port or as `peer` (a socket `nc -u -l` connected to its first sender takes
    /// datagrams from that sender only).
    public static func datagram(from namespace: NetworkNamespace, to address: IPv4Address, port: UInt16,
                                posingAs peer: (address: IPv4Address, port: UInt16)?, wait: Duration) throws -> Conversation {
        if let peer {
            let outcome = try ServiceProbe.datagram(from: namespace, posingAs: peer, to: address, port: port, payload: greeting, wait: wait)
            return Conversation(.datagram(outcome, posingAs: "\(peer.address):\(peer.port)"), sourcePort: peer.port)
        }
        var sourcePort: UInt16?
        let outcome = try ServiceProbe.datagram(from: namespace, to: address, port: port, payload: greeting, wait: wait, sourcePort: &sourcePort)
        return Conversation(.datagram(outcome, posingAs: nil), sourcePort: sourcePort)
    }

    /// The handshake, the greeting, and how much of it the peer acknowledged (SIOCOUTQ drains).
    public static func connected(_ c: ServiceProbe.Connection, until deadline: Int) -> Conversation.Exchange {
        if let e = c.send(greeting, until: deadline) { return .connected(sendErrno: e, unacknowledged: greeting.count) }
        return .connected(sendErrno: nil, unacknowledged: c.unacknowledged(until: deadline))
    }

    /// `GET / HTTP/1.0`, as the book types it into nc and as httpclient.py sends it.
    public static func http(_ c: ServiceProbe.Connection, host: IPv4Address, until deadline: Int) -> Conversation.Exchange {
        _ = c.send(Array("GET / HTTP/1.0\r\nHost: \(host)\r\n\r\n".utf8), until: deadline)
        return .http(reply: c.receive(atLeast: maxReply, until: deadline).bytes)
    }

    /// The three echo messages, each read back before the next is sent; stops at the first that fails.
    public static func echo(_ c: ServiceProbe.Connection, until deadline: Int) -> Conversation.Exchange {
        var rounds: [Conversation.EchoRound] = []
        for message in echoMessages {
            if let e = c.send(message, until: deadline) {
                rounds.append(.init(size: message.count, sendErrno: e, received: 0, same: false, closed: false))
                break
            }
            let (back, closed) = c.receive(atLeast: message.count, until: deadline)
            let round = Conversation.EchoRound(size: message.count, sendErrno: nil, received: back.count,
                                               same: back.count >= message.count && Array(back.prefix(message.count)) == message, closed: closed)
            rounds.append(round)
            if !round.whole { break }
        }
        return .echo(rounds)
    }

    /// The sum protocol as the book's addserver.py speaks it: two signed 32-bit big-endian integers in, the sum out
    /// as one signed 64-bit big-endian integer.
    public static func sum(_ a: Int32, _ b: Int32, on c: ServiceProbe.Connection, until deadline: Int) -> Conversation.Exchange {
        if let e = c.send(bigEndian(a) + bigEndian(b), until: deadline) {
            return .sum(a: a, b: b, sendErrno: e, answer: [], closed: false)
        }
        let (back, closed) = c.receive(atLeast: 8, until: deadline)
        return .sum(a: a, b: b, sendErrno: nil, answer: back, closed: closed)
    }

    public static func bigEndian(_ v: Int32) -> [UInt8] {
        let u = UInt32(bitPattern: v)
        return [UInt8(u >> 24), UInt8(u >> 16 & 0xff), UInt8(u >> 8 & 0xff), UInt8(u & 0xff)]
    }
}
