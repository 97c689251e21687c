#!/bin/bash
# Builds dist/netcheck_VERSION_ARCH.deb from a release build (README "Install from the .deb"; `make deb` runs it):
#   packaging/deb/build.sh RELEASE_BINARY MAN_DIR OUTDIR
# The tree is staged by `make install-files` (PREFIX=/usr) in .build-deb/pkg, so the package holds what
# `make install` installs. VERSION is what the binary's --version prints (Netcheck.version, Sources/Grading);
# ARCH is dpkg's. Needs dpkg-dev (dpkg-shlibdeps) and binutils (strip): `make deb-deps`.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 3 ] || { echo "usage: $0 RELEASE_BINARY MAN_DIR OUTDIR" >&2; exit 2; }
binary=$1 man_dir=$2 out=$3
here=packaging/deb
maintainer=${DEB_MAINTAINER:-netcheck maintainers <maintainers@users.noreply.r-seed-a5b91e22.example>}

version=$("$binary" --version)
[[ $version =~ ^[0-9][A-Za-z0-9.+~]*$ ]] || { echo "build.sh: '$version' (from $binary --version) is not a Debian version" >&2; exit 1; }
arch=$(dpkg --print-architecture)
# Timestamps from the last commit, so that two builds of one commit give the same package.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
changelog_date=$(date -u -R -d "@$SOURCE_DATE_EPOCH")
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# The years of the history, for the copyright file's notice.
first_year=$(git log --format=%cd --date=format:%Y 2>/dev/null | tail -n 1)
last_year=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y)
years=${first_year:-$last_year}
[ "$years" = "$last_year" ] || years="$years-$last_year"

# The runtime must be inside the binary: nothing from a Swift toolchain may be loaded.
needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
if grep -Ei '^lib(swift|foundation|_foundation|dispatch|blocksruntime|icu)' <<<"$needed"; then
  echo "build.sh: $binary loads the libraries above from the Swift toolchain; build it with --static-swift-stdlib (make release)" >&2
  exit 1
fi
if readelf -d "$binary" | grep -Eq '\((RPATH|RUNPATH)\)'; then
  echo "build.sh: $binary has an RPATH/RUNPATH; build it with --disable-local-rpath (make release)" >&2
  exit 1
fi
# No product module imports Foundation (ProductTests): were it linked in, ICU's 30 MB of data would come with it.
if nm --defined-only "$binary" | grep -Eq ' icudt[0-9]+_dat$'; then
  echo "build.sh: $binary carries ICU's data (Foundation is linked in): a product module imports Foundation" >&2
  exit 1
fi

stage=.build-deb/pkg/netcheck
rm -rf "$stage"
mkdir -p "$stage"
stage=$(cd "$stage" && pwd)
make -s --no-print-directory install-files DESTDIR="$stage" PREFIX=/usr RELEASE_BIN="$binary" MAN_DIR="$man_dir" \
  ZSH_COMPLETIONS="$stage/usr/share/zsh/vendor-completions"

# What dh_strip and dh_compress would do: no symbols or debug info (33 MB → 17 MB), man page and changelog
# compressed without timestamps.
strip --remove-section=.comment --remove-section=.note "$stage/usr/bin/netcheck"
# bash-completion sources the file: a #! line in it only makes lintian warn.
sed -i '1{/^#!/d}' "$stage/usr/share/bash-completion/completions/netcheck"
gzip -9n "$stage/usr/share/man/man1/netcheck.1"
doc=$stage/usr/share/doc/netcheck
install -d "$doc"
printf 'netcheck (%s) unstable; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
  "$version" "$commit" "$maintainer" "$changelog_date" | gzip -9n > "$doc/changelog.gz"

{
  cat <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: netcheck

Files: *
Copyright: $years the netcheck maintainers
License: none-stated

Files: usr/bin/netcheck
Copyright: $years the netcheck maintainers;
           Apple Inc. and the Swift project authors
License: none-stated and Apache-2.0-with-Runtime-Library-Exception
Comment: netcheck, linked statically with the Swift standard library and
 runtime, Dispatch, FoundationEssentials and swift-argument-parser.

License: none-stated
 The netcheck sources do not state a license yet.

License: Apache-2.0-with-Runtime-Library-Exception
 Licensed under the Apache License, Version 2.0, with the Runtime Library
 Exception below. On Debian systems, the full text of the Apache License,
 Version 2.0 can be found in \`/usr/share/common-licenses/Apache-2.0'.
 .
 Runtime Library Exception to the Apache 2.0 License: As an exception, if you
 use this Software to compile your source code and portions of this Software
 are embedded into the binary product as a result, you may redistribute such
 product without providing attribution as would otherwise be required by
 Sections 4(a), 4(b) and 4(d) of the License.
COPYRIGHT
} > "$doc/copyright"
chmod 644 "$doc/copyright" "$doc/changelog.gz"

# Depends of the libraries, as dpkg-shlibdeps finds them (it wants a debian/control to read).
shlib_work=$(mktemp -d)
trap 'rm -rf "$shlib_work"' EXIT
mkdir "$shlib_work/debian"
printf 'Source: netcheck\n\nPackage: netcheck\nArchitecture: any\n' > "$shlib_work/debian/control"
shlibs=$(cd "$shlib_work" && dpkg-shlibdeps -O "$stage/usr/bin/netcheck" | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "build.sh: dpkg-shlibdeps found no library dependencies" >&2; exit 1; }

install -d -m 755 "$stage/DEBIAN"
installed_size=$(du -sk --apparent-size "$stage/usr" | cut -f1)
grep -v '^#' "$here/control.in" | sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$maintainer|" \
  -e "s|@INSTALLED_SIZE@|$installed_size|" -e "s|@SHLIBS@|$shlibs|" > "$stage/DEBIAN/control"
(cd "$stage" && find usr -type f -print0 | LC_ALL=C sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
chmod 644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
find "$stage" -type d -exec chmod 755 {} +
find "$stage" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

mkdir -p "$out"
deb=$out/netcheck_${version}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb: $(du -h "$deb" | cut -f1) (installed $((installed_size / 1024)) MiB)"
echo "NEEDED: $(tr '\n' ' ' <<<"$needed")"
echo "Depends: $(dpkg-deb -f "$deb" Depends)"
