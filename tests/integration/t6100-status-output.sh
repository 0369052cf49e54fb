#!/bin/sh
test_description='status: summary, --json, --nagios exit codes, --prometheus, --textfile, --serve over HTTP'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-watch.sh"

CONF=$TRASH/s.conf
watch_conf "$CONF"

test_expect_success 'no status file: a clear message, exit 1' '
	test_expect_code 1 modscan status --config "$CONF" >out 2>err &&
	test_grep "^modscan status: the scanner is not running: no status file (cannot open .*status.json.: No such file or directory)$" err &&
	test_line_count = 0 out
'

test_expect_success 'no status file: --nagios UNKNOWN (3), --json verdict none (1), --prometheus up 0' '
	test_expect_code 3 modscan status --nagios --config "$CONF" >out &&
	test_grep "^MODSCAN UNKNOWN - no status file" out &&
	test_expect_code 1 modscan status --json --config "$CONF" >out &&
	test "$(status_field out verdict)" = none &&
	test "$(status_field out status)" = None &&
	modscan status --prometheus --config "$CONF" >out &&
	test_grep "^modscan_up 0$" out
'

test_expect_success 'start a real scanner' '
	"$MODSCAN" scan --config "$CONF" >scan.out 2>&1 &
	echo $! >scan.pid &&
	test_wait_for 20 scanner_healthy "$(cat scan.pid)"
'
SCAN=$(cat scan.pid 2>/dev/null || echo 0)
test_atexit "kill -CONT $SCAN; kill $SCAN"

test_expect_success 'human summary: state, pid, uptime, heartbeat, sweep, devices, samples; exit 0' '
	modscan status --config "$CONF" >out &&
	test_grep "^scanner:    ok: pid $SCAN is " out &&
	test_grep "^pid:        $SCAN$" out &&
	test_grep "^uptime:     [0-9]*m [0-9]*s (since " out &&
	test_grep "^heartbeat:  [0-9]* s ago$" out &&
	test_grep "^last sweep: " out &&
	test_grep "^devices:    0, 0 failing$" out &&
	test_grep "^samples:    [0-9]* stored, [0-9]* spooled" out
'

test_expect_success '--json: one object with the verdict and the status file' '
	modscan status --json --config "$CONF" >out &&
	test_line_count = 1 out &&
	test "$(status_field out healthy)" = True &&
	test "$(status_field out verdict)" = ok &&
	test "$(status_field out pid)" = "$SCAN" &&
	test "$(status_field out status.pid)" = "$SCAN" &&
	test "$(status_field out status.applet)" = scan
'

test_expect_success '--nagios with perfdata: WARNING (1) for a scanner with no device to scan' '
	test_expect_code 1 modscan status --nagios --config "$CONF" >out &&
	test_line_count = 1 out &&
	test_grep "^MODSCAN WARNING - no valid device to scan; pid $SCAN is [a-z]*, heartbeat [0-9]* s ago; 0 of 0 devices failed, spool 0 bytes | heartbeat_age=[0-9]*s;120;300;0 failed_devices=0;0;10;0;0 spool_bytes=0B;0;104857600;0$" out
'

test_expect_success 'status -c FILE is --config FILE without --nagios' '
	modscan status -c "$CONF" >out &&
	test_grep "^scanner:    ok: pid $SCAN is " out
'

test_expect_success '--nagios ranges: ~:N, N:, @N:M decide the level (no device to scan: WARNING at least); perfdata spells them' '
	test_expect_code 1 modscan status --nagios -w "~:100000" -c "~:200000" --config "$CONF" >out &&
	test_grep "^MODSCAN WARNING - no valid device to scan; pid " out &&
	test_grep "heartbeat_age=[0-9]*s;~:100000;~:200000;0 " out &&
	test_expect_code 1 modscan status --nagios -w "100000:" --config "$CONF" >out &&
	test_grep "^MODSCAN WARNING - " out &&
	test_grep "heartbeat_age=[0-9]*s;100000:;300;0 " out &&
	test_expect_code 1 modscan status --nagios -w ",1:" --config "$CONF" >out &&
	test_grep "failed_devices=0;1:;10;0;0 " out &&
	test_expect_code 2 modscan status --nagios -c "@0:100000" --config "$CONF" >out &&
	test_grep "^MODSCAN CRITICAL - .*heartbeat_age=[0-9]*s;120;@100000;0 " out &&
	test_expect_code 1 modscan status --nagios -c "@100000:200000" --config "$CONF" >out &&
	test_grep "^MODSCAN WARNING - no valid device to scan; pid " out &&
	test_line_count = 1 out
'

test_expect_success '--nagios: a config or usage error is one UNKNOWN line, exit 3' '
	test_expect_code 3 modscan status --nagios --config nosuch.conf >out 2>err &&
	test_line_count = 1 out &&
	test_grep "^MODSCAN UNKNOWN - cannot open .nosuch.conf.: No such file or directory$" out &&
	test_expect_code 3 modscan status --nag -w "@0:" --config nosuch.conf >out 2>err &&
	test_grep "^MODSCAN UNKNOWN - cannot open .nosuch.conf." out &&
	test_expect_code 3 modscan status --nagios --frob >out 2>err &&
	test_line_count = 1 out &&
	test_grep "^MODSCAN UNKNOWN - unexpected argument .--frob.$" out &&
	test_expect_code 3 modscan status --nagios -w "20:10" --config "$CONF" >out 2>err &&
	test_grep "^MODSCAN UNKNOWN - .20:10. is not AGE,FAILED,SPOOL" out &&
	test_line_count = 1 out
'

test_expect_success 'status -V and --version: one line naming modscan, exit 0' '
	modscan status -V >out &&
	test_line_count = 1 out &&
	test_grep "^modscan .* (built [0-9-]*)$" out &&
	modscan status --nagios --version >out &&
	test_line_count = 1 out
'

test_expect_success '--prometheus: valid exposition text' '
	modscan status --prometheus --config "$CONF" >out &&
	test_grep "^modscan_up 1$" out &&
	test_grep "^modscan_state{state=\"[a-z]*\"} 1$" out &&
	test_grep "^# TYPE modscan_sweeps_total counter$" out &&
	grep -v "^#" out | grep -vE "^modscan_[a-z_]+(\{[a-z]+=\"[^\"]*\"\})? -?[0-9.e+]+$" >bad;
	test_line_count = 0 bad
'

test_expect_success '--textfile DIR: DIR/modscan.prom replaced atomically' '
	mkdir prom &&
	modscan status --textfile prom --config "$CONF" &&
	test_grep "^modscan_up 1$" prom/modscan.prom &&
	test "$(ls prom)" = modscan.prom &&
	test_expect_code 2 modscan status --textfile no-such-dir --config "$CONF" 2>err &&
	test_grep "^modscan status: --textfile .no-such-dir. does not exist" err &&
	test_line_count = 1 err
'

test_expect_success 'stalled (SIGSTOP): --nagios WARNING (1) and CRITICAL (2) by heartbeat age' '
	kill -STOP "$SCAN" &&
	test_wait_for 20 heartbeat_older_than 2500 &&
	test_expect_code 1 modscan status --nagios -w 1 -c 100 --config "$CONF" >out &&
	test_grep "^MODSCAN WARNING - " out &&
	test_grep "heartbeat_age=[0-9]*s;1;100;0" out &&
	test_expect_code 2 modscan status --nagios -w 0 --critical 1 --config "$CONF" >out &&
	test_grep "^MODSCAN CRITICAL - " out &&
	MAX_HEARTBEAT_AGE=5 test_wait_for 20 sh -c "! \"$MODSCAN\" status --config \"$CONF\" >out" &&
	test_grep "^scanner:    hung: " out &&
	kill -CONT "$SCAN"
'

test_expect_success 'a bad threshold: UNKNOWN (3); other usage errors exit 2' '
	test_expect_code 3 modscan status --nagios -w x --config "$CONF" >out 2>err &&
	test_grep "is not AGE,FAILED,SPOOL" err &&
	test_grep "^MODSCAN UNKNOWN - .x. is not AGE,FAILED,SPOOL" out &&
	test_line_count = 1 out &&
	test_expect_code 3 modscan status --json --nagios >out 2>err &&
	test_grep "^MODSCAN UNKNOWN - .*exclude each other" out &&
	test_line_count = 1 out &&
	test_expect_code 2 modscan status -w 1 2>err &&
	test_grep "^modscan status: -w and -c go with --nagios$" err &&
	test_expect_code 2 modscan status --serve nowhere:x 2>err &&
	test_expect_code 2 modscan status extra 2>err
'

test_expect_success '--serve: /health 200, /metrics, 404; a stalled client blocks nobody' '
	port=$(test_free_port) &&
	{ "$MODSCAN" status --serve "127.0.0.1:$port" --config "$CONF" >serve.out 2>&1 & } &&
	srv=$! &&
	test_wait_for 10 grep -q "^serving /health and /metrics on http://127.0.0.1:$port$" serve.out &&
	{ /usr/bin/python3 -c "import socket, sys, time
s = socket.create_connection((\"127.0.0.1\", int(sys.argv[1])))
s.sendall(b\"GET /hea\")
time.sleep(30)" "$port" & } &&
	slow=$! &&
	curl -sS -m 5 -o body -w "%{http_code} %{content_type}" "http://127.0.0.1:$port/health" >code &&
	test "$(cat code)" = "200 application/json" &&
	test "$(status_field body healthy)" = True &&
	curl -sSf -m 5 "http://127.0.0.1:$port/metrics" >metrics &&
	test_grep "^modscan_up 1$" metrics &&
	test "$(curl -sS -m 5 -o /dev/null -w "%{http_code}" "http://127.0.0.1:$port/nope")" = 404 &&
	test "$(curl -sS -m 5 -o /dev/null -w "%{http_code}" -X POST "http://127.0.0.1:$port/health")" = 405 &&
	kill -9 "$SCAN" &&
	test_wait_for 10 gone "$SCAN" &&
	test "$(curl -sS -m 5 -o body -w "%{http_code}" "http://127.0.0.1:$port/health")" = 503 &&
	test "$(status_field body verdict)" = dead &&
	kill "$slow" &&
	kill -TERM "$srv" && wait "$srv"
'

test_expect_success 'a dead scanner: summary exit 1 naming it, --nagios CRITICAL (2)' '
	test_expect_code 1 modscan status --config "$CONF" >out &&
	test_grep "^scanner:    dead: pid $SCAN is gone" out &&
	test_expect_code 2 modscan status --nagios --config "$CONF" >out &&
	test_grep "^MODSCAN CRITICAL - pid $SCAN is gone" out
'

test_expect_success 'a scanner stopped with SIGTERM: stopped, exit 1' '
	"$MODSCAN" scan --config "$CONF" >scan2.out 2>&1 &
	pid=$! &&
	test_wait_for 20 scanner_healthy "$pid" &&
	kill -TERM "$pid" && wait "$pid" &&
	test_expect_code 1 modscan status --config "$CONF" >out &&
	test_grep "^scanner:    stopped: pid $pid exited cleanly$" out
'

test_done
