import Addresses
import NetlinkWire

/// The expected end state of one exercise, as declared in `Exercises/<id>.json`. No Swift per exercise:
/// everything netcheck checks comes from these values.
public struct Exercise: Sendable {
    public var id: String
    public var chapter: Int
    public var title: Localized
    public var description: Localized
    /// Network namespaces the learner creates with `ip netns add`.
    public var namespaces: [String]
    public var links: [LinkSpec]
    public var addresses: [AddressSpec]
    public var sysctls: [SysctlSpec]
    public var routes: [RouteSpec]
    public var reachability: [ReachabilitySpec]
    /// ARP requests netcheck sends itself and the replies it must see (chapter 4).
    public var arp: [ARPSpec] = []
    /// Entries the namespaces' ARP caches must hold after the probes (`ip neigh`).
    public var neighbours: [NeighbourSpec] = []
    /// MACs a bridge must have learned on given ports after the probes (`bridge fdb`).
    public var forwarding: [ForwardingSpec] = []
    /// Address translations a router must perform, proven on the wire on both sides of it (chapter 7).
    public var nat: [NATSpec] = []
    /// DHCP: a server that offers addresses and a client that took one (chapter 6).
    public var dhcp: [DHCPSpec] = []
    /// Servers the learner runs (chapters 5, 6 and 8), checked by talking to them.
    public var services: [ServiceSpec] = []
    /// The book's checkpoints on the way to the end state, in order.
    public var steps: [StepSpec] = []
    /// Other exercises (ids in the same folder) that teach the same end state in another layout, such as the
    /// book's two editions of the chapter 4 bridge: netcheck grades whichever layout the learner's namespaces
    /// match better (`ExerciseCatalog.variants(of:)`, `LayoutMatch`).
    public var variants: [String] = []
    /// What sets this layout apart from its variants, for the report's "graded as" line
    /// ("br0 in the namespace bridge, as the book's 2nd edition builds it"); nil: the title is used.
    public var layout: Localized?
    /// The file it was loaded from, for messages.
    public var file: String

    /// The link declared for `name` in `namespace`, if any.
    public func link(_ namespace: String, _ name: String) -> LinkSpec? {
        links.first { $0.namespace == namespace && $0.name == name }
    }
}

/// An interface the learner creates (`ip link add`), where it must end up, and its state.
public struct LinkSpec: Sendable, Hashable {
    public var namespace: String
    public var name: String
    /// "veth", "bridge", "dummy", … as `ip -d link` prints it; nil accepts any kind.
    public var kind: String?
    /// For a veth: the other end of the same pair.
    public var peer: Endpoint?
    /// `ip link set NAME up` was run.
    public var up: Bool
    public var mac: MACAddress?
    /// The bridge this interface must be a port of.
    public var master: String?
    public var id: String?
    public var hint: Localized?
}

/// An interface named by its namespace: `ns2/ns2-veth0`.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public var description: String { "\(namespace)/\(name)" }
}

/// `ip address add ADDRESS/LEN dev LINK` in a namespace.
public struct AddressSpec: Sendable, Hashable {
    public var namespace: String
    public var link: String
    public var address: IPv4Prefix
    public var id: String?
    public var hint: Localized?
}

/// `sysctl KEY=VALUE` in a namespace (e.g. net.ipv4.ip_forward=1 on a router).
public struct SysctlSpec: Sendable, Hashable {
    public var namespace: String
    public var key: String
    public var value: String
    public var id: String?
    public var hint: Localized?
}

/// Traffic from `namespace` to `to` leaves via `via` (or directly on a link when `via` is nil).
/// Judged by the route the kernel would use (`ip route get`), so a specific route and a default route
/// both pass.
public struct RouteSpec: Sendable, Hashable {
    public var namespace: String
    public var to: IPv4Prefix
    public var via: IPv4Address?
    /// The book's command that sets this route up, quoted in hints.
    public var command: String?
    public var id: String?
    public var hint: Localized?

    /// The command quoted in hints: the book's, or one built from the spec.
    public var fixCommand: String {
        if let command { return command }
        let via = self.via.map { " via \($0)" } ?? ""
        return inNamespace(namespace, "ip route add \(to.isDefault ? "default" : to.masked.cidr)\(via)")
    }

    /// The address looked up to judge the route: the first host of the prefix, or the address itself.
    public var probeAddress: IPv4Address {
        to.length >= 31 ? to.address : IPv4Address(to.network.value + 1)
    }
}

/// A ping from one namespace (optionally from one source address) to an address.
public struct ReachabilitySpec: Sendable, Hashable {
    public var from: String
    public var source: IPv4Address?
    public var to: IPv4Address
    /// false: the destination must NOT answer.
    public var reachable: Bool
    /// When it must not answer: how the ping must fail (the book shows "Network is unreachable" before the
    /// routes exist and "100% packet loss" before the router forwards). nil: any failure.
    public var failsWith: Failure? = nil
    /// The TTL the echo reply must arrive with (64 minus the routers on the way back).
    public var ttl: UInt8?
    /// Links on which the echo request (and its reply) must be seen, with the MACs of that segment.
    public var frames: [FrameSpec] = []
    public var id: String?
    public var hint: Localized?
}

extension ReachabilitySpec {
    /// How a ping that must not be answered fails.
    public enum Failure: String, Sendable, Hashable, CaseIterable {
        /// "connect: Network is unreachable" at once, or an ICMP net unreachable from a router.
        case networkUnreachable = "network-unreachable"
        /// "Destination Host Unreachable" (ARP got no answer) or an ICMP host unreachable.
        case hostUnreachable = "host-unreachable"
        /// Silence: "100% packet loss".
        case timeout
    }
}

/// One of the book's checkpoints: checks of the end state that already hold at that point (by id), and
/// expectations of its own that hold only then (pings that must still fail, and how).
public struct StepSpec: Sendable, Hashable {
    public var title: Localized
    /// Ids of checks of the exercise's plan.
    public var checks: [String]
    /// Step-only pings (usually `"reachable": false` with `fails_with`).
    public var reachability: [ReachabilitySpec]
}

/// What a ping's frames look like on one link, as `ip netns exec NS tcpdump -tnel -i LINK icmp` shows them:
/// the echo request from `sourceMAC` to `destinationMAC` (and the reply the other way), with `ttl` in its
/// IP header when given.
public struct FrameSpec: Sendable, Hashable {
    public var namespace: String
    public var link: String
    public var sourceMAC: MACAddress?
    public var destinationMAC: MACAddress?
    public var ttl: UInt8?
    public var id: String?
    public var hint: Localized?
}

/// netcheck sends "who-has TARGET" out of `link` itself and must see "TARGET is-at MAC" come back.
public struct ARPSpec: Sendable, Hashable {
    public var namespace: String
    public var link: String
    public var target: IPv4Address
    public var mac: MACAddress
    public var id: String?
    public var hint: Localized?
}

/// `ip netns exec NS ip neigh` maps `address` to `mac`.
public struct NeighbourSpec: Sendable, Hashable {
    public var namespace: String
    public var address: IPv4Address
    public var mac: MACAddress
    public var id: String?
    public var hint: Localized?
}

/// `bridge fdb` in NS: `bridge` has learned `mac` on `port`.
public struct ForwardingSpec: Sendable, Hashable {
    public var namespace: String
    public var bridge: String
    public var port: String
    public var mac: MACAddress
    public var id: String?
    public var hint: Localized?
}

/// A translation by `router`, seen on both sides: netcheck sends a probe from `from` to `to` (an ICMP echo, or a
/// TCP SYN to `port`) and watches `inside` (the private side) and `outside` (the public side) at once.
///
/// - source NAT (`iptables -t nat -A POSTROUTING … -j MASQUERADE`): the probe leaves `inside` from its own
///   address and crosses `outside` from `translated`;
/// - destination NAT (`… PREROUTING … -j DNAT --to-destination …`): the probe crosses `outside` to `to:port`
///   and arrives on `inside` to `translated:port`, its source unchanged.
public struct NATSpec: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable { case source = "snat", destination = "dnat" }
    public var kind: Kind
    public var router: String
    public var from: String
    public var to: IPv4Address
    public var port: UInt16?
    public var inside: Endpoint
    public var outside: Endpoint
    public var translated: IPv4Address
    /// The book's command, quoted in hints.
    public var command: String?
    public var id: String?
    public var hint: Localized?
}

/// A DHCP server in `server` serving the segment of `link` in `client`: netcheck's own DHCPDISCOVER from that
/// link is answered with an offer inside `range`; the client holds a leased (finite-lifetime) address in the
/// range.
public struct DHCPSpec: Sendable, Hashable {
    public var client: String
    public var link: String
    public var server: String
    public var rangeStart: IPv4Address
    public var rangeEnd: IPv4Address
    /// The book's commands for the server and the client, quoted in hints.
    public var serverCommand: String?
    public var clientCommand: String?
    public var id: String?
    public var hint: Localized?

    public func inRange(_ a: IPv4Address) -> Bool { rangeStart <= a && a <= rangeEnd }
    public var rangeText: String { "\(rangeStart)-\(rangeEnd)" }
}

/// A server on `address:port` in `namespace` (usually the root namespace, on 127.0.0.1), checked in two parts:
/// something is bound there (`ss -ltun`), and it behaves: netcheck `talk`s to it.
public struct ServiceSpec: Sendable, Hashable {
    public enum Transport: String, Sendable, Hashable, CaseIterable { case tcp, udp }
    public enum Talk: String, Sendable, Hashable, CaseIterable {
        /// UDP: a datagram is delivered (no ICMP port unreachable comes back).
        case datagram
        /// TCP: the three-way handshake completes and sent data is acknowledged.
        case connect
        /// TCP: `GET / HTTP/1.0` is answered 200 with an HTML page whose title is `title`.
        case http
        /// TCP: what is sent comes back, several messages on one connection, one larger than a segment.
        case echo
        /// TCP: two signed 32-bit big-endian integers in, their sum out as a signed 64-bit big-endian integer
        /// (the book's addserver.py: `'!ii'` / `'!q'`), one question on one connection.
        case sum
    }
    public var namespace: String
    public var transport: Transport
    public var address: IPv4Address
    public var port: UInt16
    public var talk: Talk
    public var title: String?
    /// The book's command that starts the server, quoted in hints.
    public var command: String?
    public var id: String?
    public var hint: Localized?

    public var label: String { "\(transport.rawValue.uppercased()) \(address):\(port)" }
}
