#!/bin/sh
test_description='scan process: lock, SIGTERM, kill -9, SIGHUP, continuous rounds, systemd notify'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

mariadb_start
# CCAP001 and CCAP101 answer 10 s late: a sweep is still running when the
# fast ones are done.
ccapsim_start --devices 6 --upstreams 4 --seed 13 \
	--fault CCAP001=slow --fault CCAP101=slow

# systemd's side of sd_notify: every datagram one line in notify.log.
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(4096).decode().replace("\n", " ") + "\n")
        f.flush()
' "$TRASH/notify.sock" "$TRASH/notify.log" &
NOTIFY_PID=$!
test_atexit "kill $NOTIFY_PID"

status_field() {
	/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))[sys.argv[2]])' run/status.json "$1"
}

oks() {
	grep -c ": ok, " scan.log
}

test_expect_success 'setup' '
	scan_config &&
	cat >>scan.conf <<-EOC &&
	LOGIN_TIMEOUT=15
	COMMAND_TIMEOUT=15
	DEVICE_TIMEOUT=30
	STOP_GRACE=2
	EOC
	grep -v -e "^CCAP001 " -e "^CCAP101 " "$CCAPSIM_INV" >fast &&
	test_line_count = 4 fast &&
	modscan maintain --init --config scan.conf >/dev/null &&
	test_wait_for 10 test -S notify.sock
'

test_expect_success 'a second instance exits 1 naming the holder; SIGTERM' '
	"$MODSCAN" scan --once -c scan.conf 2>err1 &
	pid=$! &&
	test_wait_for 20 sh -c "test \$(grep -c \": ok, \" scan.log) -ge 4" &&
	test_expect_code 1 modscan scan --once -c scan.conf 2>err &&
	cat err &&
	test_line_count = 1 err &&
	test_grep "held by pid $pid" err &&

	: SIGTERM mid-sweep: exit 0 once STOP_GRACE is over.  The slow \
	  devices answer only after 10 s: the bound of 4x STOP_GRACE \
	  proves the grace, generously &&
	test "$(status_field state)" = scanning &&
	kill -TERM $pid &&
	test_wait_for 8 gone $pid &&
	wait $pid &&
	test "$(status_field state)" = stopped &&
	test_grep "stopping, 2 devices in flight" scan.log
'

test_expect_success 'kill -9 mid-sweep, then a restart takes the stale lock over' '
	: >scan.log &&
	"$MODSCAN" scan --once -c scan.conf 2>err1 &
	pid=$! &&
	test_wait_for 20 sh -c "test \$(grep -c \": ok, \" scan.log) -ge 4" &&
	kill -KILL $pid &&
	{ wait $pid; test $? = 137; } &&
	test "$(status_field pid)" = $pid &&
	modscan scan --once -c scan.conf --devices fast 2>err &&
	test "$(status_field state)" = stopped &&
	test "$(status_field pid)" != $pid
'

test_expect_success 'no sample stored twice, every device-scan row once' '
	mariadb_sql "SELECT device, upstream, ts, COUNT(*) n FROM
		     modscan.samples GROUP BY device, upstream, ts
		     HAVING n > 1" >dups &&
	test_line_count = 0 dups &&
	mariadb_sql "SELECT device, run_id, COUNT(*) n FROM
		     modscan.device_scans GROUP BY device, run_id
		     HAVING n > 1" >dups &&
	test_line_count = 0 dups &&
	mariadb_sql "SELECT COUNT(DISTINCT device) FROM modscan.samples" >n &&
	test "$(cat n)" = 4
'

test_expect_success 'continuous: a second round, SIGHUP adds a device, notify' '
	head -n 3 fast >devices &&
	cat >>scan.conf <<-EOC &&
	SCAN_INTERVAL=10
	CHECK_INTERVAL=1
	EOC
	: >scan.log &&
	NOTIFY_SOCKET=$TRASH/notify.sock WATCHDOG_USEC=1000000 \
		"$MODSCAN" scan -c scan.conf --devices devices 2>err &
	pid=$! &&
	test_wait_for 10 grep -q "^READY=1" notify.log &&
	test_wait_for 15 sh -c "test \$(grep -c \": ok, \" scan.log) -ge 3" &&
	sed -n 4p fast >>devices &&
	new=$(sed -n "4s/ .*//p" fast) &&
	kill -HUP $pid &&
	test_wait_for 5 grep -q "device $new added" scan.log &&
	test_grep "devices reloaded: 4 devices, 1 new, 0 gone" scan.log &&
	test_wait_for 15 grep -q "$new: ok" scan.log &&
	test_wait_for 15 sh -c "test \$(grep -c \": ok, \" scan.log) -ge 7" &&
	test_grep "sweep done" scan.log &&
	for d in $(cut -d" " -f1 devices | head -n 3); do
		test "$(grep -c "$d: ok" scan.log)" -ge 2 || exit 1
	done &&

	: SIGTERM: STOPPING=1, exit 0, status stopped &&
	kill -TERM $pid &&
	wait $pid &&
	test "$(status_field state)" = stopped &&
	test_wait_for 5 grep -q "^STOPPING=1" notify.log &&
	cat notify.log | sort | uniq -c | sort -rn | head &&
	sed -n "/^READY=1/,/^STOPPING=1/p" notify.log >running &&
	test_grep "^STATUS=scanning: " running &&
	test_grep "^STATUS=idle: " running &&
	test_grep "^STATUS=stopped: " notify.log &&
	test "$(grep -c "^WATCHDOG=1" notify.log)" -ge 4
'

test_expect_success 'the status file counts both rounds' '
	/usr/bin/python3 - run/status.json <<-\EOP
	import json, sys
	st = json.load(open(sys.argv[1]))
	t = st["total"]
	assert t["devices_ok"] >= 7, t
	assert t["devices_failed"] == 0, t
	assert t["samples_stored"] == t["channels"], t
	assert st["sweeps"] >= 1, st["sweeps"]
	EOP
'

test_done
