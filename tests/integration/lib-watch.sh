# Helpers for the watchdog and status tests (source after test-lib.sh):
# a config for a real scanner that idles on an empty device list, and
# readers of the status files.
#
#   watch_conf FILE [KEY=VALUE...]  write a 0600 config: RUN_DIR=$TRASH/run,
#                    LOG_FILE=$TRASH/modscan.log, an empty DEVICES_FILE,
#                    short timeouts; extra lines appended (and, when
#                    $SMTP_CONF is set, its mail settings)
#   status_field FILE KEY           one member of a status file (JSON)
#   scanner_pid                     pid in $RUN/status.json
#   scanner_healthy [PID]           status says ok (and names PID)
#   heartbeat_age_ms                age of the heartbeat in $RUN/status.json
#   watch_daemon CONF               start watchdog --daemon in the
#                    background (output in daemon.out, exit status in
#                    daemon.rc), wait for $RUN/watchdog.json; its pid in
#                    DAEMON, killed at exit
#   heartbeat_older_than MS, field_is FILE KEY VALUE: conditions for
#                    test_wait_for (which evaluates its arguments once)

RUN=$TRASH/run
WATCH_LOG=$TRASH/modscan.log

watch_conf() {
	_f=$1
	shift
	: >"$TRASH/devices.txt"
	{
		echo "RUN_DIR=$RUN"
		echo "LOG_FILE=$WATCH_LOG"
		echo "LOG_LEVEL=debug"
		echo "DEVICES_FILE=$TRASH/devices.txt"
		echo "CHECK_INTERVAL=1"
		echo "MAX_HEARTBEAT_AGE=30"
		echo "STOP_TIMEOUT=2"
		echo "START_TIMEOUT=15"
		echo "RESTART_DELAY=1"
		echo "MAX_RESTART_ATTEMPTS=2"
		echo "ALERT_INTERVAL=0"
		[ -n "${SMTP_CONF:-}" ] && cat "$SMTP_CONF"
		for _l; do echo "$_l"; done
	} >"$_f" && chmod 600 "$_f"
}

status_field() {
	/usr/bin/python3 -c 'import json, sys
v = json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."):
    v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1" "$2"
}

scanner_pid() {
	status_field "$RUN/status.json" pid
}

scanner_healthy() {
	modscan status --config "$CONF" --json >"$TRASH/health.json" || return 1
	[ -z "${1:-}" ] || [ "$(status_field "$TRASH/health.json" pid)" = "$1" ]
}

heartbeat_age_ms() {
	/usr/bin/python3 -c 'import json, sys, time
print(int(time.time() * 1000) - json.load(open(sys.argv[1]))["heartbeat"])' \
		"$RUN/status.json"
}

# heartbeat_older_than MS: for test_wait_for (evaluated at each poll)
heartbeat_older_than() {
	[ "$(heartbeat_age_ms)" -gt "$1" ]
}

# field_is FILE KEY VALUE: for test_wait_for
field_is() {
	[ "$(status_field "$1" "$2" 2>/dev/null)" = "$3" ]
}


# Wall clock in ms (for the measured, never asserted, timings).
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

watch_daemon() {
	( "$MODSCAN" watchdog --daemon --config "$1" >daemon.out 2>&1
	  echo $? >daemon.rc ) &
	test_wait_for 20 test -s "$RUN/watchdog.json"
	DAEMON=$(status_field "$RUN/watchdog.json" pid)
	test_atexit "kill $DAEMON"
}
