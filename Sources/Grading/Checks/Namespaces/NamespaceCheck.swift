import Glibc
import Kernel
import Localization

/// `ip netns add NAME` was run: /run/netns/NAME opens and its links can be read.
enum NamespaceCheck {
    static func evaluate(_ ns: String, world: World) -> Verdict {
        let expected = Localized(id: "namespace.expected", ["namespace": ns])
        switch world.named[ns] {
        case .success(let place)?:
            let names = place.snapshot.links.map(\.name)
            return .pass(expected, observed: Localized(id: "namespace.observed", ["namespace": ns, "links": Localized.list(names)]))
        case .failure(let e)? where e.errno == ENOENT:
            return .fail(expected, cause: .namespaceMissing(namespace: ns))
        case .failure(let e)? where e.entry != nil:
            return .fail(expected, cause: .namespaceUnusable(namespace: ns, problem: e.entry!))
        case .failure(let e)?:
            return .error(expected, e)
        case nil:
            return .fail(expected, cause: .namespaceMissing(namespace: ns))
        }
    }
}
