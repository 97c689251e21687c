import JSON
import Localization

/// One check per `fdb` item: the bridge has learned the MAC on the port after the probes (`bridge fdb`).
enum ForwardingFamily: CheckFamily {
    static var fileKey: String? { "fdb" }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {
        exercise.forwarding = try file.array("fdb").map(ExerciseLoader.forwarding)
    }

    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.forwarding.map { f in
            PlannedCheck(
                id: f.id ?? "\(f.namespace).fdb.\(f.port)",
                title: Localized(id: "check.fdb.title", ["bridge": f.bridge, "namespace": f.namespace, "mac": f.mac, "port": f.port]),
                namespaces: [f.namespace], kind: ForwardingKind(spec: f), hint: f.hint)
        }
    }
}

struct ForwardingKind: CheckKind {
    let spec: ForwardingSpec
    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict { ForwardingCheck.evaluate(spec, exercise: run.exercise, world: run.world) }
}
