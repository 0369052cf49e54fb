#!/bin/sh
test_description='scan: SIGTERM stops devices still connecting or logging in within STOP_GRACE'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-ccapsim.sh"

# No database: the samples go to the spool.  CCAP000 accepts TCP and never
# sends an SSH banner; CCAP100 logs in and never shows a prompt.
ccapsim_start --devices 2 --upstreams 4 --seed 19 \
	--fault CCAP000=hang --fault CCAP100=hang-prompt

test_expect_success 'setup: long connect and login timeouts, short grace' '
	scan_config &&
	cat >>scan.conf <<-EOC
	CONNECT_TIMEOUT=60
	LOGIN_TIMEOUT=60
	DEVICE_TIMEOUT=120
	STOP_GRACE=1
	EOC
'

test_expect_success 'SIGTERM during the key exchange: exit 0 within the grace' '
	"$MODSCAN" scan --once -c scan.conf 2>err &
	pid=$! &&
	test_wait_for 10 grep -q "scanner started" scan.log &&
	test_wait_for 10 grep -q "scanning" run/status.json &&
	start=$(date +%s) &&
	kill -TERM $pid &&
	wait $pid &&
	end=$(date +%s) &&
	echo "stopped in $((end - start)) s" &&
	test $((end - start)) -le 4 &&
	test_grep "stopping, 2 devices in flight get 1 s" scan.log &&
	test_grep "CCAP000: failed: timed out during key exchange" scan.log
'

test_expect_success '--once scans each device once, however long the sweep' '
	: CCAP100 holds the sweep open for LOGIN_TIMEOUT, longer than \
	  SCAN_INTERVAL: CCAP000 comes due again meanwhile &&
	ccapsim_stop &&
	ccapsim_start --devices 2 --upstreams 4 --seed 19 \
		--fault CCAP100=hang-prompt &&
	scan_config &&
	cat >>scan.conf <<-EOC &&
	LOGIN_TIMEOUT=14
	SCAN_INTERVAL=10
	CHECK_INTERVAL=1
	EOC
	: >scan.log &&
	test_expect_code 1 modscan scan --once -c scan.conf 2>err &&
	cat scan.log &&
	test "$(grep -c "CCAP000: ok" scan.log)" = 1 &&
	test_grep "sweep done: 1 ok, 0 partial, 1 failed" scan.log
'

test_done
