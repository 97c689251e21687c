import Addresses
import Kernel
import Localization
import NetlinkWire
import SafeText

/// Why a packet finds no way, or the wrong one.
/// One family of `Cause`; what each says about itself is below (messages `cause.<case>.finding` / `.fix`).
public enum RouteCause: Hashable, Sendable {
    /// No route: the kernel says "Network is unreachable". `command` is the book's command when known.
    case noRoute(namespace: String, to: IPv4Address, command: String?)
    /// The reply has no way home: `namespace` lacks a route back to `to`.
    case noRouteBack(namespace: String, to: IPv4Address, command: String?)
    case wrongGateway(namespace: String, to: IPv4Address, expected: IPv4Address?, found: IPv4Address?, route: String?, command: String?)
    /// A route points at a gateway address that no namespace has.
    case gatewayUnowned(namespace: String, gateway: IPv4Address, route: String?, command: String?)
}

extension RouteCause {
    public var finding: Localized {
        switch self {
        case let .noRoute(ns, to, _):
            return Localized(id: "cause.noRoute.finding", ["namespace": ns, "to": to])
        case let .noRouteBack(ns, to, _):
            return Localized(id: "cause.noRouteBack.finding", ["namespace": ns, "to": to])
        case let .wrongGateway(ns, to, expected, found, _, _):
            let id = switch (found, expected) {
            case (.some, .some): "cause.wrongGateway.finding"
            case (.some, nil): "cause.wrongGateway.finding.expectedDirect"
            case (nil, .some): "cause.wrongGateway.finding.foundDirect"
            case (nil, nil): "cause.wrongGateway.finding.bothDirect"
            }
            var arguments: [String: any MessageArgument] = ["namespace": ns, "to": to]
            if let found { arguments["found"] = found }
            if let expected { arguments["expected"] = expected }
            return Localized(id: id, arguments)
        case let .gatewayUnowned(ns, gateway, _, _):
            return Localized(id: "cause.gatewayUnowned.finding", ["namespace": ns, "gateway": gateway])
        }
    }

    public var fix: Localized {
        switch self {
        case let .noRoute(ns, to, command):
            return Localized(id: "cause.noRoute.fix", ["command": command ?? inNamespace(ns, "ip route add <network of \(to)> via <gateway>")])
        case let .noRouteBack(ns, to, command):
            return Localized(id: "cause.noRouteBack.fix", ["command": command ?? inNamespace(ns, "ip route add <network of \(to)> via <gateway>")])
        case let .wrongGateway(ns, to, expected, _, route, command):
            let fallback = expected.map { inNamespace(ns, "ip route replace \(to) via \($0)") }
            return Cause.gatewayUnowned(namespace: ns, gateway: to, route: route, command: command ?? fallback).fix
        case let .gatewayUnowned(ns, _, route, command):
            let delete = route.map { inNamespace(ns, "ip route del \($0)") }
            switch (delete, command) {
            case let (delete?, command?): return Localized(id: "cause.gatewayUnowned.fix", ["delete": delete, "command": command])
            case let (delete?, nil): return Localized(id: "cause.gatewayUnowned.fix.noCommand", ["delete": delete])
            case let (nil, command?): return Localized(id: "cause.gatewayUnowned.fix.noRoute", ["command": command])
            case (nil, nil): return Localized(id: "cause.gatewayUnowned.fix.neither")
            }
        }
    }
}
