#!/bin/sh
test_description='scan --once: the live progress line only on a terminal'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-ccapsim.sh"

# No database: the samples go to the spool, which is all this needs.
ccapsim_start --devices 4 --upstreams 4 --seed 17

# Run the scanner under a pseudo-terminal (script, from util-linux).
on_tty() {
	script -qec "$*" /dev/null </dev/null >"$TRASH/tty.out"
}

test_expect_success 'setup' '
	scan_config
'

test_expect_success 'on a terminal: one live progress line on stderr' '
	on_tty "$MODSCAN" scan --once -c scan.conf &&
	cat -v tty.out &&
	test_grep "4/4 devices, 0 failed, .* devices/s, ETA 0 s" tty.out &&
	test "$(grep -c "devices/s" tty.out)" = 1 &&
	: redrawn in place: carriage returns, one newline at the end &&
	test "$(tr "\r" "\n" <tty.out | grep -c "devices/s")" -ge 2
'

test_expect_success 'not with --quiet' '
	on_tty "$MODSCAN" scan --once --quiet -c scan.conf &&
	test_grep -v "devices/s" tty.out
'

test_expect_success 'not when stderr is not a terminal' '
	on_tty "$MODSCAN" scan --once -c scan.conf "2>$TRASH/err" &&
	test_grep -v "devices/s" tty.out &&
	test_grep -v "devices/s" err &&
	modscan scan --once -c scan.conf 2>err &&
	test_line_count = 0 err
'

test_expect_success 'not with --device' '
	on_tty "$MODSCAN" scan -c scan.conf --device CCAP000 &&
	test_grep "^# CCAP000: ok" tty.out &&
	test_grep -v "devices/s" tty.out
'

test_done
