#!/bin/sh
test_description='watchdog --daemon: the scanner as a child, growing restart delays, burst limit and cool-down, a scheduled job, /health'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-smtp.sh"
. "$TEST_DIR/lib-watch.sh"

smtp_start && MAIL_DIR=$SMTP_DIR && test_set_prereq SMTPD
CONF=$TRASH/d.conf
PORT=$(test_free_port)
# The report job is due this very minute, so it runs at once.
watch_conf "$CONF" RESTART_DELAY=1 RESTART_DELAY_MAX=8 HEALTHY_RUN=3600 \
	RESTART_BURST=4 RESTART_BURST_WINDOW=600 RESTART_COOLDOWN=3 \
	"REPORT_AT=$(date +%H:%M)" JOB_TIMEOUT=20 MAX_HEARTBEAT_AGE=12 "SERVE=127.0.0.1:$PORT"
WD=$RUN/watchdog.json

watch_daemon "$CONF"

# The scanner child the daemon runs now, once it is healthy.
child() {
	_p=$(scanner_pid 2>/dev/null) && [ -n "$_p" ] &&
		[ "$(ps -o ppid= -p "$_p" | tr -d " ")" = "$DAEMON" ] &&
		scanner_healthy "$_p" && echo "$_p"
}

cooling() {
	status_field "$WD" message | grep -q "cool-down"
}

test_expect_success 'the daemon starts the scanner as its child' '
	test_wait_for 20 child &&
	pid=$(child) &&
	test_wait_for 15 field_is "$WD" state idle &&
	test "$(status_field "$WD" applet)" = watchdog &&
	test "$(status_field "$WD" pid)" = "$DAEMON"
'

test_expect_success 'a second daemon is refused: the supervisor lock names the first, exit 1' '
	test_expect_code 1 modscan watchdog --daemon --config "$CONF" >out 2>err &&
	test_grep "^modscan watchdog: .*held by pid $DAEMON" err &&
	test_line_count = 0 out &&
	test "$(status_field "$WD" pid)" = "$DAEMON"
'

test_expect_success 'the scheduled report job runs once, as a child, recorded in the status' '
	test_wait_for 30 grep -q "job report \(finished\|failed\)" "$WATCH_LOG" &&
	test_grep "notice job report started: pid [0-9]*, deadline 20 s" "$WATCH_LOG" &&
	test "$(grep -c "job report started" "$WATCH_LOG")" = 1 &&
	test_wait_for 15 field_is "$WD" jobs.0.name report &&
	test "$(status_field "$WD" jobs.0.last_start)" -gt 0 &&
	test_wait_for 15 field_is "$WD" jobs.0.running False
'

test_expect_success SMTPD 'a failed job is mailed' '
	if grep -q "job report failed" "$WATCH_LOG"; then
		test_wait_for 20 sh -c "cat \"$MAIL_DIR\"/*.eml 2>/dev/null | grep -q \"^Subject: modscan job report failed\""
	else
		test "$(status_field "$WD" jobs.0.last_exit)" = 0
	fi
'

test_expect_success 'a crashing child is restarted with growing delays' '
	for i in 1 2 3; do
		pid=$(child) || return 1
		t0=$(now_ms) &&
		kill -9 "$pid" &&
		test_wait_for 30 sh -c "test \"\$(grep -c \"restarting the scanner in\" \"$WATCH_LOG\")\" -ge $i" &&
		test_wait_for 30 child || return 1
		echo "# daemon: kill -9 to a healthy child, restart $i: $(($(now_ms) - t0)) ms" >&3
	done &&
	sed -n "s/.*restarting the scanner in \([0-9]*\) ms (attempt \([0-9]*\)).*/\2 \1/p" \
		"$WATCH_LOG" >delays &&
	cat delays &&
	test_line_count = 3 delays &&
	awk "NR == 1 && !(\$1 == 1 && \$2 >= 800 && \$2 <= 1200) { exit 1 }
	     NR > 1 && !(\$1 == NR && \$2 > prev) { exit 1 }
	     { prev = \$2 }" delays &&
	test_grep "warn scanner pid [0-9]* ended (signal 9 (Killed))" "$WATCH_LOG" &&
	test "$(status_field "$WD" restarts)" = 3 &&
	test "$(status_field "$WD" deaths.0.signal)" = 9
' 3>&1

test_expect_success 'the burst limit pauses restarts, says so, then tries again after the cool-down' '
	pid=$(child) && kill -9 "$pid" &&
	test_wait_for 20 grep -q "burst limit: 4 starts within 600 s; no restart for 3 s" "$WATCH_LOG" &&
	test_wait_for 5 cooling &&
	test_wait_for 30 child &&
	test "$(status_field "$WD" restarts)" = 4
'

test_expect_success SMTPD 'restarts and the burst limit are mailed' '
	test_wait_for 20 sh -c "cat \"$MAIL_DIR\"/*.eml | grep -q \"^Subject: modscan scanner keeps dying\"" &&
	cat "$MAIL_DIR"/*.eml | grep -q "^Subject: modscan scanner ended (signal 9"
'

test_expect_success '/health and /metrics over HTTP from inside the daemon' '
	curl -s -o body -w "%{http_code}" "http://127.0.0.1:$PORT/health" >code &&
	test "$(cat code)" = 200 &&
	test "$(status_field body healthy)" = True &&
	test "$(status_field body supervisor.restarts)" = 4 &&
	curl -sf "http://127.0.0.1:$PORT/metrics" >metrics &&
	test_grep "^modscan_up 1$" metrics &&
	test_grep "^modscan_restarts_total 4$" metrics &&
	test_grep "^modscan_job_last_start_timestamp_seconds{job=\"report\"} [1-9]" metrics &&
	test "$(curl -s -o /dev/null -w "%{http_code}" "http://127.0.0.1:$PORT/x")" = 404
'

test_expect_success 'a hung child (SIGSTOP) is killed and restarted by the daemon' '
	pid=$(child) &&
	kill -STOP "$pid" &&
	test_wait_for 60 grep -q "scanner pid $pid hung: heartbeat" "$WATCH_LOG" &&
	test_wait_for 20 grep -q "scanner pid $pid ended (signal 9" "$WATCH_LOG" &&
	test_wait_for 30 child
'

test_expect_success 'SIGTERM: the daemon stops the scanner and exits 0, state stopped' '
	pid=$(child) &&
	kill -TERM "$DAEMON" &&
	test_wait_for 20 test -s daemon.rc &&
	test "$(cat daemon.rc)" = 0 &&
	gone "$pid" &&
	test "$(status_field "$WD" state)" = stopped &&
	test "$(status_field "$RUN/status.json" state)" = stopped
'

test_expect_success 'a bad REPORT_AT is a config error, exit 2' '
	REPORT_AT=25:00 test_expect_code 2 modscan watchdog --daemon --config "$CONF" 2>err &&
	test_grep "REPORT_AT: .25:00. is not a time of day" "$WATCH_LOG"
'

test_done
