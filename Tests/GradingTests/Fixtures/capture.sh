#!/bin/bash
# Records the runs the verdict tests replay (Tests/GradingTests/Verdicts): for each scenario below, the book's
# solution (or the setup given), then a mistake, then `netcheck check ID --record`, in a sandbox of its own
# (`netcheck sandbox`). Writes runs/NAME.recording.json and runs/NAME.report.json (the live report, English).
# Run as root from anywhere: `make fixtures`; commit the result. Re-record after a change to what is recorded.
set -euo pipefail
cd "$(dirname "$0")/../../.."
NETCHECK=${NETCHECK:-.build/debug/netcheck}
out=Tests/GradingTests/Fixtures/runs
mkdir -p "$out"
only=${1:-}

# NAME | EXERCISE | SETUP (empty: Solutions/EXERCISE.sh) | MISTAKE
scenarios() {
cat <<'LIST'
helloworld-pass|chapter3-helloworld||
helloworld-missing|chapter3-helloworld|ip link set lo up|
veth-pass|chapter3-veth||
veth-down|chapter3-veth||ip netns exec ns2 ip link set ns2-veth0 down
veth-address-typo|chapter3-veth||ip netns exec ns2 ip address del 192.0.2.2/24 dev ns2-veth0; ip netns exec ns2 ip address add 192.0.2.20/24 dev ns2-veth0
veth-left-in-root|chapter3-veth||ip -n ns2 link set ns2-veth0 netns $$
veth-root-symlinks|chapter3-veth|ip link add ns1-veth0 type veth peer name ns2-veth0; ip address add 192.0.2.1/24 dev ns1-veth0; ip address add 192.0.2.2/24 dev ns2-veth0; ip link set ns1-veth0 up; ip link set ns2-veth0 up; ln -s /proc/$$/ns/net /run/netns/ns1; ln -s /proc/$$/ns/net /run/netns/ns2|
router-pass|chapter3-router||
router-no-forwarding|chapter3-router||ip netns exec router sysctl -qw net.ipv4.ip_forward=0
router-no-route-back|chapter3-router||ip netns exec ns2 ip route del default
router-wrong-gateway|chapter3-router||ip netns exec ns1 ip route replace default via 192.0.2.253
router-forward-drop-rule|chapter3-router||ip netns exec router iptables-legacy -A FORWARD -s 192.0.2.0/24 -j DROP
router-forward-drop-policy-nft|chapter3-router||ip netns exec router nft add table inet lab; ip netns exec router nft add chain inet lab labforward '{ type filter hook forward priority 0; policy drop; }'
multi-router-pass|chapter3-multi-router||
multi-router-missing-route|chapter3-multi-router||ip netns exec router1 ip route del 198.51.100.0/24
ethernet-pass|chapter4-ethernet||
ethernet-wrong-mac|chapter4-ethernet||ip netns exec ns2 ip link set dev ns2-veth0 address 00:00:5e:00:53:20
arp-pass|chapter4-arp||
arp-no-address|chapter4-arp||ip netns exec ns2 ip address del 192.0.2.2/24 dev ns2-veth0
router-mac-pass|chapter4-router-mac||
bridge-pass|chapter4-bridge||
bridge-nomaster|chapter4-bridge||ip link set ns3-br0 nomaster
bridge-netns-pass|chapter4-bridge-netns||
bridge-second-edition-as-first|chapter4-bridge|bash -e Solutions/chapter4-bridge-netns.sh|
tcp-pass|chapter5-tcp||
tcp-nothing|chapter5-tcp|ip link set lo up|
udp-pass|chapter5-udp||
udp-tcp-instead|chapter5-udp|ip link set lo up; . Solutions/wait-for-port.sh; nc -lk 127.0.0.1 54321 >/dev/null 2>&1 & wait_for_port tcp 54321|
dhcp-pass|chapter6-dhcp||
dhcp-no-client|chapter6-dhcp||ip netns pids client | xargs -r kill; ip netns exec client ip address flush dev c-veth0
http-pass|chapter6-http||
http-listing|chapter6-http|ip link set lo up; . Solutions/wait-for-port.sh; mkdir -p /run/site; touch /run/site/Index.html; python3 -m http.server -b 127.0.0.1 -d /run/site 80 >/dev/null 2>&1 & wait_for_port tcp 80|
snat-pass|chapter7-snat||
snat-wrong-interface|chapter7-snat||ip netns exec router iptables -t nat -F; ip netns exec router iptables -t nat -A POSTROUTING -s 192.0.2.0/24 -o gw-veth0 -j MASQUERADE
snat-legacy-wrong-interface|chapter7-snat||ip netns exec router iptables -t nat -F; ip netns exec router iptables-legacy -t nat -A POSTROUTING -s 192.0.2.0/24 -o gw-veth0 -j MASQUERADE
dnat-pass|chapter7-dnat||
dnat-wrong-port|chapter7-dnat||ip netns exec router iptables -t nat -F PREROUTING; ip netns exec router iptables -t nat -A PREROUTING -p tcp --dport 54322 -d 203.0.113.254 -j DNAT --to-destination 192.0.2.1
echo-pass|chapter8-echoserver||
binproto-pass|chapter8-binproto||
binproto-little-endian|chapter8-binproto|ip link set lo up; . Solutions/wait-for-port.sh; python3 -c "import socket,struct; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1); s.bind(('127.0.0.1',54321)); s.listen(); c,_=s.accept(); a,b=struct.unpack('<ii',c.recv(8)); c.sendall(struct.pack('<q',a+b))" >/dev/null 2>&1 & wait_for_port tcp 54321|
LIST
}

scenarios | while IFS='|' read -r name exercise setup mistake; do
  [ -n "$only" ] && [ "$only" != "$name" ] && continue
  [ -n "$setup" ] || setup="bash -e Solutions/$exercise.sh"
  "$NETCHECK" sandbox -- /bin/bash -c "
    set -e; ip link set lo up
    $setup
    $mistake
    set +e
    '$NETCHECK' check $exercise --format json --timeout 500 --record '$out/$name.recording.json' > '$out/$name.report.json'
    true"
  echo "$name: $(grep -c '\"status\": \"pass\"' "$out/$name.report.json") pass, $(grep -c '\"status\": \"fail\"' "$out/$name.report.json") fail"
done
