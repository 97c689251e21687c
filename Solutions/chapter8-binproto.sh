#!/bin/bash
# Chapter 8: the book's addition server (`python3 addserver.py`; Solutions/addserver.py behaves the same way: one
# client, one sum, then it exits), in the background. Run this again before each check.
set -e
. "$(dirname "$0")/wait-for-port.sh"
ip link set lo up
python3 "$(dirname "$0")/addserver.py" > /dev/null 2>&1 &
wait_for_port tcp 54321
