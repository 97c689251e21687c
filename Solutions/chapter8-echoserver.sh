#!/bin/bash
# Chapter 8: the book's server as a small Python program (Solutions/chapter8-echoserver.py), in the background.
set -e
. "$(dirname "$0")/wait-for-port.sh"
ip link set lo up
python3 "$(dirname "$0")/chapter8-echoserver.py" > /dev/null 2>&1 &
wait_for_port tcp 54321
