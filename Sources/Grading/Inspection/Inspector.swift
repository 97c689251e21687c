import Addresses
import Glibc
import Kernel
import Netfilter
import Localization
import NetlinkWire

/// Where the inventory of a run comes from: the one interface through which netcheck reads the learner's
/// namespaces. `LiveInspector` asks the kernel (rtnetlink, /proc/sys, nft), read only; `RecordedInspector` answers
/// from a run recorded earlier (`netcheck check --record FILE`), so that verdicts can be judged again without root.
/// Every method is a question the kernel could answer; nothing here changes anything.
public protocol Inspector: AnyObject {
    /// `/run/netns/NAME` (nil: the namespace netcheck runs in): its identity and `ip link` / `ip address` /
    /// `ip route`, or why it cannot be read.
    func inspect(_ name: String?) -> Result<World.Place, KernelError>
    /// The entries of /run/netns, sorted, as they are printed (a name need not be UTF-8).
    func otherNamespaceNames() -> [String]
    /// An entry of /run/netns listed by `otherNamespaceNames`, opened by its bytes.
    func inspectOther(_ name: String) -> Result<World.Place, KernelError>
    /// The identity of the namespace netcheck runs in.
    func ownIdentity() -> NetworkNamespace.Identity?
    /// `ip netns exec NS sysctl -n KEY`.
    func sysctl(_ place: World.Place, _ key: String) -> Result<String?, KernelError>
    /// `ip netns exec NS ip route get TO [from FROM]`.
    func lookup(_ place: World.Place, to: IPv4Address, from: IPv4Address?) -> Result<RouteLookup, KernelError>
    /// The id `place` gives `other` (`ip netns list-id`).
    func namespaceID(_ place: World.Place, of other: World.Place) -> Int32?
    /// `ip neigh`.
    func neighbours(_ place: World.Place) -> Result<[Neighbour], KernelError>
    /// `bridge fdb`.
    func forwardingDatabase(_ place: World.Place) -> Result<[ForwardingEntry], KernelError>
    /// The UDP ports something is bound to (`ss -uln`).
    func boundUDPPorts(_ place: World.Place) -> Result<Set<UInt16>, KernelError>
    /// The NAT rules of `nft list ruleset`, read by `until` (seconds of CLOCK_MONOTONIC).
    func ruleset(_ place: World.Place, until: Double?) -> Result<Ruleset, Error>
    /// The IPv4 `nameserver` lines of /etc/resolv.conf where netcheck runs (the machine's, which dhclient-script
    /// rewrites when a DHCP server also offers DNS): empty when it cannot be read.
    func hostNameservers() -> [IPv4Address]
    /// Which netcat `nc` is where netcheck runs (`HostFacts.netcatVariant`: "openbsd", "traditional", "ncat",
    /// "busybox"); "none" when there is no nc on PATH, nil when it cannot be told.
    func hostNetcat() -> String?
}

/// The kernel, asked as `ip` asks it: every answer read when first asked for, never written.
public final class LiveInspector: Inspector {
    public init() {}

    public func inspect(_ name: String?) -> Result<World.Place, KernelError> {
        Result {
            let ns = try name.map(NetworkNamespace.named) ?? NetworkNamespace.current()
            return World.Place(name: name, namespace: ns, snapshot: try ns.snapshot())
        }.mapError { $0 as? KernelError ?? KernelError("inspect", namespace: name, errno: 0) }
    }

    /// Raw names of /run/netns, by their printed form.
    private var raw: [String: [UInt8]] = [:]

    public func otherNamespaceNames() -> [String] {
        let entries = (try? NetworkNamespace.listEntries()) ?? []
        for e in entries { raw[e.name] = e.raw }
        return entries.map(\.name)
    }

    public func inspectOther(_ name: String) -> Result<World.Place, KernelError> {
        Result {
            let ns = try NetworkNamespace.named(raw: raw[name] ?? Array(name.utf8), name: name)
            return World.Place(name: name, namespace: ns, snapshot: try ns.snapshot())
        }.mapError { $0 as? KernelError ?? KernelError("inspect", namespace: name, errno: 0) }
    }

    public func ownIdentity() -> NetworkNamespace.Identity? { try? NetworkNamespace.current().identity }

    public func sysctl(_ place: World.Place, _ key: String) -> Result<String?, KernelError> {
        guard let ns = place.namespace else { return .failure(KernelError("sysctl \(key)", namespace: place.label, errno: EBADF)) }
        return Result { try ns.sysctl(key) }.mapError { $0 as? KernelError ?? KernelError("sysctl \(key)", namespace: place.label, errno: 0) }
    }

    public func lookup(_ place: World.Place, to: IPv4Address, from: IPv4Address?) -> Result<RouteLookup, KernelError> {
        guard let ns = place.namespace else { return .failure(KernelError("ip route get \(to)", namespace: place.label, errno: EBADF)) }
        return Result { try ns.lookupRoute(to: to, from: from) }
            .mapError { $0 as? KernelError ?? KernelError("ip route get \(to)", namespace: place.label, errno: 0) }
    }

    public func namespaceID(_ place: World.Place, of other: World.Place) -> Int32? {
        guard let a = place.namespace, let b = other.namespace else { return nil }
        return (try? a.namespaceID(of: b)) ?? nil
    }

    public func neighbours(_ place: World.Place) -> Result<[Neighbour], KernelError> {
        guard let ns = place.namespace else { return .failure(KernelError("ip neigh", namespace: place.label, errno: EBADF)) }
        return Result { try ns.neighbours() }.mapError { $0 as? KernelError ?? KernelError("ip neigh", namespace: place.label, errno: 0) }
    }

    public func forwardingDatabase(_ place: World.Place) -> Result<[ForwardingEntry], KernelError> {
        guard let ns = place.namespace else { return .failure(KernelError("bridge fdb", namespace: place.label, errno: EBADF)) }
        return Result { try ns.forwardingDatabase() }.mapError { $0 as? KernelError ?? KernelError("bridge fdb", namespace: place.label, errno: 0) }
    }

    public func boundUDPPorts(_ place: World.Place) -> Result<Set<UInt16>, KernelError> {
        guard let ns = place.namespace else { return .failure(KernelError("ss -uln", namespace: place.label, errno: EBADF)) }
        return Result { try ns.boundUDPPorts() }.mapError { $0 as? KernelError ?? KernelError("ss -uln", namespace: place.label, errno: 0) }
    }

    public func ruleset(_ place: World.Place, until: Double?) -> Result<Ruleset, Error> {
        guard let ns = place.namespace else { return .failure(KernelError("nft list ruleset", namespace: place.label, errno: EBADF)) }
        return Result { try Ruleset.read(in: ns, until: until) }
    }

    public func hostNameservers() -> [IPv4Address] {
        guard let text = try? Files.read(Self.resolvConf) else { return [] }
        return Self.nameservers(text)
    }

    public func hostNetcat() -> String? {
        let tool = HostFacts.findTool("nc", path: TextFile.environment["PATH"])
        return tool.path == nil ? "none" : tool.variant
    }

    static let resolvConf = "/etc/resolv.conf"

    /// `nameserver A.B.C.D` lines (resolv.conf(5): the keyword first on its line, then spaces or tabs); IPv6 and
    /// anything else left out.
    static func nameservers(_ text: String) -> [IPv4Address] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).compactMap { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver" else { return nil }
            return IPv4Address(String(words[1]))
        }
    }
}
