#!/bin/sh
# kill -9 of the scanner at random moments while it spools (database down,
# 30 times; smoke: 3) and while it replays the spool (database back, as
# many): nothing duplicated, every stored device scan whole, the spool
# drained at the end.
. "$(dirname "$0")/../integration/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-watch.sh"
. "$SRC_DIR/tests/chaos/lib-chaos.sh"

chaos_fleet kill-spool
kills=$(chaos_n 30 2)
mariadb_stop
chaos_kills "$kills" 1 "$(chaos_n 8 5)"
spooled=$(du -sb run/spool | cut -f1)
mariadb_restart || chaos_result kill-spool "MariaDB did not restart" 0
# replay starts as soon as a scanner finds the database: kill it early
chaos_kills "$kills" 1 4
"$MODSCAN" scan --config scan.conf >>scan.out 2>&1 &
pid=$!
CONF=scan.conf
drained=0
test_wait_for 120 field_is run/status.json spool_bytes 0 && drained=1
kill -TERM "$pid"
wait "$pid"
stop_rc=$?
chaos_db_figures
ok=0
[ "$dups" = 0 ] && [ "$short" = 0 ] && [ "$drained" = 1 ] &&
	[ "$scans" -gt 0 ] && [ "$stop_rc" = 0 ] && ok=1
chaos_result kill-spool "$kills kill -9s spooling ($spooled bytes spooled), $kills replaying; $samples samples, $dups duplicates; $scans ok device scans stored, $short missing samples; spool drained: $([ $drained = 1 ] && echo yes || echo no)" $ok
