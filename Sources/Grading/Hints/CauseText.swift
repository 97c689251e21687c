import SafeText
import Kernel
import NetlinkWire
import Report

/// The command to run in a namespace, as the book writes it.
func inNamespace(_ namespace: String, _ command: String) -> String {
    namespace == "root" ? command : "ip netns exec \(namespace) \(command)"
}

extension Cause {
    /// What netcheck found, as a plain statement of fact.
    public var finding: Localized {
        switch self {
        case let .namespaceMissing(ns):
            return Localized(en: "namespace \(ns) does not exist", ja: "ネットワークネームスペース \(ns) がありません")
        case let .namespaceUnusable(ns, problem):
            let path = "/run/netns/\(ns)"
            switch problem {
            case .symlink(let target):
                return Localized(en: "\(path) is a symbolic link to \(target), not a namespace made by `ip netns add \(ns)`",
                                 ja: "\(path) は \(target) へのシンボリックリンクで、`ip netns add \(ns)` で作ったネームスペースではありません")
            case .notAFile(let kind):
                let ja = ["a FIFO": "FIFO", "a directory": "ディレクトリ", "a socket": "ソケット", "a device": "デバイスファイル"][kind] ?? "通常のファイル以外"
                let word = ja.first.map { $0.isASCII } == true ? " \(ja) " : ja
                return Localized(en: "\(path) is \(kind), not a namespace", ja: "\(path) は\(word)で、ネームスペースではありません")
            case .notANamespace:
                return Localized(en: "\(path) is a plain file, not a namespace (an `ip netns add` that did not finish, or a file made by hand)",
                                 ja: "\(path) はただのファイルで、ネームスペースではありません (途中で終わった `ip netns add` か、手で作ったファイルです)")
            case .otherNamespaceType:
                return Localized(en: "\(path) is a namespace, but not a network namespace", ja: "\(path) はネームスペースですが、ネットワークネームスペースではありません")
            case .sameAsRoot:
                return Localized(en: "\(ns) is the root namespace itself (\(path) links to it or is bind-mounted from it): what is \"in \(ns)\" is on the host, not in a namespace of its own",
                                 ja: "\(ns) はルートのネットワークネームスペースそのものです (\(path) がそれを指しています)。\(ns) の中にあるように見えるものはホストにあり、専用のネームスペースにはありません")
            case .sameAs(let others):
                return Localized(en: "\(ns) is the same namespace as \(others.joined(separator: ", ")): each needs a namespace of its own",
                                 ja: "\(ns) は \(others.joined(separator: "、")) と同じネームスペースです。それぞれに専用のネームスペースが必要です")
            }
        case let .linkMissing(ns, link, _, _):
            return Localized(en: "\(ns) has no interface \(link)", ja: "\(ns) にインターフェース \(link) がありません")
        case let .linkInOtherNamespace(link, expected, found):
            let whereEn = found == "root" ? "still in the root namespace" : "in namespace \(found)"
            let whereJa = found == "root" ? "まだルートのネットワークネームスペースにあります" : "ネットワークネームスペース \(found) にあります"
            return Localized(en: "\(link) is \(whereEn), not in \(expected)", ja: "\(link) は \(expected) ではなく\(whereJa)")
        case let .linkCannotMove(link, kind, expected, found):
            let moved = Cause.linkInOtherNamespace(link: link, expected: expected, found: found).finding
            return Localized(en: "\(moved.en), and a \(kind) cannot be moved to another namespace",
                             ja: "\(moved.ja)。種類が \(kind) のデバイスは別のネームスペースに移せません")
        case let .linkWrongKind(ns, link, expected, found):
            return Localized(en: "\(link) in \(ns) is a \(found) interface, not a \(expected)",
                             ja: "\(ns) の \(link) は \(expected) ではなく \(found) です")
        case let .linkDown(ns, link):
            return Localized(en: "\(link) in \(ns) is DOWN", ja: "\(ns) の \(link) が DOWN のままです")
        case let .macMismatch(ns, link, expected, found):
            let f = found?.description ?? "none"
            let fj = found.map { "の MAC アドレスは \($0) です" } ?? "に MAC アドレスがありません"
            return Localized(en: "\(link) in \(ns) has MAC address \(f), expected \(expected)",
                             ja: "\(ns) の \(link) \(fj) (期待値 \(expected))")
        case let .notPort(ns, link, master, found):
            if let found {
                return Localized(en: "\(link) in \(ns) is a port of \(found), not of \(master)", ja: "\(ns) の \(link) は \(master) ではなく \(found) のポートです")
            }
            return Localized(en: "\(link) in \(ns) is not a port of \(master)", ja: "\(ns) の \(link) が \(master) のポートになっていません")
        case let .peerMismatch(link, expected, found):
            if let found {
                return Localized(en: "\(link.name) in \(link.namespace) is paired with \(found.name) in \(found.namespace), not with \(expected.name) in \(expected.namespace)",
                                 ja: "\(link.namespace) の \(link.name) の相手は \(expected.namespace) の \(expected.name) ではなく \(found.namespace) の \(found.name) です")
            }
            return Localized(en: "\(link.name) in \(link.namespace) is not paired with \(expected.name) in \(expected.namespace)",
                             ja: "\(link.namespace) の \(link.name) は \(expected.namespace) の \(expected.name) と veth ペアになっていません")
        case let .addressMissing(ns, link, address):
            return Localized(en: "\(link) in \(ns) has no IPv4 address (expected \(address))",
                             ja: "\(ns) の \(link) に IPv4 アドレスがありません (期待値 \(address))")
        case let .addressWrong(ns, link, expected, found):
            let f = found.map(\.description)
            return Localized(en: "\(link) in \(ns) has \(f.joined(separator: ", ")), expected \(expected)",
                             ja: "\(ns) の \(link) のアドレスは \(f.joined(separator: "、")) です (期待値 \(expected))")
        case let .addressOnOtherLink(ns, expectedLink, foundLink, address):
            return Localized(en: "\(address) is on \(foundLink) in \(ns), not on \(expectedLink)",
                             ja: "\(address) が \(ns) の \(expectedLink) ではなく \(foundLink) に付いています")
        case let .sysctlWrong(ns, key, _, found):
            if let found {
                return Localized(en: "\(ns) has \(key)=\(found)", ja: "\(ns) の \(key) は \(found) です")
            }
            return Localized(en: "\(ns) has no sysctl \(key)", ja: "\(ns) に sysctl \(key) がありません")
        case let .noRoute(ns, to, _):
            return Localized(en: "\(ns) has no route to \(to) (Network is unreachable)",
                             ja: "\(ns) に \(to) への経路がありません (Network is unreachable)")
        case let .noRouteBack(ns, to, _):
            return Localized(en: "\(ns) has no route back to \(to), so the reply cannot return",
                             ja: "\(ns) に \(to) へ戻る経路がないため、応答が返ってきません")
        case let .wrongGateway(ns, to, expected, found, _, _):
            let f = found.map { "via \($0)" } ?? "directly on the link"
            let fj = found.map { " \($0) 経由で" } ?? "ゲートウェイなしで"
            let e = expected.map { "via \($0)" } ?? "directly"
            let ej = expected.map { " \($0) 経由" } ?? "直接"
            return Localized(en: "\(ns) sends packets for \(to) \(f), expected \(e)",
                             ja: "\(ns) は \(to) 宛てのパケットを\(fj)送っています (期待は\(ej))")
        case let .gatewayUnowned(ns, gateway, _, _):
            return Localized(en: "\(ns) sends via \(gateway), but no namespace has that address",
                             ja: "\(ns) は \(gateway) に転送しようとしていますが、そのアドレスを持つネームスペースがありません")
        case let .forwardingOff(ns):
            return Localized(en: "\(ns) has net.ipv4.ip_forward=0", ja: "\(ns) の net.ipv4.ip_forward は 0 です")
        case let .destinationUnowned(address):
            return Localized(en: "no namespace has the address \(address)", ja: "\(address) を持つネームスペースがありません")
        case let .peerDown(ns, link, peer):
            let p = peer.map { "\($0.name) in \($0.namespace)" } ?? "its peer"
            let pj = peer.map { "\($0.namespace) の \($0.name) が" } ?? "相手側の端が"
            return Localized(en: "\(link) in \(ns) has no carrier: \(p) is DOWN",
                             ja: "\(ns) の \(link) はリンクが上がっていません: \(pj) DOWN です")
        case let .natMissing(ns, kind, _):
            let what = kind == "dnat" ? "DNAT" : "source NAT (MASQUERADE or SNAT)"
            let whatJa = kind == "dnat" ? " DNAT" : "送信元 NAT (MASQUERADE または SNAT)"
            return Localized(en: "\(ns) has no \(what) rule", ja: "\(ns) に\(whatJa) のルールがありません")
        case let .natWrongInterface(ns, rule, found, expected, _):
            let (rule, found) = (Self.quoted(rule), Self.quoted(name: found))
            return Localized(en: "the NAT rule in \(ns) (`\(rule)`) applies to packets leaving \(found), but they leave by \(expected)",
                             ja: "\(ns) の NAT ルール (`\(rule)`) は \(found) から出るパケットが対象ですが、パケットは \(expected) から出ます")
        case let .natWrongChain(ns, rule, found, expected, _):
            let (rule, found) = (Self.quoted(rule), Self.quoted(name: found))
            return Localized(en: "the NAT rule in \(ns) (`\(rule)`) is in \(found), where the probe never passes; it belongs in \(expected)",
                             ja: "\(ns) の NAT ルール (`\(rule)`) は \(found) にあり、パケットはそこを通りません。\(expected) に置く必要があります")
        case let .natWrongMatch(ns, rule, what, _):
            let rule = Self.quoted(rule)
            return Localized(en: "the NAT rule in \(ns) (`\(rule)`) does not match the probe: \(what.en)",
                             ja: "\(ns) の NAT ルール (`\(rule)`) がパケットに一致しません: \(what.ja)")
        case let .natWrongTarget(ns, rule, found, expected, _):
            let r = rule.map { " (`\(Self.quoted($0))`)" } ?? ""
            return Localized(en: "\(ns) translates to \(found)\(r), not to \(expected)", ja: "\(ns) は \(expected) ではなく \(found) に変換しています\(r)")
        case let .natNotApplied(ns, rules, _):
            // The first few only, each cut: a ruleset of thousands of rules would make a hint of megabytes.
            let shown = rules.prefix(Self.rulesShown).map { "`\(Self.quoted($0))`" }
            let more = rules.count - shown.count
            let list = rules.isEmpty ? "" : " (rules: " + shown.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "") + ")"
            let listJa = rules.isEmpty ? "" : " (ルール: " + shown.joined(separator: "、") + (more > 0 ? " ほか \(more) 個" : "") + ")"
            return Localized(en: "\(ns) has NAT rules\(list), but the probe was not translated",
                             ja: "\(ns) に NAT ルールはありますが\(listJa)、パケットは変換されませんでした")
        case let .natDiagnosisCutShort(ns, read, deadline, tooLarge, limit, _):
            let (en, ja) = Self.unreadRules(ns, rulesRead: read, deadline: deadline, tooLarge: tooLarge, limit: limit)
            let found = read > 0 ? Localized(en: ", and found nothing wrong in those it read", ja: "。読めたルールに誤りは見つかりませんでした")
                                 : Localized(en: "", ja: "")
            return Localized(en: en + found.en + ": the diagnosis was cut short", ja: ja + found.ja + "。診断を打ち切りました")
        case let .dhcpServerNotRunning(ns, _):
            return Localized(en: "no DHCP server is running in \(ns) (nothing listens on UDP port 67)",
                             ja: "\(ns) で DHCP サーバーが動いていません (UDP 67 番ポートで待ち受けているものがありません)")
        case let .dhcpServerSilent(ns, link, _):
            return Localized(en: "a DHCP server runs in \(ns) but did not answer a DISCOVER from \(link)'s segment",
                             ja: "\(ns) で DHCP サーバーは動いていますが、\(link) のセグメントからの DISCOVER に応答しませんでした")
        case let .dhcpRangeMismatch(offered, range, _):
            return Localized(en: "the server offered \(offered), outside \(range)", ja: "サーバーが提示したのは \(range) の外の \(offered) です")
        case let .dhcpNoLease(ns, link, _):
            return Localized(en: "\(link) in \(ns) has no IPv4 address: the DHCP client has not run", ja: "\(ns) の \(link) に IPv4 アドレスがありません。DHCP クライアントが実行されていません")
        case let .dhcpStaticAddress(ns, link, address, _):
            return Localized(en: "\(address) on \(link) in \(ns) never expires: it was set by hand, not leased by DHCP",
                             ja: "\(ns) の \(link) の \(address) には有効期限がありません。DHCP ではなく手で設定されています")
        case let .dhcpLeaseOutOfRange(ns, link, address, range, _):
            return Localized(en: "\(link) in \(ns) leased \(address), outside \(range)", ja: "\(ns) の \(link) が借りた \(address) は \(range) の外です")
        }
    }

    /// A learner's nft rule as a finding quotes it, cut: a rule may hold a set of thousands of addresses, its
    /// comment any text (escaping is the printers' job, `TerminalText`).
    static func quoted(_ rule: String) -> String { TerminalText.excerpt(rule, limit: 200) }
    /// A chain or interface name from the learner's ruleset, cut like a page title.
    static func quoted(name: String) -> String { TerminalText.excerpt(name, limit: 120) }

    /// What to do about it, naming the book's command.
    public var fix: Localized {
        switch self {
        case let .namespaceMissing(ns):
            return run("ip netns add \(ns)", en: "Create it", ja: "作成してください")
        case let .namespaceUnusable(ns, problem):
            if case .notAFile("a directory") = problem {
                return run("rmdir /run/netns/\(ns)`, then `ip netns add \(ns)", en: "Remove it and create the namespace as the book does",
                           ja: "削除して、本のとおりにネームスペースを作ってください")
            }
            return run("ip netns delete \(ns)`, then `ip netns add \(ns)", en: "Remove it and create the namespace as the book does",
                       ja: "削除して、本のとおりにネームスペースを作ってください")
        case let .linkMissing(ns, link, peer, kind):
            if let peer {
                let add = "ip link add \(link) type veth peer name \(peer.name)"
                // Made in the root namespace, an end that belongs there stays where it is.
                if ns == "root" { return run(add, en: "Create the veth pair", ja: "veth ペアを作ってください") }
                let cmds = "\(add)`, then `ip link set \(link) netns \(ns)"
                return run(cmds, en: "Create the veth pair and move this end into \(ns)", ja: "veth ペアを作り、この端を \(ns) に移してください")
            }
            if let kind, kind != "veth" {
                // A bridge is made where it belongs: it cannot be moved afterwards.
                return run(Cause.createCommand(link: link, kind: kind, in: ns), en: "Create it there", ja: "そこに作成してください")
            }
            if ns == "root" {
                return Localized(en: "Create it: `ip link add dev \(link) type TYPE`.", ja: "作成してください: `ip link add dev \(link) type TYPE`。")
            }
            return Localized(en: "Create \(link) and move it into \(ns) (`ip link set \(link) netns \(ns)`).",
                             ja: "\(link) を作成し、\(ns) に移してください (`ip link set \(link) netns \(ns)`)。")
        case let .linkInOtherNamespace(link, expected, found):
            let move = Cause.moveCommand(link: link, from: found, to: expected)
            if expected == "root" {
                return Localized(en: "Move it back: `\(move)` ($$ is your shell, which runs in the root namespace).",
                                 ja: "戻してください: `\(move)` ($$ はルートのネームスペースで動いているシェルのプロセス ID です)。")
            }
            return run(move, en: "Move it", ja: "移動してください")
        case let .linkCannotMove(link, kind, expected, found):
            if kind == Cause.loopbackKind {
                return run(inNamespace(expected, "ip link set dev lo up"), en: "Every namespace has its own lo: use the one in \(expected)",
                           ja: "lo はネームスペースごとにあります。\(expected) の lo を使ってください")
            }
            let commands = Cause.recreateCommands(link: link, kind: kind, from: found, to: expected)
            return Localized(en: "Delete it there and create it in \(expected): `\(commands[0])`, then `\(commands[1])`.",
                             ja: "そこで削除して \(expected) に作り直してください: `\(commands[0])` の後に `\(commands[1])`。")
        case let .linkWrongKind(ns, link, expected, _):
            return run(inNamespace(ns, "ip link del \(link)"), en: "Delete it and create it again as a \(expected)",
                       ja: "削除して \(expected) として作り直してください")
        case let .linkDown(ns, link):
            return run(inNamespace(ns, "ip link set \(link) up"), en: "Bring it up", ja: "UP にしてください")
        case let .macMismatch(ns, link, expected, _):
            return run(inNamespace(ns, "ip link set dev \(link) address \(expected)"), en: "Set the MAC address", ja: "MAC アドレスを設定してください")
        case let .notPort(ns, link, master, _):
            return run(inNamespace(ns, "ip link set \(link) master \(master)"), en: "Attach it to the bridge", ja: "ブリッジにつないでください")
        case let .peerMismatch(link, expected, _):
            return Localized(
                en: "Delete the wrong pair (`\(inNamespace(link.namespace, "ip link del \(link.name)"))`), create `ip link add \(link.name) type veth peer name \(expected.name)` and move each end into its namespace.",
                ja: "間違ったペアを削除し (`\(inNamespace(link.namespace, "ip link del \(link.name)"))`)、`ip link add \(link.name) type veth peer name \(expected.name)` で作り直して、それぞれの端をネームスペースに移してください。")
        case let .addressMissing(ns, link, address):
            return run(inNamespace(ns, "ip address add \(address) dev \(link)"), en: "Add the address", ja: "アドレスを付けてください")
        case let .addressWrong(ns, link, expected, found):
            let del = found.map { "`\(inNamespace(ns, "ip address del \($0) dev \(link)"))`" }
            let add = "`\(inNamespace(ns, "ip address add \(expected) dev \(link)"))`"
            return Localized(en: "Remove the wrong address (\(del.joined(separator: ", "))) and add the right one: \(add).",
                             ja: "間違ったアドレスを削除し (\(del.joined(separator: "、")))、正しいアドレスを付けてください: \(add)。")
        case let .addressOnOtherLink(ns, expectedLink, foundLink, address):
            let del = "`\(inNamespace(ns, "ip address del \(address) dev \(foundLink)"))`"
            let add = "`\(inNamespace(ns, "ip address add \(address) dev \(expectedLink)"))`"
            return Localized(en: "Move it: \(del), then \(add).", ja: "付け替えてください: \(del) の後に \(add)。")
        case let .sysctlWrong(ns, key, expected, _):
            return run(inNamespace(ns, "sysctl \(key)=\(expected)"), en: "Set it", ja: "設定してください")
        case let .noRoute(ns, to, command):
            return run(command ?? inNamespace(ns, "ip route add <network of \(to)> via <gateway>"),
                       en: "Add a route", ja: "経路を追加してください")
        case let .noRouteBack(ns, to, command):
            return run(command ?? inNamespace(ns, "ip route add <network of \(to)> via <gateway>"),
                       en: "Add the route back", ja: "戻りの経路を追加してください")
        case let .wrongGateway(ns, to, expected, _, route, command):
            let fallback = expected.map { inNamespace(ns, "ip route replace \(to) via \($0)") }
            return Cause.gatewayUnowned(namespace: ns, gateway: to, route: route, command: command ?? fallback).fix
        case let .gatewayUnowned(ns, _, route, command):
            let del = route.map { "`\(inNamespace(ns, "ip route del \($0)"))`" }
            let add = command.map { "`\($0)`" } ?? "add the right route"
            let addJa = command.map { ": `\($0)`" } ?? ""
            if let del {
                return Localized(en: "Delete the route (\(del)) and add the right one: \(add).",
                                 ja: "その経路を削除し (\(del))、正しい経路を追加してください\(addJa)。")
            }
            return Localized(en: "Fix the route: \(add).", ja: "経路を直してください\(addJa)。")
        case let .forwardingOff(ns):
            return run(inNamespace(ns, "sysctl net.ipv4.ip_forward=1"), en: "Let it forward packets",
                       ja: "パケットを転送するよう設定してください")
        case let .destinationUnowned(address):
            return Localized(en: "Add \(address) to the interface it belongs on (`ip netns exec NS ip address add \(address)/LEN dev IFACE`).",
                             ja: "\(address) を本来のインターフェースに付けてください (`ip netns exec NS ip address add \(address)/LEN dev IFACE`)。")
        case let .peerDown(_, _, peer):
            if let peer {
                return run(inNamespace(peer.namespace, "ip link set \(peer.name) up"), en: "Bring the other end up",
                           ja: "相手側を UP にしてください")
            }
            return Localized(en: "Find the other end (`ip -d link show` in each namespace) and bring it up (`ip link set NAME up`).",
                             ja: "相手側の端を探し (各ネームスペースで `ip -d link show`)、UP にしてください (`ip link set NAME up`)。")
        case let .natMissing(ns, kind, command):
            let listing = inNamespace(ns, "iptables -t nat -L -n -v")
            guard let command else {
                return Localized(en: "Add the \(kind == "dnat" ? "DNAT" : "MASQUERADE") rule to the nat table (see the rules with `\(listing)`).",
                                 ja: "nat テーブルに \(kind == "dnat" ? "DNAT" : "MASQUERADE") のルールを追加してください (`\(listing)` で確認できます)。")
            }
            return run(command, en: "Add the rule", ja: "ルールを追加してください")
        case let .natWrongInterface(ns, _, _, _, command), let .natWrongChain(ns, _, _, _, command),
             let .natWrongMatch(ns, _, _, command), let .natWrongTarget(ns, _, _, _, command), let .natNotApplied(ns, _, command):
            let listing = inNamespace(ns, "iptables -t nat -L --line-numbers -n -v")
            let delete = inNamespace(ns, "iptables -t nat -D CHAIN NUMBER")
            let add = command.map { "`\($0)`" } ?? "the right rule"
            let addJa = command.map { "`\($0)` " } ?? "正しいルール"
            return Localized(en: "List the rules with `\(listing)`, delete the wrong one (`\(delete)`) and add \(add).",
                             ja: "`\(listing)` でルールを確認し、間違ったルールを削除して (`\(delete)`)、\(addJa)を追加してください。")
        case let .natDiagnosisCutShort(ns, _, _, _, _, command):
            let listing = inNamespace(ns, "nft -a list ruleset")
            let add = command.map { " and add `\($0)`" } ?? ""
            let addJa = command.map { "、`\($0)` を追加して" } ?? ""
            return Localized(en: "List the rules yourself with `\(listing)`, delete the wrong one\(add).",
                             ja: "`\(listing)` で自分でルールを確認し、間違ったルールを削除して\(addJa)ください。")
        case let .dhcpServerNotRunning(ns, command), let .dhcpServerSilent(ns, _, command):
            let start = command ?? inNamespace(ns, "dnsmasq --dhcp-range=FIRST,LAST,MASK --interface=IFACE --port 0 --no-resolv --no-daemon")
            return run(start, en: "Start the server on the segment's interface, with a range inside its network",
                       ja: "セグメント側のインターフェースで、そのネットワーク内の範囲を指定してサーバーを起動してください")
        case let .dhcpRangeMismatch(_, range, command):
            let start = command.map { ": `\($0)`" } ?? ""
            return Localized(en: "Give the server the range \(range)\(start).", ja: "サーバーに範囲 \(range) を指定してください\(start)。")
        case let .dhcpNoLease(ns, link, command):
            return run(command ?? inNamespace(ns, "dhclient \(link)"), en: "Run the DHCP client", ja: "DHCP クライアントを実行してください")
        case let .dhcpStaticAddress(ns, link, address, command):
            let del = inNamespace(ns, "ip address del \(address) dev \(link)")
            let client = command ?? inNamespace(ns, "dhclient \(link)")
            return Localized(en: "Remove it (`\(del)`) and let DHCP assign one: `\(client)`.",
                             ja: "手で付けたアドレスを削除し (`\(del)`)、DHCP で割り当ててください: `\(client)`。")
        case let .dhcpLeaseOutOfRange(ns, link, _, _, command):
            let client = command ?? inNamespace(ns, "dhclient \(link)")
            return Localized(en: "Check the server's --dhcp-range, then renew: `\(inNamespace(ns, "dhclient -r \(link)"))` and `\(client)`.",
                             ja: "サーバーの --dhcp-range を確認してから更新してください: `\(inNamespace(ns, "dhclient -r \(link)"))` の後に `\(client)`。")
        }
    }

    /// How the kernel's devices that cannot change namespace (NETIF_F_NETNS_LOCAL, `netns-local: on [fixed]` in
    /// `ethtool -k`) are named by IFLA_INFO_KIND; `ip link set NAME netns NS` refuses them ("Invalid argument").
    static let netnsLocalKinds: Set<String> = ["bridge", "bond", "team", "vrf", "openvswitch"]
    /// The kind netcheck gives the loopback device, which has no IFLA_INFO_KIND.
    static let loopbackKind = "loopback"

    /// The kind of a device found in some namespace when it cannot be moved out of it, nil when it can.
    static func netnsLocalKind(of link: Link) -> String? {
        if link.isLoopback { return loopbackKind }
        return link.kind.flatMap { netnsLocalKinds.contains($0) ? $0 : nil }
    }

    /// The book's command that creates a device of `kind` in `namespace` (`ip netns exec bridge ip link add dev br0
    /// type bridge`, or without `ip netns exec` in the root namespace).
    static func createCommand(link: String, kind: String, in namespace: String) -> String {
        inNamespace(namespace, "ip link add dev \(link) type \(kind)")
    }

    /// Moves an interface from namespace `from` to namespace `to`. The root namespace has no name under
    /// /run/netns (`netns root` is refused): an interface goes back there as `netns $$`, the namespace of the
    /// learner's shell. Not `netns 1`: inside a sandbox (`netcheck demo --then`) process 1 is the host's.
    static func moveCommand(link: String, from: String, to: String) -> String {
        inNamespace(from, "ip link set \(link) netns \(to == "root" ? "$$" : to)")
    }

    /// How many rules a hint lists.
    static let rulesShown = 3

    /// What of a ruleset netcheck did not read, and why (see `natDiagnosisCutShort`).
    static func unreadRules(_ ns: String, rulesRead read: Int, deadline: Bool, tooLarge: Int, limit: Int?) -> (en: String, ja: String) {
        var en: [String] = [], ja: [String] = []
        if deadline {
            en.append(read == 0 ? "netcheck could not read \(ns)'s rules before its deadline (--deadline)"
                                : "netcheck read only \(read) of \(ns)'s rules before its deadline (--deadline)")
            ja.append(read == 0 ? "netcheck は締め切り (--deadline) までに \(ns) のルールを読めませんでした"
                                : "netcheck が締め切り (--deadline) までに読めた \(ns) のルールは \(read) 個だけでした")
        }
        if let limit {
            en.append("netcheck reads at most \(limit) NAT rules, and \(ns) has more")
            ja.append("netcheck が読む NAT ルールは \(limit) 個までですが、\(ns) にはそれより多くあります")
        }
        if tooLarge > 0 {
            en.append("\(tooLarge) of \(ns)'s rules are too large to read (over 1 MB each)")
            ja.append("\(ns) のルールのうち \(tooLarge) 個は大きすぎて読めません (1 個 1 MB 超)")
        }
        return (en.joined(separator: "; "), ja.joined(separator: "。"))
    }

    /// Deleting a device that cannot be moved where it is, then creating it where it belongs.
    static func recreateCommands(link: String, kind: String, from: String, to: String) -> [String] {
        [inNamespace(from, "ip link del \(link)"), createCommand(link: link, kind: kind, in: to)]
    }

    /// The whole hint: the finding, then the fix.
    public var hint: Localized {
        Localized(en: "\(finding.en). \(fix.en)", ja: "\(finding.ja)。\(fix.ja)")
    }

    private func run(_ command: String, en: String, ja: String) -> Localized {
        Localized(en: "\(en): `\(command)`.", ja: "\(ja): `\(command)`。")
    }
}
