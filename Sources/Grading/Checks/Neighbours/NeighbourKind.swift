import JSON
import Localization

/// One check per `neighbors` item: `ip neigh` in the namespace maps the address to the MAC after the probes.
enum NeighbourFamily: CheckFamily {
    static var fileKey: String? { "neighbors" }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {
        exercise.neighbours = try file.array("neighbors").map(ExerciseLoader.neighbour)
    }

    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.neighbours.map { n in
            PlannedCheck(
                id: n.id ?? "\(n.namespace).neigh.\(n.address)",
                title: Localized(id: "check.neighbour.title", ["namespace": n.namespace, "address": n.address, "mac": n.mac]),
                namespaces: [n.namespace], kind: NeighbourKind(spec: n), hint: n.hint)
        }
    }
}

struct NeighbourKind: CheckKind {
    let spec: NeighbourSpec
    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict { NeighbourCheck.evaluate(spec, exercise: run.exercise, world: run.world) }
}
