import JSON
import Localization

/// One check per `routes` item, judged by the route the kernel would use (`ip route get`).
enum RouteFamily: CheckFamily {
    static var fileKey: String? { "routes" }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {
        exercise.routes = try file.array("routes").map(ExerciseLoader.route)
    }

    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.routes.map { r in
            let to = r.to.isDefault ? "default" : r.to.cidr
            let id = switch (r.to.isDefault, r.via != nil) {
            case (true, true): "check.route.title.default"
            case (true, false): "check.route.title.defaultDirect"
            case (false, true): "check.route.title"
            case (false, false): "check.route.title.direct"
            }
            var arguments: [String: any MessageArgument] = ["namespace": r.namespace, "to": to]
            if let via = r.via { arguments["via"] = via }
            return PlannedCheck(
                id: r.id ?? "\(r.namespace).route.\(to)", title: Localized(id: id, arguments),
                namespaces: [r.namespace], kind: RouteKind(spec: r), hint: r.hint)
        }
    }
}

struct RouteKind: CheckKind {
    let spec: RouteSpec
    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict { RouteCheck.evaluate(spec, world: run.world) }
}
