#!/bin/sh
test_description='scan: a plant alert open when the scanner is killed is neither raised again nor forgotten by the next one, by log, mail and ALERT_COMMAND'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-watch.sh"
. "$TEST_DIR/lib-smtp.sh"

# Every upstream at QAM64 but one of CCAP000, held at QPSK until the
# control file releases it.
EPOCH=1790000000
CTL=$TRASH/hold.ctl
: >"$CTL"
"$CCAPSIM" truth --seed 12 --name CCAP000 --at $EPOCH --upstreams 4 |
	awk '$4 == "ok" { print $1 }' | head -n 1 >up
UP=$(cat up)
mariadb_start
smtp_start
ccapsim_start --devices 3 --family mix --upstreams 4 --seed 12 \
	--epoch $EPOCH --time-scale 0 --hold "*/*=QAM64@0" \
	--hold "CCAP000/$UP=QPSK@0" --control "$CTL"

count() {
	grep -c " plant alert: $1 CCAP000 $UP " scan.log
}
# The scanner of pid $1 has finished $2 sweeps.
sweeps_of() {
	[ -s run/status.json ] &&
	[ "$(status_field run/status.json pid)" = "$1" ] &&
	[ "$(status_field run/status.json sweeps)" -ge "$2" ]
}
start_scanner() {
	"$MODSCAN" scan -c scan.conf >>scan.out 2>&1 &
	echo $! >scan.pid
}
test_atexit 'kill $(cat "$TRASH/scan.pid" 2>/dev/null) 2>/dev/null'
printf '#!/bin/sh\ncat >>"%s/hook.out"\n' "$TRASH" >hook.sh
chmod 755 hook.sh
: >hook.out
# ALERT_COMMAND got N events / the kinds it got, in order.
hook_has() {
	[ "$(wc -l <hook.out)" -ge "$1" ]
}
mails_are() {
	[ "$(smtp_count "$SMTP_DIR")" = "$1" ]
}
hook_kinds() {
	/usr/bin/python3 -c '
import json, sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    print(e["kind"], e["device"], e["upstream"], e["modulation"])
' hook.out
}

test_expect_success 'setup: an upstream to hold' '
	test -n "$UP" &&
	scan_config &&
	cat "$SMTP_CONF" >>scan.conf &&
	cat >>scan.conf <<-EOC &&
	SCAN_INTERVAL=10
	ALERT_INTERVAL=0
	ALERT_COMMAND=$TRASH/hook.sh
	LOGIN_TIMEOUT=30
	COMMAND_TIMEOUT=30
	DEVICE_TIMEOUT=60
	CHECK_INTERVAL=1
	PLANT_ALERT_BELOW_QAM64_MIN=0
	EOC
	modscan maintain --init --config scan.conf >/dev/null
'

test_expect_success 'the scanner raises the alert once; Nagios says WARNING' '
	start_scanner &&
	pid=$(cat scan.pid) &&
	test_wait_for 120 sweeps_of $pid 2 &&
	test "$(count upstream_below_qam64)" = 1 &&
	test_wait_for 120 hook_has 1 &&
	echo "upstream_below_qam64 CCAP000 $UP QPSK" >want &&
	hook_kinds >got &&
	test_cmp want got &&
	test_wait_for 120 mails_are 1 &&
	test_expect_code 1 modscan status --nagios --config scan.conf >nag &&
	test_grep "^MODSCAN WARNING - 1 plant alert open; pid $pid is " nag
'

test_expect_success 'kill -9 while it is open; the next scanner raises nothing again' '
	pid=$(cat scan.pid) &&
	kill -KILL $pid &&
	test_wait_for 30 gone $pid &&
	start_scanner &&
	pid=$(cat scan.pid) &&
	test_wait_for 120 sweeps_of $pid 2 &&
	test "$(count upstream_below_qam64)" = 1 &&
	modscan status --config scan.conf >st &&
	test_grep "^plant alerts: 1 open$" st &&
	test_grep "^  upstream_below_qam64 CCAP000 $UP QPSK since " st
'

test_expect_success 'released: the recovery comes, once' '
	echo "CCAP000/$UP=QAM64@0" >"$CTL" &&
	pid=$(cat scan.pid) &&
	n=$(status_field run/status.json sweeps) &&
	test_wait_for 120 sweeps_of $pid $((n + 3)) &&
	test "$(count upstream_recovered)" = 1 &&
	test "$(count upstream_below_qam64)" = 1 &&
	test_wait_for 120 hook_has 2 &&
	echo "upstream_recovered CCAP000 $UP QAM64" >>want &&
	hook_kinds >got &&
	test_cmp want got &&
	test_wait_for 120 mails_are 2 &&
	modscan status --config scan.conf >st &&
	test_grep "^plant alerts: none open$" st &&
	modscan status --nagios --config scan.conf >nag &&
	test_grep "^MODSCAN OK - " nag
'

test_expect_success 'SIGTERM: the state file says nothing is open' '
	pid=$(cat scan.pid) &&
	kill -TERM $pid &&
	test_wait_for 30 gone $pid &&
	echo "modscan-plant-alerts 1" >want &&
	test_cmp want run/plant-alerts.state &&
	test_line_count = 2 hook.out &&
	test "$(smtp_count "$SMTP_DIR")" = 2
'

test_done
