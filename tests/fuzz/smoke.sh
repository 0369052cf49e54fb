#!/bin/sh
# Fuzz smoke run: build the libFuzzer targets, then run each for SECONDS
# (default 8; `make fuzz` passes FUZZ_TIME) over a corpus seeded from
# tests/data, printing TAP: `ok N - fuzz_x: N runs, no crash`.
#   tests/fuzz/smoke.sh [SECONDS]
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-8}
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
n=0 fail=0
for bin in build/fuzz/fuzz_*; do
	[ -x "$bin" ] || continue
	name=$(basename "$bin")
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
	n=$((n + 1))
	log=build/fuzz/$name.log
	if "$bin" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=1024 \
		-timeout=10 -print_final_stats=1 \
		-artifact_prefix="build/fuzz/crash-$fam-" "$corpus" \
		>"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "ok $n - $name: ${runs:-?} runs, no crash"
	else
		fail=1
		echo "not ok $n - $name: crashed (see $log)"
		grep -E 'ERROR|SUMMARY|artifact' "$log" | head -n 5 | sed 's/^/#   /'
	fi
done
echo "1..$n"
exit $fail
