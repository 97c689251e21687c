/// `nft -j list ruleset` and `nft -a list ruleset` as nft 1.0.6 / iptables-nft 1.8.9 printed them, each in a
/// fresh `unshare -n` namespace after the commands quoted.
enum Fixtures {
    /// The two book commands: MASQUERADE out of gw-veth1 and DNAT of tcp/54321 to 192.0.2.1.
    ///
    /// iptables -t nat -A POSTROUTING -s 192.0.2.0/24 -o gw-veth1 -j MASQUERADE
    /// iptables -t nat -A PREROUTING -p tcp --dport 54321 -d 203.0.113.254 -j DNAT --to-destination 192.0.2.1
    static let book = (json: #"""
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "nat", "handle": 1}}, {"chain": {"family": "ip", "table": "nat", "name": "POSTROUTING", "handle": 1, "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}}, {"chain": {"family": "ip", "table": "nat", "name": "PREROUTING", "handle": 3, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}, {"rule": {"family": "ip", "table": "nat", "chain": "POSTROUTING", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "gw-veth1"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "192.0.2.0", "len": 24}}}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "MASQUERADE"}}]}}, {"rule": {"family": "ip", "table": "nat", "chain": "PREROUTING", "handle": 4, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "203.0.113.254"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 54321}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "DNAT"}}]}}]}
        """#,
        text: #"""
        table ip nat { # handle 1
        	chain POSTROUTING { # handle 1
        		type nat hook postrouting priority srcnat; policy accept;
        		oifname "gw-veth1" ip saddr 192.0.2.0/24 counter packets 0 bytes 0 masquerade # handle 2
        	}

        	chain PREROUTING { # handle 3
        		type nat hook prerouting priority dstnat; policy accept;
        		ip daddr 203.0.113.254 tcp dport 54321 counter packets 0 bytes 0 dnat to 192.0.2.1 # handle 4
        	}
        }
        """#)

    /// SNAT instead of MASQUERADE.
    ///
    /// iptables -t nat -A POSTROUTING -s 192.0.2.0/24 -o gw-veth1 -j SNAT --to-source 203.0.113.254
    static let snat = (json: #"""
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "nat", "handle": 1}}, {"chain": {"family": "ip", "table": "nat", "name": "POSTROUTING", "handle": 1, "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}}, {"rule": {"family": "ip", "table": "nat", "chain": "POSTROUTING", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "gw-veth1"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "192.0.2.0", "len": 24}}}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "SNAT"}}]}}]}
        """#,
        text: #"""
        table ip nat { # handle 1
        	chain POSTROUTING { # handle 1
        		type nat hook postrouting priority srcnat; policy accept;
        		oifname "gw-veth1" ip saddr 192.0.2.0/24 counter packets 0 bytes 0 snat to 203.0.113.254 # handle 2
        	}
        }
        """#)

    /// MASQUERADE out of the wrong interface.
    ///
    /// iptables -t nat -A POSTROUTING -s 192.0.2.0/24 -o gw-veth0 -j MASQUERADE
    static let wrongif = (json: #"""
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "nat", "handle": 1}}, {"chain": {"family": "ip", "table": "nat", "name": "POSTROUTING", "handle": 1, "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}}, {"rule": {"family": "ip", "table": "nat", "chain": "POSTROUTING", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "gw-veth0"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"prefix": {"addr": "192.0.2.0", "len": 24}}}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "MASQUERADE"}}]}}]}
        """#,
        text: #"""
        table ip nat { # handle 1
        	chain POSTROUTING { # handle 1
        		type nat hook postrouting priority srcnat; policy accept;
        		oifname "gw-veth0" ip saddr 192.0.2.0/24 counter packets 0 bytes 0 masquerade # handle 2
        	}
        }
        """#)

    /// DNAT to another port.
    ///
    /// iptables -t nat -A PREROUTING -p tcp --dport 54321 -d 203.0.113.254 -j DNAT --to-destination 192.0.2.1:8080
    static let dnatport = (json: #"""
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "nat", "handle": 1}}, {"chain": {"family": "ip", "table": "nat", "name": "PREROUTING", "handle": 1, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}, {"rule": {"family": "ip", "table": "nat", "chain": "PREROUTING", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "203.0.113.254"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 54321}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "DNAT"}}]}}]}
        """#,
        text: #"""
        table ip nat { # handle 1
        	chain PREROUTING { # handle 1
        		type nat hook prerouting priority dstnat; policy accept;
        		ip daddr 203.0.113.254 tcp dport 54321 counter packets 0 bytes 0 dnat to 192.0.2.1:8080 # handle 2
        	}
        }
        """#)

    /// DNAT in the OUTPUT chain (only for the router's own packets).
    ///
    /// iptables -t nat -A OUTPUT -p tcp --dport 54321 -d 203.0.113.254 -j DNAT --to-destination 192.0.2.1
    static let dnatoutput = (json: #"""
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "nat", "handle": 1}}, {"chain": {"family": "ip", "table": "nat", "name": "OUTPUT", "handle": 1, "type": "nat", "hook": "output", "prio": -100, "policy": "accept"}}, {"rule": {"family": "ip", "table": "nat", "chain": "OUTPUT", "handle": 2, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "203.0.113.254"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 54321}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "DNAT"}}]}}]}
        """#,
        text: #"""
        table ip nat { # handle 1
        	chain OUTPUT { # handle 1
        		type nat hook output priority -100; policy accept;
        		ip daddr 203.0.113.254 tcp dport 54321 counter packets 0 bytes 0 dnat to 192.0.2.1 # handle 2
        	}
        }
        """#)

    /// A native nft inet table with the same two rules.
    ///
    /// nft -f: table inet mynat { chain post { type nat hook postrouting priority srcnat; oifname "gw-veth1" masquerade; }
    ///     chain pre { type nat hook prerouting priority dstnat; ip daddr 203.0.113.254 tcp dport 54321 dnat ip to 192.0.2.1; } }
    static let native = (json: #"""
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "inet", "name": "mynat", "handle": 1}}, {"chain": {"family": "inet", "table": "mynat", "name": "post", "handle": 1, "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}}, {"chain": {"family": "inet", "table": "mynat", "name": "pre", "handle": 2, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}, {"rule": {"family": "inet", "table": "mynat", "chain": "post", "handle": 3, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "gw-veth1"}}, {"masquerade": null}]}}, {"rule": {"family": "inet", "table": "mynat", "chain": "pre", "handle": 4, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "203.0.113.254"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 54321}}, {"dnat": {"family": "ip", "addr": "192.0.2.1"}}]}}]}
        """#,
        text: #"""
        table inet mynat { # handle 1
        	chain post { # handle 1
        		type nat hook postrouting priority srcnat; policy accept;
        		oifname "gw-veth1" masquerade # handle 3
        	}

        	chain pre { # handle 2
        		type nat hook prerouting priority dstnat; policy accept;
        		ip daddr 203.0.113.254 tcp dport 54321 dnat ip to 192.0.2.1 # handle 4
        	}
        }
        """#)

    /// Filter rules only: no NAT at all.
    ///
    /// iptables -A FORWARD -i gw-veth0 -o gw-veth1 -j ACCEPT
    /// iptables -A INPUT -p udp --dport 53 -j DROP
    static let filter = (json: #"""
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "filter", "handle": 1}}, {"chain": {"family": "ip", "table": "filter", "name": "FORWARD", "handle": 1, "type": "filter", "hook": "forward", "prio": 0, "policy": "accept"}}, {"chain": {"family": "ip", "table": "filter", "name": "INPUT", "handle": 3, "type": "filter", "hook": "input", "prio": 0, "policy": "accept"}}, {"rule": {"family": "ip", "table": "filter", "chain": "FORWARD", "handle": 2, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "gw-veth0"}}, {"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "gw-veth1"}}, {"counter": {"packets": 0, "bytes": 0}}, {"accept": null}]}}, {"rule": {"family": "ip", "table": "filter", "chain": "INPUT", "handle": 4, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}}, {"counter": {"packets": 0, "bytes": 0}}, {"drop": null}]}}]}
        """#,
        text: #"""
        table ip filter { # handle 1
        	chain FORWARD { # handle 1
        		type filter hook forward priority filter; policy accept;
        		iifname "gw-veth0" oifname "gw-veth1" counter packets 0 bytes 0 accept # handle 2
        	}

        	chain INPUT { # handle 3
        		type filter hook input priority filter; policy accept;
        		udp dport 53 counter packets 0 bytes 0 drop # handle 4
        	}
        }
        """#)

    /// Shapes left partly unrecognised: sets, ranges, prefixes, port ranges, redirect, a regular chain.
    ///
    /// nft -f: table ip odd {
    ///       chain post { type nat hook postrouting priority srcnat;
    ///         ip saddr { 192.0.2.0/24, 198.51.100.0/24 } meta l4proto udp snat to 203.0.113.1-203.0.113.9
    ///         ip saddr 10.0.0.1 iifname "x" ip protocol tcp snat to 203.0.113.2:1000-2000
    ///       }
    ///       chain pre { type nat hook prerouting priority dstnat;
    ///         tcp dport { 80, 443 } dnat to 192.0.2.1:8080
    ///         udp dport 53 dnat to 192.0.2.0/24
    ///         ip daddr 203.0.113.0-203.0.113.9 tcp dport 22 redirect to :8080
    ///       }
    ///       chain helper { masquerade; }
    ///     }
    static let odd = (json: #"""
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "odd", "handle": 1}}, {"chain": {"family": "ip", "table": "odd", "name": "post", "handle": 1, "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}}, {"chain": {"family": "ip", "table": "odd", "name": "pre", "handle": 2, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}, {"chain": {"family": "ip", "table": "odd", "name": "helper", "handle": 3}}, {"rule": {"family": "ip", "table": "odd", "chain": "post", "handle": 5, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": {"set": [{"prefix": {"addr": "192.0.2.0", "len": 24}}, {"prefix": {"addr": "198.51.100.0", "len": 24}}]}}}, {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "udp"}}, {"snat": {"addr": {"range": ["203.0.113.1", "203.0.113.9"]}}}]}}, {"rule": {"family": "ip", "table": "odd", "chain": "post", "handle": 6, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "10.0.0.1"}}, {"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "x"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "protocol"}}, "right": "tcp"}}, {"snat": {"addr": "203.0.113.2", "port": {"range": [1000, 2000]}}}]}}, {"rule": {"family": "ip", "table": "odd", "chain": "pre", "handle": 8, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": {"set": [80, 443]}}}, {"dnat": {"addr": "192.0.2.1", "port": 8080}}]}}, {"rule": {"family": "ip", "table": "odd", "chain": "pre", "handle": 9, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "udp", "field": "dport"}}, "right": 53}}, {"dnat": {"addr": {"prefix": {"addr": "192.0.2.0", "len": 24}}}}]}}, {"rule": {"family": "ip", "table": "odd", "chain": "pre", "handle": 10, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": {"range": ["203.0.113.0", "203.0.113.9"]}}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 22}}, {"redirect": {"port": 8080}}]}}, {"rule": {"family": "ip", "table": "odd", "chain": "helper", "handle": 11, "expr": [{"masquerade": null}]}}]}
        """#,
        text: #"""
        table ip odd { # handle 1
        	chain post { # handle 1
        		type nat hook postrouting priority srcnat; policy accept;
        		ip saddr { 192.0.2.0/24, 198.51.100.0/24 } meta l4proto udp snat to 203.0.113.1-203.0.113.9 # handle 5
        		ip saddr 10.0.0.1 iifname "x" ip protocol tcp snat to 203.0.113.2:1000-2000 # handle 6
        	}

        	chain pre { # handle 2
        		type nat hook prerouting priority dstnat; policy accept;
        		tcp dport { 80, 443 } dnat to 192.0.2.1:8080 # handle 8
        		udp dport 53 dnat to 192.0.2.0/24 # handle 9
        		ip daddr 203.0.113.0-203.0.113.9 tcp dport 22 redirect to :8080 # handle 10
        	}

        	chain helper { # handle 3
        		masquerade # handle 11
        	}
        }
        """#)


    /// iptables-nft rules with parts nft cannot show in JSON or netcheck does not model.
    ///
    /// iptables -t nat -A POSTROUTING ! -o gw-veth1 -j MASQUERADE
    /// iptables -t nat -A POSTROUTING -o gw-veth+ -p udp -j MASQUERADE --to-ports 1024-2048
    /// iptables -t nat -A PREROUTING -i gw-veth0 -p tcp -m multiport --dports 80,443 -j DNAT --to-destination 192.0.2.1
    /// iptables -t nat -A PREROUTING -p tcp -j REDIRECT --to-ports 8080
    /// iptables -t nat -A PREROUTING -d 203.0.113.254 -p tcp --dport 1 -j DNAT --to-destination 192.0.2.1-192.0.2.3
    static let xtodd = (json: #"""
        {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "ip", "name": "nat", "handle": 1}}, {"chain": {"family": "ip", "table": "nat", "name": "POSTROUTING", "handle": 1, "type": "nat", "hook": "postrouting", "prio": 100, "policy": "accept"}}, {"chain": {"family": "ip", "table": "nat", "name": "PREROUTING", "handle": 4, "type": "nat", "hook": "prerouting", "prio": -100, "policy": "accept"}}, {"rule": {"family": "ip", "table": "nat", "chain": "POSTROUTING", "handle": 2, "expr": [{"match": {"op": "!=", "left": {"meta": {"key": "oifname"}}, "right": "gw-veth1"}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "MASQUERADE"}}]}}, {"rule": {"family": "ip", "table": "nat", "chain": "POSTROUTING", "handle": 3, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "oifname"}}, "right": "gw-veth*"}}, {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "udp"}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "MASQUERADE"}}]}}, {"rule": {"family": "ip", "table": "nat", "chain": "PREROUTING", "handle": 5, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "iifname"}}, "right": "gw-veth0"}}, {"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}, {"xt": {"type": "match", "name": "multiport"}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "DNAT"}}]}}, {"rule": {"family": "ip", "table": "nat", "chain": "PREROUTING", "handle": 6, "expr": [{"match": {"op": "==", "left": {"meta": {"key": "l4proto"}}, "right": "tcp"}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "REDIRECT"}}]}}, {"rule": {"family": "ip", "table": "nat", "chain": "PREROUTING", "handle": 7, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "daddr"}}, "right": "203.0.113.254"}}, {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}}, "right": 1}}, {"counter": {"packets": 0, "bytes": 0}}, {"xt": {"type": "target", "name": "DNAT"}}]}}]}
        """#,
        text: #"""
        table ip nat { # handle 1
        	chain POSTROUTING { # handle 1
        		type nat hook postrouting priority srcnat; policy accept;
        		oifname != "gw-veth1" counter packets 0 bytes 0 masquerade # handle 2
        		oifname "gw-veth*" meta l4proto udp counter packets 0 bytes 0 masquerade to :1024-2048 # handle 3
        	}

        	chain PREROUTING { # handle 4
        		type nat hook prerouting priority dstnat; policy accept;
        		iifname "gw-veth0" meta l4proto tcp tcp dport { 80, 443 } counter packets 0 bytes 0 dnat to 192.0.2.1 # handle 5
        		meta l4proto tcp counter packets 0 bytes 0 redirect to :8080 # handle 6
        		ip daddr 203.0.113.254 tcp dport 1 counter packets 0 bytes 0 dnat to 192.0.2.1-192.0.2.3 # handle 7
        	}
        }
        """#)
}
