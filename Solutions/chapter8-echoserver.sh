#!/bin/bash
# Chapter 8: the book's echo server (`python3 echoserver.py`; Solutions/echoserver.py behaves the same way: one
# client, then it exits), in the background. Run this again before each check.
set -e
. "$(dirname "$0")/wait-for-port.sh"
ip link set lo up
python3 "$(dirname "$0")/echoserver.py" > /dev/null 2>&1 &
wait_for_port tcp 54321
