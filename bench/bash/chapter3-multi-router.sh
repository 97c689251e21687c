#!/bin/bash
# chapter3-multi-router checked the way an instructor would in bash (the comparison for bench/bench.sh):
# ip -j + jq for namespaces, links, veth pairs, addresses, routes; sysctl; one `ping -c1 -W1` per reachability.
# Exit status: 0 when everything holds, 1 at the first check that fails (its name on stderr).
# Verified on a broken setup: with `ip netns exec router1 sysctl -w net.ipv4.ip_forward=0` it exits 1
# ("router1 ip_forward"); bench/bench.sh repeats that on every run (the "bash detects breakage" column).
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
T="timeout 3"

for ns in ns1 router1 router2 ns2; do [ -e "/run/netns/$ns" ] || fail "netns $ns"; done

# link NS IFACE: exists, is a veth, is up
link() { $T ip -n "$1" -j -d link show dev "$2" 2>/dev/null | jq -e '.[0] | .linkinfo.info_kind == "veth" and (.flags | index("UP") != null)' >/dev/null || fail "$1 link $2"; }
link ns1 ns1-veth0; link router1 gw1-veth0; link router1 gw1-veth1
link router2 gw2-veth0; link router2 gw2-veth1; link ns2 ns2-veth0

# peer NS1 IF1 NS2 IF2: each end's link_index is the other's ifindex
ifindex() { $T ip -n "$1" -j link show dev "$2" | jq -r '.[0].ifindex'; }
linkindex() { $T ip -n "$1" -j -d link show dev "$2" | jq -r '.[0].link_index // empty'; }
peer() {
  [ "$(linkindex "$1" "$2")" = "$(ifindex "$3" "$4")" ] && [ "$(linkindex "$3" "$4")" = "$(ifindex "$1" "$2")" ] || fail "veth $1/$2 - $3/$4"
}
peer ns1 ns1-veth0 router1 gw1-veth0; peer router1 gw1-veth1 router2 gw2-veth0; peer router2 gw2-veth1 ns2 ns2-veth0

# addr NS IFACE ADDRESS/PREFIX
addr() { $T ip -n "$1" -j address show dev "$2" | jq -e --arg a "${3%/*}" --argjson p "${3#*/}" \
  '[.[0].addr_info[] | select(.family == "inet" and .local == $a and .prefixlen == $p)] | length == 1' >/dev/null || fail "$1 address $3"; }
addr ns1 ns1-veth0 192.0.2.1/24; addr router1 gw1-veth0 192.0.2.254/24; addr router1 gw1-veth1 203.0.113.1/24
addr router2 gw2-veth0 203.0.113.2/24; addr router2 gw2-veth1 198.51.100.254/24; addr ns2 ns2-veth0 198.51.100.1/24

for r in router1 router2; do
  [ "$($T ip netns exec $r sysctl -n net.ipv4.ip_forward)" = 1 ] || fail "$r ip_forward"
done

# route NS DESTINATION GATEWAY: `ip route get` goes via that gateway
route() { $T ip -n "$1" -j route get "$2" 2>/dev/null | jq -e --arg g "$3" '.[0].gateway == $g' >/dev/null || fail "$1 route to $2 via $3"; }
route ns1 198.51.100.1 192.0.2.254; route ns2 192.0.2.1 198.51.100.254
route router1 198.51.100.1 203.0.113.2; route router2 192.0.2.1 203.0.113.1

# ping NS SOURCE DESTINATION TTL
ping1() { $T ip netns exec "$1" ping -n -c1 -W1 -I "$2" "$3" 2>/dev/null | grep -q "ttl=$4 " || fail "$1 ping $3 ttl $4"; }
ping1 ns1 192.0.2.1 198.51.100.1 62
ping1 ns2 198.51.100.1 192.0.2.1 62
echo "chapter3-multi-router: all checks passed"
