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
