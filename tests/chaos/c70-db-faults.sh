#!/bin/sh
# The database killed (-9) mid-sweep and later frozen (SIGSTOP) mid-sweep,
# then back: the scanner lives on with a fresh heartbeat, loses nothing
# and duplicates nothing.
. "$(dirname "$0")/../integration/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-watch.sh"
. "$SRC_DIR/tests/chaos/lib-chaos.sh"

chaos_fleet db-faults
CONF=scan.conf
"$MODSCAN" scan --config scan.conf >>scan.out 2>&1 &
pid=$!
test_atexit "kill $pid"
down=$(chaos_n 30 5)
test_wait_for 60 field_is run/status.json state scanning
mariadb_kill
sleep "$down"
age_killed=$(heartbeat_age_ms)
mariadb_restart || chaos_result db-faults "MariaDB did not restart" 0
test_wait_for 60 field_is run/status.json state scanning
kill -STOP "$(_mariadb_pid)"
sleep "$down"
age_frozen=$(heartbeat_age_ms)
kill -CONT "$(_mariadb_pid)"
drained=0
test_wait_for 180 field_is run/status.json spool_bytes 0 && drained=1
sleep "$(chaos_n 12 2)"	# a sweep straight into the database
alive=0
kill -0 "$pid" && [ "$(status_field run/status.json pid)" = "$pid" ] && alive=1
kill -TERM "$pid"
wait "$pid"
stop_rc=$?
chaos_db_figures
lost=$(status_field run/status.json total.samples_lost)
ok=0
[ "$dups" = 0 ] && [ "$short" = 0 ] && [ "$drained" = 1 ] &&
	[ "$alive" = 1 ] && [ "$lost" = 0 ] && [ "$stop_rc" = 0 ] &&
	[ "$age_killed" -lt 30000 ] && [ "$age_frozen" -lt 30000 ] && ok=1
chaos_result db-faults "killed ${down} s and frozen ${down} s mid-sweep; heartbeat age $age_killed ms (killed), $age_frozen ms (frozen); $samples samples, $dups duplicates, $lost lost; $scans ok device scans stored, $short missing samples; spool drained: $([ $drained = 1 ] && echo yes || echo no)" $ok
