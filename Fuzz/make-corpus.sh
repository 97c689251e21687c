#!/bin/bash
# Writes the seed corpus under Fuzz/corpus/<fuzzer>/ from the tests' fixtures (real netlink messages, frames of
# every kind TcpdumpFormat renders, DHCP included), the shipped exercise files and the hand-written Fuzz/seeds/.
# Run from anywhere; rerun when fixtures change and commit the result. SCRATCH picks the build folder (default .build).
set -euo pipefail
cd "$(dirname "$0")/.."
SWIFT=${SWIFT:-$(command -v swift || echo /opt/swift/usr/bin/swift)}
SCRATCH=${SCRATCH:-.build}
out=Fuzz/corpus
rm -rf "$out/FrameFuzzer" "$out/NetlinkFuzzer" "$out/ExerciseFuzzer"
mkdir -p "$out/ExerciseFuzzer"
"$SWIFT" build --build-tests --scratch-path "$SCRATCH"
NETCHECK_FUZZ_CORPUS="$PWD/$out" "$SWIFT" test --skip-build --scratch-path "$SCRATCH" --filter FuzzCorpusExport
cp Exercises/*.json "$out/ExerciseFuzzer/"
# Hand-written hostile files (issue 11): keys spelled two ways, U+0000, numbers out of range, surrogates, control
# characters and megabyte-like ids that error messages would quote.
cp Fuzz/seeds/ExerciseFuzzer/*.json "$out/ExerciseFuzzer/"
for d in "$out"/*/; do echo "$d: $(ls "$d" | wc -l) files"; done
