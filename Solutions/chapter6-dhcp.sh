#!/bin/bash
# Chapter 6: DHCP. dnsmasq serves 192.0.2.100-200 on s-veth0; dhclient takes an address on c-veth0.
#
#   server                          client
#   s-veth0 ----------------------- c-veth0
#   192.0.2.254/24                  (from DHCP)
#
# The book runs dnsmasq in the foreground in a terminal of its own; here it runs in the background. Both
# daemons live in the namespaces: `netcheck demo` and the tests kill them by PID when they end.
set -e
ip netns add server
ip netns add client
ip link add s-veth0 type veth peer name c-veth0
ip link set s-veth0 netns server
ip link set c-veth0 netns client
ip netns exec server ip link set s-veth0 up
ip netns exec client ip link set c-veth0 up
ip netns exec server ip address add 192.0.2.254/24 dev s-veth0
ip netns exec server dnsmasq --dhcp-range=192.0.2.100,192.0.2.200,255.255.255.0 --interface=s-veth0 --port 0 --no-resolv --no-daemon 2>/dev/null &
# dhclient waits for its lease, then goes to the background.
ip netns exec client dhclient c-veth0
