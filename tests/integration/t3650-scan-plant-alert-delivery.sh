#!/bin/sh
test_description='plant alerts end to end: the scanner raises them against ccapsim, scan --once mails the digest and hands the JSON lines to ALERT_COMMAND, node included'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-smtp.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-mariadb.sh"

# One E6000 whose simulated clock stands still, every upstream held at
# QAM64 but the ones the control file holds lower.
EPOCH=1790000000
CTL=$TRASH/hold.ctl
: >"$CTL"
mariadb_start
ccapsim_start --devices 1 --family e6000 --upstreams 4 --seed 11 \
	--epoch $EPOCH --time-scale 0 --hold "*/*=QAM64@0" --control "$CTL"
smtp_start && test_set_prereq SMTPD
"$CCAPSIM" truth --seed 11 --name CCAP000 --at $EPOCH --upstreams 4 |
	awk '$4 == "ok" { print $1 }' | head -n 1 >ups
UP=$(cat ups)
printf '#!/bin/sh\ncat >>"$HOME/got"\n' >hook && chmod +x hook

test_expect_success SMTPD 'an upstream held at QPSK: one digest mail and one JSON line, naming its node' '
	test -n "$UP" &&
	scan_config &&
	cat "$SMTP_CONF" >>scan.conf &&
	cat >>scan.conf <<-EOC &&
	PLANT_ALERT_BELOW_QAM64_MIN=0
	NODES_FILE=$TRASH/nodes.txt
	ALERT_INTERVAL=0
	ALERT_COMMAND=$TRASH/hook
	LOGIN_TIMEOUT=30
	COMMAND_TIMEOUT=30
	DEVICE_TIMEOUT=60
	EOC
	echo "CCAP000 $UP FN-0001" >nodes.txt &&
	modscan maintain --init --config scan.conf >/dev/null &&
	modscan scan --once -c scan.conf &&
	test "$(smtp_count "$SMTP_DIR")" = 0 &&
	echo "CCAP000/$UP=QPSK@0" >"$CTL" &&
	modscan scan --once -c scan.conf &&
	test "$(smtp_count "$SMTP_DIR")" = 1 &&
	test "$(smtp_header "$SMTP_DIR/0001.eml" Subject)" = \
		"modscan: 1 plant alert" &&
	smtp_body "$SMTP_DIR/0001.eml" >body &&
	test_grep "^- CCAP000 $UP \[node FN-0001\] QPSK: below QAM64 since " body &&
	test_line_count = 1 got &&
	/usr/bin/python3 - "$UP" <<-\EOP
	import json, sys
	e = json.loads(open("got").read())
	assert (e["kind"], e["device"], e["upstream"], e["node"],
	        e["modulation"]) == ("upstream_below_qam64", "CCAP000",
	                             sys.argv[1], "FN-0001", "QPSK"), e
	assert e["value"] == 0 and e["at"] >= e["since"] > 1700000000, e
	EOP
'

test_expect_success SMTPD 'released: the recovery comes once, by mail and command' '
	: >"$CTL" &&
	modscan scan --once -c scan.conf &&
	modscan scan --once -c scan.conf &&
	test "$(smtp_count "$SMTP_DIR")" = 2 &&
	test "$(smtp_header "$SMTP_DIR/0002.eml" Subject)" = \
		"modscan: 1 recovery" &&
	smtp_body "$SMTP_DIR/0002.eml" >body &&
	test_grep "^- CCAP000 $UP \[node FN-0001\] QAM64: back at QAM64 at " body &&
	test_line_count = 2 got &&
	test_grep "\"kind\":\"upstream_recovered\"" got
'

test_done
