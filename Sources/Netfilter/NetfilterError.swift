import Glibc

/// Why a ruleset could not be read: `nft` did not start, failed, took too long, or printed something that is
/// not an nftables JSON document.
public struct NetfilterError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Equatable, Sendable {
        /// posix_spawn failed with this errno (ENOENT: nft is not installed).
        case spawn(errno: Int32)
        /// nft exited with a nonzero status (128 + signal when killed), printing `stderr`.
        case exit(status: Int32, stderr: String)
        /// nft was still running at the deadline and was killed.
        case timeout(seconds: Double)
        /// The JSON listing could not be parsed.
        case badJSON(String)
    }

    public var kind: Kind
    /// The command line, e.g. "/usr/sbin/nft -j list ruleset"; nil for a parse error.
    public var command: String?

    public init(_ kind: Kind, command: String? = nil) {
        self.kind = kind
        self.command = command
    }

    public var description: String {
        let prefix = command.map { "\($0): " } ?? ""
        switch kind {
        case .spawn(let errno): return "\(prefix)cannot start: \(String(cString: strerror(errno)))"
        case .exit(let status, let stderr):
            let message = stderr.split(whereSeparator: \.isNewline).joined(separator: " ")
            return "\(prefix)exited with status \(status)" + (message.isEmpty ? "" : ": \(message)")
        case .timeout(let seconds): return "\(prefix)no answer within \(seconds) s, killed"
        case .badJSON(let message): return "\(prefix)unreadable nftables JSON: \(message)"
        }
    }
}
