import Glibc
import Kernel
import Localization

/// What netcheck needs from the machine before it can look at anything: root's network capabilities and a
/// readable /run/netns. A missing piece is an environment problem (exit 3), not a failed check.
enum Preflight {
    static let capNetAdmin = 12
    static let capNetRaw = 13
    /// setns(2) into a network namespace needs it (and CAP_SYS_ADMIN over the namespace's user namespace).
    static let capSysAdmin = 21

    static func problem() -> Failure? {
        // A learner's machine may hold more namespaces than the default 1024 descriptors: netcheck keeps one open per
        // namespace it reads.
        FileLimit.raise()
        let caps = effectiveCapabilities()
        var missing: [String] = []
        if let caps {
            if caps & (1 << UInt64(capNetAdmin)) == 0 { missing.append("CAP_NET_ADMIN") }
            if caps & (1 << UInt64(capNetRaw)) == 0 { missing.append("CAP_NET_RAW") }
            if caps & (1 << UInt64(capSysAdmin)) == 0 { missing.append("CAP_SYS_ADMIN") }
        } else if geteuid() != 0 {
            missing = ["root"]
        }
        if !missing.isEmpty {
            if geteuid() == 0 {
                return .environment(Localized(id: "cli.error.capabilities", ["capabilities": Localized.list(missing)]))
            }
            return .environment(Localized(id: "cli.error.notRoot", ["arguments": CommandLine.arguments.dropFirst().joined(separator: " ")]))
        }
        if access(NetworkNamespace.directory, F_OK) == 0 && access(NetworkNamespace.directory, R_OK | X_OK) != 0 {
            return .environment(Localized(id: "cli.error.notReadable", ["path": NetworkNamespace.directory, "reason": String(cString: strerror(errno))]))
        }
        return nil
    }

    /// CapEff from /proc/self/status.
    static func effectiveCapabilities() -> UInt64? {
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 512)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if text.hasPrefix("CapEff:") {
                return UInt64(text.dropFirst(7).trimmingCharacters(in: " \t\n"), radix: 16)
            }
        }
        return nil
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let c = s.first, set.contains(c) { s.removeFirst() }
        while let c = s.last, set.contains(c) { s.removeLast() }
        return String(s)
    }
}
