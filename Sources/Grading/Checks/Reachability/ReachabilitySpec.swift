import Addresses
import JSON
import Localization
import NetlinkWire

/// A ping from one namespace (optionally from one source address) to an address.
public struct ReachabilitySpec: Sendable, Hashable {
    public var from: String
    public var source: IPv4Address?
    public var to: IPv4Address
    /// false: the destination must NOT answer.
    public var reachable: Bool
    /// When it must not answer: how the ping must fail (the book shows "Network is unreachable" before the
    /// routes exist and "100% packet loss" before the router forwards). nil: any failure.
    public var failsWith: Failure? = nil
    /// The TTL the echo reply must arrive with (64 minus the routers on the way back).
    public var ttl: UInt8?
    /// Links on which the echo request (and its reply) must be seen, with the MACs of that segment.
    public var frames: [FrameSpec] = []
    public var id: String?
    public var hint: Localized?
}

extension ReachabilitySpec {
    /// How a ping that must not be answered fails.
    public enum Failure: String, Sendable, Hashable, CaseIterable {
        /// "connect: Network is unreachable" at once, or an ICMP net unreachable from a router.
        case networkUnreachable = "network-unreachable"
        /// "Destination Host Unreachable" (ARP got no answer) or an ICMP host unreachable.
        case hostUnreachable = "host-unreachable"
        /// Silence: "100% packet loss".
        case timeout
    }
}

/// What a ping's frames look like on one link, as `ip netns exec NS tcpdump -tnel -i LINK icmp` shows them:
/// the echo request from `sourceMAC` to `destinationMAC` (and the reply the other way), with `ttl` in its
/// IP header when given.
public struct FrameSpec: Sendable, Hashable {
    public var namespace: String
    public var link: String
    public var sourceMAC: MACAddress?
    public var destinationMAC: MACAddress?
    public var ttl: UInt8?
    public var id: String?
    public var hint: Localized?
}

/// One of the book's checkpoints: checks of the end state that already hold at that point (by id), and
/// expectations of its own that hold only then (pings that must still fail, and how).
public struct StepSpec: Sendable, Hashable {
    public var title: Localized
    /// Ids of checks of the exercise's plan.
    public var checks: [String]
    /// Step-only pings (usually `"reachable": false` with `fails_with`).
    public var reachability: [ReachabilitySpec]
}

// MARK: reading it from an exercise file

extension ExerciseLoader {
    static func reachability(_ node: JSONNode) throws -> ReachabilitySpec {
        let o = try node.object(keys: ["from", "source", "to", "reachable", "fails_with", "ttl", "frames", "id", "hint"])
        let reachable = try o.bool("reachable", default: true)
        let ttl = try o.optionalInt("ttl", in: 1...255)
        if ttl != nil && !reachable { throw node.error("a TTL makes no sense when the address must not answer", field: "ttl") }
        let names = ReachabilitySpec.Failure.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        let failsWith = try o.parsed("fails_with", as: "one of \(names)", required: false, ReachabilitySpec.Failure.init(rawValue:))
        if failsWith != nil && reachable { throw node.error("only a ping that must not be answered fails", field: "fails_with") }
        var spec = ReachabilitySpec(
            from: try o.string("from"),
            source: try o.parsed("source", as: "an IPv4 address", required: false, IPv4Address.init),
            to: try o.parsed("to", as: "an IPv4 address", IPv4Address.init)!,
            reachable: reachable, ttl: ttl.map(UInt8.init), frames: try o.array("frames").map(frame),
            id: try o.optionalString("id"), hint: try o.localized("hint"))
        spec.failsWith = failsWith
        return spec
    }

    static func frame(_ node: JSONNode) throws -> FrameSpec {
        let o = try node.object(keys: ["namespace", "link", "src_mac", "dst_mac", "ttl", "id", "hint"])
        return FrameSpec(namespace: try o.string("namespace"), link: try interfaceName(o, "link"),
                         sourceMAC: try mac(o, "src_mac", required: false), destinationMAC: try mac(o, "dst_mac", required: false),
                         ttl: try o.optionalInt("ttl", in: 1...255).map(UInt8.init),
                         id: try o.optionalString("id"), hint: try o.localized("hint"))
    }

    static func step(_ node: JSONNode, number: Int) throws -> StepSpec {
        let o = try node.object(keys: ["title", "checks", "reachability"])
        var items = try o.array("reachability").map(reachability)
        for i in items.indices where items[i].id == nil {
            items[i].id = "step\(number).\(items[i].from).ping.\(items[i].to)"
        }
        return StepSpec(title: try o.localized("title", required: true)!, checks: try o.array("checks").map { try $0.string() },
                        reachability: items)
    }

    /// Steps name checks that exist, and their own items name declared namespaces and new ids.
    static func crossCheckSteps(_ exercise: Exercise, file: String) throws {
        let ids = Plan(exercise: exercise).checks.map(\.id)
        var seen = Set(ids)
        let known = seen, declared = Set(exercise.namespaces)
        for (n, step) in exercise.steps.enumerated() {
            for (i, id) in step.checks.enumerated() where !known.contains(id) {
                let hint = closestMatch(to: id, in: ids).map { " (did you mean \"\($0)\"?)" } ?? ""
                throw ExerciseFileError(file: file, position: "/steps/\(n)/checks/\(i)", field: "checks", message: "no check has the id \"\(id)\"\(hint)")
            }
            for (i, item) in step.reachability.enumerated() {
                guard declared.contains(item.from) || item.from == World.rootName else {
                    throw ExerciseFileError(file: file, position: "/steps/\(n)/reachability/\(i)", field: "from",
                                            message: "namespace \"\(item.from)\" is not listed in \"namespaces\"")
                }
                guard seen.insert(item.id!).inserted else {
                    throw ExerciseFileError(file: file, position: "/steps/\(n)/reachability/\(i)", field: "id",
                                            message: "two checks would have the id \"\(item.id!)\"; give one an \"id\"")
                }
            }
        }
    }
}
