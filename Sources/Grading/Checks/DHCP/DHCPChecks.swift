import Capture
import Kernel
import NetlinkWire
import Packets
import Localization

/// The DHCP server answers on the segment: netcheck's own DISCOVER (from a hardware address of netcheck's, the
/// same in every run, see `Probing.dhcpClientMAC`; never a REQUEST, so no lease is taken) gets an OFFER inside
/// the exercise's range.
enum DHCPOfferCheck {
    static func evaluate(_ spec: DHCPSpec, check: PlannedCheck, probes: ProbeResults, exercise: Exercise, world: World) -> Verdict {
        let expected = Localized(id: "dhcp.offer.expected", ["range": spec.rangeText, "link": spec.link, "namespace": spec.client])
        for ns in [spec.client, spec.server] where world.place(ns) == nil {
            return .skipped(expected, reason: SkipReason.namespaceMissing(ns))
        }
        let captured: SeenCapture
        switch Layer2.captured(probes.captures[CaptureKey(check.id)], on: Endpoint(namespace: spec.client, name: spec.link), expected: expected,
                               exercise: exercise, world: world) {
        case .verdict(let v): return v
        case .frames(let frames): captured = frames
        }
        let seen = captured.frames
        let xid = probes.dhcpTransactions[check.id]
        let mine = seen.filter { $0.dhcp?.transactionID == xid }
        var verdict: Verdict
        if let offer = mine.first(where: { $0.dhcp?.messageType == 2 })?.dhcp {
            var arguments: [String: any MessageArgument] = ["address": offer.yourAddress]
            if let server = offer.serverIdentifier { arguments["server"] = server }
            if let seconds = offer.leaseSeconds { arguments["lease"] = seconds }
            let id = switch (offer.serverIdentifier != nil, offer.leaseSeconds != nil) {
            case (true, true): "dhcp.offer.observed.serverLease"
            case (true, false): "dhcp.offer.observed.server"
            case (false, true): "dhcp.offer.observed.lease"
            case (false, false): "dhcp.offer.observed"
            }
            let observed = Localized(id: id, arguments)
            if spec.inRange(offer.yourAddress) {
                verdict = .pass(expected, observed: observed)
            } else {
                verdict = .fail(expected, cause: .dhcpRangeMismatch(offered: offer.yourAddress, range: spec.rangeText, command: spec.serverCommand),
                                observedPrefix: observed)
            }
        } else {
            let observed = Localized(id: "dhcp.offer.observed.none")
            verdict = .fail(expected, cause: silenceCause(spec, exercise: exercise, world: world), observedPrefix: observed)
        }
        verdict.evidence = captured.evidence { s in
            guard let frame = s.frame, let detail = TcpdumpFormat.detail(frame) else { return [s.line] }
            return [s.line, "    " + detail]
        }
        return verdict
    }

    /// Why nobody answered: the segment's links, then whether a server runs at all.
    static func silenceCause(_ spec: DHCPSpec, exercise: Exercise, world: World) -> Cause {
        for link in exercise.links where link.namespace == spec.client || link.namespace == spec.server {
            if let place = world.place(link.namespace), let cause = LinkCheck.cause(link, exercise: exercise, world: world, place: place) {
                return cause
            }
        }
        if let server = world.place(spec.server), let ports = try? world.boundUDPPorts(server).get(), !ports.contains(67) {
            return .dhcpServerNotRunning(namespace: spec.server, command: spec.serverCommand)
        }
        return .dhcpServerSilent(namespace: spec.server, link: spec.link, command: spec.serverCommand)
    }
}

/// The client holds an address leased by DHCP: in the range, with a finite lifetime (an address typed with
/// `ip address add` never expires).
enum DHCPLeaseCheck {
    static func evaluate(_ spec: DHCPSpec, exercise: Exercise, world: World) -> Verdict {
        let expected = Localized(id: "dhcp.lease.expected", ["link": spec.link, "namespace": spec.client, "range": spec.rangeText])
        guard let place = world.place(spec.client) else { return .skipped(expected, reason: SkipReason.namespaceMissing(spec.client)) }
        guard let link = place.snapshot.link(named: spec.link) else {
            return .fail(expected, cause: Layer2.linkCause(spec.client, spec.link, exercise: exercise, world: world))
        }
        let addresses = place.snapshot.addresses(on: link)
        func describe(_ a: InterfaceAddress) -> String {
            let life = a.validLifetime.map { $0 == UInt32.max ? "forever" : "\($0)sec" } ?? "?"
            return "\(a.prefix.cidr) valid_lft \(life)"
        }
        let leased = addresses.filter { ($0.validLifetime ?? UInt32.max) != UInt32.max }
        if let good = leased.first(where: { spec.inRange($0.address) }) {
            var verdict = Verdict.pass(expected, observed: Localized("inet " + describe(good)))
            verdict.note = resolverNote(spec, world: world)
            return verdict
        }
        if let out = leased.first {
            return .fail(expected, cause: .dhcpLeaseOutOfRange(namespace: spec.client, link: spec.link, address: out.prefix,
                                                                range: spec.rangeText, command: spec.clientCommand))
        }
        if let typed = addresses.first {
            return .fail(expected, cause: .dhcpStaticAddress(namespace: spec.client, link: spec.link, address: typed.prefix,
                                                              command: spec.clientCommand), observedPrefix: Localized("inet " + describe(typed)))
        }
        if let linkSpec = exercise.link(spec.client, spec.link), let cause = LinkCheck.cause(linkSpec, exercise: exercise, world: world, place: place) {
            return .fail(expected, cause: cause)
        }
        return .fail(expected, cause: .dhcpNoLease(namespace: spec.client, link: spec.link, command: spec.clientCommand))
    }

    /// When the client's lease came with a DNS server, dhclient-script wrote it into the machine's /etc/resolv.conf
    /// (`ip netns exec` keeps the host's /etc): a nameserver that is an address of the exercise's namespaces (the
    /// first edition's dnsmasq, without `--port 0 --no-resolv`, offers itself, 192.0.2.254) leaves the host unable
    /// to resolve names. Said beside the lease, which is right.
    static func resolverNote(_ spec: DHCPSpec, world: World) -> Localized? {
        guard let address = world.hostNameservers.first(where: { !world.owners(of: $0).isEmpty }) else { return nil }
        let owner = world.owners(of: address)[0].place.label
        return Localized(id: "dhcp.note.resolvConf", ["address": address, "namespace": owner,
                                                      "command": spec.serverCommand ?? "dnsmasq … --port 0 --no-resolv"])
    }
}
