import Addresses
import Glibc
import Kernel
import Localization
import Netfilter

/// What `netcheck doctor` reads of the learner's machine: only reads, and only what it may read (without root, the
/// namespaces and their rulesets stay unread and are said to be so). The findings are judged from these alone
/// (`Doctor.findings`), so that each trap can be judged again in a unit test.
public struct HostFacts: Sendable {
    /// What /run/netns is: absent (`ip netns add` makes it), a readable folder, or something that stops `ip netns`.
    public enum NetnsDirectory: Equatable, Sendable {
        case absent
        case directory(readable: Bool)
        /// Not a folder: what it is ("a regular file", …).
        case notDirectory(String)
    }

    /// One tool of the book, as found on PATH.
    public struct Tool: Equatable, Sendable {
        public var name: String
        /// Where it was found, nil when it was not.
        public var path: String?
        /// What the path leads to, after symbolic links (`/usr/bin/nc` → `/bin/nc.openbsd` by update-alternatives).
        public var resolved: String?
        /// Which netcat: `openbsd`, `traditional`, `ncat`, `busybox`; nil when not told (or not nc).
        public var variant: String?

        public init(name: String, path: String?, resolved: String? = nil, variant: String? = nil) {
            self.name = name; self.path = path; self.resolved = resolved; self.variant = variant
        }
    }

    /// One namespace: the root namespace (`name` nil) or one under /run/netns.
    public struct Namespace: Equatable, Sendable {
        public var name: String?
        public var label: String { name ?? "root" }
        /// Why it could not be read (no root, not a namespace); then the rest is empty.
        public var unreadable: String?
        public var ipForward: String?
        /// net.ipv4.conf.all.rp_filter and .default.rp_filter.
        public var rpFilterAll: String?
        public var rpFilterDefault: String?
        /// net.bridge.bridge-nf-call-iptables: nil when br_netfilter is not loaded.
        public var bridgeNfCallIptables: String?
        /// Its bridges, by name.
        public var bridges: [String] = []
        /// Chains on the forward hook that drop by policy, as `Ruleset.forwardDropChains` names them.
        public var forwardDropChains: [String] = []
        /// The backends that hold its NAT rules (`nft`, which iptables-nft writes to, and `legacy`).
        public var natBackends: [String] = []
        /// Its forward chains' rules that drop or reject, as their backend lists them (`-A FORWARD -j DROP`), with
        /// the backend: which packets they catch is for the path walk of a failing ping to judge.
        public var forwardDropRules: [String] = []
        /// Veths whose other end is in another namespace.
        public var vethPeers: [VethPeer] = []

        public init(name: String?) { self.name = name }
    }

    /// A veth end and where its other end is.
    public struct VethPeer: Equatable, Sendable {
        public var link: String
        public var peerNamespace: String
        public var peer: String
    }

    /// Whether namespaces and rulesets could be read (root, or CAP_SYS_ADMIN and CAP_NET_ADMIN).
    public var privileged: Bool
    public var netns: NetnsDirectory
    public var tools: [Tool]
    /// The root namespace first, then those of /run/netns.
    public var namespaces: [Namespace]
    /// The `nameserver` lines of /etc/resolv.conf.
    public var nameservers: [IPv4Address]

    public init(privileged: Bool, netns: NetnsDirectory, tools: [Tool], namespaces: [Namespace], nameservers: [IPv4Address]) {
        self.privileged = privileged; self.netns = netns; self.tools = tools; self.namespaces = namespaces; self.nameservers = nameservers
    }

    /// The tools the book's chapters use, with the Debian/Ubuntu package that brings each.
    public static let bookTools: [(name: String, package: String)] = [
        ("ip", "iproute2"), ("ping", "iputils-ping"), ("tcpdump", "tcpdump"), ("nc", "netcat-openbsd"),
        ("iptables", "iptables"), ("dnsmasq", "dnsmasq"), ("dhclient", "isc-dhcp-client"), ("python3", "python3"),
    ]
}

extension HostFacts {
    /// Reads the machine netcheck runs on: PATH for the tools, /run/netns, each namespace's sysctls, links and nft
    /// ruleset (by `deadline`, monotonic seconds), /etc/resolv.conf. Never writes; needs root for the namespaces.
    public static func read(environment: [String: String], privileged: Bool, deadline: Double) -> HostFacts {
        let tools = bookTools.map { findTool($0.name, path: environment["PATH"]) }
        let netns = netnsDirectory()
        var spaces: [Namespace] = []
        if privileged {
            let world = World(namespaces: [])
            for place in world.otherPlaces {
                spaces.append(namespace(place, world: world, deadline: deadline))
            }
            for name in world.unreadable {
                var n = Namespace(name: name)
                n.unreadable = String(cString: strerror(EMFILE))
                spaces.append(n)
            }
        }
        let nameservers = (try? Files.read(LiveInspector.resolvConf)).map(LiveInspector.nameservers) ?? []
        return HostFacts(privileged: privileged, netns: netns, tools: tools, namespaces: spaces, nameservers: nameservers)
    }

    static func namespace(_ place: World.Place, world: World, deadline: Double) -> Namespace {
        var n = Namespace(name: place.name)
        guard let ns = place.namespace else { return n }
        n.ipForward = try? ns.sysctl("net.ipv4.ip_forward")
        n.rpFilterAll = try? ns.sysctl("net.ipv4.conf.all.rp_filter")
        n.rpFilterDefault = try? ns.sysctl("net.ipv4.conf.default.rp_filter")
        n.bridgeNfCallIptables = try? ns.sysctl("net.bridge.bridge-nf-call-iptables")
        n.bridges = place.snapshot.links.filter { $0.kind == "bridge" }.map(\.name)
        for link in place.snapshot.links where link.kind == "veth" {
            guard let peer = VethPairCheck.actualPeer(of: link, in: place, world: world), peer.place.identity != place.identity else { continue }
            n.vethPeers.append(VethPeer(link: link.name, peerNamespace: peer.place.label, peer: peer.link.name))
        }
        // Both backends: nft's listing and iptables-legacy-save, whichever is installed.
        if let rules = try? Ruleset.read(in: ns, until: deadline) {
            n.forwardDropChains = rules.forwardDropChains
            n.natBackends = rules.natBackends.map(\.rawValue)
            n.forwardDropRules = rules.forwardDropRules.map { ($0.backend == .legacy ? "iptables-legacy: " : "") + $0.shown }
        }
        return n
    }

    static func netnsDirectory() -> NetnsDirectory {
        var st = stat()
        guard lstat(NetworkNamespace.directory, &st) == 0 else { return .absent }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { return .notDirectory(Files.kind(of: st.st_mode)) }
        return .directory(readable: access(NetworkNamespace.directory, R_OK | X_OK) == 0)
    }

    /// `command -v NAME` over PATH (root's usual folders when PATH is unset), then what the path resolves to and,
    /// for nc, which netcat it is: by the name update-alternatives links to, else by the words its binary carries.
    static func findTool(_ name: String, path: String?) -> Tool {
        let folders = (path ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(separator: ":").map(String.init)
        for folder in folders where !folder.isEmpty {
            let candidate = folder + "/" + name
            var st = stat()
            guard stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 else { continue }
            let resolved = realpath(candidate, nil).map { p in defer { free(p) }; return String(cString: p) }
            return Tool(name: name, path: candidate, resolved: resolved, variant: name == "nc" ? netcatVariant(resolved ?? candidate) : nil)
        }
        return Tool(name: name, path: nil)
    }

    /// The netcat of a resolved path: by its file name (Debian's alternatives: nc.openbsd, nc.traditional, ncat,
    /// busybox), else by the banner in its first MiB (`OpenBSD netcat` is in netcat-openbsd's usage text).
    static func netcatVariant(_ path: String) -> String? {
        let base = path.split(separator: "/").last.map(String.init) ?? path
        switch base {
        case "nc.openbsd": return "openbsd"
        case "nc.traditional", "netcat.traditional": return "traditional"
        case "ncat": return "ncat"
        case "busybox": return "busybox"
        default: break
        }
        guard let bytes = BinaryFile.prefix(path, bytes: 1 << 20) else { return nil }
        for (needle, variant) in [("OpenBSD netcat", "openbsd"), ("Ncat", "ncat"), ("BusyBox", "busybox"), ("[v1.10", "traditional")]
        where BinaryFile.contains(bytes, Array(needle.utf8)) {
            return variant
        }
        return nil
    }
}

/// The start of a program's file, read to tell which netcat it is (`Files.read` takes text of at most 1 MiB and
/// refuses a larger file; busybox is larger).
enum BinaryFile {
    /// The first `bytes` bytes of a regular file; nil when it is not one or cannot be read.
    static func prefix(_ path: String, bytes: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        var buffer = [UInt8](repeating: 0, count: min(bytes, Int(st.st_size)))
        var filled = 0
        while filled < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            filled += n
        }
        return Array(buffer[0..<filled])
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        let first = needle[0]
        var i = 0
        while i <= haystack.count - needle.count {
            if haystack[i] == first && Array(haystack[i..<(i + needle.count)]) == needle { return true }
            i += 1
        }
        return false
    }
}
