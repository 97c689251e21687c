import Addresses
import Glibc
import Kernel
import Netfilter
import NetlinkWire

/// Everything netcheck has read of the learner's namespaces during one run, read once and cached:
/// snapshots (`ip link` / `ip address` / `ip route`), sysctls, route lookups and namespace ids.
/// Only reads: nothing here changes the learner's configuration.
public final class World {
    /// One namespace as found: its handle and its links, addresses and routes.
    public struct Place {
        /// The /run/netns name; nil for the namespace netcheck runs in ("root").
        public let name: String?
        public let namespace: NetworkNamespace
        public let snapshot: Snapshot
        public var label: String { name ?? "root" }
    }

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

    public init(namespaces: [String]) {
        for name in namespaces { named[name] = Self.inspect(name: name) }
        // A name under /run/netns may lead to the namespace netcheck runs in (`ln -s /proc/$$/ns/net`, a bind mount of
        // it), or two names to one namespace: then nothing built "in" them was built in a namespace of its own, and
        // everything that needs them is skipped (the one failing check is NS.netns).
        let own = try? NetworkNamespace.current().identity
        var byIdentity: [NetworkNamespace.Identity: [String]] = [:]
        for (name, result) in named where name != Self.rootName {
            if case .success(let place) = result { byIdentity[place.namespace.identity, default: []].append(name) }
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
        let key = [place.namespace.identity.device, place.namespace.identity.inode, other.namespace.identity.device, other.namespace.identity.inode]
        if let cached = namespaceIDs[key] { return cached }
        let id = try? place.namespace.namespaceID(of: other.namespace)
        namespaceIDs[key] = .some(id ?? nil)
        return id ?? nil
    }

    private var rulesets: [String: Result<Ruleset, Error>] = [:]

    /// A namespace's NAT rules (`nft -j list ruleset` and `nft -a list ruleset`), read on first use and by the
    /// run's deadline, less `reportMargin` to judge and write the report: what could not be read by then is
    /// left unread (`Ruleset.unread`), and the run still ends in time.
    public func ruleset(_ place: Place) -> Result<Ruleset, Error> {
        if let cached = rulesets[place.label] { return cached }
        let until = deadline.map { Double($0 > Self.reportMargin ? $0 - Self.reportMargin : 0) / 1e9 }
        let result = Result { try Ruleset.read(in: place.namespace, until: until) }
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
        let result = Result { try place.namespace.neighbours() }.mapError { $0 as? KernelError ?? KernelError("ip neigh", namespace: place.label, errno: 0) }
        neighbourTables[place.label] = result
        return result
    }

    /// `bridge fdb` of a namespace, read on first use: after the probes, whose frames the bridges learn from.
    public func forwardingDatabase(_ place: Place) -> Result<[ForwardingEntry], KernelError> {
        if let cached = forwardingTables[place.label] { return cached }
        let result = Result { try place.namespace.forwardingDatabase() }.mapError { $0 as? KernelError ?? KernelError("bridge fdb", namespace: place.label, errno: 0) }
        forwardingTables[place.label] = result
        return result
    }

    static func inspect(name: String?) -> Result<Place, KernelError> {
        Result {
            let ns = try name.map(NetworkNamespace.named) ?? NetworkNamespace.current()
            return Place(name: name, namespace: ns, snapshot: try ns.snapshot())
        }.mapError { $0 as? KernelError ?? KernelError("inspect", namespace: name, errno: 0) }
    }

    public func place(_ name: String) -> Place? {
        if name == Self.rootName && named[name] == nil { named[name] = Self.inspect(name: nil) }
        return try? named[name]?.get()
    }

    /// Namespaces outside the exercise: the root namespace and any other under /run/netns. Read only when a
    /// diagnosis needs them (an interface left behind in the root namespace, for instance).
    public var otherPlaces: [Place] {
        if !extraLoaded {
            extraLoaded = true
            if case .success(let root) = Self.inspect(name: nil) { extras.append(root) }
            // By their bytes: a name that is not UTF-8 is still a namespace the diagnosis must see.
            for entry in (try? NetworkNamespace.listEntries()) ?? [] where named[entry.name] == nil {
                let place = Result { () throws -> Place in
                    let ns = try NetworkNamespace.named(raw: entry.raw, name: entry.name)
                    return Place(name: entry.name, namespace: ns, snapshot: try ns.snapshot())
                }
                switch place {
                case .success(let p): extras.append(p)
                case .failure(let e as KernelError) where e.errno == EMFILE || e.errno == ENFILE: unreadable.append(entry.name)
                case .failure: break   // not a namespace (a FIFO, a link): nothing to diagnose in it
                }
            }
        }
        return extras
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
            result = Result { try p.namespace.sysctl(key) }.mapError { $0 as? KernelError ?? KernelError("sysctl \(key)", namespace: namespace, errno: 0) }
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
        let result = Result { try place.namespace.lookupRoute(to: to, from: from) }
            .mapError { $0 as? KernelError ?? KernelError("ip route get \(to)", namespace: place.label, errno: 0) }
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
