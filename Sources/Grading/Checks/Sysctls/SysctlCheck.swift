import Kernel

/// `sysctl KEY=VALUE` inside a namespace, read from /proc/sys while in it.
enum SysctlCheck {
    static func evaluate(_ spec: SysctlSpec, world: World) -> Verdict {
        let expected = Localized("\(spec.key) = \(spec.value)")
        guard world.place(spec.namespace) != nil else {
            return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace))
        }
        switch world.sysctl(spec.namespace, spec.key) {
        case .failure(let e):
            return .error(expected, e)
        case .success(let value) where value == spec.value:
            return .pass(expected, observed: Localized("\(spec.namespace): \(spec.key) = \(spec.value)"))
        case .success(let value):
            let cause = Cause.sysctlWrong(namespace: spec.namespace, key: spec.key, expected: spec.value, found: value)
            var verdict = Verdict.fail(expected, cause: cause)
            if let hint = spec.hint { verdict.hint = Localized.join([cause.hint, hint], by: .sentences) }
            return verdict
        }
    }
}
