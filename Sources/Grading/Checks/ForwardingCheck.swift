import Kernel
import NetlinkWire

/// After the probes, the bridge has learned the MAC on the right port (`bridge fdb show br BRIDGE`): frames from
/// that host came in through that port.
enum ForwardingCheck {
    static func evaluate(_ spec: ForwardingSpec, exercise: Exercise, world: World) -> Verdict {
        let expected = Localized(en: "\(spec.mac) dev \(spec.port) master \(spec.bridge) (learned)",
                                 ja: "\(spec.bridge) が \(spec.port) で \(spec.mac) を学習")
        guard let place = world.place(spec.namespace) else {
            return .skipped(expected, reason: SkipReason.namespaceMissing(spec.namespace))
        }
        for name in [spec.bridge, spec.port] {
            if let linkSpec = exercise.link(spec.namespace, name),
               let cause = LinkCheck.cause(linkSpec, exercise: exercise, world: world, place: place) {
                return .fail(expected, cause: cause)
            }
        }
        guard let bridge = place.snapshot.link(named: spec.bridge) else {
            return .fail(expected, cause: Layer2.linkCause(spec.namespace, spec.bridge, exercise: exercise, world: world))
        }
        let table: [ForwardingEntry]
        switch world.forwardingDatabase(place) {
        case .failure(let e): return .error(expected, e)
        case .success(let t): table = t
        }
        let learned = table.filter { $0.bridgeIndex == bridge.index && $0.mac == spec.mac && $0.isLearned }
        func portName(_ e: ForwardingEntry) -> String { place.snapshot.link(index: e.portIndex)?.name ?? "if\(e.portIndex)" }
        if let good = learned.first(where: { portName($0) == spec.port }) {
            return .pass(expected, observed: Localized("\(good.mac) dev \(portName(good)) master \(spec.bridge) \(good.states.joined(separator: ","))"))
        }
        if let other = learned.first {
            return .fail(expected, observed: Localized(
                en: "\(spec.bridge) learned \(spec.mac) on \(portName(other)), not on \(spec.port)",
                ja: "\(spec.bridge) は \(spec.mac) を \(spec.port) ではなく \(portName(other)) で学習しています"),
                hint: spec.hint ?? Localized(
                    en: "The host with \(spec.mac) is cabled to \(portName(other)). Check which veth peer each host has (`ip -br link` shows NAME@PEER).",
                    ja: "\(spec.mac) のホストは \(portName(other)) につながっています。各ホストの veth の相手を確認してください (`ip -br link` で「名前@相手」の形で表示されます)。"))
        }
        let observed = Localized(en: "\(spec.bridge) has not learned \(spec.mac)", ja: "\(spec.bridge) は \(spec.mac) を学習していません")
        if let cause = Layer2.macCause(spec.mac, exercise: exercise, world: world) {
            return .fail(expected, cause: cause, observedPrefix: observed)
        }
        return .fail(expected, observed: observed, hint: spec.hint ?? Localized(
            en: "A bridge learns a MAC when a frame from it arrives on a port. Did the host with \(spec.mac) send anything? `ip netns exec NS ping -c 1 ADDRESS`",
            ja: "ブリッジはポートにフレームが届いたときにその送信元 MAC を学習します。\(spec.mac) のホストから送信してみましょう: `ip netns exec NS ping -c 1 ADDRESS`"))
    }
}
