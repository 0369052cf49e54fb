#!/bin/sh
test_description='logs: a healthy check prints nothing, the scanner started by the watchdog logs to its stderr or LOG_FILE, syslog, journal priorities, no warning for a run never owed or a requested stop'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-watch.sh"

# watch_conf sets LOG_FILE and LOG_LEVEL=debug; this config has neither.
CONF=$TRASH/noglog.conf
watch_conf "$CONF.tmp" && grep -v -e "^LOG_FILE=" -e "^LOG_LEVEL=" "$CONF.tmp" >"$CONF" &&
	chmod 600 "$CONF"
test_atexit "'$MODSCAN' watchdog --stop --config '$CONF' >/dev/null 2>&1"

test_expect_success 'LOG_FILE empty: the scanner started by the watchdog logs to its stderr' '
	modscan watchdog --start --config "$CONF" >out 2>start.err &&
	pid=$(scanner_pid) &&
	test_wait_for 20 grep -q " scan\[$pid\] " start.err
'

test_expect_success 'a healthy one-shot check prints nothing at all' '
	modscan watchdog --config "$CONF" >out 2>err &&
	test_line_count = 0 out &&
	test_line_count = 0 err
'

test_expect_success 'stderr a pipe (cron): the start says the log goes nowhere and does not hold the pipe' '
	modscan watchdog --stop --config "$CONF" >/dev/null &&
	timeout 60 sh -c "\"$MODSCAN\" watchdog --start --config \"$CONF\" 2>&1 | cat >piped" &&
	test_grep "warn LOG_FILE is empty and standard error is a pipe: the scanner started now logs nowhere; set LOG_FILE (a file or syslog)" piped &&
	test_grep "^started: pid" piped &&
	modscan watchdog --stop --config "$CONF" >/dev/null
'

test_expect_success 'JOURNAL_STREAM names stderr: lines carry <N> priorities, no time stamp' '
	echo "D1 127.0.0.1 $(test_free_port) e6000" >devices.closed &&
	: >journal &&
	js=$(stat -c %d:%i journal) &&
	JOURNAL_STREAM=$js LOG_LEVEL=info test_expect_code 1 \
		modscan scan --once --quiet --devices devices.closed 2>>journal &&
	test_grep "^<4>scan\[[0-9]*\] warn D1: failed: " journal &&
	test_grep "^<5>scan\[[0-9]*\] notice scanner stopped$" journal &&
	grep -v "^<[0-7]>scan\[[0-9]*\] [a-z]* " journal >other || : &&
	test_line_count = 0 other
'

if command -v bwrap >/dev/null 2>&1; then
	test_set_prereq BWRAP
fi

test_expect_success BWRAP 'LOG_FILE=syslog: datagrams to /dev/log, facility daemon' '
	/usr/bin/python3 -c "
import socket, sys, os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(\"syslog.sock\")
open(\"syslog.ready\", \"w\").close()
s.settimeout(60)
with open(\"syslog.got\", \"w\") as f:
    while True:
        d = s.recv(8192).decode()
        f.write(d + \"\\n\"); f.flush()
        if \"scanner stopped\" in d:
            break
" &
	rx=$! &&
	test_wait_for 20 test -e syslog.ready &&
	test_expect_code 1 bwrap --dev-bind / / --dev /dev \
		--bind "$TRASH/syslog.sock" /dev/log env LOG_FILE=syslog \
		"$MODSCAN" scan --once --quiet --devices devices.closed \
		>out 2>err &&
	wait $rx &&
	test_line_count = 0 err &&
	test_grep "^<29>scan\[[0-9]*\]: notice scanner stopped$" syslog.got &&
	test_grep "^<28>scan\[[0-9]*\]: warn D1: failed: " syslog.got
'

DCONF=$TRASH/daemon.conf
# The report slot was two hours ago, far past the grace: a fresh daemon
# owes no run for it.
# test-lib exports RUN_DIR, which would override the file's
DRUN=$TRASH/drun
test_atexit 'test -s "$TRASH/daemon.pid" && kill $(cat "$TRASH/daemon.pid")' 
watch_conf "$DCONF.tmp" "REPORT_AT=$(date -d "2 hours ago" +%H:%M)" \
	JOB_MISFIRE_GRACE=60 &&
	sed "s|^RUN_DIR=.*|RUN_DIR=$DRUN|" "$DCONF.tmp" >"$DCONF" &&
	chmod 600 "$DCONF"

test_expect_success 'a fresh watchdog --daemon: no missed run, and a stop on request is no warning' '
	rm -f "$WATCH_LOG" &&
	{ env -u RUN_DIR "$MODSCAN" watchdog --daemon --config "$DCONF" \
		>daemon.out 2>&1 &
	  echo $! >daemon.pid; } &&
	test_wait_for 30 test -s "$DRUN/watchdog.json" &&
	test_wait_for 30 field_is "$DRUN/watchdog.json" state idle &&
	kill -TERM $(cat daemon.pid) &&
	test_wait_for 60 gone $(cat daemon.pid) &&
	test_grep "watchdog\[[0-9]*\] notice scanner pid [0-9]* ended (exit 0)" "$WATCH_LOG" &&
	grep "watchdog\[[0-9]*\] \(warn\|error\) " "$WATCH_LOG" >bad || : &&
	test_line_count = 0 bad &&
	test_grep -v "missed" "$WATCH_LOG" &&
	test "$(status_field "$DRUN/watchdog.json" message)" = "on request"
'

test_done
