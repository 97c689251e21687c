#!/bin/bash
# Chapter 5: a TCP server on 127.0.0.1:54321, as the book starts it: `nc -lnv 127.0.0.1 54321`. It serves one
# connection (netcheck's) and exits, so run this again before the next check.
set -e
. "$(dirname "$0")/wait-for-port.sh"
ip link set lo up
nc -lnv 127.0.0.1 54321 > /dev/null 2>&1 &
wait_for_port tcp 54321
