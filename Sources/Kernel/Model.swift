import Addresses
import NetlinkWire

/// What netcheck reads of one namespace: the values behind `ip link`, `ip address` and `ip route`.
/// Interface indexes are resolved to names from the same namespace's dump.

/// One interface (`ip link show`). Mirrors `struct ifinfomsg` plus the IFLA_* attributes netcheck uses.
public struct Link: Hashable, Sendable {
    public var index: Int32
    public var name: String
    /// IFLA_INFO_KIND inside IFLA_LINKINFO: "veth", "bridge", …; nil for lo and physical devices.
    public var kind: String?
    /// IFF_UP: set by `ip link set NAME up`.
    public var isUp: Bool
    /// IFF_LOWER_UP: the other end is up too (for a veth, its peer is up).
    public var hasCarrier: Bool
    /// IFF_LOOPBACK: `lo`, which every namespace has its own of.
    public var isLoopback: Bool = false
    /// IFLA_OPERSTATE as `ip` prints it: "UP", "DOWN", "LOWERLAYERDOWN", "UNKNOWN", …
    public var operState: String
    /// IFLA_ADDRESS.
    public var mac: MACAddress?
    public var mtu: UInt32
    /// IFLA_MASTER: the bridge this interface is a port of.
    public var masterIndex: Int32?
    /// IFLA_LINK: for a veth, the peer's ifindex, counted in the peer's namespace.
    public var linkIndex: Int32?
    /// IFLA_LINK_NETNSID: the id, as seen from this namespace, of the namespace the peer lives in.
    /// nil when the peer is in this same namespace.
    public var linkNetnsID: Int32?

    public init(index: Int32, name: String, kind: String? = nil, isUp: Bool = false, hasCarrier: Bool = false,
                operState: String = "UNKNOWN", mac: MACAddress? = nil, mtu: UInt32 = 1500, masterIndex: Int32? = nil,
                linkIndex: Int32? = nil, linkNetnsID: Int32? = nil) {
        self.index = index; self.name = name; self.kind = kind; self.isUp = isUp; self.hasCarrier = hasCarrier
        self.operState = operState; self.mac = mac; self.mtu = mtu; self.masterIndex = masterIndex
        self.linkIndex = linkIndex; self.linkNetnsID = linkNetnsID
    }
}

/// One IPv4 address on an interface (`ip -4 address show`). Mirrors `struct ifaddrmsg` + IFA_* attributes.
public struct InterfaceAddress: Hashable, Sendable {
    public var interfaceIndex: Int32
    /// IFA_LOCAL (or IFA_ADDRESS) with ifa_prefixlen, e.g. 192.0.2.1/24.
    public var prefix: IPv4Prefix
    /// ifa_scope: 0 global, 253 link, 254 host.
    public var scope: UInt8
    /// IFA_CACHEINFO valid lifetime in seconds; nil or UInt32.max means "forever" (typed by hand).
    public var validLifetime: UInt32?

    public init(interfaceIndex: Int32, prefix: IPv4Prefix, scope: UInt8 = 0, validLifetime: UInt32? = nil) {
        self.interfaceIndex = interfaceIndex; self.prefix = prefix; self.scope = scope; self.validLifetime = validLifetime
    }
    public var address: IPv4Address { prefix.address }
}

/// One IPv4 route (`ip route show table all`). Mirrors `struct rtmsg` + RTA_* attributes.
public struct Route: Hashable, Sendable {
    /// RTA_TABLE (or rtm_table): 254 main, 255 local.
    public var table: UInt32
    /// RTA_DST with rtm_dst_len; 0.0.0.0/0 for a default route.
    public var destination: IPv4Prefix
    /// RTA_GATEWAY ("via").
    public var gateway: IPv4Address?
    /// RTA_OIF ("dev").
    public var outputInterfaceIndex: Int32?
    /// RTA_PREFSRC ("src").
    public var preferredSource: IPv4Address?
    /// rtm_type: 1 unicast, 2 local, 3 broadcast, 6 blackhole, 7 unreachable, 8 prohibit, …
    public var type: UInt8
    /// rtm_protocol: 2 kernel, 3 boot (typed with `ip route add`), 4 static, 16 dhcp, …
    public var routeProtocol: UInt8
    /// rtm_scope: 0 universe, 253 link, 254 host.
    public var scope: UInt8
    /// RTA_PRIORITY ("metric").
    public var priority: UInt32?

    public init(table: UInt32 = 254, destination: IPv4Prefix, gateway: IPv4Address? = nil, outputInterfaceIndex: Int32? = nil,
                preferredSource: IPv4Address? = nil, type: UInt8 = 1, routeProtocol: UInt8 = 3, scope: UInt8 = 0,
                priority: UInt32? = nil) {
        self.table = table; self.destination = destination; self.gateway = gateway
        self.outputInterfaceIndex = outputInterfaceIndex; self.preferredSource = preferredSource; self.type = type
        self.routeProtocol = routeProtocol; self.scope = scope; self.priority = priority
    }
}

/// What the kernel answers to `ip route get DST [from SRC]`: the route it would use, or why there is none.
public enum RouteLookup: Hashable, Sendable {
    /// A route exists. `gateway` nil means the destination is on the link (or local, for `type` 2).
    case route(gateway: IPv4Address?, outputInterfaceIndex: Int32?, preferredSource: IPv4Address?, type: UInt8)
    /// No route: the kernel's error (ENETUNREACH for "Network is unreachable", EHOSTUNREACH, …).
    case unreachable(errno: Int32)
}

/// Links, addresses and routes of one namespace, read in one go.
public struct Snapshot: Hashable, Sendable {
    public var links: [Link]
    public var addresses: [InterfaceAddress]
    /// IPv4 routes of every table.
    public var routes: [Route]

    public init(links: [Link] = [], addresses: [InterfaceAddress] = [], routes: [Route] = []) {
        self.links = links; self.addresses = addresses; self.routes = routes
    }

    public func link(named name: String) -> Link? { links.first { $0.name == name } }
    public func link(index: Int32) -> Link? { links.first { $0.index == index } }
    public func addresses(on link: Link) -> [InterfaceAddress] { addresses.filter { $0.interfaceIndex == link.index } }
    /// The interface that owns `address`, if any.
    public func link(owning address: IPv4Address) -> Link? {
        addresses.first { $0.address == address }.flatMap { link(index: $0.interfaceIndex) }
    }
}

/// An ARP cache entry (`ip neigh show`): `address` is at `mac` on the interface, in `state`.
public struct Neighbour: Hashable, Sendable {
    public var interfaceIndex: Int32
    public var address: IPv4Address
    /// nil while resolution is incomplete or has failed.
    public var mac: MACAddress?
    /// NUD_* names: REACHABLE, STALE, DELAY, PROBE, FAILED, INCOMPLETE, PERMANENT, NOARP.
    public var states: [String]

    public init(interfaceIndex: Int32, address: IPv4Address, mac: MACAddress?, states: [String]) {
        self.interfaceIndex = interfaceIndex; self.address = address; self.mac = mac; self.states = states
    }
}

/// A bridge forwarding-database entry (`bridge fdb show`): `mac` was learned (or configured) on `portIndex`.
public struct ForwardingEntry: Hashable, Sendable {
    public var portIndex: Int32
    /// The bridge; nil for an entry of the port's own (NTF_SELF) table.
    public var bridgeIndex: Int32?
    public var mac: MACAddress
    public var vlan: UInt16?
    /// PERMANENT for the port's own address, REACHABLE/STALE for learned ones.
    public var states: [String]
    /// Learned from traffic (not a permanent local entry).
    public var isLearned: Bool { !states.contains("PERMANENT") && !states.contains("NOARP") }

    public init(portIndex: Int32, bridgeIndex: Int32?, mac: MACAddress, vlan: UInt16?, states: [String]) {
        self.portIndex = portIndex; self.bridgeIndex = bridgeIndex; self.mac = mac; self.vlan = vlan; self.states = states
    }
}

/// The kernel's IPv4 neighbour table (`ip -s ntable show name arp_cache`), which every namespace shares: its limit
/// (gc_thresh3), how many entries it holds, and how often since boot an entry could not be made because it was full.
public struct NeighbourTableState: Hashable, Sendable {
    public var limit: Int
    public var entries: Int
    public var tableFulls: UInt64
    public init(limit: Int, entries: Int, tableFulls: UInt64) { self.limit = limit; self.entries = entries; self.tableFulls = tableFulls }
}
