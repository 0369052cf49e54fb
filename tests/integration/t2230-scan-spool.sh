#!/bin/sh
test_description='scan with the database down: spool, then replay exactly once'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

mariadb_start
ccapsim_start --devices 12 --upstreams 6 --seed 9 --latency-ms 250

# Truth records and stored samples as a multiset: one line per channel
# per sweep, so a sample stored twice or lost shows up.
truth_all() {
	awk '$3 != "-" { print $2, $3, $4, $5 }' "$CCAPSIM_TRUTH" | sort
}

db_all() {
	mariadb_sql "SELECT device, upstream, code, modulation FROM
		     modscan.samples" | tr '\t' ' ' | sort
}

status_check() {
	/usr/bin/python3 - run/status.json "$@" <<-\EOP
	import json, sys
	st = json.load(open(sys.argv[1]))
	last = st["last_sweep"]
	want = dict(a.split("=") for a in sys.argv[2:])
	for k, v in want.items():
	    if v == "channels":
	        v = last["channels"]
	    assert last[k] == int(v), (k, v, last)
	EOP
}

# A new second: samples are keyed by channel and scan second.
next_second() {
	now=$(date +%s) &&
	test_wait_for 5 sh -c "test \$(date +%s) -gt $now"
}

test_expect_success 'setup' '
	scan_config &&
	echo SCAN_CONCURRENCY=3 >>scan.conf &&
	modscan maintain --init --config scan.conf >/dev/null
'

test_expect_success 'database down before --once: every sample spooled' '
	mariadb_stop &&
	modscan scan --once -c scan.conf 2>err &&
	test -d run/spool &&
	test -n "$(ls run/spool)" &&
	status_check devices_ok=12 samples_stored=0 samples_spooled=channels &&
	test_grep "store: " scan.log
'

test_expect_success 'database stopped during a sweep' '
	mariadb_restart &&
	next_second &&
	: >scan.log &&
	{ modscan scan --once -c scan.conf 2>err & } &&
	pid=$! &&
	test_wait_for 20 grep -q ": ok, " scan.log &&
	mariadb_stop &&
	wait $pid &&
	grep -c ": ok, " scan.log >n &&
	test "$(cat n)" = 12 &&
	status_check devices_ok=12 &&
	/usr/bin/python3 -c "
import json, sys
t = json.load(open(\"run/status.json\"))[\"total\"]
assert t[\"samples_spooled\"] > 0, t
assert t[\"samples_stored\"] + t[\"samples_spooled\"] >= t[\"channels\"], t
"
'

test_expect_success 'database back: the spool is replayed, every sample once' '
	mariadb_restart &&
	next_second &&
	modscan scan --once -c scan.conf 2>err &&
	status_check devices_ok=12 samples_spooled=0 &&
	test_wait_for 10 sh -c "test -z \"\$(ls run/spool)\"" &&
	truth_all >truth &&
	db_all >stored &&
	test_line_count -gt 150 truth &&
	test_cmp truth stored
'

test_expect_success 'one device-scan row per device per sweep' '
	mariadb_sql "SELECT COUNT(*), COUNT(DISTINCT run_id) FROM
		     modscan.device_scans" >n &&
	printf "36\t3\n" >expect &&
	test_cmp expect n
'

test_done
