#!/bin/sh
# The chaos suite: fault and abuse experiments against the real binary,
# each printing one line
#   RESULT <experiment>: <figures> PASS|FAIL
# `make chaos` runs them in full (under 30 minutes on 2 cores); `make
# check` runs the smoke form (--smoke: two kills each, short outages and
# fuzzing, about two minutes; the experiments that are integration tests
# are left to make check's own run of them).  Exit 1 when any failed.
#
#   tests/chaos/run.sh [--smoke] [PATTERN]
cd "$(dirname "$0")/../.." || exit 2
CHAOS_MODE=full pattern='c[0-9]*'
while [ $# -gt 0 ]; do
	case "$1" in
	--smoke) CHAOS_MODE=smoke ;;
	-*) echo "usage: tests/chaos/run.sh [--smoke] [PATTERN]" >&2; exit 2 ;;
	*) pattern="$1*" ;;
	esac
	shift
done
export CHAOS_MODE
export TEST_ROOT=${TEST_ROOT:-$(mktemp -d /tmp/modscan-chaos.XXXXXX)}
OUT=build/chaos
rm -rf "$OUT" && mkdir -p "$OUT"
fail=0
for t in tests/chaos/$pattern.sh; do
	[ -x "$t" ] || continue
	n=$(basename "$t" .sh)
	# Experiments that are an integration test run in make check anyway.
	if [ $CHAOS_MODE = smoke ] && grep -q '^if cases=$(chaos_integration' "$t"; then
		echo "# $n: not in the smoke run (make check runs its test)"
		continue
	fi
	timeout 1800 "$t" >"$OUT/$n.out" 2>&1
	rc=$?
	line=$(grep '^RESULT ' "$OUT/$n.out" | tail -n 1)
	[ -n "$line" ] || line="RESULT $n: no result (exit $rc) FAIL"
	echo "$line"
	case "$line" in *' PASS') ;; *) fail=1; tail -n 20 "$OUT/$n.out" | sed 's/^/#   /' ;; esac
done
exit $fail
