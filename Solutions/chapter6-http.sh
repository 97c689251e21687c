#!/bin/bash
# Chapter 6: an HTTP server on 127.0.0.1:80 serving a page titled "Hello, World" (the book writes index.html
# and runs `python3 -m http.server -b 127.0.0.1 80` in that folder).
set -e
. "$(dirname "$0")/wait-for-port.sh"
ip link set lo up
site=/run/netcheck-http   # /run is private to the sandbox
mkdir -p "$site"
cat > "$site/index.html" <<'HTML'
<!DOCTYPE html>
<html>
  <head><title>Hello, World</title></head>
  <body><h1>Hello, World</h1></body>
</html>
HTML
python3 -m http.server -b 127.0.0.1 -d "$site" 80 > /dev/null 2>&1 &
wait_for_port tcp 80
