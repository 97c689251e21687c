import Kernel
import NetlinkWire
public struct EchoRequest: Sendable { public var namespace: NetworkNamespace; public var source: IPv4Address?; public var destination: IPv4Address
  public init(namespace: NetworkNamespace, source: IPv4Address?, destination: IPv4Address) { self.namespace = namespace; self.source = source; self.destination = destination } }
public enum EchoOutcome: Equatable, Sendable {
    case reply(from: IPv4Address, ttl: UInt8, rttMicroseconds: Int)
    case destinationUnreachable(from: IPv4Address, code: UInt8)
    case timeExceeded(from: IPv4Address)
    case sendFailed(errno: Int32)
    case timeout
}
public struct EchoResult: Sendable { public var request: EchoRequest; public var outcome: EchoOutcome; public var identifier: UInt16 }
public enum EchoProbe { public static func run(_ requests: [EchoRequest], timeout: Duration) throws -> [EchoResult] { fatalError() } }
