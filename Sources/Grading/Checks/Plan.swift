import Localization
import NetlinkWire

/// What one check looks at.
public enum CheckKind: Sendable, Hashable {
    case namespace(String)
    case link(LinkSpec)
    case vethPair(LinkSpec)
    case address(AddressSpec)
    case sysctl(SysctlSpec)
    case route(RouteSpec)
    case reachability(ReachabilitySpec)
    /// The frames of the ping of check `ping` on one link.
    case frames(ping: String, ReachabilitySpec, FrameSpec)
    case arp(ARPSpec)
    case neighbour(NeighbourSpec)
    case forwarding(ForwardingSpec)
    case nat(NATSpec)
    /// The server offers an address in the range to netcheck's own DISCOVER.
    case dhcpOffer(DHCPSpec)
    /// The client holds a leased address in the range.
    case dhcpLease(DHCPSpec)
    /// Something is bound to the service's port and address.
    case serviceBound(ServiceSpec)
    /// The service answers as it should.
    case serviceTalk(ServiceSpec)
}

/// One check of an exercise, before it runs: its stable id (what graders key on), its title, the
/// namespaces it needs (missing ones make it `skipped`), and the exercise's own hint.
public struct PlannedCheck: Sendable, Hashable {
    public var id: String
    public var title: Localized
    public var namespaces: [String]
    public var kind: CheckKind
    public var hint: Localized?
    /// Belongs to a step only (not to the end state): reported under its step, never in the main checks.
    public var stepOnly: Bool = false
}

/// The checks of an exercise, foundations first: namespaces, links, veth pairs, addresses, sysctls,
/// routes, then reachability. The order is the order of the report.
public struct Plan: Sendable {
    public var checks: [PlannedCheck]

    public init(exercise e: Exercise) {
        var checks: [PlannedCheck] = []
        for ns in e.namespaces {
            checks.append(PlannedCheck(
                id: "\(ns).netns", title: Localized(id: "check.namespace.title", ["namespace": ns]),
                namespaces: [ns], kind: .namespace(ns), hint: nil))
        }
        for l in e.links {
            // "ns1-veth0 (veth) in ns1 is up, MAC …, port of br0": the declared details as a list.
            var details: [Localized] = []
            if let mac = l.mac { details.append(Localized(id: "check.link.detail.mac", ["mac": mac])) }
            if let m = l.master { details.append(Localized(id: "check.link.detail.master", ["bridge": m])) }
            let id = switch (l.up, details.isEmpty) {
            case (true, true): "check.link.title.up"
            case (true, false): "check.link.title.up.details"
            case (false, true): "check.link.title.exists"
            case (false, false): "check.link.title.exists.details"
            }
            checks.append(PlannedCheck(
                id: l.id ?? "\(l.namespace).link.\(l.name)",
                title: Localized(id: id, ["link": l.name + (l.kind.map { " (\($0))" } ?? ""), "namespace": l.namespace,
                                          "details": Localized.join(details, by: .listItems)]),
                namespaces: [l.namespace], kind: .link(l), hint: l.hint))
        }
        for l in e.links {
            guard let p = l.peer else { continue }
            checks.append(PlannedCheck(
                id: "\(l.namespace).veth.\(l.name)",
                title: Localized(id: "check.veth.title", ["link": l.name, "namespace": l.namespace, "peer": p.name, "peerNamespace": p.namespace]),
                namespaces: [l.namespace, p.namespace], kind: .vethPair(l), hint: l.hint))
        }
        for a in e.addresses {
            checks.append(PlannedCheck(
                id: a.id ?? "\(a.namespace).addr.\(a.address.address)",
                title: Localized(id: "check.address.title", ["link": a.link, "namespace": a.namespace, "address": a.address]),
                namespaces: [a.namespace], kind: .address(a), hint: a.hint))
        }
        for s in e.sysctls {
            let short = s.key.split(separator: ".").last.map(String.init) ?? s.key
            checks.append(PlannedCheck(
                id: s.id ?? "\(s.namespace).\(short)",
                title: Localized("\(s.namespace): \(s.key) = \(s.value)"),
                namespaces: [s.namespace], kind: .sysctl(s), hint: s.hint))
        }
        for r in e.routes {
            let to = r.to.isDefault ? "default" : r.to.cidr
            let id = switch (r.to.isDefault, r.via != nil) {
            case (true, true): "check.route.title.default"
            case (true, false): "check.route.title.defaultDirect"
            case (false, true): "check.route.title"
            case (false, false): "check.route.title.direct"
            }
            var arguments: [String: any MessageArgument] = ["namespace": r.namespace, "to": to]
            if let via = r.via { arguments["via"] = via }
            checks.append(PlannedCheck(
                id: r.id ?? "\(r.namespace).route.\(to)", title: Localized(id: id, arguments),
                namespaces: [r.namespace], kind: .route(r), hint: r.hint))
        }
        for r in e.reachability {
            let from = r.from + (r.source.map { " (\($0))" } ?? "")
            let title: Localized
            if !r.reachable {
                title = Localized(id: "check.ping.title.unreachable", ["from": from, "to": r.to])
            } else if let ttl = r.ttl {
                title = Localized(id: "check.ping.title.ttl", ["from": from, "to": r.to, "ttl": ttl])
            } else {
                title = Localized(id: "check.ping.title", ["from": from, "to": r.to])
            }
            checks.append(PlannedCheck(
                id: r.id ?? "\(r.from).ping.\(r.to)", title: title, namespaces: [r.from], kind: .reachability(r), hint: r.hint))
        }
        for r in e.reachability {
            let ping = r.id ?? "\(r.from).ping.\(r.to)"
            for f in r.frames {
                var arguments: [String: any MessageArgument] = ["from": r.from, "to": r.to, "link": f.link, "namespace": f.namespace]
                let macs = f.sourceMAC.flatMap { s in f.destinationMAC.map { (s, $0) } }
                if let (s, d) = macs { arguments["source"] = s; arguments["destination"] = d }
                if let t = f.ttl { arguments["ttl"] = t }
                let id = switch (macs != nil, f.ttl != nil) {
                case (false, false): "check.frames.title"
                case (true, false): "check.frames.title.macs"
                case (false, true): "check.frames.title.ttl"
                case (true, true): "check.frames.title.macs.ttl"
                }
                checks.append(PlannedCheck(
                    id: f.id ?? "\(f.namespace).frames.\(f.link)", title: Localized(id: id, arguments),
                    namespaces: [r.from, f.namespace], kind: .frames(ping: ping, r, f), hint: f.hint))
            }
        }
        for a in e.arp {
            checks.append(PlannedCheck(
                id: a.id ?? "\(a.namespace).arp.\(a.target)",
                title: Localized(id: "check.arp.title", ["target": a.target, "link": a.link, "namespace": a.namespace, "mac": a.mac]),
                namespaces: [a.namespace], kind: .arp(a), hint: a.hint))
        }
        for n in e.neighbours {
            checks.append(PlannedCheck(
                id: n.id ?? "\(n.namespace).neigh.\(n.address)",
                title: Localized(id: "check.neighbour.title", ["namespace": n.namespace, "address": n.address, "mac": n.mac]),
                namespaces: [n.namespace], kind: .neighbour(n), hint: n.hint))
        }
        for f in e.forwarding {
            checks.append(PlannedCheck(
                id: f.id ?? "\(f.namespace).fdb.\(f.port)",
                title: Localized(id: "check.fdb.title", ["bridge": f.bridge, "namespace": f.namespace, "mac": f.mac, "port": f.port]),
                namespaces: [f.namespace], kind: .forwarding(f), hint: f.hint))
        }
        for n in e.nat {
            let id: String, title: Localized
            switch n.kind {
            case .source:
                id = n.id ?? "\(n.router).snat.\(n.from)"
                title = Localized(id: "check.snat.title", ["router": n.router, "from": n.from, "translated": n.translated])
            case .destination:
                let port = n.port.map { ":\($0)" } ?? ""
                id = n.id ?? "\(n.router).dnat.\(n.to)\(port)"
                title = Localized(id: "check.dnat.title", ["router": n.router, "to": "\(n.to)\(port)", "translated": "\(n.translated)\(port)"])
            }
            checks.append(PlannedCheck(id: id, title: title, namespaces: [n.from, n.router, n.inside.namespace, n.outside.namespace],
                                       kind: .nat(n), hint: n.hint))
        }
        for d in e.dhcp {
            checks.append(PlannedCheck(
                id: d.id.map { $0 + ".offer" } ?? "\(d.server).dhcp.offer",
                title: Localized(id: "check.dhcpOffer.title", ["link": d.link, "range": d.rangeText]),
                namespaces: [d.client, d.server], kind: .dhcpOffer(d), hint: d.hint))
            checks.append(PlannedCheck(
                id: d.id.map { $0 + ".lease" } ?? "\(d.client).dhcp.lease",
                title: Localized(id: "check.dhcpLease.title", ["link": d.link, "namespace": d.client, "range": d.rangeText]),
                namespaces: [d.client], kind: .dhcpLease(d), hint: d.hint))
        }
        for v in e.services {
            let base = v.id ?? "\(v.namespace).\(v.transport.rawValue).\(v.port)"
            checks.append(PlannedCheck(
                id: base + ".bound",
                title: Localized(id: "check.service.title.bound", ["service": v.label]),
                namespaces: [v.namespace], kind: .serviceBound(v), hint: v.hint))
            let what: Localized
            switch v.talk {
            case .datagram: what = Localized(id: "check.service.title.datagram", ["service": v.label])
            case .connect: what = Localized(id: "check.service.title.connect", ["service": v.label])
            case .http: what = Localized(id: "check.service.title.http", ["service": v.label, "title": v.title ?? ""])
            case .echo: what = Localized(id: "check.service.title.echo", ["service": v.label])
            case .sum: what = Localized(id: "check.service.title.sum", ["service": v.label])
            }
            checks.append(PlannedCheck(id: base + "." + v.talk.rawValue, title: what, namespaces: [v.namespace], kind: .serviceTalk(v), hint: v.hint))
        }
        self.checks = checks
    }

    /// The end state's checks plus every step's own items (flagged `stepOnly`), so one run can say which step
    /// the learner has reached.
    public init(exercise e: Exercise, withSteps: Bool) {
        self.init(exercise: e)
        guard withSteps else { return }
        for step in e.steps {
            for item in step.reachability { checks.append(Self.stepItem(item)) }
        }
    }

    /// Only the checks of step `number` (1-based): the end-state checks it names and its own items.
    public init(exercise e: Exercise, step number: Int) {
        let all = Plan(exercise: e)
        let step = e.steps[number - 1]
        checks = step.checks.compactMap { id in all.checks.first { $0.id == id } } + step.reachability.map(Self.stepItem)
    }

    static func stepItem(_ r: ReachabilitySpec) -> PlannedCheck {
        let from = r.from + (r.source.map { " (\($0))" } ?? "")
        let title: Localized
        if r.reachable {
            title = Localized(id: "check.ping.title", ["from": from, "to": r.to])
        } else if let failure = r.failsWith {
            title = Localized(id: "step.ping.title.failsWith", ["from": from, "to": r.to, "failure": ReachabilityCheck.describe(failure)])
        } else {
            title = Localized(id: "step.ping.title.notYet", ["from": from, "to": r.to])
        }
        var check = PlannedCheck(id: r.id ?? "\(r.from).ping.\(r.to)", title: title, namespaces: [r.from], kind: .reachability(r), hint: r.hint)
        check.stepOnly = true
        return check
    }
}
