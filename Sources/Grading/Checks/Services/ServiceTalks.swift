import Addresses
import Glibc
import Kernel
import NetlinkWire
import Probes
import Localization

/// What a conversation with a service means: whether it behaved, what was seen, and (when it did not) why.
struct Talk: Sendable {
    var passed: Bool
    var observed: Localized
    var hint: Localized?
    /// Nothing answered at the port at all (ECONNREFUSED, port unreachable).
    var refused = false
}

/// The conversations of chapters 5, 6 and 8: each service gets exactly one (one datagram, or one connection),
/// because the book's servers serve one client and exit (`nc -l`, echoserver.py, addserver.py). `talk` has it
/// (through Probes' `ServiceClients`); `judge` says what it means, from the conversation alone.
enum ServiceTalks {
    /// How long (µs) a server that passed may take to close after netcheck has: most close at once.
    static let closeWait = 100_000

    static func remaining(_ deadline: Int) -> Duration { .microseconds(max(0, deadline - Monotonic.microseconds())) }

    /// Talks to the service, from inside its namespace. `state` is what its sockets looked like before. Returns the
    /// conversation and whether it passed (`judge`, which decided whether to wait for the server to close).
    static func talk(_ spec: ServiceSpec, in place: World.Place, state: ServiceState?, until deadline: Int) -> (Conversation, passed: Bool) {
        let conversation: Conversation
        do {
            switch spec.talk {
            case .datagram:
                // A socket `nc -u -l` has connected to its first sender takes datagrams from that sender only: netcheck
                // then sends as that sender, so the check can be run again, and passes after the book's `nc -u` client.
                var peer: (address: IPv4Address, port: UInt16)?
                if state?.listener == nil, let connected = state?.connectedUDP, let address = connected.peerIPv4, let port = connected.peerPort {
                    peer = (address, port)
                }
                // The datagram never leaves the namespace (sent from inside it to one of its addresses): a port
                // unreachable comes back within microseconds. 30 ms leaves room for a loaded machine (it was 300).
                conversation = try ServiceClients.datagram(from: place.handle, to: spec.address, port: spec.port, posingAs: peer,
                                                           wait: min(remaining(deadline), .milliseconds(30)))
            case .connect, .http, .echo, .sum:
                return try stream(spec, in: place, until: deadline)
            }
        } catch {
            conversation = Conversation(.failed("\(error)"))
        }
        return (conversation, judge(spec, conversation).passed)
    }

    static func stream(_ spec: ServiceSpec, in place: World.Place, until deadline: Int) throws -> (Conversation, passed: Bool) {
        let c: ServiceProbe.Connection
        switch try ServiceProbe.connect(from: place.handle, to: spec.address, port: spec.port, until: deadline) {
        case .failure(let e): return (Conversation(.notConnected(errno: e.errno)), false)
        case .success(let connection): c = connection
        }
        let exchange: Conversation.Exchange
        switch spec.talk {
        case .connect, .datagram: exchange = ServiceClients.connected(c, until: deadline)
        case .http: exchange = ServiceClients.http(c, host: spec.address, until: deadline)
        case .echo: exchange = ServiceClients.echo(c, until: deadline)
        case .sum:
            let (a, b) = AddTalk.question()
            exchange = ServiceClients.sum(a, b, on: c, until: deadline)
        }
        let conversation = Conversation(exchange, sourcePort: c.localPort)
        // The conversation ends as a client's does: netcheck closes, and gives the server a moment to close too, so
        // that a server which exits after one client is seen gone afterwards (ServiceState.stoppedListening).
        let passed = judge(spec, conversation).passed
        if passed { _ = c.finish(until: min(deadline, Monotonic.microseconds() + closeWait)) }
        return (conversation, passed)
    }

    /// What the conversation means for `spec`: a pure function of what was sent and what came back.
    static func judge(_ spec: ServiceSpec, _ conversation: Conversation) -> Talk {
        func failedSend(_ e: Int32) -> Talk { Talk(passed: false, observed: Localized("send: \(String(cString: strerror(e)))")) }
        switch conversation.exchange {
        case let .datagram(.delivered, posing):
            return Talk(passed: true, observed: posing.map { Localized(id: "service.datagram.observed.posing", ["peer": $0]) }
                            ?? Localized(id: "service.datagram.observed"))
        case .datagram(.refused, _):
            return Talk(passed: false, observed: Localized("ICMP \(spec.address) udp port \(spec.port) unreachable"), refused: true)
        case let .datagram(.failed(e), _):
            return Talk(passed: false, observed: Localized(String(cString: strerror(e))))
        case let .notConnected(e):
            return Talk(passed: false, observed: Localized("connect: \(String(cString: strerror(e)))"), refused: e == ECONNREFUSED)
        case let .connected(sendErrno?, _):
            return failedSend(sendErrno)
        case let .connected(nil, pending):
            return pending == 0
                ? Talk(passed: true, observed: Localized(id: "service.connect.observed"))
                : Talk(passed: false, observed: Localized(id: "service.connect.observed.unacknowledged", ["count": pending]))
        case let .http(reply):
            return HTTPTalk.judge(spec, reply: reply)
        case let .echo(rounds):
            return echo(rounds)
        case let .sum(_, _, sendErrno?, _, _):
            return failedSend(sendErrno)
        case let .sum(a, b, nil, answer, closed):
            return AddTalk.judge(a, b, answer: answer, closed: closed)
        case let .failed(text):
            return Talk(passed: false, observed: Localized(text))
        }
    }

    /// Three messages on one connection, the last larger than a segment: each must come back whole.
    static func echo(_ rounds: [Conversation.EchoRound]) -> Talk {
        var total = 0
        for (i, round) in rounds.enumerated() {
            if let e = round.sendErrno { return Talk(passed: false, observed: Localized("send: \(String(cString: strerror(e)))")) }
            guard round.whole else {
                let why = round.received >= round.size ? "service.echo.different" : round.closed ? "service.echo.closed" : "service.echo.timeout"
                return Talk(passed: false, observed: Localized(
                    id: "service.echo.observed.wrong", ["number": i + 1, "size": round.size, "count": round.received, "why": Localized(id: why)]),
                            hint: Localized(id: i == 2 && round.received < round.size ? "service.echo.hint.loop" : "service.echo.hint"))
            }
            total += round.size
        }
        return Talk(passed: true, observed: Localized(id: "service.echo.observed", ["total": total]))
    }
}
