#!/bin/bash
# Grades one learner's submission for GitHub Classroom: the commands of the step `netcheck` of classroom.yml (which
# runs this file), tested by Tests/IntegrationTests/ClassroomTests.swift. See README.md beside it.
#
#   EXERCISE     the exercise, e.g. chapter3-router (required)
#   SUBMISSION   the learner's script, pasted terminal or folder (default: submission.sh)
#   NETCHECK     the netcheck to run (default: netcheck, as the .deb installs it)
#   OUT          where the grade's files go (default: a new folder in $RUNNER_TEMP, else in /tmp)
#
# Appends `result=BASE64` to $GITHUB_OUTPUT: the learner's classroom.json (ClassroomWriter), which the reporter reads
# from NETCHECK_RESULTS. Exits 0 when the learner passed and when they did not, so that the reporter runs and gives
# the points; exits with netcheck's status when netcheck could not grade at all (2: usage or exercise file, 3: the
# machine), which is the instructor's to fix, not the learner's zero.
set -uo pipefail
: "${EXERCISE:?set EXERCISE to the exercise, e.g. chapter3-router}"
: "${GITHUB_OUTPUT:?set GITHUB_OUTPUT to the file the step output goes to}"
SUBMISSION=${SUBMISSION:-submission.sh}
NETCHECK=${NETCHECK:-netcheck}
OUT=${OUT:-$(mktemp -d "${RUNNER_TEMP:-/tmp}/netcheck-grades.XXXXXX")}

# The runner's user has sudo; the tests (and a root shell) do not need it.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

status=0
as_root "$NETCHECK" grade "$EXERCISE" "$SUBMISSION" --out "$OUT" --also classroom || status=$?
if [ "$status" -gt 1 ]; then
  echo "netcheck could not grade (status $status): see the lines above" >&2
  exit "$status"
fi

# One submission: one learner folder under $OUT with its classroom.json.
results=("$OUT"/*/classroom.json)
if [ "${#results[@]}" -ne 1 ] || [ ! -f "${results[0]}" ]; then
  echo "expected one classroom.json under $OUT, found: ${results[*]}" >&2
  exit 3
fi
echo "result=$(base64 -w0 "${results[0]}")" >> "$GITHUB_OUTPUT"
echo "netcheck: ${results[0]} (class table: $OUT/class.md)"
exit 0
