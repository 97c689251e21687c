// libFuzzer target: the input as a datagram from an rtnetlink socket. NetlinkMessage.split, then every
// message's payload through every decoder (link, address, route, neighbour, nsid, the error code and the bare
// attribute parser), whatever its type says, so that each decoder sees every shape of payload.
// Decoding must succeed or throw NetlinkDecodeError; anything else (a trap, another error) is a bug.
// See Fuzz/README.md.
import NetlinkWire

func fuzzOne(_ bytes: [UInt8]) {
    let messages: [NetlinkMessage]
    do { messages = try NetlinkMessage.split(bytes) } catch is NetlinkDecodeError { messages = [] } catch {
        fuzzFailure("split threw \(error)")
    }
    // Also the input as one payload, so that seeds that are single payloads get through.
    var payloads = messages.map(\.payload)
    payloads.append(bytes)
    for message in messages { check("errorCode") { _ = try message.errorCode() } }
    for payload in payloads {
        check("LinkMessage") {
            let link = try LinkMessage(payload: payload)
            _ = link.name
            for case .operState(let s) in link.attributes { _ = operStateName(s) }
        }
        check("AddressMessage") {
            let address = try AddressMessage(payload: payload)
            _ = address.ipv4; _ = address.validLifetime
        }
        check("RouteMessage") {
            let route = try RouteMessage(payload: payload)
            _ = route.destination; _ = route.gateway; _ = route.preferredSource
            _ = route.outputInterface; _ = route.priority; _ = route.fullTable
        }
        check("NeighbourMessage") {
            let neighbour = try NeighbourMessage(payload: payload)
            _ = neighbour.destination; _ = neighbour.linkLayerAddress; _ = neighbour.vlan; _ = neighbour.master
            _ = neighbourStateNames(neighbour.state)
        }
        check("NSIDMessage") { _ = try NSIDMessage(payload: payload).nsid }
        check("RouteAttribute.parse") {
            for a in try RouteAttribute.parse(payload) { _ = a.u32; _ = a.i32; _ = a.u8; _ = a.string }
        }
    }
}

func check(_ what: String, _ body: () throws -> Void) {
    do { try body() } catch is NetlinkDecodeError {} catch { fuzzFailure("\(what) threw \(error)") }
}
