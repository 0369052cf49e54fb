#!/bin/sh
test_description='scan: plant alerts raise once and recover once across scan --once runs (each a restart), with status listing them'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

# Two E6000s whose simulated clock stands still; every upstream is held at
# QAM64 and the control file holds chosen ones lower from run to run.
EPOCH=1790000000
CTL=$TRASH/hold.ctl
: >"$CTL"
mariadb_start
ccapsim_start --devices 2 --family e6000 --upstreams 4 --seed 11 \
	--epoch $EPOCH --time-scale 0 --hold "*/*=QAM64@0" --control "$CTL"

# Two upstreams of CCAP000 that a correct parser reports, by ccapsim truth.
"$CCAPSIM" truth --seed 11 --name CCAP000 --at $EPOCH --upstreams 4 |
	awk '$4 == "ok" { print $1 }' | head -n 2 >ups
UP1=$(sed -n 1p ups) UP2=$(sed -n 2p ups)

alert_lines() {
	grep " plant alert: " scan.log | sed "s/.* plant alert: //"
}
# Run one sweep; the plant alert lines it logged go to new.
sweep() {
	n=$(alert_lines | wc -l) &&
	modscan scan --once -c scan.conf 2>err
	rc=$?
	alert_lines | tail -n +$((n + 1)) >new
	return $rc
}
kinds() {
	sed "s/ since .*//" new | sort
}

test_expect_success 'two upstreams to hold were found' '
	test -n "$UP1" && test -n "$UP2" && test "$UP1" != "$UP2"
'

test_expect_success 'every upstream at QAM64: no alert, status lists none' '
	scan_config &&
	cat >>scan.conf <<-EOC &&
	PLANT_ALERT_BELOW_QAM64_MIN=0
	PLANT_ALERT_DEGRADED_UPSTREAMS=2
	LOGIN_TIMEOUT=30
	COMMAND_TIMEOUT=30
	DEVICE_TIMEOUT=60
	PLANT_ALERT_DEVICE_FAILS=2
	NODES_FILE=$TRASH/nodes.txt
	EOC
	echo "CCAP000 $UP1 FN-0001 the first node" >nodes.txt &&
	modscan maintain --init --config scan.conf >/dev/null &&
	sweep &&
	test_line_count = 0 new &&
	test -f run/plant-alerts.state &&
	test_expect_code 1 modscan status -c scan.conf >st &&
	test_grep "^plant alerts: none open$" st &&
	modscan status --prometheus -c scan.conf >prom &&
	test_grep "^modscan_plant_alerts_open{kind=\"upstream_below_qam64\"} 0$" prom &&
	test_grep "^modscan_plant_alerts_open{kind=\"device_degraded\"} 0$" prom &&
	test_grep "^modscan_plant_alerts_open{kind=\"device_failing\"} 0$" prom
'

test_expect_success 'one upstream held at QPSK: one alert naming device, upstream and modulation' '
	echo "CCAP000/$UP1=QPSK@0" >"$CTL" &&
	sweep &&
	echo "upstream_below_qam64 CCAP000 $UP1 node FN-0001 QPSK" >want &&
	kinds >got &&
	test_cmp want got &&
	test_grep ", 0 min below QAM64$" new
'

test_expect_success 'status lists it: text, JSON, Prometheus, Nagios' '
	test_expect_code 1 modscan status -c scan.conf >st &&
	test_grep "^plant alerts: 1 open$" st &&
	test_grep "^  upstream_below_qam64 CCAP000 $UP1 node FN-0001 QPSK since " st &&
	test_expect_code 1 modscan status --json -c scan.conf >st.json &&
	/usr/bin/python3 - st.json "$UP1" <<-\EOP &&
	import json, sys
	a = json.load(open(sys.argv[1]))["plant_alerts"]
	assert len(a) == 1, a
	e = a[0]
	assert (e["kind"], e["device"], e["upstream"], e["node"],
		e["modulation"]) == ("upstream_below_qam64", "CCAP000",
				     sys.argv[2], "FN-0001", "QPSK"), e
	assert e["since"] > 1700000000 and e["value"] == 0, e
	EOP
	modscan status --prometheus -c scan.conf >prom &&
	test_grep "^modscan_plant_alerts_open{kind=\"upstream_below_qam64\"} 1$" prom &&
	test_expect_code 2 modscan status --nagios --config scan.conf >nag &&
	test_grep "^MODSCAN CRITICAL - 1 plant alert open; pid [0-9]* exited cleanly; " nag
'

test_expect_success 'the next run (a restart) with the upstream still below raises nothing' '
	sweep &&
	test_line_count = 0 new
'

test_expect_success 'a second upstream below: its alert and the CCAP degraded (2 at once)' '
	echo "CCAP000/$UP2=QAM16@0" >>"$CTL" &&
	sweep &&
	kinds >got &&
	printf "%s\n" "upstream_below_qam64 CCAP000 $UP2 QAM16" \
		"device_degraded CCAP000" | sort >want &&
	test_cmp want got &&
	test_grep "^device_degraded CCAP000 since .*, 2 upstreams below QAM64$" new &&
	test_expect_code 1 modscan status -c scan.conf >st &&
	test_grep "^plant alerts: 3 open$" st
'

test_expect_success 'released: each alert recovers once, back at QAM64' '
	: >"$CTL" &&
	sweep &&
	kinds >got &&
	printf "%s\n" "upstream_recovered CCAP000 $UP1 node FN-0001 QAM64" \
		"upstream_recovered CCAP000 $UP2 QAM64" \
		"device_degraded_recovered CCAP000" | sort >want &&
	test_cmp want got &&
	sweep &&
	test_line_count = 0 new &&
	test_expect_code 1 modscan status -c scan.conf >st &&
	test_grep "^plant alerts: none open$" st
'

test_expect_success 'a password rotation: both devices fail two sweeps in a row, one alert each' '
	SSH_PASSWORD=rotated sweep;
	test_line_count = 0 new &&
	SSH_PASSWORD=rotated sweep;
	kinds >got &&
	printf "%s\n" "device_failing CCAP000" "device_failing CCAP001" >want &&
	test_cmp want got &&
	test_grep "^device_failing CCAP000 since .*, 2 failed scans in a row$" new &&
	SSH_PASSWORD=rotated sweep;
	test_line_count = 0 new &&
	modscan status --prometheus -c scan.conf >prom &&
	test_grep "^modscan_plant_alerts_open{kind=\"device_failing\"} 2$" prom
'

test_expect_success 'the password fixed: both recover after 3 failed scans' '
	sweep &&
	kinds >got &&
	printf "%s\n" "device_recovered CCAP000" "device_recovered CCAP001" >want &&
	test_cmp want got &&
	test_grep "^device_recovered CCAP001 since .*, 3 failed scans in a row$" new
'

test_expect_success 'a damaged state file: one error line, a fresh start, the scan goes on' '
	echo "CCAP000/$UP1=QPSK@0" >"$CTL" &&
	sweep &&
	test_line_count = 1 new &&
	printf "garbage\n" >run/plant-alerts.state &&
	sweep &&
	test_grep "plant alerts: .*plant-alerts.state.*, starting afresh" scan.log &&
	kinds >got &&
	echo "upstream_below_qam64 CCAP000 $UP1 node FN-0001 QPSK" >want &&
	test_cmp want got &&
	head -n 1 run/plant-alerts.state >head &&
	echo "modscan-plant-alerts 1" >want &&
	test_cmp want head
'

test_expect_success 'settings unset: nothing evaluated, the open alert closes' '
	grep -v "^PLANT_ALERT_" scan.conf >off.conf &&
	chmod 600 off.conf &&
	n=$(alert_lines | wc -l) &&
	modscan scan --once -c off.conf 2>err &&
	alert_lines | tail -n +$((n + 1)) | sed "s/ since .*//" >got &&
	echo "upstream_recovered CCAP000 $UP1 node FN-0001 QPSK" >want &&
	test_cmp want got
'

test_expect_success 'a scanner started without CCAP000 in its device list closes its alert' '
	sweep &&
	echo "upstream_below_qam64 CCAP000 $UP1 node FN-0001 QPSK" >want &&
	kinds >got &&
	test_cmp want got &&
	grep -v "^CCAP000 " "$CCAPSIM_INV" >fewer &&
	sed "s|^DEVICES_FILE=.*|DEVICES_FILE=$TRASH/fewer|" scan.conf >fewer.conf &&
	chmod 600 fewer.conf &&
	n=$(alert_lines | wc -l) &&
	modscan scan --once -c fewer.conf 2>err &&
	alert_lines | tail -n +$((n + 1)) | sed "s/ since .*//" >got &&
	echo "upstream_recovered CCAP000 $UP1 node FN-0001" >want &&
	test_cmp want got &&
	modscan scan --once -c fewer.conf 2>err &&
	test $(alert_lines | wc -l) = $((n + 1))
'

test_done
