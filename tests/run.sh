#!/bin/bash
# Run the whole suite: unit tests (sanitizer build), integration tests on
# the static binary and on the sanitizer build, the fuzz smoke runs and
# the chaos suite's smoke run (tests/chaos/run.sh --smoke).
# Counts every test case and ends with one line "N passed, N failed".
#
#   tests/run.sh [--unit] [--asan-only] [--static-only] [PATTERN]
set -u
cd "$(dirname "$0")/.." || exit 2
SRC=$(pwd)

do_unit=1 do_integ=1 do_fuzz=1 do_chaos=1 flavors="static asan" pattern='t[0-9]*'
while [ $# -gt 0 ]; do
	case "$1" in
	--unit) do_integ=0 do_fuzz=0 do_chaos=0 ;;
	--asan-only) flavors=asan ;;
	--static-only) flavors=static ;;
	--no-fuzz) do_fuzz=0 ;;
	--no-chaos) do_chaos=0 ;;
	-*) echo "usage: tests/run.sh [--unit] [--asan-only] [--static-only] [--no-fuzz] [--no-chaos] [PATTERN]" >&2; exit 2 ;;
	*) pattern="$1*" do_chaos=0 ;;
	esac
	shift
done

OUT=$SRC/build/test-results
rm -rf "$OUT" && mkdir -p "$OUT"
export TEST_ROOT=${TEST_ROOT:-$(mktemp -d /tmp/modscan-test.XXXXXX)}
JOBS=${TEST_JOBS:-$(($(nproc) * 2))}
passed=0 failed=0 skipped=0
failures=()

# count FILE NAME: add the TAP results of FILE to the totals.  A plan of
# "1..0 # skip REASON" (the whole file skipped) counts as one skip.
count() {
	local f=$1 name=$2 rc=$3 p n s why=
	p=$(grep -c '^ok ' "$f")
	s=$(grep -c '^ok .*# skip' "$f")
	n=$(grep -c '^not ok ' "$f")
	p=$((p - s))
	if grep -qi '^1\.\.0 *# *skip' "$f"; then
		s=$((s + 1))
		why=$(sed -n 's/^1\.\.0 *# *[Ss][Kk][Ii][Pp]:* *//p' "$f" | head -n 1)
		why=" (all: ${why:-no reason given})"
	fi
	if [ "$rc" != 0 ] && [ "$n" = 0 ]; then
		n=1	# died without saying which case failed
	fi
	if ! grep -q '^1\.\.[0-9]' "$f" && [ "$n" = 0 ]; then
		n=1	# no plan: it stopped early
	fi
	passed=$((passed + p)) failed=$((failed + n)) skipped=$((skipped + s))
	if [ "$n" != 0 ]; then
		failures+=("$name")
	fi
	printf '%-48s %4d passed %3d failed%s%s\n' "$name" "$p" "$n" \
		"$([ "$s" != 0 ] && echo " $s skipped")" "$why"
}

if [ $do_unit = 1 ]; then
	for t in build/asan/tests/t_*; do
		[ -x "$t" ] || continue
		name=unit/$(basename "$t")
		ASAN_OPTIONS=detect_leaks=1 "$t" >"$OUT/${name//\//_}.out" 2>&1
		count "$OUT/${name//\//_}.out" "$name" $?
	done
fi

if [ $do_integ = 1 ]; then
	for flavor in $flavors; do
		case $flavor in
		static) bin=$SRC/modscan ;;
		asan) bin=$SRC/build/asan/modscan ;;
		esac
		mkdir -p "$OUT/$flavor"
		ls tests/integration/$pattern.sh 2>/dev/null |
		xargs -r -P "$JOBS" -I{} sh -c '
			t={}; n=$(basename "$t" .sh)
			MODSCAN='"$bin"' MODSCAN_FLAVOR='"$flavor"' \
				timeout 600 "$t" >"'"$OUT/$flavor"'/$n.out" 2>&1
			echo $? >"'"$OUT/$flavor"'/$n.rc"'
		for f in "$OUT/$flavor"/*.out; do
			[ -f "$f" ] || continue
			n=$(basename "$f" .out)
			count "$f" "$flavor/$n" "$(cat "$OUT/$flavor/$n.rc")"
		done
	done
fi

if [ $do_fuzz = 1 ] && [ -x tests/fuzz/smoke.sh ]; then
	tests/fuzz/smoke.sh >"$OUT/fuzz.out" 2>&1
	count "$OUT/fuzz.out" fuzz/smoke $?
fi

# Each RESULT line of the chaos smoke run is one case; the rest are notes.
if [ $do_chaos = 1 ] && [ -x tests/chaos/run.sh ]; then
	tests/chaos/run.sh --smoke >"$OUT/chaos.raw" 2>&1
	rc=$?
	awk '/^RESULT / { n++; s = substr($0, 8)
			  print ($NF == "PASS" ? "ok " : "not ok ") n " - " s
			  next }
	     { print "# " $0 }
	     END { print "1.." n }' "$OUT/chaos.raw" >"$OUT/chaos.out"
	count "$OUT/chaos.out" chaos/smoke $rc
fi

for name in "${failures[@]}"; do
	f=$OUT/${name//\//_}.out
	[ -f "$f" ] || f=$OUT/$name.out
	echo
	echo "=== $name"
	grep -v '^ok ' "$f" | tail -n 60
done
echo
echo "$passed passed, $failed failed$([ $skipped != 0 ] && echo ", $skipped skipped")"
[ $failed = 0 ] && [ $passed -gt 0 ]
