#!/bin/sh
test_description='watchdog one-shot: start, stop, restart of a dead, hung or stale scanner; give up and recover; mail'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-smtp.sh"
. "$TEST_DIR/lib-watch.sh"

smtp_start && MAIL_DIR=$SMTP_DIR && test_set_prereq SMTPD
CONF=$TRASH/wd.conf
watch_conf "$CONF"
test_atexit "modscan watchdog --stop --config '$CONF'"

# subjects: the Subject lines of the mails received so far
subjects() {
	cat "$MAIL_DIR"/*.eml 2>/dev/null | tr -d '\r' | sed -n 's/^Subject: //p'
}
# mails_with TEXT: how many mails have TEXT in the subject
mails_with() {
	subjects | grep -c "$1" || :
}
# mails_are TEXT N: for test_wait_for
mails_are() {
	[ "$(mails_with "$1")" = "$2" ]
}

test_expect_success '--status without a scanner: one line, exit 1' '
	test_expect_code 1 modscan watchdog --status --config "$CONF" >out &&
	test_grep "^not healthy (none): no status file" out &&
	test_line_count = 1 out
'

test_expect_success '--start: a detached scanner in its own session, confirmed by its heartbeat' '
	modscan watchdog --start --config "$CONF" >out &&
	test_grep "^started: pid [0-9]*, heartbeat after [0-9]* ms$" out &&
	pid=$(scanner_pid) &&
	test "$(sed -n "s/^started: pid \([0-9]*\),.*/\1/p" out)" = "$pid" &&
	scanner_healthy "$pid" &&
	test "$(ps -o sid= -p "$pid")" != "$(ps -o sid= -p $$)" &&
	test "$(ps -o ppid= -p "$pid" | tr -d " ")" != "$$"
'

test_expect_success '--start again: already running, exit 0, same pid' '
	pid=$(scanner_pid) &&
	modscan watchdog --start --config "$CONF" >out &&
	test_grep "^already running: pid $pid" out
'

test_expect_success 'a check of a healthy scanner changes nothing' '
	pid=$(scanner_pid) &&
	modscan watchdog --config "$CONF" >out &&
	test_line_count = 0 out &&
	test "$(scanner_pid)" = "$pid" &&
	test_grep "watchdog\[[0-9]*\] debug healthy: pid $pid" "$WATCH_LOG"
'

test_expect_success SMTPD 'killed with -9: one check restarts it and a restart mail arrives' '
	pid=$(scanner_pid) &&
	kill -9 "$pid" &&
	test_wait_for 10 gone "$pid" &&
	t0=$(now_ms) &&
	modscan watchdog --config "$CONF" >out &&
	t1=$(now_ms) &&
	new=$(scanner_pid) &&
	test "$new" != "$pid" &&
	scanner_healthy "$new" &&
	echo "# kill -9 to a fresh heartbeat: $((t1 - t0)) ms" >&3 &&
	test_grep "^scanner restarted: pid $new$" out &&
	test_grep "notice unhealthy (dead): pid $pid is gone" "$WATCH_LOG" &&
	test_grep "notice scanner restarted: pid $new" "$WATCH_LOG" &&
	test_wait_for 20 mails_are "scanner restarted (pid $new)" 1
' 3>&1

test_expect_success 'SIGSTOP (hung): SIGTERM, then SIGKILL, then a new scanner' '
	pid=$(scanner_pid) &&
	kill -STOP "$pid" &&
	test_wait_for 30 heartbeat_older_than 6000 &&
	MAX_HEARTBEAT_AGE=5 modscan watchdog --config "$CONF" >out &&
	test_grep "unhealthy (hung): pid $pid is alive but its heartbeat" "$WATCH_LOG" &&
	test_grep "sent SIGTERM to pid $pid" "$WATCH_LOG" &&
	test_grep "pid $pid still alive after 2 s: sent SIGKILL" "$WATCH_LOG" &&
	gone "$pid" &&
	new=$(scanner_pid) && test "$new" != "$pid" &&
	scanner_healthy "$new"
'

test_expect_success 'a status file naming an unrelated live process: reported stale, not signalled' '
	modscan watchdog --stop --config "$CONF" >out &&
	test_grep "^stopped: pid" out &&
	{ sleep 300 & } &&
	stranger=$! &&
	test_atexit "kill $stranger" &&
	/usr/bin/python3 -c "import json, sys, time
p = sys.argv[1]; d = json.load(open(p))
d[\"pid\"] = int(sys.argv[2]); d[\"state\"] = \"idle\"
d[\"heartbeat\"] = int(time.time() * 1000)
open(p, \"w\").write(json.dumps(d))" "$RUN/status.json" "$stranger" &&
	test_expect_code 1 modscan watchdog --status --config "$CONF" >out &&
	test_grep "^not healthy (stale): stale status file: pid $stranger is alive but is another program" out &&
	modscan watchdog --config "$CONF" >out &&
	kill -0 "$stranger" &&
	test "$(ps -o stat= -p "$stranger" | cut -c1)" = S &&
	test_grep "warn stale status file: pid $stranger .*; it is not signalled" "$WATCH_LOG" &&
	new=$(scanner_pid) && test "$new" != "$stranger" &&
	scanner_healthy "$new" &&
	kill "$stranger"
'

# since_start PATTERN: PATTERN in the log lines written after $lines
since_start() {
	tail -n +$((lines + 1)) "$WATCH_LOG" | grep -q "$1"
}

test_expect_success SMTPD 'SIGTERM while waiting to retry: a graceful stop, exit 0, no give-up' '
	modscan watchdog --stop --config "$CONF" &&
	before=$(mails_with "gave up") &&
	lines=$(wc -l <"$WATCH_LOG") &&
	{ STATUS_FILE=$TRASH/no-such-dir/status.json START_TIMEOUT=2 \
		RESTART_DELAY=60 "$MODSCAN" watchdog --config "$CONF" >out & } &&
	wd=$! &&
	test_wait_for 30 since_start "restart attempt 1 of 2 failed" &&
	kill -TERM $wd &&
	{ wait $wd; rc=$?; } &&
	test $rc = 0 &&
	since_start "interrupted" &&
	! since_start "giving up" &&
	test ! -f "$RUN/watchdog.gaveup" &&
	test "$(mails_with "gave up")" = "$before"
'

# alerts_queued KIND: how many alerts of KIND the log says were queued
alerts_queued() {
	grep -c "alert .$1. queued" "$WATCH_LOG" || :
}
# no_alert_pending: the alert queue is empty (every queued mail was sent)
no_alert_pending() {
	! ls "$RUN/alerts" | grep -q "\.alert\$"
}

test_expect_success SMTPD 'restart keeps failing: gives up after the attempts with one alert' '
	modscan watchdog --stop --config "$CONF" &&
	before=$(mails_with "gave up") &&
	queued=$(alerts_queued gave-up) &&
	STATUS_FILE=$TRASH/no-such-dir/status.json START_TIMEOUT=2 RESTART_DELAY=0 \
		test_expect_code 1 modscan watchdog --config "$CONF" >out &&
	test_grep "^gave up after 2 restart attempts: " out &&
	test_grep "restart attempt 1 of 2 failed" "$WATCH_LOG" &&
	test_grep "restart attempt 2 of 2 failed" "$WATCH_LOG" &&
	test_grep "error giving up after 2 restart attempts" "$WATCH_LOG" &&
	test -f "$RUN/watchdog.gaveup" &&
	test_wait_for 20 mails_are "gave up" $((before + 1)) &&
	test "$(alerts_queued gave-up)" = $((queued + 1)) &&
	STATUS_FILE=$TRASH/no-such-dir/status.json START_TIMEOUT=2 RESTART_DELAY=0 \
		test_expect_code 1 modscan watchdog --config "$CONF" >out &&
	test_grep "^gave up after 2 restart attempts: " out &&
	: the second give-up queues no alert, and once the queue is empty \
	  the mails are all there &&
	test "$(alerts_queued gave-up)" = $((queued + 1)) &&
	test_wait_for 20 no_alert_pending &&
	test "$(mails_with "gave up")" = $((before + 1))
'

test_expect_success SMTPD 'then it recovers: a restart, and one recovery mail' '
	modscan watchdog --config "$CONF" >out &&
	test_grep "^scanner restarted: pid" out &&
	scanner_healthy &&
	test ! -f "$RUN/watchdog.gaveup" &&
	test_wait_for 20 mails_are recovered 1 &&
	test_grep "recovered after an earlier give-up" "$WATCH_LOG"
'

# The check never waits for the mail: it is bounded by 4x START_TIMEOUT
# (15 s, the longest wait of a restart), a generous multiple of its own
# deadline and far below SMTP_TIMEOUT (300 s), not a timing.
smtp_start --blackhole && HOLE_CONF=$SMTP_CONF &&
	HOLE_PID=$(cat "$TRASH/smtp$_smtp_n/pid") && test_set_prereq BLACKHOLE
# queued_alerts: how many alerts wait in the queue
queued_alerts() {
	ls "$RUN/alerts" | grep -c "\.alert\$" || :
}
# queue_free: no alert sender holds the queue (for test_wait_for)
queue_free() {
	flock -n "$RUN/alerts/.flush" true
}
# mail_conf FILE LINES...: $CONF with these mail settings instead
mail_conf() {
	_f=$1
	shift
	sed "/^SMTP_/d; /^MAIL_/d" "$CONF" >"$_f" &&
	printf "%s\n" "$@" >>"$_f" && chmod 600 "$_f"
}

test_expect_success SMTPD,BLACKHOLE 'a black-holing mail server: the check still finishes (bound: 4x START_TIMEOUT)' '
	mail_conf hole.conf "$(cat "$HOLE_CONF")" SMTP_TIMEOUT=300 &&
	lines=$(wc -l <"$WATCH_LOG") &&
	before=$(queued_alerts) &&
	pid=$(scanner_pid) && kill -9 "$pid" && test_wait_for 10 gone "$pid" &&
	timeout 60 "$MODSCAN" watchdog --config hole.conf >out &&
	test_grep "^scanner restarted" out &&
	test "$(queued_alerts)" = $((before + 1)) &&
	: the sender waits on the black hole for SMTP_TIMEOUT, holding the \
	  queue: once the server is gone it gives up and the alert stays &&
	test_wait_for 60 since_start "debug alert sender started" &&
	kill "$HOLE_PID" &&
	test_wait_for 60 queue_free &&
	test "$(queued_alerts)" = $((before + 1))
'

# Needs no mail server: nothing listens on the port.
test_expect_success 'a closed mail port: the check finishes (bound: 4x START_TIMEOUT) and the alert stays queued' '
	port=$(test_free_port) &&
	mail_conf down.conf SMTP_HOST=127.0.0.1 SMTP_PORT=$port SMTP_TLS=none \
		SMTP_TIMEOUT=300 MAIL_FROM=modscan@example.net \
		MAIL_TO=ops@example.net &&
	lines=$(wc -l <"$WATCH_LOG") &&
	before=$(queued_alerts) &&
	pid=$(scanner_pid) && kill -9 "$pid" && test_wait_for 10 gone "$pid" &&
	timeout 60 "$MODSCAN" watchdog --config down.conf >out &&
	test_grep "^scanner restarted" out &&
	test "$(queued_alerts)" = $((before + 1)) &&
	: once its sender is done, one more try: it cannot connect, and \
	  keeps every alert &&
	test_wait_for 60 queue_free &&
	test_expect_code 1 modscan watchdog --flush-alerts --config down.conf &&
	since_start "warn alert mail not sent, kept for the next try: cannot connect to .127.0.0.1:$port." &&
	test "$(queued_alerts)" = $((before + 1))
'

test_expect_success '--restart: a new pid; --stop: stopped; --stop again: not running' '
	pid=$(scanner_pid) &&
	modscan watchdog --restart --config "$CONF" >out &&
	test_grep "^started: pid" out &&
	gone "$pid" &&
	new=$(scanner_pid) && test "$new" != "$pid" &&
	modscan watchdog --stop --config "$CONF" >out &&
	test_grep "^stopped: pid $new$" out &&
	gone "$new" &&
	modscan watchdog --stop --config "$CONF" >out &&
	test_grep "^not running: " out
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 modscan watchdog --stop --start 2>err &&
	test_grep "exclude each other" err &&
	test_expect_code 2 modscan watchdog --serve :1 2>err &&
	test_expect_code 2 modscan watchdog --frob 2>err &&
	test_expect_code 2 modscan watchdog extra 2>err
'

test_done
