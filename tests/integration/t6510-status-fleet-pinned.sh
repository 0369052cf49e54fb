#!/bin/sh
test_description='status: a group pinned to one scanner stays there, and is reported unserved (text, Prometheus, Nagios) when that scanner dies'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-shared.sh"
. "$TEST_DIR/lib-watch.sh"

mariadb_start
ccapsim_start --devices 24 --family mix --upstreams 2 --seed 41

# SCAN_INTERVAL 12 s, CHECK_INTERVAL 1 s: an instance lapses 3 s after its
# last renewal.  The first 8 devices of the inventory are the group north,
# served by scan-n alone; the other 16 have no group, served by scan-a and
# scan-b (INSTANCE_GROUPS=-), which do not serve north.
IV=12000
shared_atexit scan-n scan-a scan-b

# status of scan-a, from the fleet view its scanner wrote
st() {
	RUN_DIR=$TRASH/run-scan-a modscan status --config scan-a.conf "$@"
}

# view_says PATTERN: scan-a's fleet view, as status prints it, matches
view_says() {
	st >view.out 2>&1
	grep -q "$1" view.out
}

test_expect_success 'setup: north pinned to scan-n, the rest to scan-a and scan-b' '
	scan_config &&
	sed -i -e "s|^DEVICES_FILE=.*|DEVICES_FILE=$TRASH/devices.txt|" \
	    -e "s|^DEVICE_TIMEOUT=.*|DEVICE_TIMEOUT=5|" scan.conf &&
	modscan maintain --init --config scan.conf >/dev/null &&
	awk "{ print \$0, \"-\", (NR <= 8 ? \"north\" : \"-\") }" \
		"$CCAPSIM_INV" >devices.txt &&
	awk "NR <= 8 { print \$1 }" "$CCAPSIM_INV" | sort >north &&
	awk "NR > 8 { print \$1 }" "$CCAPSIM_INV" | sort >rest &&
	test_line_count = 8 north &&
	test_line_count = 16 rest &&
	shared_conf scan-n SCAN_INTERVAL=12 INSTANCE_GROUPS=north &&
	shared_conf scan-a SCAN_INTERVAL=12 INSTANCE_GROUPS=- &&
	shared_conf scan-b SCAN_INTERVAL=12 INSTANCE_GROUPS=- &&
	shared_start scan-n && shared_start scan-a && shared_start scan-b &&
	test_wait_for 60 shared_live 3 &&
	t0=$(now_ms) &&
	test_wait_for 120 scanned_after $((t0 + 2 * IV))
'

test_expect_success 'north is scanned by scan-n only, the rest never by it' '
	mariadb_sql "SELECT DISTINCT device FROM modscan.device_scans
		     WHERE instance = \"scan-n\" ORDER BY device" >by_n &&
	test_cmp north by_n &&
	mariadb_sql "SELECT DISTINCT device FROM modscan.device_scans
		     WHERE instance <> \"scan-n\" ORDER BY device" >by_others &&
	test_cmp rest by_others
'

test_expect_success 'status: three alive, nothing unserved; Nagios OK' '
	test_wait_for 30 view_says "^fleet:      3 instances: 3 alive, 0 lapsed, 0 stopped" &&
	st >out &&
	test_grep "^  scan-n  *alive   groups north, host " out &&
	test_grep "^  scan-a  *alive   groups -, host " out &&
	! grep -q "^unserved:" out &&
	st --nagios >out &&
	test_grep "^MODSCAN OK - " out &&
	test_grep " instances_alive=3;;;0;3 instances_lapsed=0;;;0;3 unserved_devices=0;;;0$" out
'

test_expect_success 'kill -9 of scan-n: north (8 devices) is reported unserved' '
	kill -9 $(cat scan-n.pid) &&
	now_ms >tk &&
	test_wait_for 60 view_says "^unserved:   group north: 8 devices$" &&
	st >out &&
	test_grep "^  scan-n  *lapsed  groups north, " out &&
	test_grep "^fleet:      3 instances: 2 alive, 1 lapsed, 0 stopped" out &&
	test_expect_code 2 st --nagios >out &&
	test_line_count = 1 out &&
	test_grep "^MODSCAN CRITICAL - instance scan-n lapsed; group north unserved: 8 devices; " out &&
	st --prometheus >prom &&
	test_grep "^modscan_group_unserved_devices{group=\"north\"} 8$" prom &&
	test_grep "^modscan_group_unserved_devices{group=\"\"} 0$" prom &&
	test_grep "^modscan_instance_up{instance=\"scan-n\",groups=\"north\"} 0$" prom &&
	test_grep "^modscan_instance_up{instance=\"scan-a\",groups=\"-\"} 1$" prom
'

test_expect_success 'north stays pinned: nobody else scans it for two intervals' '
	tk=$(cat tk) &&
	test_wait_for 120 scanned_after $((tk + 2 * IV)) &&
	mariadb_sql "SELECT DISTINCT device FROM modscan.device_scans
		     WHERE started_ms > $tk ORDER BY device" >after &&
	comm -12 north after >north_after &&
	test_line_count = 0 north_after &&
	test_cmp rest after
'

test_expect_success 'scan-n back: north served again, Nagios OK' '
	shared_start scan-n &&
	test_wait_for 60 view_says "^fleet:      3 instances: 3 alive" &&
	! grep -q "^unserved:" view.out &&
	st --nagios >out &&
	test_grep "^MODSCAN OK - " out
'

test_expect_success 'stop the three: the view of scan-a says it stopped; no sanitizer report' '
	kill -TERM $(cat scan-n.pid scan-a.pid scan-b.pid) &&
	for n in scan-n scan-a scan-b; do
		test_wait_for 60 gone $(cat $n.pid) &&
		test_line_count = 0 $n.err || exit 1
	done &&
	test_expect_code 1 st >out &&
	test_grep "^  scan-a  *stopped groups -, host " out
'

test_expect_success 'scan-a started again without SCAN_SHARED: the old fleet view goes' '
	test -s run-scan-a/fleet.state &&
	sed "s/^SCAN_SHARED=yes$/SCAN_SHARED=no/" scan-a.conf >alone.conf &&
	chmod 600 alone.conf &&
	cp alone.conf scan-a.conf &&
	shared_start scan-a &&
	test_wait_for 60 sh -c "! test -e run-scan-a/fleet.state" &&
	st >out &&
	! grep -q "^fleet:" out &&
	kill -TERM $(cat scan-a.pid) &&
	test_wait_for 60 gone $(cat scan-a.pid) &&
	test_line_count = 0 scan-a.err
'

test_done
