import Addresses
import Capture
import Foundation
import Kernel
import NetlinkWire
import Packets
import Probes
import TestSupport
import XCTest

/// Frames captured live inside namespaces, printed by netcheck and by tcpdump from the same pcap file.
final class LiveCaptureTests: XCTestCase {
    let topology = """
    ip netns add ns1
    ip netns add router
    ip netns add ns2
    ip link add ns1-veth0 address 00:00:5e:00:53:11 type veth peer name gw-veth0 address 00:00:5e:00:53:12
    ip link add ns2-veth0 address 00:00:5e:00:53:22 type veth peer name gw-veth1 address 00:00:5e:00:53:21
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
    ip netns exec ns2 ip route add default via 198.51.100.254
    ip netns exec router sysctl -qw net.ipv4.ip_forward=1
    """

    func testCapturedLinesEqualTcpdumps() throws {
        try ThreadSandbox.with { sh in
            try sh.must(topology)
            let ns1 = try NetworkNamespace.named("ns1"), ns2 = try NetworkNamespace.named("ns2")
            let opened = LiveCapture.open([
                .init(interface: "ns1-veth0", namespace: ns1, filter: "icmp or arp"),
                .init(interface: "ns2-veth0", namespace: ns2, filter: "icmp or arp"),
                .init(interface: "ns1-veth0", namespace: ns1, filter: "less 1"),
            ])
            let captures = try opened.map { try $0.get() }
            defer { LiveCapture.close(captures) }
            let injector = captures[2]
            let arp = ARPPacket.requestFrame(senderMAC: MACAddress("00:00:5e:00:53:11")!, senderIP: IPv4Address(192, 0, 2, 1),
                                             targetIP: IPv4Address(192, 0, 2, 254))
            // Satisfied by an echo reply; every frame kept (the budget is far above what crosses here).
            let watchers = captures[0..<2].map { capture in
                FrameWatcher<CapturedFrame>(capture: capture, examine: { frame in
                    .init(frame, satisfied: (try? EthernetFrame.decode(frame.bytes))?.etherType == 0x0800 && frame.bytes.count > 34 && frame.bytes[34] == 0)
                })
            }
            watchers[0].start()
            try injector.inject(arp)
            // Replies, an unreachable from the router, and a request nobody answers.
            let results = try EchoProbe.run([
                EchoRequest(namespace: ns1, source: nil, destination: IPv4Address(198, 51, 100, 1)),
                EchoRequest(namespace: ns1, source: nil, destination: IPv4Address(192, 0, 2, 254)),
                EchoRequest(namespace: ns2, source: nil, destination: IPv4Address(192, 0, 2, 1)),
            ], watchers: watchers, timeout: .milliseconds(1000))
            XCTAssertTrue(results.allSatisfy { if case .reply = $0.outcome { return true }; return false }, "\(results.map(\.outcome))")
            for watcher in watchers { watcher.finish() }

            for (capture, watcher) in zip(captures[0..<2], watchers) {
                XCTAssertEqual(watcher.unkept, 0)
                let frames = watcher.kept.map(\.frame)
                XCTAssertGreaterThanOrEqual(frames.count, 4, "\(capture.interface): echo requests and replies at least")
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("netcheck-\(UUID().uuidString).pcap").path
                defer { unlink(file) }
                try PcapFile.write(frames.map { ($0.bytes, $0.wireLength) }, to: file)
                let tcpdump = try runProcess("/usr/bin/tcpdump", ["-tnel", "-r", file])
                XCTAssertEqual(tcpdump.status, 0, tcpdump.stderr)
                let theirs = tcpdump.stdout.split(separator: "\n").map(String.init)
                let ours = try frames.map { TcpdumpFormat.line(try EthernetFrame.decode($0.bytes, wireLength: $0.wireLength)) }
                XCTAssertEqual(ours, theirs, capture.interface)
            }
            let near = watchers[0].kept.compactMap { try? EthernetFrame.decode($0.frame.bytes) }
            XCTAssertTrue(near.contains { if case .arp(let a) = $0.payload { return a.operation == 2 && a.senderIP == IPv4Address(192, 0, 2, 254) }; return false },
                          "the router answered netcheck's own ARP request")
        }
    }

    func testCaptureOnAMissingOrDownInterfaceIsALinkProblem() throws {
        try ThreadSandbox.with { sh in
            try sh.must("ip netns add ns1\nip netns exec ns1 ip link add va type veth peer name vb\nip netns exec ns1 ip link set lo up")
            let ns1 = try NetworkNamespace.named("ns1")
            for name in ["nope0", "va"] {
                XCTAssertThrowsError(try LiveCapture(interface: name, in: ns1, filter: "icmp")) { error in
                    XCTAssertTrue((error as? CaptureError)?.isLinkProblem ?? false, "\(error)")
                }
            }
            XCTAssertThrowsError(try LiveCapture(interface: "lo", in: ns1, filter: "icmp and and")) { error in
                XCTAssertFalse((error as? CaptureError)?.isLinkProblem ?? true, "a bad filter is netcheck's problem: \(error)")
            }
        }
    }
}
