#!/bin/sh
test_description='scan --once: plant alerts and recoveries by mail (one digest per sweep) and by ALERT_COMMAND (JSON lines)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-smtp.sh"

EPOCH=1790000000
CTL=$TRASH/hold.ctl
: >"$CTL"
mariadb_start
smtp_start
ccapsim_start --devices 2 --family e6000 --upstreams 8 --seed 21 \
	--epoch $EPOCH --time-scale 0 --hold "*/*=QAM64@0" --control "$CTL"

# The upstreams a correct parser reports, by ccapsim truth: "DEVICE UP".
for d in CCAP000 CCAP001; do
	"$CCAPSIM" truth --seed 21 --name $d --at $EPOCH --upstreams 8 |
		awk -v d=$d '$4 == "ok" { print d, $1 }'
done >ups
# Every upstream of CCAP000 and three of CCAP001 go down.
{ grep "^CCAP000 " ups; grep "^CCAP001 " ups | head -n 3; } >down

cat >"$TRASH/hook.sh" <<EOF
#!/bin/sh
cat >>"$TRASH/hook.out"
EOF
chmod 755 "$TRASH/hook.sh"

# JSON lines of the hook from line $1 as "kind device upstream modulation".
hook_events() {
	tail -n +"$1" hook.out | /usr/bin/python3 -c '
import json, sys
for l in sys.stdin:
    e = json.loads(l)
    assert set(e) >= {"kind", "device", "upstream", "node", "modulation",
                      "since", "at", "value"}, e
    assert e["at"] >= e["since"] > 1700000000, e
    print(e["kind"], e["device"], e["upstream"] or "-", e["modulation"] or "-")
' | sort
}

test_expect_success 'setup: alerts by mail and command' '
	test_line_count -gt 8 down &&
	scan_config &&
	cat "$SMTP_CONF" >>scan.conf &&
	cat >>scan.conf <<-EOC &&
	LOGIN_TIMEOUT=30
	COMMAND_TIMEOUT=30
	DEVICE_TIMEOUT=60
	ALERT_INTERVAL=0
	ALERT_COMMAND=$TRASH/hook.sh
	PLANT_ALERT_BELOW_QAM64_MIN=0
	PLANT_ALERT_DEGRADED_UPSTREAMS=4
	PLANT_ALERT_DEVICE_FAILS=1
	EOC
	: >hook.out &&
	modscan maintain --init --config scan.conf >/dev/null &&
	modscan scan --once -c scan.conf 2>err &&
	test $(smtp_count "$SMTP_DIR") = 0 &&
	test_line_count = 0 hook.out
'

test_expect_success 'many upstreams down at once: one digest mail listing every event' '
	sed "s|^\([^ ]*\) \(.*\)|\1/\2=QPSK@0|" down >"$CTL" &&
	modscan scan --once -c scan.conf 2>err &&
	test $(smtp_count "$SMTP_DIR") = 1 &&
	smtp_body "$SMTP_DIR"/*.eml >body &&
	while read -r d u; do
		grep -q "$d.*$u\|$u.*$d" body || { echo "not in the mail: $d $u"; exit 1; }
	done <down &&
	n=$(grep -c "^CCAP000 " down) &&
	test_grep "^- CCAP000: degraded since .* ($n upstreams below QAM64)$" body &&
	test_grep "^Raised ($(($(wc -l <down) + 1))):$" body
'

test_expect_success 'the same events to ALERT_COMMAND, one JSON line each' '
	{
		sed "s/^\([^ ]*\) \(.*\)/upstream_below_qam64 \1 \2 QPSK/" down &&
		echo "device_degraded CCAP000 - -"
	} | sort >want &&
	hook_events 1 >got &&
	test_cmp want got
'

test_expect_success 'released: one more mail with the recoveries, and the command gets them' '
	n=$(($(wc -l <hook.out) + 1)) &&
	: >"$CTL" &&
	modscan scan --once -c scan.conf 2>err &&
	test $(smtp_count "$SMTP_DIR") = 2 &&
	{
		sed "s/^\([^ ]*\) \(.*\)/upstream_recovered \1 \2 QAM64/" down &&
		echo "device_degraded_recovered CCAP000 - -"
	} | sort >want &&
	hook_events $n >got &&
	test_cmp want got &&
	ls -t "$SMTP_DIR"/*.eml | head -n 1 >last &&
	smtp_body "$(cat last)" >body2 &&
	test_grep "^Recovered ($(($(wc -l <down) + 1))):$" body2 &&
	modscan scan --once -c scan.conf 2>err &&
	test $(smtp_count "$SMTP_DIR") = 2
'

test_expect_success 'a password rotation: device_failing for both by mail and command, then their recovery' '
	n=$(($(wc -l <hook.out) + 1)) &&
	test_expect_code 1 env SSH_PASSWORD=rotated "$MODSCAN" scan --once -c scan.conf 2>err &&
	test $(smtp_count "$SMTP_DIR") = 3 &&
	printf "%s\n" "device_failing CCAP000 - -" "device_failing CCAP001 - -" >want &&
	hook_events $n >got &&
	test_cmp want got &&
	n=$(($(wc -l <hook.out) + 1)) &&
	modscan scan --once -c scan.conf 2>err &&
	test $(smtp_count "$SMTP_DIR") = 4 &&
	printf "%s\n" "device_recovered CCAP000 - -" "device_recovered CCAP001 - -" >want &&
	hook_events $n >got &&
	test_cmp want got
'

test_done
