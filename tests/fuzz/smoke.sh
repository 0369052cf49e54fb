#!/bin/sh
# Fuzz smoke run: build the libFuzzer targets, then run each for SECONDS
# (default 8; `make fuzz` passes FUZZ_TIME) over a corpus seeded from
# tests/data and the kept corpus tests/fuzz/corpus/FAMILY, JOBS at a time
# (default 1), printing TAP: `ok N - fuzz_x: N runs, no crash`.
#   tests/fuzz/smoke.sh [SECONDS [JOBS]]
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-8}
jobs=${2:-1}
if ! command -v clang >/dev/null 2>&1; then
	echo "1..0 # SKIP clang not installed"
	exit 0
fi
mkdir -p build && if ! make -s fuzz-build >build/fuzz-build.log 2>&1; then
	cat build/fuzz-build.log
	rm -f build/fuzz-build.log
	echo "not ok 1 - fuzz targets build"
	echo "1..1"
	exit 1
fi
rm -f build/fuzz-build.log
# run_one N BIN: fuzz one target, its TAP line into build/fuzz/N.tap
run_one() {
	name=$(basename "$2")
	fam=${name#fuzz_}
	corpus=build/fuzz/corpus/$fam
	mkdir -p "$corpus"
	# The family's captures, or every capture for the shared layer.
	if [ -d "tests/data/$fam" ]; then
		cp tests/data/"$fam"/*.txt "$corpus"/
	else
		for f in tests/data/*/*.txt; do
			cp "$f" "$corpus/$(basename "$(dirname "$f")")-$(basename "$f")"
		done
	fi
	if [ -d "tests/fuzz/corpus/$fam" ]; then
		cp tests/fuzz/corpus/"$fam"/* "$corpus"/ 2>/dev/null
	fi
	log=build/fuzz/$name.log
	if "$2" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=1024 \
		-timeout=10 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/crash-$fam-" "$corpus" \
		>"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok $1 - $name: ${runs:-?} runs, no crash"
	else
		echo "not ok $1 - $name: crashed (see $log)"
		grep -E 'ERROR|SUMMARY|artifact' "$log" | head -n 5 | sed 's/^/#   /'
	fi >"build/fuzz/$1.tap"
}

n=0
rm -f build/fuzz/*.tap
for bin in build/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	n=$((n + 1))
	run_one "$n" "$bin" &
	[ $((n % jobs)) = 0 ] && wait
done
wait
i=0 fail=0
while [ $i -lt $n ]; do
	i=$((i + 1))
	cat "build/fuzz/$i.tap"
	grep -q '^not ok' "build/fuzz/$i.tap" && fail=1
done
echo "1..$n"
exit $fail
