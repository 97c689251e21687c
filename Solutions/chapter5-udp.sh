#!/bin/bash
# Chapter 5: a UDP server on 127.0.0.1:54321, as the book starts it: `nc -ulnv 127.0.0.1 54321` (in a terminal of
# its own; here in the background: `netcheck demo` and the tests stop it by PID when they end). After the first
# datagram nc talks to that sender only; netcheck then sends as that sender, so the check can be run again.
set -e
. "$(dirname "$0")/wait-for-port.sh"
ip link set lo up
nc -ulnv 127.0.0.1 54321 > /dev/null 2>&1 &
wait_for_port udp 54321
