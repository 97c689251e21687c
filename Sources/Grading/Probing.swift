import Addresses
import Capture
import Glibc
import Kernel
import NetlinkWire
import Packets
import Probes

/// Everything netcheck sends and watches in one run, sent together and collected in one poll loop:
/// echo requests, captures on the links the exercise names, ARP requests, DHCP discovers and TCP SYNs of its own.
struct ProbeResults {
    /// Echo outcomes by the id of the check that sent them (reachability, source NAT).
    var echo: [String: Result<EchoOutcome, Error>] = [:]
    /// The ICMP identifier each ping carried, by check id.
    var identifiers: [String: UInt16] = [:]
    /// What each capture kept, by the check that opened it (and the side of the router, for NAT checks).
    var captures: [CaptureKey: Result<CaptureRecord, Error>] = [:]
    /// The TCP source port of each NAT check's SYN, and the errno if it could not be sent.
    var synPorts: [String: UInt16] = [:]
    var synErrors: [String: Error] = [:]
    /// The transaction id of each DHCP check's DISCOVER.
    var dhcpTransactions: [String: UInt32] = [:]
    /// The conversation with each service, as it happened, by check id (judged by `ServiceTalks.judge`).
    var talks: [String: Conversation] = [:]
    /// The sockets of each namespace with services, before and after the conversations, by namespace name.
    var sockets: [String: ServiceSockets] = [:]

    /// The kernel's neighbour table (shared by every namespace) before and after the pings, when there were pings:
    /// entries it could not make meanwhile (`tableFulls` grew) mean it was full.
    var neighbourTableBefore: NeighbourTableState?
    var neighbourTableAfter: NeighbourTableState?

    /// How long the probes waited (ms), and whether the run's deadline cut that below --timeout.
    var timeoutMs = 0
    var timeoutCutByDeadline = false
}

/// Which capture: the one a check opened, or for a NAT check the one on each side of the router.
struct CaptureKey: Hashable, Sendable {
    enum Side: String, Sendable { case only, inside, outside }
    var check: String
    var side: Side
    init(_ check: String, _ side: Side = .only) { self.check = check; self.side = side }
}

/// What the checks of a run ask the probes for before any capture opens (`CheckKind.request`).
struct ProbeRequests {
    /// netcheck's own pings, by the id of the check that judges them.
    var pings: [(id: String, request: EchoRequest)] = []
    /// Servers whose namespaces' sockets are read before and after the conversations.
    var services: [ServiceSpec] = []
    /// Servers to talk to, once each, after the pings.
    var talks: [(id: String, spec: ServiceSpec, place: World.Place)] = []
}

struct Probing {
    let plan: Plan
    let world: World
    let timeout: Duration
    /// The longest any watcher may wait (the run's deadline), whatever its own patience.
    var latest: Duration? = nil

    /// One capture to open, and what to make of it once open.
    struct PlannedCapture {
        var key: CaptureKey
        var request: LiveCapture.Request
        /// Builds the watcher from the opened handles: this one and, when `injector` is set, a second handle
        /// on the same link that sends (so the first sees what is sent cross like any other frame).
        var injector: Bool
        var make: (LiveCapture, LiveCapture?) -> Watcher
    }

    typealias Watcher = FrameWatcher<DecodedFrame>

    func run() -> ProbeResults {
        var results = ProbeResults()
        var asked = ProbeRequests()
        for check in plan.checks { check.kind.request(check, world: world, &asked) }
        // The learner's servers as they are before netcheck sends anything: one that serves a single client
        // (the book's `nc -l`, echoserver.py, addserver.py) is gone after netcheck's conversation with it.
        let services = asked.services
        let started = Monotonic.microseconds()
        results.sockets = ServiceSockets.read(services, world: world,
                                              ownersDeadline: started + Monotonic.microseconds(min(timeout, latest ?? timeout)))
        let pingIDs = asked.pings.map(\.id)
        let tablePlace = asked.pings.isEmpty ? nil : world.places.first { $0.namespace != nil }
        results.neighbourTableBefore = tablePlace.flatMap { try? $0.handle.neighbourTable() }
        let requests = asked.pings.map(\.request)
        let identifiers = EchoProbe.makeIdentifiers(count: requests.count)
        results.identifiers = Dictionary(uniqueKeysWithValues: zip(pingIDs, identifiers))

        let planned = plan.checks.flatMap { $0.kind.captures($0, self, results: &results) }
        // Captures are open before anything is sent, so the first frame is not missed. They are opened (and
        // closed) all at once: each packet socket costs the kernel a grace period.
        let requestsToOpen = planned.flatMap { p in p.injector ? [p.request, Self.injectorRequest(p.request)] : [p.request] }
        let opened = LiveCapture.open(requestsToOpen)
        let allCaptures = opened.compactMap { try? $0.get() }
        defer { LiveCapture.close(allCaptures) }
        var watchers: [CaptureKey: Watcher] = [:]
        var next = 0
        for item in planned {
            let count = item.injector ? 2 : 1
            let mine = opened[next..<next + count]
            next += count
            do {
                let handles = try mine.map { try $0.get() }
                watchers[item.key] = item.make(handles[0], handles.count > 1 ? handles[1] : nil)
            } catch {
                results.captures[item.key] = .failure(error)
            }
        }

        do {
            let echoes = try EchoProbe.run(requests, identifiers: identifiers, watchers: Array(watchers.values), timeout: timeout)
            for (id, echo) in zip(pingIDs, echoes) { results.echo[id] = .success(echo.outcome) }
        } catch {
            for id in pingIDs { results.echo[id] = .failure(error) }
        }
        // Servers are talked to after the pings, all at once (each on a thread of its own) and all by one
        // deadline: six silent servers take one timeout, not six. Their captures on lo are still open, and are
        // read once the conversations are over.
        let talks = asked.talks
        if !talks.isEmpty {
            let deadline = Monotonic.microseconds() + Monotonic.microseconds(timeout)
            let states = talks.map { t in (try? results.sockets[t.spec.namespace]?.before.get()).map { ServiceState(spec: t.spec, sockets: $0) } }
            final class Outcomes: @unchecked Sendable { var talks: [(Conversation, passed: Bool)?] = [] }
            let outcomes = Outcomes()
            outcomes.talks = Array(repeating: nil, count: talks.count)
            concurrently(talks.count) { i in
                outcomes.talks[i] = ServiceTalks.talk(talks[i].spec, in: talks[i].place, state: states[i], until: deadline)
            }
            for (t, talk) in zip(talks, outcomes.talks) {
                results.talks[t.id] = talk?.0
                watchers[CaptureKey(t.id)]?.readAvailable()
            }
            let passed = Set(zip(talks, outcomes.talks).compactMap { t, talk in talk?.passed == true ? t.spec : nil })
            ServiceSockets.readAfter(&results.sockets, services, passed: passed, world: world)
        }
        results.neighbourTableAfter = tablePlace.flatMap { try? $0.handle.neighbourTable() }
        for (key, watcher) in watchers {
            watcher.finish()
            if let error = watcher.startError {
                if key.side == .outside { results.synErrors[key.check] = error }
                else { results.captures[key] = .failure(error) }
            }
            if results.captures[key] == nil { results.captures[key] = .success(CaptureRecord(watcher)) }
        }
        return results
    }

    static func injectorRequest(_ r: LiveCapture.Request) -> LiveCapture.Request {
        LiveCapture.Request(interface: r.interface, namespace: r.namespace, filter: "less 1")
    }

    /// `tcpdump -i LINK 'icmp and icmp[4:2] = ID'`: the ping's echo request and reply, nothing else.
    static func echoFilter(identifier: UInt16) -> String {
        "icmp and icmp[4:2] = \(identifier) and (icmp[0] = 8 or icmp[0] = 0)"
    }
}
