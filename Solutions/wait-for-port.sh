# Sourced by the chapter 5, 6 and 8 solutions: waits (at most 5 s) until something listens on a port.
#   wait_for_port tcp|udp PORT
wait_for_port() {
  local flag=-ltn; [ "$1" = udp ] && flag=-lun
  for _ in $(seq 100); do
    ss -H $flag "sport = :$2" | grep -q . && return 0
    sleep 0.05
  done
  echo "nothing listens on $1 port $2" >&2; return 1
}
