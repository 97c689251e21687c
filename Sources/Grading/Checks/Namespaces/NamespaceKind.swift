import Localization

/// One check per namespace of the exercise: `ip netns add NAME` was run.
enum NamespaceFamily: CheckFamily {
    static func plan(_ e: Exercise) -> [PlannedCheck] {
        e.namespaces.map { ns in
            PlannedCheck(id: "\(ns).netns", title: Localized(id: "check.namespace.title", ["namespace": ns]),
                         namespaces: [ns], kind: NamespaceKind(namespace: ns), hint: nil)
        }
    }
}

struct NamespaceKind: CheckKind {
    let namespace: String
    func judge(_ check: PlannedCheck, _ run: Judging) -> Verdict { NamespaceCheck.evaluate(namespace, world: run.world) }
}
