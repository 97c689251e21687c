import Addresses
import Foundation
import JSON
import Kernel
import NetlinkWire
import Probes
import TestSupport
import XCTest

/// netcheck's rtnetlink view of a namespace equals what `ip -j` prints for it: names, kinds, MACs, state,
/// peers, addresses, prefixes and routes of every table.
final class KernelDifferentialTests: XCTestCase {
    /// The chapter 3 router topology plus the odd cases: a link left down, a bridge with a port, a second address, a route
    /// with a metric, a blackhole, and an interface whose veth peer is in the same namespace.
    let topology = """
    ip netns add ns1
    ip netns add router
    ip netns add ns2
    ip link add ns1-veth0 address 00:00:5e:00:53:01 type veth peer name gw-veth0 netns router
    ip link set ns1-veth0 netns ns1
    ip netns exec router ip link add gw-veth1 type veth peer name ns2-veth0 netns ns2
    ip netns exec ns1 ip link set ns1-veth0 up
    ip netns exec router ip link set gw-veth0 up
    ip netns exec router ip link set gw-veth1 up
    ip netns exec ns1 ip address add 192.0.2.1/24 dev ns1-veth0
    ip netns exec ns1 ip address add 192.0.2.10/25 dev ns1-veth0
    ip netns exec router ip address add 192.0.2.254/24 dev gw-veth0
    ip netns exec router ip address add 198.51.100.254/24 dev gw-veth1
    ip netns exec ns2 ip address add 198.51.100.1/24 dev ns2-veth0
    ip netns exec ns1 ip route add default via 192.0.2.254
    ip netns exec ns1 ip route add 203.0.113.0/24 via 192.0.2.254 metric 50
    ip netns exec ns1 ip route add blackhole 10.9.0.0/16
    ip netns exec ns1 ip link add br0 type bridge
    ip netns exec ns1 ip link add v0 type veth peer name v1
    ip netns exec ns1 ip link set v1 master br0
    """

    func testSnapshotsEqualIpJson() throws {
        try ThreadSandbox.with { sh in
            try sh.must(topology)
            for name in ["ns1", "router", "ns2"] {
                let ns = try NetworkNamespace.named(name)
                let snapshot = try ns.snapshot()
                try compareLinks(snapshot, try ipJSON(sh, name, "-d link show"), name)
                try compareAddresses(snapshot, try ipJSON(sh, name, "-4 address show"), name)
                try compareRoutes(snapshot, try ipJSON(sh, name, "-4 route show table all"), name)
            }
        }
    }

    func testVethPeersAcrossNamespaces() throws {
        try ThreadSandbox.with { sh in
            try sh.must(topology)
            let ns1 = try NetworkNamespace.named("ns1"), router = try NetworkNamespace.named("router")
            let link = try XCTUnwrap(try ns1.snapshot().link(named: "ns1-veth0"))
            let peerIndex = try XCTUnwrap(link.linkIndex)
            // The id ns1 gives router is the one ns1-veth0 names as its peer's namespace.
            XCTAssertEqual(try ns1.namespaceID(of: router), link.linkNetnsID)
            XCTAssertEqual(try router.snapshot().link(index: peerIndex)?.name, "gw-veth0")
            // v0/v1 live side by side: no netns id at all.
            let v0 = try XCTUnwrap(try ns1.snapshot().link(named: "v0"))
            XCTAssertNil(v0.linkNetnsID)
        }
    }

    func testRouteLookupMatchesIpRouteGet() throws {
        try ThreadSandbox.with { sh in
            try sh.must(topology)
            let ns1 = try NetworkNamespace.named("ns1")
            for target in ["198.51.100.1", "203.0.113.7", "192.0.2.2", "192.0.2.1"] {
                let ip = try ipJSON(sh, "ns1", "route get \(target)")[0].object!
                let ours = try ns1.lookupRoute(to: IPv4Address(target)!)
                guard case let .route(gateway, oif, source, _) = ours else { return XCTFail("\(target): \(ours)") }
                XCTAssertEqual(gateway?.description, ip["gateway"]?.string, target)
                XCTAssertEqual(source?.description, ip["prefsrc"]?.string, target)
                let snapshot = try ns1.snapshot()
                XCTAssertEqual(oif.flatMap { snapshot.link(index: $0)?.name }, ip["dev"]?.string, target)
            }
            // A blackhole and a namespace without a default route: the kernel refuses at once.
            let ns2 = try NetworkNamespace.named("ns2")
            XCTAssertEqual(try ns2.lookupRoute(to: IPv4Address("192.0.2.1")!), .unreachable(errno: ENETUNREACH))
            XCTAssertNotEqual(try sh.run("ip netns exec ns2 ip route get 192.0.2.1").status, 0)
            if case .route = try ns1.lookupRoute(to: IPv4Address("10.9.1.1")!) { XCTFail("blackhole looked up as a route") }
        }
    }

    func testSysctlReadInsideNamespace() throws {
        try ThreadSandbox.with { sh in
            try sh.must("ip netns add a\nip netns add b\nip netns exec a sysctl -qw net.ipv4.ip_forward=1")
            XCTAssertEqual(try NetworkNamespace.named("a").sysctl("net.ipv4.ip_forward"), "1")
            XCTAssertEqual(try NetworkNamespace.named("b").sysctl("net.ipv4.ip_forward"), "0")
            XCTAssertNil(try NetworkNamespace.named("b").sysctl("net.ipv4.no_such_key"))
        }
    }

    /// Three hosts on a bridge in namespace `bridge`; after pings, ARP caches and the bridge's forwarding
    /// database as netcheck reads them equal `ip -j neigh` and `bridge -j fdb`.
    func testNeighboursAndForwardingDatabase() throws {
        try ThreadSandbox.with { sh in
            var script = "ip netns add bridge\nip netns exec bridge ip link add br0 type bridge\nip netns exec bridge ip link set br0 up\n"
            for i in 1...3 {
                script += """
                ip netns add ns\(i)
                ip link add ns\(i)-veth0 address 00:00:5e:00:53:0\(i) netns ns\(i) type veth peer name ns\(i)-br0 netns bridge
                ip netns exec ns\(i) ip link set ns\(i)-veth0 up
                ip netns exec ns\(i) ip address add 192.0.2.\(i)/24 dev ns\(i)-veth0
                ip netns exec bridge ip link set ns\(i)-br0 master br0
                ip netns exec bridge ip link set ns\(i)-br0 up

                """
            }
            try sh.must(script)
            let ns1 = try NetworkNamespace.named("ns1"), bridge = try NetworkNamespace.named("bridge")
            let results = try EchoProbe.run([2, 3].map { EchoRequest(namespace: ns1, source: nil, destination: IPv4Address(192, 0, 2, $0)) },
                                            timeout: .milliseconds(1000))
            XCTAssertEqual(results.compactMap { if case .reply = $0.outcome { return 1 }; return nil }.count, 2, "\(results.map(\.outcome))")

            let snapshot1 = try ns1.snapshot()
            let neighbours = try ns1.neighbours().map { "\(snapshot1.link(index: $0.interfaceIndex)?.name ?? "?") \($0.address) \($0.mac?.description ?? "-") \($0.states.joined(separator: ","))" }
            let ipNeigh = try ipJSON(sh, "ns1", "-4 neigh show").map { e -> String in
                let o = e.object!
                return "\(o["dev"]!.string!) \(o["dst"]!.string!) \(o["lladdr"]?.string ?? "-") \(o["state"]!.array!.compactMap(\.string).joined(separator: ","))"
            }
            XCTAssertEqual(neighbours.sorted(), ipNeigh.sorted())
            XCTAssertTrue(neighbours.contains { $0.hasPrefix("ns1-veth0 192.0.2.2 00:00:5e:00:53:02") }, "\(neighbours)")

            let snapshotB = try bridge.snapshot()
            func name(_ i: Int32?) -> String { i.flatMap { snapshotB.link(index: $0)?.name } ?? "-" }
            let fdb = try bridge.forwardingDatabase().map {
                "\(name($0.portIndex)) \($0.mac) master \(name($0.bridgeIndex)) vlan \($0.vlan.map(String.init) ?? "-") \($0.states.contains("PERMANENT") ? "permanent" : "learned")"
            }
            let bridgeFdb = try JSON.parse(sh.must("ip netns exec bridge bridge -j fdb show")).array!.map { e -> String in
                let o = e.object!
                let permanent = o["state"]?.string == "permanent"
                return "\(o["ifname"]!.string!) \(o["mac"]!.string!) master \(o["master"]?.string ?? "-") vlan \(o["vlan"]?.int.map(String.init) ?? "-") \(permanent ? "permanent" : "learned")"
            }
            XCTAssertEqual(fdb.sorted(), bridgeFdb.sorted())
            for i in 1...3 {
                XCTAssertTrue(fdb.contains("ns\(i)-br0 00:00:5e:00:53:0\(i) master br0 vlan - learned"), "\(fdb)")
            }
        }
    }

    func ipJSON(_ sh: Shell, _ ns: String, _ args: String) throws -> [JSONValue] {
        let text = try sh.must("ip netns exec \(ns) ip -j \(args)")
        return try XCTUnwrap(JSON.parse(text).array, text)
    }

    func compareLinks(_ snapshot: Snapshot, _ ip: [JSONValue], _ ns: String) throws {
        XCTAssertEqual(Set(snapshot.links.map(\.name)), Set(ip.compactMap { $0.object?["ifname"]?.string }), ns)
        for entry in ip {
            let o = try XCTUnwrap(entry.object)
            let name = o["ifname"]!.string!
            let link = try XCTUnwrap(snapshot.link(named: name), name)
            let context = "\(ns)/\(name)"
            XCTAssertEqual(Int64(link.index), o["ifindex"]?.int, context)
            let flags = o["flags"]?.array?.compactMap(\.string) ?? []
            XCTAssertEqual(link.isUp, flags.contains("UP"), context)
            XCTAssertEqual(link.hasCarrier, flags.contains("LOWER_UP"), context)
            XCTAssertEqual(link.operState, o["operstate"]?.string, context)
            XCTAssertEqual(Int64(link.mtu), o["mtu"]?.int, context)
            XCTAssertEqual(link.kind, o["linkinfo"]?.object?["info_kind"]?.string, context)
            if o["link_type"]?.string == "ether" { XCTAssertEqual(link.mac?.description, o["address"]?.string, context) }
            XCTAssertEqual(link.linkNetnsID.map(Int64.init), o["link_netnsid"]?.int, context)
            if let peer = o["link_index"]?.int { XCTAssertEqual(link.linkIndex.map(Int64.init), peer, context) }
            XCTAssertEqual(link.masterIndex.map(Int64.init), o["master"].flatMap { name in
                ip.first { $0.object?["ifname"] == name }?.object?["ifindex"]?.int }, context)
        }
    }

    func compareAddresses(_ snapshot: Snapshot, _ ip: [JSONValue], _ ns: String) throws {
        var expected: [String] = []
        for entry in ip {
            let o = try XCTUnwrap(entry.object)
            for info in o["addr_info"]?.array ?? [] {
                let a = try XCTUnwrap(info.object)
                expected.append("\(o["ifname"]!.string!) \(a["local"]!.string!)/\(a["prefixlen"]!.int!)")
            }
        }
        let ours = snapshot.addresses.map { "\(snapshot.link(index: $0.interfaceIndex)?.name ?? "?") \($0.prefix.cidr)" }
        XCTAssertEqual(ours.sorted(), expected.sorted(), ns)
    }

    func compareRoutes(_ snapshot: Snapshot, _ ip: [JSONValue], _ ns: String) throws {
        let tables = ["main": 254, "local": 255, "default": 253]
        let types = ["unicast": 1, "local": 2, "broadcast": 3, "blackhole": 6, "unreachable": 7, "prohibit": 8]
        var expected: [String] = []
        for entry in ip {
            let o = try XCTUnwrap(entry.object)
            var dst = o["dst"]!.string!
            if dst == "default" { dst = "0.0.0.0/0" } else if !dst.contains("/") { dst += "/32" }
            let table = o["table"]?.string.map { tables[$0] ?? Int($0)! } ?? 254
            let type = types[o["type"]?.string ?? "unicast"]!
            expected.append("\(table) \(type) \(dst) via \(o["gateway"]?.string ?? "-") dev \(o["dev"]?.string ?? "-")"
                            + " src \(o["prefsrc"]?.string ?? "-") metric \(o["metric"]?.int.map(String.init) ?? "-")")
        }
        let ours = snapshot.routes.map { r in
            "\(r.table) \(r.type) \(r.destination.cidr) via \(r.gateway?.description ?? "-")"
            + " dev \(r.outputInterfaceIndex.flatMap { snapshot.link(index: $0)?.name } ?? "-")"
            + " src \(r.preferredSource?.description ?? "-") metric \(r.priority.map(String.init) ?? "-")"
        }
        XCTAssertEqual(ours.sorted(), expected.sorted(), ns)
    }
}
