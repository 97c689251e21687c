import Kernel
import NetlinkWire
import Localization

/// `ip address add ADDRESS/LEN dev LINK` in a namespace: the exact address and prefix length on that link.
enum AddressCheck {
    static func expected(_ spec: AddressSpec) -> Localized {
        Localized(id: "address.expected", ["address": spec.address, "link": spec.link, "namespace": spec.namespace])
    }

    static func evaluate(_ spec: AddressSpec, exercise: Exercise, world: World) -> Verdict {
        let expected = expected(spec)
        guard let place = world.place(spec.namespace) else {
            return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace))
        }
        guard place.snapshot.link(named: spec.link) != nil else {
            return .skipped(expected, reason: SkipReason.linkMissing(spec.namespace, spec.link, check: "\(spec.namespace).link.\(spec.link)"))
        }
        if let cause = cause(spec, exercise: exercise, place: place) { return .fail(expected, cause: cause) }
        return .pass(expected, observed: Localized(id: "address.observed", ["link": spec.link, "address": spec.address]))
    }

    /// Why the address is not there, or nil when it is (or when its link is missing: the link check says so).
    static func cause(_ spec: AddressSpec, exercise: Exercise, place: World.Place) -> Cause? {
        guard let link = place.snapshot.link(named: spec.link) else { return nil }
        let onLink = place.snapshot.addresses(on: link).filter { $0.scope == 0 }.map(\.prefix)
        if onLink.contains(spec.address) { return nil }
        if let other = place.snapshot.addresses.first(where: { $0.prefix == spec.address }),
           let otherLink = place.snapshot.link(index: other.interfaceIndex) {
            return .addressOnOtherLink(namespace: spec.namespace, expectedLink: spec.link, foundLink: otherLink.name, address: spec.address)
        }
        // Addresses the exercise wants on this link anyway are not "wrong".
        let wanted = Set(exercise.addresses.filter { $0.namespace == spec.namespace && $0.link == spec.link }.map(\.address))
        let wrong = onLink.filter { !wanted.contains($0) }
        if !wrong.isEmpty { return .addressWrong(namespace: spec.namespace, link: spec.link, expected: spec.address, found: wrong) }
        return .addressMissing(namespace: spec.namespace, link: spec.link, address: spec.address)
    }
}
