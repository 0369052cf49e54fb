#!/bin/sh
test_description='scan: SIGTERM within STOP_GRACE, --once scans a device once, SIGHUP keeps the store settings'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-ccapsim.sh"

# No database: the samples go to the spool.  CCAP000 accepts TCP and never
# sends an SSH banner; CCAP100 logs in and never shows a prompt; CCAP200
# and CCAP001 answer.
ccapsim_start --devices 4 --upstreams 4 --seed 19 \
	--fault CCAP000=hang --fault CCAP100=hang-prompt

pick() {
	for d in "$@"; do
		grep "^$d " "$CCAPSIM_INV" || return 1
	done
}

test_expect_success 'setup' '
	scan_config &&
	pick CCAP000 CCAP100 >hanging &&
	pick CCAP100 CCAP001 >one-slow &&
	pick CCAP200 CCAP001 >fast &&
	test_line_count = 2 fast
'

test_expect_success 'SIGTERM during the key exchange: exit 0 within the grace' '
	cat >>scan.conf <<-EOC || exit 1
	CONNECT_TIMEOUT=60
	LOGIN_TIMEOUT=60
	DEVICE_TIMEOUT=120
	STOP_GRACE=1
	EOC
	"$MODSCAN" scan --once -c scan.conf --devices hanging 2>err &
	pid=$! &&
	test_wait_for 10 grep -q "scanner started" scan.log &&
	test_wait_for 10 grep -q "scanning" run/status.json &&
	: the devices hang for CONNECT_TIMEOUT, 60 s: the bound of 10x \
	  STOP_GRACE proves the grace, generously &&
	kill -TERM $pid &&
	test_wait_for 10 gone $pid &&
	wait $pid &&
	test_grep "SIGTERM: stopping, 2 devices in flight get 1 s" scan.log &&
	test_grep "CCAP000: failed: timed out during key exchange" scan.log
'

test_expect_success '--once scans each device once, however long the sweep' '
	: CCAP100 holds the sweep open for LOGIN_TIMEOUT, longer than \
	  SCAN_INTERVAL: CCAP001 comes due again meanwhile &&
	scan_config &&
	cat >>scan.conf <<-EOC &&
	LOGIN_TIMEOUT=14
	SCAN_INTERVAL=10
	CHECK_INTERVAL=1
	EOC
	: >scan.log &&
	test_expect_code 1 modscan scan --once -c scan.conf --devices one-slow \
		2>err &&
	cat scan.log &&
	test "$(grep -c "CCAP001: ok" scan.log)" = 1 &&
	test_grep "sweep done: 1 ok, 0 partial, 1 failed" scan.log
'

# The store thread keeps the database settings it started with: they must
# outlive the configuration a reload replaced (no database: it reconnects
# every second).
test_expect_success 'SIGHUP, then the store reconnects with the first settings' '
	scan_config &&
	cat >>scan.conf <<-EOC &&
	DB_HOST=127.0.0.1
	DB_USER=nobody-$$
	DB_RETRY_MAX=1
	SCAN_INTERVAL=10
	CHECK_INTERVAL=1
	EOC
	head -n 1 fast >devices &&
	: >scan.log || exit 1
	"$MODSCAN" scan -c scan.conf --devices devices 2>err &
	pid=$! &&
	test_wait_for 15 grep -q "CCAP200: ok" scan.log &&
	cp fast devices &&
	kill -HUP $pid &&
	test_wait_for 5 grep -q "device CCAP001 added" scan.log &&
	test_wait_for 15 grep -q "CCAP001: ok" scan.log &&
	kill -TERM $pid &&
	wait $pid &&
	cat err &&
	test_grep -v AddressSanitizer err &&
	test_grep "scanner stopped" scan.log
'

test_expect_success 'SIGHUP applies a shorter CHECK_INTERVAL at once' '
	scan_config &&
	cat >>scan.conf <<-EOC &&
	SCAN_INTERVAL=10
	CHECK_INTERVAL=3600
	EOC
	: >scan.log || exit 1
	"$MODSCAN" scan -c scan.conf --devices fast 2>err &
	pid=$! &&
	test_wait_for 10 grep -q "scanner started" scan.log &&
	echo CHECK_INTERVAL=1 >>scan.conf &&
	kill -HUP $pid &&
	test_wait_for 5 grep -q "devices reloaded" scan.log &&
	test_wait_for 15 grep -q "CCAP200: ok" scan.log &&
	kill -TERM $pid &&
	wait $pid
'

fails() {
	grep -c " $1 .* FAILED" "$CCAPSIM_TRUTH"
}

test_expect_success 'devices added by SIGHUP get SCAN_CONCURRENCY workers' '
	: one device at start, then two that hang: both are scanned at once &&
	scan_config &&
	cat >>scan.conf <<-EOC &&
	CONNECT_TIMEOUT=60
	LOGIN_TIMEOUT=60
	DEVICE_TIMEOUT=120
	STOP_GRACE=1
	SCAN_INTERVAL=10
	CHECK_INTERVAL=1
	EOC
	pick CCAP001 >devices &&
	n0=$(fails CCAP000) && n1=$(fails CCAP100) &&
	: >scan.log || exit 1
	"$MODSCAN" scan -c scan.conf --devices devices 2>err &
	pid=$! &&
	test_wait_for 10 grep -q "scanner started" scan.log &&
	cat hanging >>devices &&
	kill -HUP $pid &&
	test_wait_for 5 grep -q "devices reloaded: 3 devices" scan.log &&
	test_wait_for 15 sh -c "test \$(grep -c \" CCAP000 .* FAILED\" \
		$CCAPSIM_TRUTH) -gt $n0" &&
	test_wait_for 15 sh -c "test \$(grep -c \" CCAP100 .* FAILED\" \
		$CCAPSIM_TRUTH) -gt $n1" &&
	kill -TERM $pid &&
	wait $pid
'

test_done
