#!/bin/sh
test_description='scan --once over a fleet with every ccapsim fault kind'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

# Device and fault, in inventory order (mix: e6000, casa, cbr8, ...).
# Wrapped rows do not parse on E6000 and Casa (the truth log marks them
# failed); cBR-8 rows survive.
cat >faults <<\EOF
CCAP000 auth
CCAP100 hang
CCAP200 hang-prompt
CCAP001 trickle
CCAP101 disconnect
CCAP201 garbage
CCAP002 invalid
CCAP102 slow
CCAP202 hostkey
CCAP003 paging
CCAP103 ansi
CCAP203 crcrlf
CCAP004 banner
CCAP104 paging
CCAP204 ansi
CCAP005 crcrlf
CCAP105 banner
CCAP205 paging
CCAP006 wrap
CCAP106 wrap
CCAP206 wrap
CCAP007 disconnect
CCAP207 disconnect
EOF
bad='CCAP000 CCAP100 CCAP200 CCAP001 CCAP101 CCAP201 CCAP002 CCAP102 CCAP202
     CCAP007 CCAP207 CCAP006 CCAP106'

mariadb_start
# shellcheck disable=SC2046
ccapsim_start --devices 30 --family mix --upstreams 8 --seed 11 \
	$(awk '{ printf "--fault %s=%s ", $1, $2 }' faults)

test_expect_success 'the known host keys of the fleet (hostkey: a new one)' '
	awk "{ print \$1, \$3 }" "$CCAPSIM_INV" | while read -r name port; do
		printf "[127.0.0.1]:%s " "$port" &&
		cut -d" " -f1-2 "$TRASH/ccapsim-keys/$name.pub" || exit 1
	done >known_hosts &&
	test_line_count = 30 known_hosts &&
	scan_config &&
	cat >>scan.conf <<-EOC &&
	SSH_KNOWN_HOSTS=$TRASH/known_hosts
	COMMAND_TIMEOUT=3
	DEVICE_TIMEOUT=12
	EOC
	modscan maintain --init --config scan.conf >/dev/null
'

# The hung devices are given up: the sweep is bounded by 4x DEVICE_TIMEOUT
# (12 s), a generous multiple of the deadline it proves, not a timing.
test_expect_success 'the sweep ends although devices hang (bound: 4x DEVICE_TIMEOUT), exit 1' '
	test_expect_code 1 timeout 48 "$MODSCAN" scan --once -c scan.conf 2>err
'

outcomes() {
	mariadb_sql "SELECT device, outcome, error FROM modscan.device_scans" |
		sort
}

test_expect_success 'the truth log marks what must fail' '
	awk "\$3 == \"-\" { print \$2 }" "$CCAPSIM_TRUTH" | sort -u >marked &&
	cat marked &&
	test_line_count -ge 6 marked
'

test_expect_success 'every marked device and every bad one is failed or partial' '
	outcomes >outcomes &&
	cat outcomes &&
	for d in $(cat marked) $bad; do
		grep "^$d	" outcomes >row || { echo "no row: $d"; exit 1; }
		grep -E "	(failed|partial)	.+" row ||
			{ echo "not failed: $(cat row)"; exit 1; }
	done
'

test_expect_success 'the reasons are clear' '
	test_grep "^CCAP000	failed	.*auth" outcomes &&
	test_grep "^CCAP100	failed	.*timed out" outcomes &&
	test_grep "^CCAP200	failed	.*timed out.*prompt" outcomes &&
	test_grep "^CCAP002	failed	.*nvalid" outcomes &&
	test_grep "^CCAP202	failed	.*host key.*changed" outcomes &&
	test_grep "^CCAP102	failed	.*timed out" outcomes
'

test_expect_success 'recoverable faults and healthy devices are ok' '
	awk "{ print \$1 }" "$CCAPSIM_INV" | sort >all &&
	printf "%s\n" $bad | sort >bad &&
	comm -23 all bad >good &&
	test_line_count = 17 good &&
	for d in $(cat good); do
		grep "^$d	ok	$" outcomes ||
			{ echo "not ok: $d: $(grep "^$d	" outcomes)"; exit 1; }
	done
'

test_expect_success 'the ok devices stored exactly what the truth log shows' '
	awk "NR == FNR { g[\$1] = 1; next } \$3 != \"-\" && g[\$2] {
		print \$2, \$3, \$4, \$5 }" good "$CCAPSIM_TRUTH" | sort -u >truth &&
	mariadb_sql "SELECT device, upstream, code, modulation FROM
		     modscan.samples" | tr "\t" " " | sort >db_all &&
	awk "NR == FNR { g[\$1] = 1; next } g[\$1]" good db_all >db_good &&
	test_line_count -gt 100 truth &&
	test_cmp truth db_good
'

test_expect_success 'a disconnect mid-listing keeps the channels that arrived' '
	for d in CCAP007 CCAP101 CCAP207; do
		grep "^$d	partial	device closed the session.*channels kept" \
			outcomes || { echo "not partial: $d"; exit 1; }
	done &&
	printf "%s\n" CCAP007 CCAP101 CCAP207 >cut &&
	awk "NR == FNR { g[\$1] = 1; next } \$3 != \"-\" && g[\$2] {
		print \$2, \$3, \$4, \$5 }" cut "$CCAPSIM_TRUTH" | sort -u >truth_cut &&
	awk "NR == FNR { g[\$1] = 1; next } g[\$1]" cut db_all >db_cut &&
	test_line_count -gt 0 truth_cut &&
	test_cmp truth_cut db_cut
'

test_expect_success 'every failing device is named with its reason in the log' '
	for d in $bad; do
		grep -E "$d: (failed|partial): .+" scan.log ||
			{ echo "not in the log: $d"; exit 1; }
	done &&
	test_grep "sweep done: 17 ok" scan.log
'

test_expect_success 'the status file lists each failure with its reason' '
	/usr/bin/python3 - run/status.json $bad <<-\EOP
	import json, sys
	st = json.load(open(sys.argv[1]))
	fails = {f["device"]: f for f in st["failures"]}
	for d in sys.argv[2:]:
	    assert d in fails, (d, sorted(fails))
	    assert fails[d]["reason"], fails[d]
	assert len(fails) == 13, sorted(fails)
	last = st["last_sweep"]
	assert last["devices_ok"] == 17, last
	assert last["devices_failed"] + last["devices_partial"] == 13, last
	assert last["samples_stored"] == last["channels"], last
	assert last["samples_spooled"] == 0, last
	EOP
'

test_expect_success 'raw output kept for partial and failed devices only' '
	ls run/raw >raw &&
	cat raw &&
	for d in CCAP200 CCAP101 CCAP201 CCAP002; do
		test_grep "^$d.txt$" raw || exit 1
	done &&
	test_grep -v "^CCAP003" raw &&
	test -s run/raw/CCAP201.txt &&
	test_grep "nvalid" run/raw/CCAP002.txt
'

test_done
