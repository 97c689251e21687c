import Addresses
import Foundation
import Kernel
import NetlinkWire
import Probes
import TestSupport
import XCTest

/// Echo probes from inside namespaces: what ping would have printed, for every way a ping ends.
final class EchoProbeTests: XCTestCase {
    /// ns1 - router - ns2; the router has no route to 203.0.113.0/24, ns2 has no route back at all.
    let topology = """
    ip netns add ns1
    ip netns add router
    ip netns add ns2
    ip link add ns1-veth0 type veth peer name gw-veth0
    ip link add ns2-veth0 type veth peer name gw-veth1
    ip link set ns1-veth0 netns ns1
    ip link set gw-veth0 netns router
    ip link set gw-veth1 netns router
    ip link set ns2-veth0 netns ns2
    ip netns exec ns1 ip link set ns1-veth0 up
    ip netns exec ns2 ip link set ns2-veth0 up
    ip netns exec router ip link set gw-veth0 up
    ip netns exec router ip link set gw-veth1 up
    ip netns exec ns1 ip address add 192.0.2.1/24 dev ns1-veth0
    ip netns exec router ip address add 192.0.2.254/24 dev gw-veth0
    ip netns exec router ip address add 198.51.100.254/24 dev gw-veth1
    ip netns exec ns2 ip address add 198.51.100.1/24 dev ns2-veth0
    ip netns exec ns1 ip route add default via 192.0.2.254
    ip netns exec router sysctl -qw net.ipv4.ip_forward=1
    """

    func testEveryOutcomeInOneConcurrentRun() throws {
        try ThreadSandbox.with { sh in
            try sh.must(topology)
            let ns1 = try NetworkNamespace.named("ns1"), router = try NetworkNamespace.named("router")
            let ns2 = try NetworkNamespace.named("ns2")
            func request(_ ns: NetworkNamespace, _ to: String, from: String? = nil) -> EchoRequest {
                EchoRequest(namespace: ns, source: from.flatMap(IPv4Address.init), destination: IPv4Address(to)!)
            }
            let requests = [
                request(ns1, "192.0.2.254"),                         // on-link: TTL 64
                request(router, "198.51.100.1"),                     // the router's own neighbour
                request(ns1, "198.51.100.1", from: "192.0.2.1"),     // ns2 has no route back: silence
                request(ns1, "203.0.113.9"),                         // the router has no route: Net Unreachable
                request(ns2, "192.0.2.1"),                           // no route at all in ns2: refused at once
                request(ns1, "192.0.2.254", from: "192.0.2.99"),     // source not in ns1: refused at once
                request(ns1, "192.0.2.1"),                           // its own address, but lo is down
            ]
            let started = ContinuousClock.now
            let results = try EchoProbe.run(requests, timeout: .milliseconds(300))
            let elapsed = ContinuousClock.now - started
            XCTAssertEqual(results.count, requests.count)

            guard case let .reply(from, ttl, _) = results[0].outcome else { return XCTFail("\(results[0].outcome)") }
            XCTAssertEqual(from, IPv4Address("192.0.2.254"))
            XCTAssertEqual(ttl, 64)
            guard case let .reply(_, ttl1, _) = results[1].outcome else { return XCTFail("\(results[1].outcome)") }
            XCTAssertEqual(ttl1, 64)
            XCTAssertEqual(results[2].outcome, .timeout)
            XCTAssertEqual(results[3].outcome, .destinationUnreachable(from: IPv4Address("192.0.2.254")!, code: 0))
            XCTAssertEqual(results[4].outcome, .sendFailed(errno: ENETUNREACH))
            XCTAssertEqual(results[5].outcome, .sendFailed(errno: EADDRNOTAVAIL))
            // `ip netns add` leaves lo down, and local delivery goes through lo: ping gets no answer either.
            XCTAssertEqual(results[6].outcome, .timeout)
            // Identifiers are distinct within a run, so no reply is taken for another probe's.
            XCTAssertEqual(Set(results.map(\.identifier)).count, requests.count)
            // Concurrent: one timeout for the whole run, not one per silent probe.
            XCTAssertLessThan(elapsed, .milliseconds(1500))
        }
    }

    func testFarReplyCarriesTheTTLOfTheWayBack() throws {
        try ThreadSandbox.with { sh in
            try sh.must(topology + "\nip netns exec ns2 ip route add default via 198.51.100.254")
            let r = try EchoProbe.run([EchoRequest(namespace: try NetworkNamespace.named("ns1"), source: nil,
                                                   destination: IPv4Address("198.51.100.1")!)], timeout: .milliseconds(1000))
            XCTAssertEqual(r.first?.outcome.ttl, 63)
        }
    }

    func testTimeExceededFromARoutingLoop() throws {
        try ThreadSandbox.with { sh in
            // The router sends 203.0.113.0/24 to ns2, which sends it back to the router: the TTL runs out in ns2
            // (odd TTLs arrive there), which tells the sender.
            try sh.must(topology + """

                ip netns exec router ip route add 203.0.113.0/24 via 198.51.100.1
                ip netns exec ns2 ip route add default via 198.51.100.254
                ip netns exec ns2 sysctl -qw net.ipv4.ip_forward=1
                """)
            let r = try EchoProbe.run([EchoRequest(namespace: try NetworkNamespace.named("ns1"), source: nil,
                                                   destination: IPv4Address("203.0.113.9")!)], timeout: .milliseconds(1000))
            XCTAssertEqual(r.first?.outcome, .timeExceeded(from: IPv4Address("198.51.100.1")!))
        }
    }

    func testNoSocketIsLeftOpen() throws {
        try ThreadSandbox.with { sh in
            try sh.must(topology)
            let ns1 = try NetworkNamespace.named("ns1")
            let before = try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
            _ = try EchoProbe.run((0..<20).map { _ in EchoRequest(namespace: ns1, source: nil, destination: IPv4Address("198.51.100.1")!) },
                                  timeout: .milliseconds(100))
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count, before)
        }
    }
}

extension EchoOutcome {
    var ttl: UInt8? { if case let .reply(_, ttl, _) = self { return ttl }; return nil }
}
