import Kernel
import NetlinkWire
import Localization

/// Traffic from a namespace to a network leaves via the expected gateway. Judged by asking the kernel which
/// route it would use (`ip route get`), so a default route and a specific route both pass.
enum RouteCheck {
    static func expected(_ spec: RouteSpec) -> Localized {
        var arguments: [String: any MessageArgument] = ["namespace": spec.namespace, "to": spec.to.cidr]
        if let via = spec.via { arguments["via"] = via }
        let id = switch (spec.to.isDefault, spec.via != nil) {
        case (false, true): "route.expected"
        case (true, true): "route.expected.default"
        case (false, false): "route.expected.direct"
        case (true, false): "route.expected.defaultDirect"
        }
        return Localized(id: id, arguments)
    }

    static func evaluate(_ spec: RouteSpec, world: World) -> Verdict {
        let expected = expected(spec)
        guard let place = world.place(spec.namespace) else {
            return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace))
        }
        let target = spec.probeAddress
        switch world.lookup(place, to: target) {
        case .failure(let e):
            return .error(expected, e)
        case .success(.unreachable):
            return .fail(expected, cause: .noRoute(namespace: spec.namespace, to: target, command: spec.fixCommand))
        case .success(let .route(gateway, oif, _, type)):
            let dev = oif.flatMap { place.snapshot.link(index: $0)?.name }
            let seen = "ip route get \(target): " + (type == 2 ? "local" : (gateway.map { "via \($0) " } ?? "") + (dev.map { "dev \($0)" } ?? ""))
            if type == 1 && gateway == spec.via {
                return .pass(expected, observed: Localized(seen))
            }
            let route = world.matchingRoute(place, to: target).map { $0.destination.description }
            if let gateway, world.owners(of: gateway).isEmpty, gateway != spec.via {
                return .fail(expected, cause: .gatewayUnowned(namespace: spec.namespace, gateway: gateway, route: route, command: spec.fixCommand),
                             observedPrefix: Localized(seen))
            }
            return .fail(expected, cause: .wrongGateway(namespace: spec.namespace, to: target, expected: spec.via, found: gateway,
                                                        route: route, command: spec.fixCommand),
                         observedPrefix: Localized(seen))
        }
    }
}
