import Addresses
import Glibc
import NetlinkWire

extension NetworkNamespace {
    /// Links, IPv4 addresses and IPv4 routes of every table, over one netlink socket: what
    /// `ip link show`, `ip -4 address show` and `ip -4 route show table all` print.
    /// A dump interrupted by a concurrent change is read again (up to three times).
    public func snapshot() throws -> Snapshot {
        try retryingInterruptedDumps { socket in
            Snapshot(links: try links(socket), addresses: try addresses(socket), routes: try routes(socket))
        }
    }

    /// `ip route get TO [from FROM]`: the route the kernel would use, or `.unreachable` with its errno.
    public func lookupRoute(to destination: IPv4Address, from source: IPv4Address? = nil) throws -> RouteLookup {
        let socket = try NetlinkSocket(in: self)
        let operation = "ip route get \(destination)"
        let request = NetlinkRequest.getRoute(to: destination, from: source, sequence: 0)
        switch try socket.request(request, operation: operation) {
        case .failure(let e) where [ENETUNREACH, EHOSTUNREACH, EACCES, EINVAL, EPERM].contains(e.errno):
            return .unreachable(errno: e.errno)
        case .failure(let e):
            throw e
        case .success(let message):
            let route = try socket.decode { try RouteMessage(payload: message.payload) }
            return .route(gateway: route.gateway, outputInterfaceIndex: route.outputInterface,
                          preferredSource: route.preferredSource, type: route.type)
        }
    }

    /// The id this namespace gives `other` (`ip netns list-id`), nil when none is assigned. Together with a
    /// veth's IFLA_LINK_NETNSID it tells in which namespace the veth's peer lives.
    public func namespaceID(of other: NetworkNamespace) throws -> Int32? {
        let socket = try NetlinkSocket(in: self)
        switch try socket.request(NetlinkRequest.getNSID(fileDescriptor: other.fd, sequence: 0), operation: "RTM_GETNSID") {
        case .failure(let e): throw e
        case .success(let message): return try socket.decode { try NSIDMessage(payload: message.payload).nsid }
        }
    }

    /// `ip -4 neigh show`: the ARP cache, IPv4 entries only.
    public func neighbours() throws -> [Neighbour] {
        try retryingInterruptedDumps { socket in
            try socket.dump(NetlinkRequest.dumpNeighbours(family: NeighbourMessage.familyInet, sequence: 0),
                            operation: "RTM_GETNEIGH dump").compactMap { m in
                guard m.header.type == NetlinkMessageType.newNeighbour else { return nil }
                let msg = try socket.decode { try NeighbourMessage(payload: m.payload) }
                guard msg.family == NeighbourMessage.familyInet, let address = msg.destination else { return nil }
                return Neighbour(interfaceIndex: msg.interfaceIndex, address: address, mac: msg.linkLayerAddress,
                                 states: neighbourStateNames(msg.state))
            }
        }
    }

    /// `ip -s ntable show name arp_cache`: the IPv4 neighbour table all namespaces share; nil when the kernel
    /// does not say (no such table, attributes missing).
    public func neighbourTable() throws -> NeighbourTableState? {
        try retryingInterruptedDumps { socket in
            try socket.dump(NetlinkRequest.dumpNeighbourTables(sequence: 0), operation: "RTM_GETNEIGHTBL dump").lazy.compactMap { m in
                guard m.header.type == NetlinkMessageType.newNeighbourTable,
                      let t = try? NeighbourTableMessage(payload: m.payload), t.name == "arp_cache",
                      let limit = t.thresh3, let entries = t.entries else { return nil }
                return NeighbourTableState(limit: Int(limit), entries: Int(entries), tableFulls: t.tableFulls ?? 0)
            }.first
        }
    }

    /// `bridge fdb show`: every forwarding-database entry of every bridge (and port) in this namespace.
    public func forwardingDatabase() throws -> [ForwardingEntry] {
        try retryingInterruptedDumps { socket in
            try socket.dump(NetlinkRequest.dumpNeighbours(family: NeighbourMessage.familyBridge, sequence: 0),
                            operation: "RTM_GETNEIGH AF_BRIDGE dump").compactMap { m in
                guard m.header.type == NetlinkMessageType.newNeighbour else { return nil }
                let msg = try socket.decode { try NeighbourMessage(payload: m.payload) }
                guard msg.family == NeighbourMessage.familyBridge, let mac = msg.linkLayerAddress else { return nil }
                return ForwardingEntry(portIndex: msg.interfaceIndex, bridgeIndex: msg.master, mac: mac, vlan: msg.vlan,
                                       states: neighbourStateNames(msg.state))
            }
        }
    }

    /// Runs `body` over one netlink socket, again (three times at most) when a dump was interrupted by a
    /// concurrent change (NLM_F_DUMP_INTR).
    func retryingInterruptedDumps<T>(_ body: (NetlinkSocket) throws -> T) throws -> T {
        let socket = try NetlinkSocket(in: self)
        var attempt = 0
        while true {
            do { return try body(socket) } catch let e as DumpInterrupted {
                attempt += 1
                if attempt >= 3 { throw KernelError("\(e.operation) (interrupted by changes)", namespace: label, errno: EAGAIN) }
            }
        }
    }

    /// Local UDP ports something is bound to in this namespace (`ss -uln`), read from /proc/thread-self/net/udp
    /// while inside it (the thread's namespace, not the process's).
    public func boundUDPPorts() throws -> Set<UInt16> {
        let text = try run { () throws -> String in
            let fd = open("/proc/thread-self/net/udp", O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw KernelError("read /proc/net/udp", namespace: label, errno: errno) }
            defer { close(fd) }
            var data: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = read(fd, &buffer, buffer.count)
                if n < 0 { throw KernelError("read /proc/net/udp", namespace: label, errno: errno) }
                if n == 0 { break }
                data += buffer[0..<n]
            }
            return String(decoding: data, as: UTF8.self)
        }
        // "  sl  local_address rem_address   st ..." then "   0: 00000000:0043 00000000:0000 07 ...".
        var ports: Set<UInt16> = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 2, let colon = fields[1].lastIndex(of: ":"),
                  let port = UInt16(fields[1][fields[1].index(after: colon)...], radix: 16) else { continue }
            ports.insert(port)
        }
        return ports
    }

    /// `sysctl KEY` inside this namespace: /proc/sys/net follows the namespace of the thread that opens it.
    /// nil when the key does not exist.
    public func sysctl(_ key: String) throws -> String? {
        let path = "/proc/sys/" + key.replacingDots()
        return try run { () throws -> String? in
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd < 0 {
                if errno == ENOENT { return nil }
                throw KernelError("read \(path)", namespace: label, errno: errno)
            }
            defer { close(fd) }
            var buffer = [UInt8](repeating: 0, count: 4096)
            var n: Int
            repeat { n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } } while n < 0 && errno == EINTR
            guard n >= 0 else { throw KernelError("read \(path)", namespace: label, errno: errno) }
            let text = String(decoding: buffer[0..<n], as: UTF8.self)
            return String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == "\n" || $0 == " " || $0 == "\t" }.reversed())
        }
    }

    func links(_ socket: NetlinkSocket) throws -> [Link] {
        try socket.dump(NetlinkRequest.dumpLinks(sequence: 0), operation: "RTM_GETLINK dump").compactMap { m in
            guard m.header.type == NetlinkMessageType.newLink else { return nil }
            let msg = try socket.decode { try LinkMessage(payload: m.payload) }
            var link = Link(index: msg.index, name: msg.name ?? "if\(msg.index)", isUp: msg.flags & LinkMessage.flagUp != 0,
                            hasCarrier: msg.flags & LinkMessage.flagLowerUp != 0)
            link.isLoopback = msg.flags & LinkMessage.flagLoopback != 0
            for a in msg.attributes {
                switch a {
                case .address(let bytes): link.mac = MACAddress(bytes: bytes)
                case .mtu(let mtu): link.mtu = mtu
                case .link(let index) where index != 0: link.linkIndex = index
                case .master(let index): link.masterIndex = index
                case .operState(let s): link.operState = operStateName(s)
                case .linkInfo(let kind, _): link.kind = kind
                case .linkNetnsID(let id): link.linkNetnsID = id
                default: break
                }
            }
            return link
        }
    }

    func addresses(_ socket: NetlinkSocket) throws -> [InterfaceAddress] {
        try socket.dump(NetlinkRequest.dumpAddresses(sequence: 0), operation: "RTM_GETADDR dump").compactMap { m in
            guard m.header.type == NetlinkMessageType.newAddress else { return nil }
            let msg = try socket.decode { try AddressMessage(payload: m.payload) }
            guard msg.family == 2, let address = msg.ipv4, msg.prefixLength <= 32 else { return nil }
            return InterfaceAddress(interfaceIndex: msg.interfaceIndex, prefix: IPv4Prefix(address, Int(msg.prefixLength)),
                                    scope: msg.scope, validLifetime: msg.validLifetime)
        }
    }

    func routes(_ socket: NetlinkSocket) throws -> [Route] {
        try socket.dump(NetlinkRequest.dumpRoutes(sequence: 0), operation: "RTM_GETROUTE dump").compactMap { m in
            guard m.header.type == NetlinkMessageType.newRoute else { return nil }
            let msg = try socket.decode { try RouteMessage(payload: m.payload) }
            guard msg.family == 2, msg.destinationLength <= 32 else { return nil }
            return Route(table: msg.fullTable, destination: IPv4Prefix(msg.destination ?? IPv4Address(0), Int(msg.destinationLength)),
                         gateway: msg.gateway, outputInterfaceIndex: msg.outputInterface, preferredSource: msg.preferredSource,
                         type: msg.type, routeProtocol: msg.routeProtocol, scope: msg.scope, priority: msg.priority)
        }
    }
}

extension String {
    /// net.ipv4.ip_forward -> net/ipv4/ip_forward
    func replacingDots() -> String { String(map { $0 == "." ? "/" : $0 }) }
}
