import Glibc
import Kernel
import NetlinkWire

/// The sockets of one namespace that matter for its services (`ss -tuanp`), read twice in a run: before netcheck
/// talks to anything — what the learner started, and what the `bound` checks judge — and after the
/// conversations, to tell the learner what they left (a one-shot server that served netcheck and exited).
struct ServiceSockets {
    var before: Result<[SocketEntry], KernelError>
    var after: [SocketEntry]?

    /// Reads the sockets of every namespace that has services, before the probes.
    static func read(_ specs: [ServiceSpec], world: World, ownersDeadline: Int?) -> [String: ServiceSockets] {
        var result: [String: ServiceSockets] = [:]
        for (namespace, services) in Dictionary(grouping: specs, by: \.namespace) {
            guard let place = world.livePlace(namespace) else { continue }
            let ports = Set(services.map(\.port))
            let before = Result { try place.handle.sockets(onPorts: ports, ownersDeadline: ownersDeadline) }
                .mapError { $0 as? KernelError ?? KernelError("SOCK_DIAG dump", namespace: place.label, errno: 0) }
            result[namespace] = ServiceSockets(before: before, after: nil)
        }
        return result
    }

    /// Reads them again once the conversations are over (states only: the processes were named before).
    ///
    /// The book's TCP servers for `connect`, `echo` and `sum` serve one client and exit, closing their connection a
    /// moment before their listening socket (`nc -l` closes the client's socket, then the listener, then exits): when
    /// one of them passed and its listener is still there, the table is read again for at most `settle` µs. The HTTP
    /// server of the book stays, and is not waited for.
    static func readAfter(_ sockets: inout [String: ServiceSockets], _ specs: [ServiceSpec], passed: Set<ServiceSpec>,
                          world: World, settle: Int = 250_000) {
        let until = Monotonic.microseconds() + settle
        for (namespace, services) in Dictionary(grouping: specs, by: \.namespace) {
            guard let place = world.livePlace(namespace), let before = try? sockets[namespace]?.before.get() else { continue }
            let ports = Set(services.map(\.port))
            let waitFor = services.filter { passed.contains($0) && [.connect, .echo, .sum].contains($0.talk) }
                .filter { ServiceState(spec: $0, sockets: before).listener != nil }
            var after = try? place.handle.sockets(onPorts: ports, owners: false)
            func stillListening(_ current: [SocketEntry]) -> [SocketEntry] {
                waitFor.compactMap { spec in ServiceState(spec: spec, sockets: current).listener.flatMap { _ in ServiceState(spec: spec, sockets: before).listener } }
            }
            // A one-shot server closes its client's socket a moment before it exits: wait for its process to end (an
            // event on a pidfd, at most `settle`), then look again. A server that stays costs this wait.
            if let current = after, case let owners = stillListening(current).compactMap(\.pid), !owners.isEmpty {
                _ = Processes.waitForExit(owners, until: until)
                after = try? place.handle.sockets(onPorts: ports, owners: false)
            }
            sockets[namespace]?.after = after
        }
    }
}

/// What a namespace's sockets say about one service.
struct ServiceState {
    let spec: ServiceSpec
    let sockets: [SocketEntry]

    var transport: SocketEntry.Transport { spec.transport == .tcp ? .tcp : .udp }

    /// The live sockets on the service's port and protocol.
    var onPort: [SocketEntry] { sockets.filter { $0.port == spec.port && $0.transport == transport && $0.state != .timeWait } }

    /// A TCP listener, or an unconnected UDP socket, that takes the exercise's address.
    var listener: SocketEntry? { onPort.first { $0.isListening && $0.accepts(spec.address) } }

    /// A UDP socket on the port, connected to one peer: `nc -u -l` after its first datagram. It takes datagrams
    /// from that peer only.
    var connectedUDP: SocketEntry? {
        guard transport == .udp else { return nil }
        return onPort.first { $0.state == .connected && $0.accepts(spec.address) && $0.peerIPv4 != nil && $0.peerPort != nil }
    }

    /// A connection the server accepted on the port while nothing listens there any more: `nc -l` after its client.
    var accepted: SocketEntry? {
        guard transport == .tcp, listener == nil else { return nil }
        return onPort.first { $0.state == .connected }
    }

    /// Seconds since the most recent connection to the port ended (its TIME_WAIT lasts 60 s), if one did.
    var secondsSinceLastConnection: Int? {
        sockets.filter { $0.transport == .tcp && $0.state == .timeWait && ($0.port == spec.port || $0.peerPort == spec.port) }
            .map { max(0, 60 - Int($0.expiresMs / 1000)) }.min()
    }

    /// After netcheck's conversation: the listener it talked to is gone (a server that serves one client).
    func stoppedListening(after: [SocketEntry]) -> Bool {
        guard transport == .tcp, listener != nil else { return false }
        return ServiceState(spec: spec, sockets: after).listener == nil
    }

    /// After netcheck's datagram from `sourcePort`: the socket is now connected to it (nc -u -l).
    func connectedToNetcheck(after: [SocketEntry], sourcePort: UInt16?) -> SocketEntry? {
        guard transport == .udp, listener != nil, let sourcePort else { return nil }
        return ServiceState(spec: spec, sockets: after).connectedUDP.flatMap { $0.peerPort == sourcePort ? $0 : nil }
    }
}
