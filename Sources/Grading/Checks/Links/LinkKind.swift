import JSON
import Localization

/// One check per declared link (`ip link add`, `ip link set … up`, MAC, bridge port), from the file's `links`.
enum LinkFamily: CheckFamily {
    static var fileKey: String? { "links" }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {
        exercise.links = try file.array("links").map(ExerciseLoader.link)
    }

    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.links.map { l in
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
            return PlannedCheck(
                id: l.id ?? "\(l.namespace).link.\(l.name)",
                title: Localized(id: id, ["link": l.name + (l.kind.map { " (\($0))" } ?? ""), "namespace": l.namespace,
                                          "details": Localized.join(details, by: .listItems)]),
                namespaces: [l.namespace], kind: LinkKind(spec: l), hint: l.hint)
        }
    }
}

/// One check per link with a `peer`: the two are the ends of one veth pair.
enum VethPairFamily: CheckFamily {
    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.links.compactMap { l in
            guard let p = l.peer else { return nil }
            return PlannedCheck(
                id: "\(l.namespace).veth.\(l.name)",
                title: Localized(id: "check.veth.title", ["link": l.name, "namespace": l.namespace, "peer": p.name, "peerNamespace": p.namespace]),
                namespaces: [l.namespace, p.namespace], kind: VethPairKind(spec: l), hint: l.hint)
        }
    }
}

struct LinkKind: CheckKind {
    let spec: LinkSpec
    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict { LinkCheck.evaluate(spec, exercise: run.exercise, world: run.world) }
}

struct VethPairKind: CheckKind {
    let spec: LinkSpec
    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict {
        VethPairCheck.evaluate(spec, check: check, exercise: run.exercise, world: run.world)
    }
}
