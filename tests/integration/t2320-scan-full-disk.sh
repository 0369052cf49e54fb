#!/bin/sh
test_description='scan with RUN_DIR full: the heartbeat lives on in place, status and Nagios say so, the watchdog leaves the scanner alone, one log line and an alert per change; samples lost with the database down are counted'

# RUN_DIR is a tiny tmpfs in a mount namespace of this test's own, so
# nothing is mounted on the host.
if [ -z "${MS_MOUNT_NS:-}" ] && unshare -m --propagation private true 2>/dev/null; then
	MS_MOUNT_NS=1 exec unshare -m --propagation private "$0" "$@"
fi

. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-watch.sh"

if [ -z "${MS_MOUNT_NS:-}" ]; then
	say "1..0 # skip no mount namespace (unshare -m) to mount a tmpfs in"
	exit 0
fi

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
ccapsim_start --devices 4 --upstreams 4 --seed 23

CONF=$TRASH/scan.conf
LOG=$TRASH/scan.log

# st KEY: a member of the status file
st() {
	status_field "$RUN/status.json" "$1"
}

# above KEY N: the member is greater than N (for test_wait_for)
above() {
	v=$(st "$1" 2>/dev/null) && [ "$v" -gt "$2" ]
}

test_expect_success 'setup: RUN_DIR on a 1 MiB tmpfs, schema, config' '
	mkdir -p run &&
	mount -t tmpfs -o size=1m,mode=0700 modscan-test "$RUN" &&
	scan_config &&
	cat >>scan.conf <<-EOC &&
	SCAN_INTERVAL=10
	CHECK_INTERVAL=1
	SMTP_HOST=127.0.0.1
	SMTP_PORT=1
	ALERT_INTERVAL=0
	EOC
	modscan maintain --init --config "$CONF" >/dev/null
'

test_expect_success 'start the scanner; a whole sweep is stored' '
	{ "$MODSCAN" scan --config "$CONF" >scan.out 2>&1 & } &&
	echo $! >scan.pid &&
	test_wait_for 120 above sweeps 1 &&
	mariadb_sql "SELECT COUNT(*) FROM (SELECT DISTINCT device, upstream
		FROM modscan.samples) AS c" >n &&
	test "$(cat n)" -gt 0
'
SCAN=$(cat scan.pid 2>/dev/null || echo 0)
# samples a sweep: the channels the database got; the first sweep may
# have begun after some devices' slots, the second has them all
N=$(cat n 2>/dev/null || echo 0)
test_atexit "kill $SCAN"

test_expect_success 'fill RUN_DIR: the heartbeat goes on in place, no_space in the file' '
	dd if=/dev/zero of="$RUN/fill" bs=4k 2>/dev/null;
	test "$(df --output=avail "$RUN" | tail -1 | tr -d " ")" = 0 &&
	test_wait_for 90 field_is "$RUN/status.json" no_space True &&
	seq=$(st seq) &&
	stored=$(st total.samples_stored) &&
	test_wait_for 60 above seq $((seq + 2)) &&
	test "$(st pid)" = "$SCAN" &&
	test_wait_for 120 above total.samples_stored $((stored + N - 1))
'

test_expect_success 'status and Nagios say RUN_DIR: no space left' '
	modscan status --config "$CONF" >out &&
	test_grep "^problems:   RUN_DIR: no space left$" out &&
	test_grep "^scanner:    ok: pid $SCAN " out &&
	test_expect_code 1 modscan status --nagios --config "$CONF" >nag &&
	test_grep "^MODSCAN WARNING - RUN_DIR: no space left; pid $SCAN " nag &&
	modscan status --prometheus --config "$CONF" >prom &&
	test_grep "^modscan_run_dir_no_space 1$" prom
'

test_expect_success 'the one-shot watchdog leaves the working scanner alone' '
	modscan watchdog --config "$CONF" >wd.out 2>&1;
	cat wd.out &&
	kill -0 "$SCAN" &&
	test "$(st pid)" = "$SCAN" &&
	! grep -q "restart" wd.out
'

test_expect_success 'one log line for the change, however many heartbeats went in place' '
	test "$(grep -c "RUN_DIR: no space left" "$LOG")" = 1 &&
	test "$(grep -c "cannot queue alert .no-space." "$LOG")" = 1
'

test_expect_success 'database down too: a whole sweep of samples is counted lost' '
	mariadb_kill &&
	test_wait_for 120 field_is "$RUN/status.json" last_sweep.samples_lost "$N" &&
	test_grep "CCAP[0-9]*: ok, stored: no: [0-9]* samples lost: " "$LOG" &&
	test_grep "sweep lost $N samples: neither the database nor the spool took them" "$LOG"
'

# Each read below may come a heartbeat after the one before: the counts
# are compared with what the status file said just before.
test_expect_success 'status, JSON, Prometheus and Nagios (CRITICAL) count them' '
	lost=$(st total.samples_lost) &&
	test "$lost" -ge "$N" &&
	modscan status --config "$CONF" >out &&
	test_grep "^problems:   RUN_DIR: no space left; [1-9][0-9]* samples lost in the last sweep$" out &&
	test_grep "^samples:    .* [0-9]* lost, " out &&
	modscan status --json --config "$CONF" >json &&
	test "$(status_field json status.last_sweep.samples_lost)" -gt 0 &&
	test "$(status_field json status.total.samples_lost)" -ge "$lost" &&
	modscan status --prometheus --config "$CONF" >prom &&
	test "$(sed -n "s/^modscan_samples_lost_total //p" prom)" -ge "$lost" &&
	test_expect_code 2 modscan status --nagios --config "$CONF" >nag &&
	test_grep "^MODSCAN CRITICAL - RUN_DIR: no space left; [1-9][0-9]* samples lost in the last sweep; pid $SCAN " nag
'

test_expect_success 'space back: replaced atomically again, said once, the alert queued' '
	rm -f "$RUN/fill" &&
	test_wait_for 60 field_is "$RUN/status.json" no_space False &&
	test "$(grep -c "RUN_DIR: space again" "$LOG")" = 1 &&
	test_wait_for 30 grep -rqs "RUN_DIR: no space left" "$RUN/alerts" &&
	test "$(grep -c "alert .no-space. queued" "$LOG")" = 1
'

test_done
