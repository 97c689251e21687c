#!/bin/bash
# Installs a netcheck .deb into a fresh Debian root without Swift, runs it there, purges it, and checks that nothing
# of it is left (`make deb-test`; README "Install from the .deb"). Root.
#   packaging/deb/chroot-test.sh [--suite SUITE] [--mirror URL] DEB
#
# The root: `debootstrap --variant=minbase` of the host's Debian release (VERSION_CODENAME in /etc/os-release) from
# the mirror the host's apt uses (/etc/apt/sources.list, /etc/apt/sources.list.d/*.list and *.sources), with the
# package's Depends included, so that `dpkg -i` finds them and nothing but the Debian archive is needed. It is made
# once and kept in .build-deb/roots/ under a name that says what went into it (suite, architecture, mirror,
# Depends); a run never writes to it: the run's root is an overlay on it whose upper layer is a tmpfs.
#
# Mounts: everything (the overlay, /proc, /sys, /dev, /run, /tmp of the root, and what debootstrap mounts) happens
# in a mount namespace of its own (unshare --mount, propagation private), so nothing is mounted on the host, and
# whatever happens, the mounts end with that namespace; the trap unmounts them in order all the same, and at the
# end the host's mount table is checked for anything under .build-deb.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
top=$repo/.build-deb

say() { printf 'deb-test: %s\n' "$*"; }
die() { printf 'deb-test: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------------------------
# Inside the private mount namespace: chroot-test.sh --inside BASE DEB VERSION
if [ "${1:-}" = --inside ]; then
  base=$2 deb=$3 version=$4
  run_dir=$top/run
  root=$run_dir/root
  mounted=()
  unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
      umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || echo "deb-test: cannot unmount ${mounted[i]}" >&2
    done
    mounted=()
  }
  trap unmount_all EXIT
  mnt() { mount "$@"; mounted+=("${*: -1}"); }

  mkdir -p "$run_dir"
  mnt -t tmpfs -o size=2g,mode=755 netcheck-deb-test "$run_dir"
  mkdir "$run_dir/upper" "$run_dir/work" "$root"
  mnt -t overlay netcheck-deb-root -o "lowerdir=$base,upperdir=$run_dir/upper,workdir=$run_dir/work" "$root"
  mnt -t proc proc "$root/proc"
  mnt -t sysfs sysfs "$root/sys"
  mnt --bind /dev "$root/dev"
  mnt -t tmpfs -o mode=755 run "$root/run"
  mnt -t tmpfs -o mode=1777 tmp "$root/tmp"
  cp "$deb" "$root/tmp/netcheck.deb"

  # A clean environment: no PATH entry or variable of the host's (no Swift toolchain) reaches the root.
  in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb "$@"; }
  failures=0
  fail() { echo "deb-test: FAIL: $*" >&2; failures=$((failures + 1)); }
  pass() { echo "deb-test: ok: $*"; }
  out=$run_dir/out
  # expect DESCRIPTION PATTERN COMMAND...: COMMAND exits 0 and its output has a line matching PATTERN (grep -E).
  expect() {
    local what=$1 pattern=$2 status=0
    shift 2
    in_root "$@" >"$out" 2>&1 || status=$?
    if [ "$status" -ne 0 ]; then
      fail "$what: \`$*\` exited $status"; sed 's/^/    /' "$out" | tail -n 40 >&2
    elif ! grep -Eq -- "$pattern" "$out"; then
      fail "$what: \`$*\` printed no line matching /$pattern/"; sed 's/^/    /' "$out" | tail -n 40 >&2
    else
      pass "$what"
    fi
  }
  # Every file and folder of the root but the mounted ones, and dpkg's own journal and backups.
  tree() {
    in_root find / -xdev \( -path /var/log -o -path /var/cache -o -path '/var/lib/dpkg/*-old' -o -path /var/lib/dpkg/triggers \) \
      -prune -o -print | LC_ALL=C sort
  }

  [ -z "$(in_root find / -xdev -name 'libswift*' -print -quit)" ] || die "the root has Swift libraries: it must not"
  in_root sh -c 'command -v swift' >/dev/null && die "the root has a swift command: it must not"
  tree >"$run_dir/before"

  in_root dpkg -i /tmp/netcheck.deb >"$out" 2>&1 || { cat "$out" >&2; die "dpkg -i failed (are the Depends in the root?)"; }
  pass "dpkg -i netcheck.deb"
  in_root dpkg-query -L netcheck | grep -vx /. | LC_ALL=C sort >"$run_dir/files"   # its first line is "/."
  for f in /usr/bin/netcheck /usr/share/netcheck/Exercises/chapter3-router.json /usr/share/netcheck/Solutions/chapter3-router.sh \
           /usr/share/netcheck/Messages/en.json /usr/share/netcheck/Messages/ja.json /usr/share/man/man1/netcheck.1.gz \
           /usr/share/bash-completion/completions/netcheck /usr/share/zsh/vendor-completions/_netcheck \
           /usr/share/fish/vendor_completions.d/netcheck.fish; do
    if grep -qxF "$f" "$run_dir/files" && in_root test -f "$f"; then pass "installed $f"; else fail "$f is not installed by the package"; fi
  done

  # The dynamic linker finds every library in the root (from the package's Depends), none of them Swift's.
  in_root ldd /usr/bin/netcheck >"$out" 2>&1 || fail "ldd /usr/bin/netcheck exited $?"
  if grep -q 'not found' "$out"; then fail "libraries missing in the root:"; grep 'not found' "$out" >&2
  elif grep -Eiq 'swift|foundation|icu' "$out"; then fail "netcheck loads Swift libraries:"; cat "$out" >&2
  else pass "ldd: $(awk '{print $1}' "$out" | tr '\n' ' ')"; fi

  expect "--version prints the package's version" "^${version//./\\.}\$" netcheck --version
  expect "list finds the exercises in /usr/share/netcheck" '^chapter3-router ' netcheck list
  # The list's header line is the catalogue's alone (the titles below are in the exercise files): in Japanese
  # only when netcheck found /usr/share/netcheck/Messages/ja.json.
  header_en=$(in_root netcheck list 2>/dev/null | head -n 1) || true
  header_ja=$(in_root netcheck list --lang ja 2>/dev/null | head -n 1) || true
  if [ -n "$header_ja" ] && [ "$header_ja" != "$header_en" ]; then pass "list --lang ja finds the Japanese catalogue ($header_ja)"
  else fail "list --lang ja prints the header '$header_ja' (English: '$header_en'): Messages/ja.json not found"; fi
  expect "show draws chapter3-router" '^chapter3-router: ' netcheck show chapter3-router
  expect "lint of an installed exercise and catalogue" 'chapter3-router\.json: ok \([0-9]+ checks\)' \
    netcheck lint /usr/share/netcheck/Exercises/chapter3-router.json /usr/share/netcheck/Messages/ja.json
  expect "demo chapter3-router passes in its sandbox" '^([0-9]+)/\1 checks passed' netcheck demo chapter3-router --format text
  expect "the bash completion loads" '^complete .* netcheck$' bash -c '. /usr/share/bash-completion/completions/netcheck && complete -p netcheck'
  expect "the man page is a man page" '^\.(TH|Dt) "?NETCHECK' sh -c 'zcat /usr/share/man/man1/netcheck.1.gz'

  in_root dpkg --purge netcheck >"$out" 2>&1 || { cat "$out" >&2; fail "dpkg --purge netcheck failed"; }
  if in_root dpkg-query -W -f='${db:Status-Status}' netcheck 2>/dev/null | grep -qv '^not-installed$'; then
    fail "dpkg still knows netcheck after --purge"
  else
    pass "dpkg --purge netcheck"
  fi
  # What the package put there (dpkg -L, minus the folders that were there before) is gone, and the root is as
  # it was before the install.
  left=$(comm -23 "$run_dir/files" "$run_dir/before" | while read -r f; do in_root test -e "$f" -o -L "$f" && echo "$f"; done || true)
  if [ -n "$left" ]; then fail "left after the purge:"; echo "$left" | sed 's/^/    /' >&2
  else pass "none of the $(comm -23 "$run_dir/files" "$run_dir/before" | wc -l) paths the package added is left"; fi
  tree >"$run_dir/after"
  if ! diff -u "$run_dir/before" "$run_dir/after" >"$out"; then fail "the root differs from before the install:"; sed 's/^/    /' "$out" | head -n 40 >&2
  else pass "the root is as before the install"; fi

  unmount_all
  [ "$failures" -eq 0 ] || die "$failures check(s) failed"
  exit 0
fi

# ---------------------------------------------------------------------------------------------------------------
# On the host.
suite="" mirror=${DEB_MIRROR:-}
while [ $# -gt 0 ]; do
  case $1 in
    --suite) suite=$2; shift 2 ;;
    --mirror) mirror=$2; shift 2 ;;
    -*) die "unknown option $1" ;;
    *) break ;;
  esac
done
[ $# -eq 1 ] || die "usage: $0 [--suite SUITE] [--mirror URL] DEB"
deb=$1
[ -f "$deb" ] || die "no package '$deb' (make deb)"
deb=$(cd "$(dirname "$deb")" && pwd)/$(basename "$deb")
[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot and mounts)"
for tool in debootstrap unshare chroot dpkg-deb; do command -v "$tool" >/dev/null || die "no $tool (make deb-test installs it)"; done

if [ -z "$suite" ]; then
  suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  [ -n "$suite" ] || die "no VERSION_CODENAME in /etc/os-release: pass --suite"
fi

# The first enabled `deb` source of the host's apt with SUITE and component main, as "URI KEYRING" (KEYRING: its
# Signed-By file, or -).
host_source() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v suite="$1" '
      { sub(/#.*/, "") }
      $1 == "deb" {
        keyring = "-"; i = 2
        if ($2 ~ /^\[/) {
          while (i <= NF) {
            if ($i ~ /^\[?signed-by=/) { k = $i; sub(/^\[?signed-by=/, "", k); sub(/\]$/, "", k); keyring = k }
            if ($i ~ /\]$/) { i++; break }
            i++
          }
        }
        if ($(i + 1) != suite) next
        for (j = i + 2; j <= NF; j++) if ($j == "main") { print $i, keyring; exit }
      }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$1" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " suite " ") && (" " comps " ") ~ / main /) {
          split(uris, u, " "); print u[1], (keyring == "" ? "-" : keyring); found = 1; exit
        }
        types = uris = suites = comps = keyring = enabled = ""
      }
      /^#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]/ { next }
      {
        field = tolower($1); sub(/:$/, "", field); value = $0; sub(/^[^:]*:[ \t]*/, "", value)
        if (field == "types") types = value; else if (field == "uris") uris = value
        else if (field == "suites") suites = value; else if (field == "components") comps = value
        else if (field == "enabled") enabled = tolower(value)
        else if (field == "signed-by" && value ~ /^\//) keyring = value
      }
      END { if (!found) flush() }' "$f"
  done | head -n 1
}

keyring=-
if [ -z "$mirror" ]; then
  read -r mirror keyring < <(host_source "$suite") || true
  [ -n "$mirror" ] || die "the host's apt has no 'deb' source for $suite main (/etc/apt/sources.list*): pass --mirror URL"
fi
arch=$(dpkg --print-architecture)
version=$(dpkg-deb -f "$deb" Version)
[ "$(dpkg-deb -f "$deb" Architecture)" = "$arch" ] || die "$deb is not for $arch"
# The package's Depends, first alternatives, without versions: what debootstrap adds to minbase.
includes=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/:any//' -e 's/[[:space:]]//g' \
  | grep . | LC_ALL=C sort -u | paste -sd, -)
key=$(printf '%s\n' "$suite" "$arch" "$mirror" minbase "$includes" | sha256sum | cut -c1-12)
base=$top/roots/$suite-$arch-$key

mounted_under() { awk -v top="$1" '$5 == top || index($5, top "/") == 1 { print $5 }' /proc/self/mountinfo; }
cleanup() {
  # The namespaces take their mounts with them; this only catches what should never happen.
  local m
  for m in $(mounted_under "$top" | sort -r); do echo "deb-test: unmounting $m left on the host" >&2; umount -l "$m" || true; done
}
trap cleanup EXIT

mkdir -p "$top/roots"
if [ ! -f "$base/.netcheck-root" ]; then
  [ -z "$(mounted_under "$top/roots")" ] || die "something is mounted under $top/roots; not touching it"
  # Roots made for other Depends or mirrors are not needed any more.
  rm -rf --one-file-system "$top/roots/"*
  say "debootstrap $suite ($arch, minbase + $includes) from $mirror into $base (once; cached)"
  start=$SECONDS
  opts=(--variant=minbase "--include=$includes")
  [ "$keyring" != - ] && [ -f "$keyring" ] && opts+=("--keyring=$keyring")
  if ! unshare --mount --propagation private debootstrap "${opts[@]}" "$suite" "$base.tmp" "$mirror" >"$top/debootstrap.log" 2>&1; then
    tail -n 30 "$top/debootstrap.log" >&2
    die "debootstrap failed (log: $top/debootstrap.log)"
  fi
  # No service starts in the root; the downloaded packages are not kept.
  printf '#!/bin/sh\nexit 101\n' >"$base.tmp/usr/sbin/policy-rc.d" && chmod 755 "$base.tmp/usr/sbin/policy-rc.d"
  rm -f "$base.tmp"/var/cache/apt/archives/*.deb
  printf 'suite=%s arch=%s mirror=%s includes=%s\n' "$suite" "$arch" "$mirror" "$includes" >"$base.tmp/.netcheck-root"
  mv "$base.tmp" "$base"
  say "root made in $((SECONDS - start)) s"
else
  say "cached root $base ($suite, $arch, from $mirror)"
fi

status=0
unshare --mount --propagation private bash "$repo/packaging/deb/chroot-test.sh" --inside "$base" "$deb" "$version" || status=$?
left=$(mounted_under "$top")
[ -z "$left" ] || { echo "deb-test: FAIL: mounts left on the host: $left" >&2; status=1; }
[ "$status" -eq 0 ] && say "passed: $(basename "$deb") installs, runs and purges cleanly in a fresh $suite root"
exit "$status"
