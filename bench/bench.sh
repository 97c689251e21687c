#!/bin/bash
# bench/bench.sh [NETCHECK_BINARY]  — what `make bench` runs (as root). Prints a table; nothing in it is a test.
#
# Everything happens inside one private sandbox: the script re-executes itself under `netcheck sandbox`, the same
# sandbox as `netcheck demo` and the tests (Sources/Kernel/Sandbox.swift: own network namespace, own /run, lease
# folders, /var/tmp and /etc; what is left running is killed by PID at the end), so nothing touches the host and
# two runs never collide.
#   1. every exercise with a Solutions/<id>.sh: built fresh, `netcheck check <id> --format json` RUNS times
#   2. netcheck against the bash checks in bench/bash/ (chapter3-multi-router, chapter7-dnat)
#   3. scale: generated star and chain exercises over N namespaces (bench/gen_scale.py)
#   4. the project's performance targets, each marked ✓/✗
# Environment: RUNS (default 20), BASH_RUNS (default 10), SCALE_NS (default "8 32 64 128"), SCALE_RUNS (default 3).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

if [ -z "${NETCHECK_BENCH_INSIDE:-}" ]; then
  bin=${1:-$root/.build/release/netcheck}
  [ -x "$bin" ] || { echo "bench: no netcheck binary at $bin (make release)" >&2; exit 2; }
  [ "$(id -u)" = 0 ] || { echo "bench: needs root (namespaces)" >&2; exit 2; }
  export NETCHECK_BENCH_INSIDE=1 NETCHECK_BIN=$(readlink -f "$bin")
  exec "$NETCHECK_BIN" sandbox -- /bin/bash "$0"
fi

# ---- inside the sandbox (netcheck sandbox kills what is left running when this script ends) ----
ip link set lo up || exit 2
work=$(mktemp -d /tmp/netcheck-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

NC=$NETCHECK_BIN
RUNS=${RUNS:-20}; BASH_RUNS=${BASH_RUNS:-10}; SCALE_NS=${SCALE_NS:-8 32 64 128}; SCALE_RUNS=${SCALE_RUNS:-3}
cd "$root"

# A fresh start between exercises: processes in the namespaces killed by PID, every namespace deleted, and the
# links chapter4-bridge (and the star) leave in the sandbox root (br0, its ports) deleted.
reset_net() {
  for ns in $(ip netns list 2>/dev/null | cut -d' ' -f1); do ip netns pids "$ns" 2>/dev/null; done | xargs -r kill -9 2>/dev/null
  ip -all netns delete 2>/dev/null
  for l in $(ip -o link show | awk -F': ' '{print $2}' | cut -d@ -f1); do
    [ "$l" = lo ] || ip link del "$l" 2>/dev/null
  done
  return 0
}
now_ns() { date +%s%N; }
# stats FILE -> "median min max" (whole ms, one number per line in FILE, nanoseconds)
stats() { python3 -c '
import sys, statistics
v = [int(l) / 1e6 for l in open(sys.argv[1]) if l.strip()]
print("%.0f %.0f %.0f" % (statistics.median(v), min(v), max(v)) if v else "- - -")' "$1"; }
# stats_us FILE -> "median min max" in ms with two decimals (for runs of a few ms)
stats_us() { python3 -c '
import sys, statistics
v = [int(l) / 1e6 for l in open(sys.argv[1]) if l.strip()]
print("%.2f %.2f %.2f" % (statistics.median(v), min(v), max(v)) if v else "- - -")' "$1"; }
# timed CMD… : runs it, appends its wall time (ns) to $tfile, returns its status
timed() { local t0 t1 rc; t0=$(now_ns); "$@" >/dev/null 2>&1; rc=$?; t1=$(now_ns); echo $((t1 - t0)) >>"$tfile"; return $rc; }
# rss_mb CMD…: peak RSS of one run in MB (GNU time)
rss_mb() { /usr/bin/time -f %M -o "$work/rss" "$@" >/dev/null 2>&1; awk '{printf "%.1f", $1/1024}' "$work/rss" 2>/dev/null || echo "-"; }
build() { reset_net; bash -e "Solutions/$1.sh" >"$work/build.log" 2>&1; }

declare -A MED SCALE_MED SCALE_RC SCALE_RSS SCALE_HINT
PEAK_RSS=0; BOOK_RSS=0
maxf() { awk -v a="$1" -v b="$2" 'BEGIN{ if (a+0 > b+0) print a; else print b }'; }
echo "netcheck bench — $(uname -r), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(date -u +%Y-%m-%dT%H:%MZ)"
echo "binary: $NC ($("$NC" --version 2>/dev/null))"
echo
echo "1. netcheck check <id> --format json, whole process, $RUNS runs each (ms)"
printf "%-26s %8s %6s %6s %8s  %s\n" exercise median min max "RSS MB" result
for sol in Solutions/*.sh; do
  id=$(basename "$sol" .sh)
  [ -f "Exercises/$id.json" ] || continue
  if ! build "$id"; then printf "%-26s %s\n" "$id" "solution failed: $(tail -1 "$work/build.log")"; continue; fi
  [ "$id" = chapter6-dhcp ] && sleep 0.2
  tfile=$work/t.$id; : >"$tfile"; pass=0; fail=0; other=""
  # The book's servers (chapters 5, 6 and 8) serve one client and exit: started again, untimed, before each run.
  oneshot=false; grep -q '"services"' "Exercises/$id.json" && oneshot=true
  for i in $(seq "$RUNS"); do
    if $oneshot && [ "$i" -gt 1 ]; then build "$id" || true; fi
    timed timeout 60 "$NC" check "$id" --format json; rc=$?
    case $rc in 0) pass=$((pass + 1));; 1) fail=$((fail + 1));; *) other="$other $rc";; esac
  done
  if $oneshot; then build "$id" || true; fi
  rss=$(rss_mb "$NC" check "$id" --format json)
  read -r med min max < <(stats "$tfile"); MED[$id]=$med
  res="pass $pass/$RUNS"; [ $fail -gt 0 ] && res="$res, FAIL $fail"; [ -n "$other" ] && res="$res, exit$other"
  printf "%-26s %8s %6s %6s %8s  %s\n" "$id" "$med" "$min" "$max" "$rss" "$res"
  [[ $rss =~ ^[0-9.]+$ ]] && { PEAK_RSS=$(maxf "$rss" "$PEAK_RSS"); BOOK_RSS=$(maxf "$rss" "$BOOK_RSS"); }
done

echo
echo "1b. start-up and the kernel's own cost, $RUNS runs each (ms)"
printf "%-40s %8s %6s %6s\n" command median min max
tfile=$work/true; : >"$tfile"; for _ in $(seq "$RUNS"); do timed /bin/true; done
read -r TRUE_MED tmin tmax < <(stats_us "$tfile"); printf "%-40s %8s %6s %6s\n" /bin/true "$TRUE_MED" "$tmin" "$tmax"
tfile=$work/version; : >"$tfile"; for _ in $(seq "$RUNS"); do timed "$NC" --version; done
read -r VERSION_MED vmin vmax < <(stats_us "$tfile"); printf "%-40s %8s %6s %6s\n" "netcheck --version" "$VERSION_MED" "$vmin" "$vmax"
build chapter7-dnat
tfile=$work/ipaddr; : >"$tfile"; for _ in $(seq "$RUNS"); do timed ip -n router -j addr show; done
read -r IP_MED imin imax < <(stats_us "$tfile"); printf "%-40s %8s %6s %6s\n" "ip -n router -j addr show" "$IP_MED" "$imin" "$imax"
tfile=$work/dnat2; : >"$tfile"; for _ in $(seq "$RUNS"); do timed "$NC" check chapter7-dnat --format json; done
read -r DNAT_MED dmin dmax < <(stats_us "$tfile"); printf "%-40s %8s %6s %6s\n" "netcheck check chapter7-dnat" "$DNAT_MED" "$dmin" "$dmax"
tfile=$work/dnat3; : >"$tfile"; for _ in $(seq "$RUNS"); do NETCHECK_CLOSE_CAPTURES=now timed "$NC" check chapter7-dnat --format json; done
read -r DNAT_NOW _ _ < <(stats_us "$tfile")
printf "%-40s %8s   (the capture sockets closed before the report, not by a child after it)\n" "  … NETCHECK_CLOSE_CAPTURES=now" "$DNAT_NOW"

echo
echo "2. netcheck against the same checks in bash (bench/bash/<id>.sh, ip -j + jq, ping, tcpdump), medians (ms)"
printf "%-26s %9s %9s %7s  %s\n" exercise netcheck bash ratio "bash: passes / detects breakage"
declare -A RATIO
for id in chapter3-multi-router chapter7-dnat; do
  build "$id"
  tfile=$work/b.$id; : >"$tfile"; bpass=0
  for _ in $(seq "$BASH_RUNS"); do timed bash "bench/bash/$id.sh" && bpass=$((bpass + 1)); done
  read -r bmed _ _ < <(stats "$tfile")
  # break the setup: the bash script must notice
  case $id in
    chapter3-multi-router) ip netns exec router1 sysctl -qw net.ipv4.ip_forward=0;;
    chapter7-dnat) ip netns exec router iptables -t nat -F PREROUTING;;
  esac
  if bash "bench/bash/$id.sh" >/dev/null 2>&1; then detect=no; else detect=yes; fi
  ratio=$(python3 -c "import sys; a,b=sys.argv[1:]; print('%.1fx' % (float(b)/float(a)) if float(a) > 0 else '-')" "${MED[$id]:-0}" "$bmed" 2>/dev/null || echo -)
  RATIO[$id]=$ratio
  printf "%-26s %9s %9s %7s  %s\n" "$id" "${MED[$id]:--}" "$bmed" "$ratio" "$bpass/$BASH_RUNS pass, breakage detected: $detect"
done

echo
echo "3. scale: generated exercises, full reachability matrix with TTLs (median of $SCALE_RUNS runs; RSS: max)"
printf "%-11s %5s %7s %9s %10s %8s %8s  %s\n" shape N probes "wall ms" "probes/s" "RSS MB" "setup s" result
gen=$work/gen
for shape in star star-static chain; do
  for n in $SCALE_NS; do
    rm -rf "$gen"; mkdir -p "$gen"
    read -r sid probes < <(python3 bench/gen_scale.py "$shape" "$n" "$gen")
    reset_net
    t0=$(now_ns)
    ok=1
    ip -batch "$gen/batch/$sid.root.batch" >"$work/setup.log" 2>&1 || ok=0
    for f in "$gen/batch/$sid".ns.*.batch; do
      nm=${f##*.ns.}; nm=${nm%.batch}
      ip -n "$nm" -batch "$f" >>"$work/setup.log" 2>&1 || ok=0
      [[ $nm == r* ]] && { ip netns exec "$nm" sysctl -qw net.ipv4.ip_forward=1 || ok=0; }
    done
    setup=$(( ($(now_ns) - t0) / 1000000 ))
    if [ $ok = 0 ]; then printf "%-11s %5s %7s  setup failed: %s\n" "$shape" "$n" "$probes" "$(grep -m1 . "$work/setup.log")"; continue; fi
    tfile=$work/s.$sid; : >"$tfile"; maxrss=0; res=""; rcs=""
    for _ in $(seq "$SCALE_RUNS"); do
      t0=$(now_ns)
      /usr/bin/time -f %M -o "$work/rss" timeout 300 "$NC" check "$sid" --exercises "$gen/ex" --format json >"$work/out.json" 2>"$work/err"
      rc=$?; echo $(( $(now_ns) - t0 )) >>"$tfile"
      r=$(tail -1 "$work/rss" 2>/dev/null); [[ $r =~ ^[0-9]+$ ]] && [ "$r" -gt $maxrss ] && maxrss=$r
      rcs="$rcs $rc"
      SCALE_HINT[$shape$n]=$(grep -c 'gc_thresh3' "$work/out.json" 2>/dev/null)
      [ $rc = 0 ] || break   # a failing row is run once
    done
    read -r med _ _ < <(stats "$tfile")
    case " $rcs " in
      *" 0 "*) res="pass";;
    esac
    for rc in $rcs; do
      case $rc in
        0) ;;
        1) res="$res FAIL($(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("%s/%s checks" % (r["score"], r["max_score"]))' "$work/out.json" 2>/dev/null))";;
        124) res="$res timed out (300 s)";;
        *) res="$res exit $rc: $(grep -m1 . "$work/err" | cut -c1-80)";;
      esac
    done
    pps=$(python3 -c "import sys; p,m=sys.argv[1:]; print('%.0f' % (int(p)/(float(m)/1000)) if float(m) > 0 else '-')" "$probes" "$med" 2>/dev/null || echo -)
    rssmb=$(awk -v k=$maxrss 'BEGIN{printf "%.1f", k/1024}')
    printf "%-11s %5s %7s %9s %10s %8s %8s  %s\n" "$shape" "$n" "$probes" "$med" "$pps" "$rssmb" \
      "$(awk -v m=$setup 'BEGIN{printf "%.1f", m/1000}')" "$(echo $res | sed 's/^ *//')"
    SCALE_MED[$shape$n]=$med; SCALE_RC[$shape$n]=$rcs; SCALE_RSS[$shape$n]=$rssmb
    PEAK_RSS=$(maxf "$rssmb" "$PEAK_RSS")
  done
done

echo
echo "4. a failing run: chapter3-multi-router with net.ipv4.ip_forward=0 on router1, --timeout 1000, 5 runs (ms)"
build chapter3-multi-router
ip netns exec router1 sysctl -qw net.ipv4.ip_forward=0
tfile=$work/fail; : >"$tfile"; frcs=""
for _ in 1 2 3 4 5; do timed timeout 60 "$NC" check chapter3-multi-router --timeout 1000 --format json; frcs="$frcs $?"; done
read -r fmed fmin fmax < <(stats "$tfile")
printf "%-26s %8s %6s %6s  exit status:%s (1 = a check failed, as it should)\n" chapter3-multi-router "$fmed" "$fmin" "$fmax" "$frcs"
reset_net

echo
echo "4b. grading a class: 30 copies of Solutions/chapter3-router.sh, 2 at a time (ms)"
subs=$work/subs; mkdir -p "$subs"
for i in $(seq -w 1 30); do cp Solutions/chapter3-router.sh "$subs/learner$i.sh"; done
reset_net
t0=$(now_ns); "$NC" grade chapter3-router "$subs"/*.sh --jobs 2 --out "$work/graded" >/dev/null 2>&1; GRADE_RC=$?
GRADE_MS=$(( ($(now_ns) - t0) / 1000000 ))
# The same scripts replayed alone, each in a sandbox of its own, 2 at a time: what grading costs on top of them.
t0=$(now_ns); ls "$subs"/*.sh | xargs -P 2 -I{} "$NC" sandbox -- /bin/bash {} >/dev/null 2>&1
REPLAY_MS=$(( ($(now_ns) - t0) / 1000000 ))
passed=$(grep -c ',passed,' "$work/graded/class.csv" 2>/dev/null || echo 0)
printf "%-40s %8s  exit status %s, %s of 30 rows passed\n" "netcheck grade --jobs 2" "$GRADE_MS" "$GRADE_RC" "$passed"
printf "%-40s %8s\n" "the scripts alone (netcheck sandbox, -P 2)" "$REPLAY_MS"
reset_net

echo
echo "5. targets (issues 13 and 14)"
mark() { if [ "$(awk "BEGIN{print (($1) ? 1 : 0)}")" = 1 ]; then echo "✓"; else echo "✗"; fi; }
num() { [[ $1 =~ ^[0-9.]+$ ]] && echo "$1" || echo ""; }
target() { printf "  %s  %-66s %s\n" "$1" "$2" "$3"; }
worst=""; worst_id=""
for id in "${!MED[@]}"; do
  [ "$id" = chapter6-dhcp ] && continue
  m=$(num "${MED[$id]}"); [ -n "$m" ] || continue
  if [ -z "$worst" ] || [ "$(awk -v a="$m" -v b="$worst" 'BEGIN{print (a > b)}')" = 1 ]; then worst=$m; worst_id=$id; fi
done
target "$( [ -n "$worst" ] && mark "$worst <= 15" || echo ✗)" "every book exercise but DHCP <= 15 ms median (whole process)" "worst: $worst_id ${worst:-n/a} ms"
d=$(num "$DNAT_MED"); ip1=$(num "$IP_MED")
if [ -n "$d" ] && [ -n "$ip1" ]; then
  r=$(awk -v a="$d" -v b="$ip1" 'BEGIN{printf "%.1f", a/b}')
  target "$(mark "$r <= 5")" "chapter7-dnat <= 5x one \`ip -n router -j addr show\`" "$d ms / $ip1 ms = ${r}x"
else target "✗" "chapter7-dnat <= 5x one \`ip -n router -j addr show\`" "n/a"; fi
r=$(num "${RATIO[chapter7-dnat]%x}")
target "$( [ -n "$r" ] && mark "$r >= 40" || echo ✗)" "chapter7-dnat >= 40x faster than bench/bash/chapter7-dnat.sh" "${RATIO[chapter7-dnat]:-n/a}"
v=$(num "$VERSION_MED"); t=$(num "$TRUE_MED")
if [ -n "$v" ] && [ -n "$t" ]; then
  r=$(awk -v a="$v" -v b="$t" 'BEGIN{printf "%.1f", a/b}')
  target "$(mark "$r <= 3")" "netcheck --version <= 3x /bin/true" "$v ms / $t ms = ${r}x"
else target "✗" "netcheck --version <= 3x /bin/true" "n/a"; fi
target "$(mark "$BOOK_RSS <= 20")" "peak RSS <= 20 MB for the book's exercises" "$BOOK_RSS MB"
big=0; for sh in star star-static chain; do x=$(num "${SCALE_RSS[${sh}128]:-}"); [ -n "$x" ] && big=$(maxf "$x" "$big"); done
if [ -n "${SCALE_RSS[chain128]:-}${SCALE_RSS[star128]:-}" ]; then
  target "$(mark "$big <= 50")" "peak RSS <= 50 MB at 128 namespaces" "$big MB"
else target "✗" "peak RSS <= 50 MB at 128 namespaces" "not run (SCALE_NS has no 128)"; fi
f=$(num "$fmed")
target "$( [ -n "$f" ] && mark "$f <= 1500" || echo ✗)" "a failing run ~ one probe timeout (1000 ms): <= 1.5 s" "${f:-n/a} ms median"
s64=$(num "${SCALE_MED[star64]:-}")
if [ -n "$s64" ]; then
  named=${SCALE_HINT[star64]:-0}
  target "$(mark "$s64 <= 2000 && $named > 0")" "64-host star, ordinary ARP: fails within 2 s, hint names gc_thresh3" \
    "$s64 ms, exit status:${SCALE_RC[star64]}, gc_thresh3 named: $( [ "$named" -gt 0 ] && echo yes || echo no)"
else target "✗" "64-host star, ordinary ARP: fails within 2 s, hint names gc_thresh3" "not run"; fi
s64=$(num "${SCALE_MED[star-static64]:-}")
target "$( [ -n "$s64" ] && mark "$s64 <= 2000" || echo ✗)" "64-host star with permanent neighbours (4,032 probes) passes <= 2 s" "${s64:-n/a} ms"
r=$(awk -v a="$GRADE_MS" -v b="$REPLAY_MS" 'BEGIN{ if (b > 0) printf "%.1f", a/b; else print "" }')
target "$( [ -n "$r" ] && mark "$r <= 2" || echo ✗)" "grading 30 chapter3-router scripts (--jobs 2) <= 2x replaying them" "$GRADE_MS ms / $REPLAY_MS ms = ${r:-n/a}x"
