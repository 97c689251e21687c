import Addresses
import Glibc
import Kernel
import Netfilter
import NetlinkWire

/// The inventory of one run: everything netcheck has read of the learner's namespaces, asked once through its
/// `Inspector` and kept — snapshots (`ip link` / `ip address` / `ip route`), sysctls, route lookups, namespace ids,
/// and after the probes neighbour tables, forwarding databases and NAT rulesets. The checks judge from it and from
/// the probes' results alone: with a `RecordedInspector` the same verdicts come back without root or a kernel.
/// Only reads: nothing here changes the learner's configuration.
public final class World {
    /// One namespace as found: its identity and its links, addresses and routes (and, when it was read live, the
    /// handle the probes open their sockets with).
    public struct Place {
        /// The /run/netns name; nil for the namespace netcheck runs in ("root").
        public let name: String?
        /// Device and inode of the namespace file: two places are one namespace when they are equal.
        public let identity: NetworkNamespace.Identity
        public let snapshot: Snapshot
        /// The handle, for the probes; nil for a place that was recorded (nothing can be sent there).
        public let namespace: NetworkNamespace?
        public var label: String { name ?? "root" }
        /// The handle of a place `World.livePlace` returned: the probes' (they run only in a live world).
        var handle: NetworkNamespace { namespace! }

        public init(name: String?, namespace: NetworkNamespace, snapshot: Snapshot) {
            self.name = name; self.identity = namespace.identity; self.snapshot = snapshot; self.namespace = namespace
        }

        public init(name: String?, identity: NetworkNamespace.Identity, snapshot: Snapshot) {
            self.name = name; self.identity = identity; self.snapshot = snapshot; self.namespace = nil
        }
    }

    /// Where the answers come from.
    public let inspector: Inspector

    /// The namespaces the exercise names, by name: found, or why not (ENOENT: `ip netns add` was not run).
    public private(set) var named: [String: Result<Place, KernelError>] = [:]
    private var extraLoaded = false
    /// Namespaces outside the exercise that could not be read for lack of file descriptors.
    public private(set) var unreadable: [String] = []
    private var extras: [Place] = []
    private var sysctls: [String: Result<String?, KernelError>] = [:]
    private var lookups: [String: Result<RouteLookup, KernelError>] = [:]

    /// The name exercise files use for the namespace netcheck runs in (where `ip link add br0 type bridge`
    /// lands when typed without `ip netns exec`).
    public static let rootName = "root"

    public init(namespaces: [String], inspector: Inspector = LiveInspector()) {
        self.inspector = inspector
        for name in namespaces { named[name] = inspector.inspect(name == Self.rootName ? nil : name) }
        // A name under /run/netns may lead to the namespace netcheck runs in (`ln -s /proc/$$/ns/net`, a bind mount of
        // it), or two names to one namespace: then nothing built "in" them was built in a namespace of its own, and
        // everything that needs them is skipped (the one failing check is NS.netns).
        let own = inspector.ownIdentity()
        var byIdentity: [NetworkNamespace.Identity: [String]] = [:]
        for (name, result) in named where name != Self.rootName {
            if case .success(let place) = result { byIdentity[place.identity, default: []].append(name) }
        }
        for (identity, names) in byIdentity {
            for name in names {
                let problem: NamespaceEntryProblem? = identity == own ? .sameAsRoot
                    : names.count > 1 ? .sameAs(names.filter { $0 != name }.sorted()) : nil
                if let problem {
                    named[name] = .failure(KernelError("open \(NetworkNamespace.directory)/\(name)", namespace: name, errno: EEXIST, entry: problem))
                }
            }
        }
    }

    /// When diagnosis must stop (CLOCK_MONOTONIC ns): past it, failures are reported without the path walk.
    public var deadline: UInt64?
    public var pastDeadline: Bool { deadline.map { Grader.monotonicNanoseconds() >= $0 } ?? false }

    private var namespaceIDs: [[UInt64]: Int32?] = [:]

    /// The id `place` gives `other` (`ip netns list-id`), asked once per pair.
    public func namespaceID(_ place: Place, of other: Place) -> Int32? {
        let key = [place.identity.device, place.identity.inode, other.identity.device, other.identity.inode]
        if let cached = namespaceIDs[key] { return cached }
        let id = inspector.namespaceID(place, of: other)
        namespaceIDs[key] = .some(id)
        return id
    }

    private var rulesets: [String: Result<Ruleset, Error>] = [:]

    /// A namespace's NAT rules (`nft -j list ruleset` and `nft -a list ruleset`), read on first use and by the
    /// run's deadline, less `reportMargin` to judge and write the report: what could not be read by then is
    /// left unread (`Ruleset.unread`), and the run still ends in time.
    public func ruleset(_ place: Place) -> Result<Ruleset, Error> {
        if let cached = rulesets[place.label] { return cached }
        let until = deadline.map { Double($0 > Self.reportMargin ? $0 - Self.reportMargin : 0) / 1e9 }
        let result = inspector.ruleset(place, until: until)
        rulesets[place.label] = result
        return result
    }

    /// The ruleset of the namespace `name`, when a diagnosis has read it.
    public func rulesetRead(_ name: String) -> Ruleset? {
        guard let place = place(name) else { return nil }
        return try? rulesets[place.label]?.get()
    }

    /// What a diagnosis leaves before the deadline for the rest of the run (ns).
    static let reportMargin: UInt64 = 150_000_000

    private var neighbourTables: [String: Result<[Neighbour], KernelError>] = [:]
    private var forwardingTables: [String: Result<[ForwardingEntry], KernelError>] = [:]

    /// `ip neigh` of a namespace, read on first use: after the probes, which may have filled it.
    public func neighbours(_ place: Place) -> Result<[Neighbour], KernelError> {
        if let cached = neighbourTables[place.label] { return cached }
        let result = inspector.neighbours(place)
        neighbourTables[place.label] = result
        return result
    }

    /// `bridge fdb` of a namespace, read on first use: after the probes, whose frames the bridges learn from.
    public func forwardingDatabase(_ place: Place) -> Result<[ForwardingEntry], KernelError> {
        if let cached = forwardingTables[place.label] { return cached }
        let result = inspector.forwardingDatabase(place)
        forwardingTables[place.label] = result
        return result
    }

    private var boundUDP: [String: Result<Set<UInt16>, KernelError>] = [:]

    /// The UDP ports something is bound to in a namespace (`ss -uln`), read on first use.
    public func boundUDPPorts(_ place: Place) -> Result<Set<UInt16>, KernelError> {
        if let cached = boundUDP[place.label] { return cached }
        let result = inspector.boundUDPPorts(place)
        boundUDP[place.label] = result
        return result
    }

    /// A namespace the probes can reach: found, and read live (a recorded place has no handle).
    public func livePlace(_ name: String) -> Place? { place(name).flatMap { $0.namespace == nil ? nil : $0 } }

    public func place(_ name: String) -> Place? {
        if name == Self.rootName && named[name] == nil { named[name] = inspector.inspect(nil) }
        return try? named[name]?.get()
    }

    /// Namespaces outside the exercise: the root namespace and any other under /run/netns. Read only when a
    /// diagnosis needs them (an interface left behind in the root namespace, for instance).
    public var otherPlaces: [Place] {
        if !extraLoaded {
            extraLoaded = true
            if case .success(let root) = inspector.inspect(nil) { extras.append(root) }
            // By their bytes: a name that is not UTF-8 is still a namespace the diagnosis must see.
            for name in inspector.otherNamespaceNames() where named[name] == nil {
                switch inspector.inspectOther(name) {
                case .success(let p): extras.append(p)
                case .failure(let e) where e.errno == EMFILE || e.errno == ENFILE: unreadable.append(name)
                case .failure: break   // not a namespace (a FIFO, a link): nothing to diagnose in it
                }
            }
        }
        return extras
    }

    private var netcat: String??
    /// Which netcat the machine's `nc` is (`Inspector.hostNetcat`), read once.
    public var hostNetcat: String? {
        if let netcat { return netcat }
        let read = inspector.hostNetcat()
        netcat = .some(read)
        return read
    }

    private var nameservers: [IPv4Address]?
    /// The nameservers of the machine's /etc/resolv.conf (`Inspector.hostNameservers`), read once.
    public var hostNameservers: [IPv4Address] {
        if let nameservers { return nameservers }
        let read = inspector.hostNameservers()
        nameservers = read
        return read
    }

    /// A namespace under /run/netns that the exercise does not name: left from an earlier exercise (or made by the
    /// learner for something else). The root namespace is never one.
    public func isLeftover(_ place: Place) -> Bool {
        guard let name = place.name else { return false }
        return named[name] == nil
    }

    /// The exercise's namespaces that exist, in a stable order.
    public var places: [Place] {
        named.keys.sorted().compactMap { place($0) }
    }

    /// Every interface called `name`, wherever it is.
    public func find(link name: String) -> [(place: Place, link: Link)] {
        (places + otherPlaces).compactMap { p in p.snapshot.link(named: name).map { (p, $0) } }
    }

    /// The exercise namespaces whose interfaces carry `address`.
    public func owners(of address: IPv4Address) -> [(place: Place, link: Link)] {
        places.compactMap { p in p.snapshot.link(owning: address).map { (p, $0) } }
    }

    public func sysctl(_ namespace: String, _ key: String) -> Result<String?, KernelError> {
        let cacheKey = "\(namespace)\u{0}\(key)"
        if let cached = sysctls[cacheKey] { return cached }
        let result: Result<String?, KernelError>
        if let p = place(namespace) {
            result = inspector.sysctl(p, key)
        } else {
            result = .failure(KernelError("open /run/netns/\(namespace)", namespace: namespace, errno: 2))
        }
        sysctls[cacheKey] = result
        return result
    }

    /// `ip netns exec NS ip route get TO [from FROM]`.
    public func lookup(_ place: Place, to: IPv4Address, from: IPv4Address? = nil) -> Result<RouteLookup, KernelError> {
        let cacheKey = "\(place.label)\u{0}\(to)\u{0}\(from.map(\.description) ?? "")"
        if let cached = lookups[cacheKey] { return cached }
        let result = inspector.lookup(place, to: to, from: from)
        lookups[cacheKey] = result
        return result
    }

    /// The route of `place`'s main table that traffic to `address` matches (longest prefix), for hints that
    /// name the route to delete.
    public func matchingRoute(_ place: Place, to address: IPv4Address) -> Route? {
        place.snapshot.routes
            .filter { $0.table == 254 && $0.type == 1 && $0.destination.contains(address) }
            .max { $0.destination.length < $1.destination.length }
    }
}
