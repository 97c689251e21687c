import JSON
import Localization

/// One check per `sysctls` item: `sysctl KEY=VALUE` in a namespace.
enum SysctlFamily: CheckFamily {
    static var fileKey: String? { "sysctls" }
    static func read(_ file: JSONObjectReader, into exercise: inout Exercise) throws {
        exercise.sysctls = try file.array("sysctls").map(ExerciseLoader.sysctl)
    }

    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.sysctls.map { s in
            let short = s.key.split(separator: ".").last.map(String.init) ?? s.key
            return PlannedCheck(
                id: s.id ?? "\(s.namespace).\(short)",
                title: Localized("\(s.namespace): \(s.key) = \(s.value)"),
                namespaces: [s.namespace], kind: SysctlKind(spec: s), hint: s.hint)
        }
    }
}

struct SysctlKind: CheckKind {
    let spec: SysctlSpec
    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict { SysctlCheck.evaluate(spec, world: run.world) }
}
