#!/bin/sh
test_description='watchdog: the old script'\''s --check, retention by default (MAINTAIN_AT 04:30, the shipped cron and timer)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-watch.sh"

CONF=$TRASH/wd.conf
watch_conf "$CONF"
test_atexit "modscan watchdog --stop --config '$CONF'"

test_expect_success '--check without a scanner starts one, like a bare check' '
	modscan watchdog --check --config "$CONF" >out 2>err &&
	pid=$(scanner_pid) &&
	scanner_healthy "$pid" &&
	test_grep "started a scanner: pid $pid" "$WATCH_LOG"
'

test_expect_success '--check of a healthy scanner changes nothing' '
	pid=$(scanner_pid) &&
	modscan watchdog --check --config "$CONF" >out &&
	test_line_count = 0 out &&
	test "$(scanner_pid)" = "$pid"
'

test_expect_success '--check restarts a killed scanner' '
	old=$(scanner_pid) &&
	kill -KILL "$old" &&
	test_wait_for 10 gone "$old" &&
	modscan watchdog --check --config "$CONF" >out 2>err &&
	new=$(scanner_pid) &&
	test "$new" != "$old" &&
	scanner_healthy "$new"
'

test_expect_success '--check with another mode: exit 2' '
	test_expect_code 2 modscan watchdog --check --status --config "$CONF" 2>err &&
	test_grep "exclude each other" err
'

test_expect_success 'watchdog --daemon runs maintain --cleanup at 04:30 unless told otherwise' '
	modscan watchdog --stop --config "$CONF" >/dev/null &&
	( "$MODSCAN" watchdog --daemon --config "$CONF" >daemon.out 2>&1 & echo $! >daemon.pid ) &&
	test_wait_for 30 grep -q "job maintain daily at 04:30" "$WATCH_LOG" &&
	kill -TERM "$(cat daemon.pid)" &&
	test_wait_for 60 gone "$(cat daemon.pid)" &&
	grep -v "^MAINTAIN_AT" "$CONF" >off.conf && echo "MAINTAIN_AT=" >>off.conf &&
	chmod 600 off.conf && : >"$WATCH_LOG" &&
	( "$MODSCAN" watchdog --daemon --config off.conf >daemon.out 2>&1 & echo $! >daemon.pid ) &&
	test_wait_for 30 test -s "$RUN/watchdog.json" &&
	test_wait_for 30 grep -q "started" "$WATCH_LOG" &&
	kill -TERM "$(cat daemon.pid)" &&
	test_wait_for 60 gone "$(cat daemon.pid)" &&
	test_grep -v "job maintain daily" "$WATCH_LOG"
'

test_expect_success 'the shipped crontab and timer run maintain --cleanup daily' '
	grep -E "^#?[0-9]+ [0-9]+ \* \* \* +modscan +modscan maintain --cleanup( |$)" \
		"$SRC_DIR/contrib/cron/modscan.cron" &&
	grep -q "^OnCalendar=\*-\*-\* [0-9:]*$" "$SRC_DIR/contrib/systemd/modscan-maintain.timer" &&
	grep -q "^ExecStart=.* maintain --cleanup" "$SRC_DIR/contrib/systemd/modscan-maintain.service"
'

test_done
