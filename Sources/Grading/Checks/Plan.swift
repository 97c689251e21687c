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
                id: "\(ns).netns", title: Localized(en: "namespace \(ns) exists", ja: "ネットワークネームスペース \(ns) がある"),
                namespaces: [ns], kind: .namespace(ns), hint: nil))
        }
        for l in e.links {
            let kind = l.kind.map { " (\($0))" } ?? ""
            let state = l.up ? " is up" : " exists"
            let stateJa = l.up ? " が UP" : " がある"
            var extraEn = "", extraJa = ""
            if let mac = l.mac { extraEn += ", MAC \(mac)"; extraJa += "、MAC \(mac)" }
            if let m = l.master { extraEn += ", port of \(m)"; extraJa += "、\(m) のポート" }
            checks.append(PlannedCheck(
                id: l.id ?? "\(l.namespace).link.\(l.name)",
                title: Localized(en: "\(l.name)\(kind) in \(l.namespace)\(state)\(extraEn)",
                                 ja: "\(l.namespace) の \(l.name)\(kind)\(stateJa)\(extraJa)"),
                namespaces: [l.namespace], kind: .link(l), hint: l.hint))
        }
        for l in e.links {
            guard let p = l.peer else { continue }
            checks.append(PlannedCheck(
                id: "\(l.namespace).veth.\(l.name)",
                title: Localized(en: "\(l.name) (\(l.namespace)) and \(p.name) (\(p.namespace)) are the two ends of one veth pair",
                                 ja: "\(l.namespace) の \(l.name) と \(p.namespace) の \(p.name) が 1 組の veth ペア"),
                namespaces: [l.namespace, p.namespace], kind: .vethPair(l), hint: l.hint))
        }
        for a in e.addresses {
            checks.append(PlannedCheck(
                id: a.id ?? "\(a.namespace).addr.\(a.address.address)",
                title: Localized(en: "\(a.link) in \(a.namespace) has \(a.address)", ja: "\(a.namespace) の \(a.link) に \(a.address)"),
                namespaces: [a.namespace], kind: .address(a), hint: a.hint))
        }
        for s in e.sysctls {
            let short = s.key.split(separator: ".").last.map(String.init) ?? s.key
            checks.append(PlannedCheck(
                id: s.id ?? "\(s.namespace).\(short)",
                title: Localized(en: "\(s.namespace): \(s.key) = \(s.value)", ja: "\(s.namespace): \(s.key) = \(s.value)"),
                namespaces: [s.namespace], kind: .sysctl(s), hint: s.hint))
        }
        for r in e.routes {
            let to = r.to.isDefault ? "default" : r.to.cidr
            let via = r.via.map { "via \($0)" } ?? "directly"
            let forJa = r.to.isDefault ? "すべての宛先へ" : " \(to) 宛て"
            let viaJa = r.via.map { " \($0) 経由で" } ?? "直接"
            checks.append(PlannedCheck(
                id: r.id ?? "\(r.namespace).route.\(to)",
                title: Localized(en: "\(r.namespace) sends packets for \(to == "default" ? "anywhere" : to) \(via)",
                                 ja: "\(r.namespace) は\(forJa)のパケットを\(viaJa)送る"),
                namespaces: [r.namespace], kind: .route(r), hint: r.hint))
        }
        for r in e.reachability {
            let src = r.source.map { " (\($0))" } ?? ""
            let ttl = r.ttl.map { " with TTL \($0)" } ?? ""
            let ttlJa = r.ttl.map { " (TTL \($0))" } ?? ""
            let title = r.reachable
                ? Localized(en: "\(r.from)\(src) reaches \(r.to)\(ttl)", ja: "\(r.from)\(src) から \(r.to) に届く\(ttlJa)")
                : Localized(en: "\(r.from)\(src) does not reach \(r.to)", ja: "\(r.from)\(src) から \(r.to) には届かない")
            checks.append(PlannedCheck(
                id: r.id ?? "\(r.from).ping.\(r.to)", title: title, namespaces: [r.from], kind: .reachability(r), hint: r.hint))
        }
        for r in e.reachability {
            let ping = r.id ?? "\(r.from).ping.\(r.to)"
            for f in r.frames {
                var en = "the ping \(r.from) → \(r.to) crosses \(f.link) (\(f.namespace))"
                var ja = "\(r.from) → \(r.to) の ping が \(f.namespace) の \(f.link) を通る"
                if let s = f.sourceMAC, let d = f.destinationMAC { en += " as \(s) > \(d)"; ja += " (\(s) > \(d))" }
                if let t = f.ttl { en += " with TTL \(t)"; ja += "、TTL \(t)" }
                checks.append(PlannedCheck(
                    id: f.id ?? "\(f.namespace).frames.\(f.link)", title: Localized(en: en, ja: ja),
                    namespaces: [r.from, f.namespace], kind: .frames(ping: ping, r, f), hint: f.hint))
            }
        }
        for a in e.arp {
            checks.append(PlannedCheck(
                id: a.id ?? "\(a.namespace).arp.\(a.target)",
                title: Localized(en: "\(a.target) answers ARP on \(a.link) (\(a.namespace)): is-at \(a.mac)",
                                 ja: "\(a.namespace) の \(a.link) からの ARP に \(a.target) が応答する (is-at \(a.mac))"),
                namespaces: [a.namespace], kind: .arp(a), hint: a.hint))
        }
        for n in e.neighbours {
            checks.append(PlannedCheck(
                id: n.id ?? "\(n.namespace).neigh.\(n.address)",
                title: Localized(en: "\(n.namespace)'s neighbour table maps \(n.address) to \(n.mac)",
                                 ja: "\(n.namespace) の近隣テーブルで \(n.address) が \(n.mac)"),
                namespaces: [n.namespace], kind: .neighbour(n), hint: n.hint))
        }
        for f in e.forwarding {
            checks.append(PlannedCheck(
                id: f.id ?? "\(f.namespace).fdb.\(f.port)",
                title: Localized(en: "\(f.bridge) (\(f.namespace)) has learned \(f.mac) on \(f.port)",
                                 ja: "\(f.namespace) の \(f.bridge) が \(f.port) で \(f.mac) を学習している"),
                namespaces: [f.namespace], kind: .forwarding(f), hint: f.hint))
        }
        for n in e.nat {
            let id: String, title: Localized
            switch n.kind {
            case .source:
                id = n.id ?? "\(n.router).snat.\(n.from)"
                title = Localized(en: "\(n.router) translates the source of packets from \(n.from) to \(n.translated)",
                                  ja: "\(n.router) が \(n.from) からのパケットの送信元を \(n.translated) に変換する")
            case .destination:
                let port = n.port.map { ":\($0)" } ?? ""
                id = n.id ?? "\(n.router).dnat.\(n.to)\(port)"
                title = Localized(en: "\(n.router) forwards \(n.to)\(port) to \(n.translated)\(port)",
                                  ja: "\(n.router) が \(n.to)\(port) 宛てを \(n.translated)\(port) に転送する")
            }
            checks.append(PlannedCheck(id: id, title: title, namespaces: [n.from, n.router, n.inside.namespace, n.outside.namespace],
                                       kind: .nat(n), hint: n.hint))
        }
        for d in e.dhcp {
            checks.append(PlannedCheck(
                id: d.id.map { $0 + ".offer" } ?? "\(d.server).dhcp.offer",
                title: Localized(en: "a DHCP server answers on \(d.link)'s segment with an address in \(d.rangeText)",
                                 ja: "\(d.link) のセグメントで DHCP サーバーが \(d.rangeText) のアドレスを提示する"),
                namespaces: [d.client, d.server], kind: .dhcpOffer(d), hint: d.hint))
            checks.append(PlannedCheck(
                id: d.id.map { $0 + ".lease" } ?? "\(d.client).dhcp.lease",
                title: Localized(en: "\(d.link) in \(d.client) got its address from DHCP, in \(d.rangeText)",
                                 ja: "\(d.client) の \(d.link) のアドレスが DHCP で \(d.rangeText) から割り当てられている"),
                namespaces: [d.client], kind: .dhcpLease(d), hint: d.hint))
        }
        for v in e.services {
            let base = v.id ?? "\(v.namespace).\(v.transport.rawValue).\(v.port)"
            checks.append(PlannedCheck(
                id: base + ".bound",
                title: Localized(en: "something listens on \(v.label)", ja: "\(v.label) で待ち受けている"),
                namespaces: [v.namespace], kind: .serviceBound(v), hint: v.hint))
            let what: Localized
            switch v.talk {
            case .datagram: what = Localized(en: "a datagram to \(v.label) is delivered", ja: "\(v.label) 宛てのデータグラムが届く")
            case .connect: what = Localized(en: "a connection to \(v.label) is made and data acknowledged", ja: "\(v.label) に接続でき、送ったデータに ACK が返る")
            case .http: what = Localized(en: "GET / on \(v.label) returns 200 and \"\(v.title ?? "")\"", ja: "\(v.label) への GET / が 200 と「\(v.title ?? "")」を返す")
            case .echo: what = Localized(en: "\(v.label) echoes back what it receives", ja: "\(v.label) が受け取ったものをそのまま返す")
            case .sum: what = Localized(en: "\(v.label) adds two signed 32-bit integers into a 64-bit sum (big-endian)", ja: "\(v.label) が符号付き 32 ビット整数 2 つを足し、64 ビットの和を返す (ビッグエンディアン)")
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
        let src = r.source.map { " (\($0))" } ?? ""
        let how = r.failsWith.map { ": " + ReachabilityCheck.describe($0).en } ?? ""
        let notYetJa = r.failsWith.map { "にはまだ届かず\(ReachabilityCheck.describe($0).ja)になる" } ?? "にはまだ届かない"
        let title = r.reachable
            ? Localized(en: "\(r.from)\(src) reaches \(r.to)", ja: "\(r.from)\(src) から \(r.to) に届く")
            : Localized(en: "\(r.from)\(src) does not reach \(r.to) yet\(how)", ja: "\(r.from)\(src) から \(r.to) \(notYetJa)")
        var check = PlannedCheck(id: r.id ?? "\(r.from).ping.\(r.to)", title: title, namespaces: [r.from], kind: .reachability(r), hint: r.hint)
        check.stepOnly = true
        return check
    }
}
