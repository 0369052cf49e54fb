#!/bin/sh
# The parser fuzzers, 10 minutes each (smoke: 5 s), two at a time, over
# tests/data and the kept corpus tests/fuzz/corpus: no crash.
. "$(dirname "$0")/../integration/test-lib.sh"
. "$SRC_DIR/tests/chaos/lib-chaos.sh"

secs=$(chaos_n 600 5)
cd "$SRC_DIR" || exit 2
tests/fuzz/smoke.sh "$secs" 2 >"$TRASH/fuzz.tap" 2>&1
rc=$?
# "ok 1 - fuzz_casa: 1923 runs, no crash" -> "casa 1923 runs"
figures=$(sed -n 's/^\(not \)\{0,1\}ok [0-9]* - fuzz_\([a-z0-9]*\): \([0-9?]* runs\).*/\2 \3/p' \
	"$TRASH/fuzz.tap" | paste -sd, - | sed 's/,/, /g')
crashed=$(grep -c '^not ok' "$TRASH/fuzz.tap")
if grep -q '^1\.\.0' "$TRASH/fuzz.tap"; then
	chaos_result fuzz "$(cat "$TRASH/fuzz.tap")" 0
fi
[ $rc = 0 ] && ok=1 || ok=0
chaos_result fuzz "$secs s each: $figures; $crashed crashed" $ok
