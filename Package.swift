// swift-tools-version:6.0
// netcheck: a grader for the exercises of "Linuxで動かしながら学ぶTCP/IPネットワーク入門".
//
// Layers, bottom up (see README "Layout"):
//   CNetlink / CJSONC / CPcap   C headers and system libraries, wrapped once each
//   Addresses                   IPv4/MAC address values and the one byte reader/writer; the leaf everyone imports
//   NetlinkWire                 rtnetlink bytes <-> values, no syscalls
//   Kernel                      namespaces, netlink sockets and dumps, sysctls, snapshots
//   JSON                        the only user of json-c
//   Localization                languages, the message catalogues (Messages/<code>.json), texts resolved per language
//   Packets                     Ethernet/ARP/IPv4/ICMP/UDP/TCP decoding, tcpdump-style lines; no syscalls
//   Probes                      packets netcheck sends itself (ICMP echo), one poll loop per run
//   Capture                     libpcap handles inside namespaces, watchers polled by the probe loop
//   Report                      the report model and its writers
//   Grading                     exercise files, checks, diagnosis, hints
//   Submissions                 learners' scripts and pasted terminals read into commands, and the replay of them
//   netcheck                    the command line
import PackageDescription

let package = Package(
    name: "netcheck",
    products: [
        .executable(name: "netcheck", targets: ["netcheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "CNetlink"),
        .systemLibrary(name: "CJSONC", pkgConfig: "json-c", providers: [.apt(["libjson-c-dev"])]),
        // Address values and byte reading shared by every layer; depends on nothing.
        .target(name: "Addresses"),
        .target(name: "NetlinkWire", dependencies: ["Addresses", "CNetlink"]),
        .target(name: "Kernel", dependencies: ["Addresses", "NetlinkWire", "CNetlink"]),
        .target(name: "Packets", dependencies: ["Addresses"]),
        // Text from outside netcheck made safe to print (escapes, excerpts): the leaf every printer uses.
        .target(name: "SafeText"),
        .target(name: "JSON", dependencies: ["CJSONC", "SafeText"]),
        // Every text netcheck shows, by message id, from one catalogue per language (Messages/, read at start).
        .target(name: "Localization", dependencies: ["JSON", "SafeText"]),
        .target(name: "Netfilter", dependencies: ["Addresses", "JSON", "Kernel"]),
        .systemLibrary(name: "CPcap", pkgConfig: "libpcap", providers: [.apt(["libpcap-dev"])]),
        .target(name: "Probes", dependencies: ["Addresses", "Kernel", "Packets", "CNetlink"]),
        .target(name: "Capture", dependencies: ["Kernel", "Probes", "CPcap", "CNetlink"]),
        .target(name: "Report", dependencies: ["JSON", "SafeText", "Localization"]),
        // A learner's submission (script or pasted terminal) read into commands and replayed by bash: `netcheck grade`
        // and BookReplayTests share it. No I/O.
        .target(name: "Submissions", dependencies: ["SafeText"]),
        .target(name: "Grading", dependencies: ["Addresses", "Kernel", "Probes", "Capture", "Packets", "Netfilter", "Report", "JSON", "SafeText", "Localization"]),
        .executableTarget(name: "netcheck", dependencies: [
            "Grading", "Report", "JSON", "Kernel", "CNetlink", "SafeText", "Localization", "Capture", "Submissions",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Sandboxes and process helpers for the tests; not part of the product.
        .target(name: "TestSupport", dependencies: ["Addresses", "Kernel"]),
        .testTarget(name: "AddressesTests", dependencies: ["Addresses"]),
        .testTarget(name: "NetlinkWireTests", dependencies: ["NetlinkWire", "Addresses"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "JSON", "SafeText", "Localization"]),
        // The catalogues of Messages/ (read by path): every key of en.json in each, the same placeholders, plural
        // forms of the language, JapaneseStyle on ja.json, every id the sources use.
        .testTarget(name: "LocalizationTests", dependencies: ["Localization", "Report", "JSON"]),
        // Golden/ holds the expected `netcheck show` drawings (TopologyTests), Fixtures/runs the recorded runs the verdict
        // tests judge again (Verdicts/); both read by path.
        .testTarget(name: "GradingTests", dependencies: ["Grading", "Addresses", "JSON", "Kernel", "Probes", "SafeText"], exclude: ["Golden", "Fixtures"]),
        // Book/ holds the book's command transcripts, replayed by BookReplayTests; Golden/reports/ the solutions'
        // reports (ReportGoldenTests). Both read by path.
        .testTarget(name: "IntegrationTests", dependencies: [
            "Addresses", "Kernel", "NetlinkWire", "Probes", "Capture", "Packets", "JSON", "Report", "TestSupport", "Grading",
            "Submissions",
        ], exclude: ["Book", "Golden"]),
        .testTarget(name: "ProbesTests", dependencies: ["Probes", "Addresses"]),
        .testTarget(name: "PacketsTests", dependencies: ["Packets", "Addresses", "TestSupport"]),
        .testTarget(name: "NetfilterTests", dependencies: ["Netfilter", "Addresses", "Kernel", "TestSupport"]),
        // libFuzzer targets for everything that reads untrusted bytes (see Fuzz/README.md, `make fuzz`). Built
        // with -DFUZZING and -sanitize=fuzzer,address they are fuzzers; in the ordinary build they replay files.
        .executableTarget(name: "FrameFuzzer", dependencies: ["Packets", "Probes", "Addresses"], path: "Fuzz/FrameFuzzer"),
        .executableTarget(name: "NetlinkFuzzer", dependencies: ["NetlinkWire"], path: "Fuzz/NetlinkFuzzer"),
        .executableTarget(name: "ExerciseFuzzer", dependencies: ["Grading"], path: "Fuzz/ExerciseFuzzer"),
    ]
)
