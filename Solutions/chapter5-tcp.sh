#!/bin/bash
# Chapter 5: a TCP server on 127.0.0.1:54321 (the book: `nc -lnv 127.0.0.1 54321`). `-k` keeps it listening
# after netcheck's connection, so the check can be run again.
set -e
. "$(dirname "$0")/wait-for-port.sh"
ip link set lo up
nc -lnk 127.0.0.1 54321 > /dev/null 2>&1 &
wait_for_port tcp 54321
