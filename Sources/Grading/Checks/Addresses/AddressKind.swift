import JSON
import Localization

/// One check per `addresses` item: `ip address add ADDRESS/LEN dev LINK`.
enum AddressFamily: CheckFamily {
    static var fileKey: String? { "addresses" }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {
        exercise.addresses = try file.array("addresses").map(ExerciseLoader.address)
    }

    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.addresses.map { a in
            PlannedCheck(
                id: a.id ?? "\(a.namespace).addr.\(a.address.address)",
                title: Localized(id: "check.address.title", ["link": a.link, "namespace": a.namespace, "address": a.address]),
                namespaces: [a.namespace], kind: AddressKind(spec: a), hint: a.hint)
        }
    }
}

struct AddressKind: CheckKind {
    let spec: AddressSpec
    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict { AddressCheck.evaluate(spec, exercise: run.exercise, world: run.world) }
}
