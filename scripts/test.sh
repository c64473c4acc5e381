#!/usr/bin/env bash
# Builds lwcc and runs every lit suite (check-lwcc). Ends with a line
# "lit: N passed, M failed" and exits non-zero if any test failed.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
bash scripts/build.sh
log=$(mktemp)
status=0
/usr/lib/llvm-22/bin/lit -sv "$BUILD_DIR/test" 2>&1 | tee "$log" || status=$?
passed=$(grep -E '^ *Passed *:' "$log" | grep -oE '[0-9]+' | head -1 || true)
failed=$( (grep -E '^ *(Failed|Unresolved|Timed Out) *:' "$log" || true) | awk -F: '{ split($2, a, " "); s += a[1] } END { print s + 0 }')
rm -f "$log"
echo "lit: ${passed:-0} passed, ${failed:-0} failed"
if [ "${passed:-0}" = "0" ]; then
  echo "lit ran no test" >&2
  exit 1
fi
exit "$status"
