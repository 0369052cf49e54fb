#!/bin/sh
# kill -9 of a continuous scanner at random moments (30 times; smoke: 3)
# while a reader hammers its status file: no duplicate sample, every
# device scan the database holds has all its samples, no torn status read.
. "$(dirname "$0")/../integration/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$SRC_DIR/tests/chaos/lib-chaos.sh"

chaos_fleet kill-scan

/usr/bin/python3 "$SRC_DIR/tests/chaos/status-reader.py" run/status.json \
	reader.stop >reader.out &
reader=$!
kills=$(chaos_n 30 2)
# at random moments: starting, mid-sweep or idle
chaos_kills "$kills" 1 "$(chaos_n 8 5)"
# a last, clean run that replays what was spooled
"$MODSCAN" scan --config scan.conf >>scan.out 2>&1 &
pid=$!
sleep "$(chaos_n 15 8)"
kill -TERM "$pid"
wait "$pid"
stop_rc=$?
touch reader.stop
wait "$reader"

chaos_db_figures
logged=$(grep -c ": ok, [0-9]* channels" scan.log)
eval "$(tr ' ' '\n' <reader.out)"
ok=0
[ "$dups" = 0 ] && [ "$short" = 0 ] && [ "$torn" = 0 ] &&
	[ "$scans" -gt 0 ] && [ "$stop_rc" = 0 ] && ok=1
chaos_result kill-scan "$kills kill -9s; $samples samples, $dups duplicates; $scans ok device scans stored ($logged logged), $short missing samples; $reads status reads, $torn torn" $ok
