#!/bin/bash
# Chapter 5: a UDP server on 127.0.0.1:54321. The book runs `nc -ulv 127.0.0.1 54321` in a terminal of its own;
# here it runs in the background (`netcheck demo` and the tests stop it by PID when they end).
set -e
. "$(dirname "$0")/wait-for-port.sh"
ip link set lo up
nc -ulk 127.0.0.1 54321 > /dev/null 2>&1 &
wait_for_port udp 54321
