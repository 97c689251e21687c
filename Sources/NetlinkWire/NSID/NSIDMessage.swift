/// RTM_NEWNSID, the answer to RTM_GETNSID: `struct rtgenmsg` (4 bytes with padding) and NETNSA_* attributes.
public struct NSIDMessage: Equatable, Sendable {
    public var attributes: [RouteAttribute]

    /// NETNSA_NSID_NOT_ASSIGNED
    public static let notAssigned: Int32 = -1

    public init(payload: [UInt8]) throws {
        try NetlinkReader(payload).need(0, 4)
        attributes = try RouteAttribute.parse(payload.dropFirst(4))
    }

    /// NETNSA_NSID (1); nil when absent or NETNSA_NSID_NOT_ASSIGNED.
    public var nsid: Int32? {
        guard let id = attributes.first(where: { $0.type == 1 })?.i32, id != Self.notAssigned else { return nil }
        return id
    }
}
