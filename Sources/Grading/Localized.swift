import Localization
import Addresses

/// Every text of a check (titles, expectations, observations, hints) is a `Localization.Localized`: a message of
/// the catalogues (Messages/<code>.json) with its arguments, or an exercise file's texts, resolved in the report's
/// language when the report is made.
public typealias Localized = Localization.Localized

// Addresses go into messages as they print.
extension IPv4Address: MessageArgument { public var messageArgument: Localized.Argument { .text(description) } }
extension IPv4Prefix: MessageArgument { public var messageArgument: Localized.Argument { .text(description) } }
extension MACAddress: MessageArgument { public var messageArgument: Localized.Argument { .text(description) } }

extension Localized {
    /// Between what was seen on each side of a router (`; ` / `、`).
    static let sides = Localized(id: "join.sides")
}
