#!/bin/sh
test_description='scan SCAN_SHARED: three scanners share one fleet, once per interval, evenly; kill -9 and SIGTERM hand over'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-shared.sh"

mariadb_start
ccapsim_start --devices 60 --family mix --upstreams 2 --seed 27

# SCAN_INTERVAL 12 s, CHECK_INTERVAL 1 s: an instance lapses 3 s after its
# last renewal, a device waits 2 s for its preferred instance, a lease
# lasts DEVICE_TIMEOUT + 2 + 10 = 17 s.
IV=12000
shared_atexit scan-a scan-b scan-c
CHECK=$SHARED_CHECK

dump_scans() {
	mariadb_sql "SELECT device, instance, started_ms FROM
		     modscan.device_scans ORDER BY started_ms" >scans
}

test_expect_success 'setup: three instances of one fleet' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	cut -d" " -f1 "$CCAPSIM_INV" | sort >devices &&
	test_line_count = 60 devices &&
	for i in scan-a scan-b scan-c; do
		shared_conf $i SCAN_INTERVAL=12 DEVICE_TIMEOUT=5 || exit 1
	done &&
	shared_start scan-a && shared_start scan-b && shared_start scan-c &&
	test_wait_for 60 shared_live 3 &&
	now_ms >t0
'

# fleet.state: one "I" line per instance (lib/fleetview.h)
view_has() {
	test "$(grep -c "^I	" run-scan-a/fleet.state)" = "$1"
}

test_expect_success 'membership: one row each, with its groups and pid; the fleet view beside the status' '
	mariadb_sql "SELECT name, groups, pid, stopped, lapse_ms FROM
		     modscan.scan_instances ORDER BY name" >members &&
	printf "scan-a\t\t%s\t0\t3000\nscan-b\t\t%s\t0\t3000\nscan-c\t\t%s\t0\t3000\n" \
		$(cat scan-a.pid scan-b.pid scan-c.pid) >expect &&
	test_cmp expect members &&
	test_wait_for 30 view_has 3
'

test_expect_success 'three intervals: every device once in each, counting across instances' '
	t0=$(cat t0) &&
	t1=$((t0 + 3 * IV + 2000)) &&
	test_wait_for 120 scanned_after $t1 &&
	echo $t1 >t1 &&
	dump_scans &&
	/usr/bin/python3 "$CHECK" once scans $IV $t0 $t1 >out &&
	cat out &&
	test_grep "^devices 60 occurrences" out &&
	/usr/bin/python3 "$CHECK" truth "$CCAPSIM_TRUTH" $IV $t0 $t1 \
		devices >out &&
	cat out &&
	test_grep "^devices 60 " out
'

test_expect_success 'device_scans.instance names the scanner of each scan' '
	mariadb_sql "SELECT DISTINCT instance FROM modscan.device_scans
		     ORDER BY instance" >names &&
	printf "scan-a\nscan-b\nscan-c\n" >expect &&
	test_cmp expect names
'

# The 60 device names of seed 27 split 22/17/21 over the three names by
# rendezvous (computed by shared-check.py prefer).  Binomial(60, 1/3) has
# sd 3.65: a draw of a fair split lies within 20 +- 8 (2.2 sd) 97% of the
# time, and these names do.  Most scans must be by the preferred instance:
# only a device its preferred one did not take within 2 s goes elsewhere.
test_expect_success 'the work spreads evenly, by rendezvous' '
	/usr/bin/python3 "$CHECK" prefer $IV devices scan-a scan-b scan-c |
		cut -d" " -f2 | sort | uniq -c | sed "s/^ *//" >split &&
	cat split &&
	while read -r n name; do
		test "$n" -ge 12 && test "$n" -le 28 || exit 1
	done <split &&
	/usr/bin/python3 "$CHECK" spread scans $(cat t0) $(cat t1) \
		scan-a scan-b scan-c >spread &&
	cat spread &&
	test "$(sed -n "s/^agree //p" spread)" -ge 90 &&
	while read -r name n; do
		test "$name" = agree || test "$n" -ge 24 || exit 1
	done <spread
'

test_expect_success 'kill -9 of one: its devices go to the others within 2 intervals, none twice' '
	kill -9 $(cat scan-b.pid) &&
	tk=$(now_ms) &&
	echo $tk >tk &&
	test_wait_for 120 scanned_after $((tk + 2 * IV + 2000)) &&
	dump_scans &&
	/usr/bin/python3 "$CHECK" takeover scans scan-b $tk $((2 * IV)) &&
	/usr/bin/python3 "$CHECK" once scans $IV $(cat t0) $((tk + 2 * IV)) &&
	test_grep "scan-b" scan-a.log &&
	test_grep "leases: 2 live scanners: scan-a, scan-c" scan-a.log
'

test_expect_success 'SIGTERM: leases released, the next due time is taken at once' '
	kill -TERM $(cat scan-c.pid) &&
	ts=$(now_ms) &&
	test_wait_for 30 gone $(cat scan-c.pid) &&
	test_grep "\"state\":[[:space:]]*\"stopped\"" run-scan-c/status.json &&
	test_grep "leases: released, left the fleet" scan-c.log &&
	mariadb_sql "SELECT stopped FROM modscan.scan_instances
		     WHERE name = \"scan-c\"" >stopped &&
	echo 1 >expect &&
	test_cmp expect stopped &&
	mariadb_sql "SELECT COUNT(*) FROM modscan.scan_leases
		     WHERE instance = \"scan-c\"" >held &&
	echo 0 >expect &&
	test_cmp expect held &&
	test_wait_for 60 scanned_after $((ts + IV + 2000)) &&
	kill -TERM $(cat scan-a.pid) &&
	test_wait_for 30 gone $(cat scan-a.pid) &&
	test_line_count = 0 scan-a.err &&
	test_line_count = 0 scan-c.err &&
	dump_scans &&
	/usr/bin/python3 "$CHECK" next scans scan-c $ts $IV &&
	/usr/bin/python3 "$CHECK" once scans $IV $(cat t0) $((ts + IV))
'

test_done
