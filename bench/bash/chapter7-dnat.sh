#!/bin/bash
# chapter7-dnat checked the way an instructor would in bash (the comparison for bench/bench.sh):
# ip -j + jq for namespaces, links, veth pairs, addresses, routes; sysctl; the DNAT rule; then the DNAT itself:
# `timeout 1 tcpdump -c 1` on lan-veth0 while wan opens a TCP connection to 203.0.113.254:54321 (a RST from lan
# is enough: the SYN arriving at 192.0.2.1 from 203.0.113.1 proves the translation).
# Exit status: 0 when everything holds, 1 at the first check that fails (its name on stderr).
# Verified on a broken setup: with the DNAT rule deleted (`iptables -t nat -F PREROUTING` in router) it exits 1;
# bench/bench.sh repeats that on every run (the "bash detects breakage" column).
set -u
fail() { echo "FAIL: $*" >&2; exit 1; }
T="timeout 3"

for ns in lan router wan; do [ -e "/run/netns/$ns" ] || fail "netns $ns"; done

link() { $T ip -n "$1" -j -d link show dev "$2" 2>/dev/null | jq -e '.[0] | .linkinfo.info_kind == "veth" and (.flags | index("UP") != null)' >/dev/null || fail "$1 link $2"; }
link lan lan-veth0; link router gw-veth0; link router gw-veth1; link wan wan-veth0

ifindex() { $T ip -n "$1" -j link show dev "$2" | jq -r '.[0].ifindex'; }
linkindex() { $T ip -n "$1" -j -d link show dev "$2" | jq -r '.[0].link_index // empty'; }
peer() {
  [ "$(linkindex "$1" "$2")" = "$(ifindex "$3" "$4")" ] && [ "$(linkindex "$3" "$4")" = "$(ifindex "$1" "$2")" ] || fail "veth $1/$2 - $3/$4"
}
peer lan lan-veth0 router gw-veth0; peer router gw-veth1 wan wan-veth0

addr() { $T ip -n "$1" -j address show dev "$2" | jq -e --arg a "${3%/*}" --argjson p "${3#*/}" \
  '[.[0].addr_info[] | select(.family == "inet" and .local == $a and .prefixlen == $p)] | length == 1' >/dev/null || fail "$1 address $3"; }
addr lan lan-veth0 192.0.2.1/24; addr router gw-veth0 192.0.2.254/24
addr router gw-veth1 203.0.113.254/24; addr wan wan-veth0 203.0.113.1/24

[ "$($T ip netns exec router sysctl -n net.ipv4.ip_forward)" = 1 ] || fail "router ip_forward"

route() { $T ip -n "$1" -j route get "$2" 2>/dev/null | jq -e --arg g "$3" '.[0].gateway == $g' >/dev/null || fail "$1 route to $2 via $3"; }
route lan 198.51.100.1 192.0.2.254; route wan 198.51.100.1 203.0.113.254

$T ip netns exec router iptables -t nat -S PREROUTING | grep -q -- '-d 203.0.113.254/32 -p tcp -m tcp --dport 54321 -j DNAT --to-destination 192.0.2.1' \
  || fail "router DNAT rule"

# The translation itself: capture the SYN arriving in lan, from wan's address, to lan's address.
cap=$(mktemp); err=$(mktemp)
timeout 1 ip netns exec lan tcpdump -c 1 -nli lan-veth0 'tcp dst port 54321 and src host 203.0.113.1 and dst host 192.0.2.1' >"$cap" 2>"$err" &
tpid=$!
for _ in $(seq 100); do grep -q "listening on" "$err" && break; sleep 0.01; done
timeout 1 ip netns exec wan bash -c '</dev/tcp/203.0.113.254/54321' 2>/dev/null
wait $tpid
grep -q "203.0.113.1\.[0-9]* > 192.0.2.1\.54321" "$cap"; ok=$?
rm -f "$cap" "$err"
[ $ok = 0 ] || fail "DNAT: no SYN from 203.0.113.1 to 192.0.2.1:54321 on lan-veth0"
echo "chapter7-dnat: all checks passed"
