import Glibc
import Kernel
import NetlinkWire
import Probes
import Localization

/// What talking to a service gave: whether it behaved, what was seen, and (when it did not) why.
struct Talk: Sendable {
    var passed: Bool
    var observed: Localized
    var hint: Localized?
    /// Nothing answered at the port at all (ECONNREFUSED, port unreachable).
    var refused = false
    /// The port netcheck's side of the conversation had, to recognise it in the sockets afterwards.
    var sourcePort: UInt16?
}

/// The conversations of chapters 5, 6 and 8, from sockets opened inside the service's namespace. Each service
/// gets exactly one: one datagram (UDP) or one connection (TCP), because the book's servers serve one client
/// and exit (`nc -l`, echoserver.py, addserver.py). Every wait ends at `deadline`.
enum ServiceTalks {
    static let greeting = Array("Hello, World!\n".utf8)

    /// Talks to the service, from inside its namespace. `state` is what its sockets looked like before.
    static func talk(_ spec: ServiceSpec, in place: World.Place, state: ServiceState?, until deadline: Int) -> Talk {
        do {
            switch spec.talk {
            case .datagram: return try datagram(spec, in: place, state: state, until: deadline)
            case .connect, .http, .echo, .sum: return try stream(spec, in: place, until: deadline)
            }
        } catch {
            return Talk(passed: false, observed: Localized("\(error)"))
        }
    }

    /// How long (µs) a server that passed may take to close after netcheck has: most close at once.
    static let closeWait = 100_000

    static func remaining(_ deadline: Int) -> Duration { .microseconds(max(0, deadline - Monotonic.microseconds())) }

    // MARK: UDP

    /// One datagram. A socket that `nc -u -l` has connected to its first sender takes datagrams from that sender
    /// only, so netcheck then sends as that sender (its address and port): the check can be run again, and passes
    /// after the book's own `nc -u` client has talked to the server.
    static func datagram(_ spec: ServiceSpec, in place: World.Place, state: ServiceState?, until deadline: Int) throws -> Talk {
        let wait = min(remaining(deadline), .milliseconds(300))
        let outcome: ServiceProbe.DatagramOutcome
        var sourcePort: UInt16?
        var posing: String?
        if state?.listener == nil, let peer = state?.connectedUDP, let address = peer.peerIPv4, let port = peer.peerPort {
            posing = "\(address):\(port)"
            sourcePort = port
            outcome = try ServiceProbe.datagram(from: place.handle, posingAs: (address, port), to: spec.address, port: spec.port,
                                                payload: greeting, wait: wait)
        } else {
            outcome = try ServiceProbe.datagram(from: place.handle, to: spec.address, port: spec.port, payload: greeting,
                                                wait: wait, sourcePort: &sourcePort)
        }
        switch outcome {
        case .delivered:
            let observed = posing.map { Localized(id: "service.datagram.observed.posing", ["peer": $0]) }
                ?? Localized(id: "service.datagram.observed")
            return Talk(passed: true, observed: observed, sourcePort: sourcePort)
        case .refused:
            return Talk(passed: false, observed: Localized("ICMP \(spec.address) udp port \(spec.port) unreachable"), refused: true,
                        sourcePort: sourcePort)
        case .failed(let e):
            return Talk(passed: false, observed: Localized(String(cString: strerror(e))), sourcePort: sourcePort)
        }
    }

    // MARK: TCP

    static func stream(_ spec: ServiceSpec, in place: World.Place, until deadline: Int) throws -> Talk {
        let connection: ServiceProbe.Connection
        switch try ServiceProbe.connect(from: place.handle, to: spec.address, port: spec.port, until: deadline) {
        case .failure(let e):
            let text = "connect: \(String(cString: strerror(e.errno)))"
            return Talk(passed: false, observed: Localized(text), refused: e.errno == ECONNREFUSED)
        case .success(let c):
            connection = c
        }
        var talk: Talk
        switch spec.talk {
        case .connect: talk = connect(connection, until: deadline)
        case .http: talk = HTTPTalk.get(spec, on: connection, until: deadline)
        case .echo: talk = echo(connection, until: deadline)
        case .sum: talk = AddTalk.ask(on: connection, until: deadline)
        case .datagram: talk = Talk(passed: false, observed: Localized("UDP"))
        }
        talk.sourcePort = connection.localPort
        // The conversation ends as a client's does: netcheck closes, and gives the server a moment to close too, so
        // that a server which exits after one client is seen gone afterwards (ServiceState.stoppedListening).
        if talk.passed { _ = connection.finish(until: min(deadline, Monotonic.microseconds() + closeWait)) }
        return talk
    }

    /// `nc 127.0.0.1 54321` and "Hello, World!": the handshake, then the data acknowledged (SIOCOUTQ drains).
    static func connect(_ c: ServiceProbe.Connection, until deadline: Int) -> Talk {
        if let e = c.send(greeting, until: deadline) { return Talk(passed: false, observed: Localized("send: \(String(cString: strerror(e)))")) }
        let pending = c.unacknowledged(until: deadline)
        return pending == 0
            ? Talk(passed: true, observed: Localized(id: "service.connect.observed"))
            : Talk(passed: false, observed: Localized(id: "service.connect.observed.unacknowledged", ["count": pending]))
    }

    /// Three messages on one connection, the last larger than a segment: each must come back whole.
    static func echo(_ c: ServiceProbe.Connection, until deadline: Int) -> Talk {
        let messages: [[UInt8]] = [greeting, Array("netcheck: second message\n".utf8),
                                   (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }]
        var total = 0
        for (i, message) in messages.enumerated() {
            if let e = c.send(message, until: deadline) { return Talk(passed: false, observed: Localized("send: \(String(cString: strerror(e)))")) }
            let (back, closed) = c.receive(atLeast: message.count, until: deadline)
            guard back.count >= message.count, Array(back.prefix(message.count)) == message else {
                let why = back.count >= message.count ? "service.echo.different" : closed ? "service.echo.closed" : "service.echo.timeout"
                return Talk(passed: false, observed: Localized(
                    id: "service.echo.observed.wrong", ["number": i + 1, "size": message.count, "count": back.count, "why": Localized(id: why)]),
                            hint: Localized(id: i == 2 && back.count < message.count ? "service.echo.hint.loop" : "service.echo.hint"))
            }
            total += message.count
        }
        return Talk(passed: true, observed: Localized(id: "service.echo.observed", ["total": total]))
    }
}
