/// The rules of an `nft -a list ruleset` text listing, by table, chain and handle:
///
///     table ip nat { # handle 1
///         chain POSTROUTING { # handle 1
///             type nat hook postrouting priority srcnat; policy accept;
///             oifname "gw-veth1" ip saddr 192.0.2.0/24 counter packets 0 bytes 0 masquerade # handle 2
///
/// Each rule's text is kept without its "counter packets N bytes M" and its "# handle N".
struct RuleListing {
    struct Key: Hashable { var chain: ChainKey; var handle: Int64 }

    private(set) var rules: [Key: String] = [:]

    init(_ text: String) {
        var family: String?, table: String?, chain: String?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            var line = rawLine.trimmingSpaces
            var handle: Int64?
            if let m = line.wholeMatch(of: /(.*) # handle (\d+)/) {
                (line, handle) = (m.1.trimmingSpaces, Int64(m.2))
            }
            let words = line.split(separator: " ")
            if line.hasSuffix("{") {
                // A block: a table, a chain, or something else (set, map, flowtable...) that holds no rules.
                if words.first == "table", words.count >= 4 {
                    (family, table, chain) = (String(words[1]), String(words[2]), nil)
                } else if words.first == "chain", words.count >= 3 {
                    chain = String(words[1])
                } else {
                    chain = nil
                }
            } else if line == "}" {
                chain = nil
            } else if let handle, let family, let table, let chain {
                let key = Key(chain: ChainKey(family: family, table: table, chain: chain), handle: handle)
                rules[key] = String(line.replacing(#/(?:^| )counter packets \d+ bytes \d+(?= |$)/#, with: "")).trimmingSpaces
            }
        }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
