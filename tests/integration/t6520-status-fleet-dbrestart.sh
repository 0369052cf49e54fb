#!/bin/sh
test_description='scan SCAN_SHARED, the database stopped and restarted mid-run with three scanners: each keeps its devices, status says the database is down, nothing is lost, sharing resumes'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-shared.sh"
. "$TEST_DIR/lib-watch.sh"

mariadb_start
ccapsim_start --devices 30 --family mix --upstreams 2 --seed 53

# SCAN_INTERVAL 12 s, CHECK_INTERVAL 1 s (an instance lapses 3 s after its
# last renewal).  The database is away for two intervals and a bit, so
# that every device falls due at least once while it is.
IV=12000
NAMES="scan-a scan-b scan-c"
shared_atexit $NAMES

past() {
	test "$(now_ms)" -ge "$1"
}

# st NAME [OPTION...]: the status of NAME
st() {
	_n=$1
	shift
	RUN_DIR=$TRASH/run-$_n modscan status --config "$_n.conf" "$@"
}

# every_view PATTERN: the fleet view of each instance, as status prints
# it, has a line that matches
every_view() {
	for _n in $NAMES; do
		st "$_n" >"view.$_n" 2>&1
		grep -q "$1" "view.$_n" || return 1
	done
}

spools_empty() {
	for _n in $NAMES; do
		[ -z "$(ls "run-$_n/spool" 2>/dev/null)" ] || return 1
	done
}

test_expect_success 'setup: three instances of one fleet, two intervals' '
	scan_config &&
	sed -i "s|^DEVICE_TIMEOUT=.*|DEVICE_TIMEOUT=5|" scan.conf &&
	modscan maintain --init --config scan.conf >/dev/null &&
	for n in $NAMES; do
		shared_conf $n SCAN_INTERVAL=12 && shared_start $n || exit 1
	done &&
	test_wait_for 60 shared_live 3 &&
	t0=$(now_ms) &&
	echo $t0 >t0 &&
	test_wait_for 120 scanned_after $((t0 + 2 * IV)) &&
	test_wait_for 30 every_view "^fleet:      3 instances: 3 alive, 0 lapsed, 0 stopped"
'

# Who scans a device while the database is away: its lease holder, else
# its last scanner, as the rows say just before it goes.
test_expect_success 'the database stops: each status says so, no device waits' '
	mariadb_sql "SELECT device, IF(instance <> \"\", instance, scanned_by)
		     FROM modscan.scan_leases ORDER BY device" >owners &&
	test_line_count = 30 owners &&
	test "$(cut -f2 owners | sort -u | tr "\n" " ")" = "scan-a scan-b scan-c " &&
	td=$(now_ms) &&
	echo $td >td &&
	mariadb_stop &&
	test_wait_for 60 every_view "^database:   down since .*; 0 devices wait for it$" &&
	st scan-b --json >json &&
	test "$(status_field json fleet.database_up)" = False &&
	test "$(status_field json fleet.devices_waiting)" = 0 &&
	st scan-c --prometheus >prom &&
	test_grep "^modscan_fleet_database_up 0$" prom
'

test_expect_success 'two intervals later the database returns: sharing resumes' '
	td=$(cat td) &&
	test_wait_for 120 past $((td + 2 * IV + 3000)) &&
	tr=$(now_ms) &&
	echo $tr >tr &&
	mariadb_restart &&
	test_wait_for 60 shared_live 3 &&
	test_wait_for 60 every_view "^fleet:      3 instances: 3 alive, 0 lapsed, 0 stopped" &&
	! grep -q "^database:" view.scan-a view.scan-b view.scan-c &&
	test_wait_for 120 scanned_after $((tr + 2 * IV)) &&
	test_wait_for 60 spools_empty &&
	for n in $NAMES; do
		test_grep "leases: database back, sharing resumes" $n.log ||
		exit 1
	done
'

test_expect_success 'stop the three; each left cleanly, no sanitizer report' '
	for n in $NAMES; do kill -TERM $(cat $n.pid) || exit 1; done &&
	for n in $NAMES; do
		test_wait_for 60 gone $(cat $n.pid) &&
		test_line_count = 0 $n.err || exit 1
	done &&
	test "$(mariadb_sql "SELECT SUM(stopped) FROM modscan.scan_instances")" = 3 &&
	mariadb_sql "SELECT device, instance, started_ms FROM
		     modscan.device_scans ORDER BY started_ms" >scans &&
	test_line_count -gt 150 scans
'

test_expect_success 'while it was away, each scanner scanned the devices it held, each once' '
	td=$(cat td) tr=$(cat tr) &&
	awk -v lo=$td -v hi=$tr "\$3 >= lo && \$3 < hi" scans >away &&
	test_line_count -ge 30 away &&
	/usr/bin/python3 - owners away <<-\EOP &&
	import sys
	owner = dict(l.split() for l in open(sys.argv[1]))
	bad = [l for l in open(sys.argv[2])
	       if owner[l.split()[0]] != l.split()[1]]
	assert not bad, bad[:5]
	EOP
	/usr/bin/python3 "$SHARED_CHECK" once away $IV $((td + 1000)) $tr >out &&
	test_grep "^devices 30 " out
'

test_expect_success 'from the start to the end, every device once in each interval' '
	t0=$(cat t0) &&
	end=$(tail -n 1 scans | cut -f3) &&
	/usr/bin/python3 "$SHARED_CHECK" once scans $IV $t0 $((end - IV)) >out &&
	cat out &&
	test_grep "^devices 30 occurrences" out
'

# The simulator's truth log and the stored samples as multisets: one line
# per channel per scan, so that a sample lost or stored twice shows.
test_expect_success 'nothing lost: every sample the simulator served is stored once' '
	awk "\$3 != \"-\" { print \$2, \$3, \$4, \$5 }" "$CCAPSIM_TRUTH" |
		sort >truth &&
	mariadb_sql "SELECT device, upstream, code, modulation FROM
		     modscan.samples" | tr "\t" " " | sort >stored &&
	test_line_count -gt 300 truth &&
	test_cmp truth stored
'

test_done
