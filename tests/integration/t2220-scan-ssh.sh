#!/bin/sh
test_description='scan: closed port, wrong password, changed and unknown host keys'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

mariadb_start
ccapsim_start --devices 3 --upstreams 4 --seed 5

outcomes() {
	mariadb_sql "SELECT device, outcome, error FROM modscan.device_scans
		     WHERE run_id = (SELECT MAX(run_id) FROM
		     modscan.device_scans)" | sort
}

failures() {
	/usr/bin/python3 -c '
import json, sys
st = json.load(open(sys.argv[1]))
for f in st["failures"]:
    print(f["device"], f["reason"], sep="\t")
' run/status.json | sort
}

test_expect_success 'a closed port is a clear per-device error' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	closed=$(test_free_port) &&
	cp "$CCAPSIM_INV" devices &&
	echo "CLOSED 127.0.0.1 $closed e6000" >>devices &&
	test_expect_code 1 modscan scan --once -c scan.conf --devices devices &&
	outcomes >out &&
	cat out &&
	test_grep "^CLOSED	failed	cannot connect to .127.0.0.1:$closed.: .*refused" out &&
	grep -c "	ok	" out >n &&
	test "$(cat n)" = 3 &&
	failures >f &&
	test_grep "^CLOSED	cannot connect.*refused" f &&
	test_grep "CLOSED: failed: cannot connect.*refused" scan.log
'

test_expect_success 'the first sweep learnt the host keys (accept-new)' '
	test_line_count = 3 run/known_hosts
'

test_expect_success 'a wrong password fails every device with a clear error' '
	SSH_PASSWORD=wrong test_expect_code 1 modscan scan --once -c scan.conf &&
	outcomes >out &&
	cat out &&
	test "$(grep -c "	failed	authentication rejected by .127.0.0.1:" out)" = 3 &&
	failures >f &&
	test_line_count = 3 f &&
	test_grep "authentication rejected" f
'

test_expect_success 'a changed host key is refused, the others still scanned' '
	port=$(awk "\$1 == \"CCAP100\" { print \$3 }" "$CCAPSIM_INV") &&
	other=$(cut -d" " -f2- "$TRASH/ccapsim-keys/CCAP000.pub") &&
	sed "s|^\(\[127.0.0.1\]:$port\) .*|\1 $other|" run/known_hosts \
		>known_hosts.before &&
	! cmp run/known_hosts known_hosts.before &&
	cp known_hosts.before run/known_hosts &&
	test_expect_code 1 modscan scan --once -c scan.conf &&
	outcomes >out &&
	cat out &&
	test_grep "^CCAP100	failed	host key for .127.0.0.1:$port. changed (now SHA256:.*); refusing" out &&
	test "$(grep -c "	ok	" out)" = 2 &&
	test_cmp known_hosts.before run/known_hosts &&
	test_grep "CCAP100: failed: host key .* changed" scan.log
'

test_expect_success 'the status file counts the failure and the samples' '
	/usr/bin/python3 - run/status.json <<-\EOP
	import json, sys
	st = json.load(open(sys.argv[1]))
	last = st["last_sweep"]
	assert last["devices_ok"] == 2 and last["devices_failed"] == 1, last
	assert last["samples_stored"] == last["channels"] > 0, last
	assert [f["device"] for f in st["failures"]] == ["CCAP100"], st["failures"]
	EOP
'

test_expect_success 'strict policy with an empty known_hosts refuses every device' '
	: >empty_known_hosts &&
	SSH_HOST_KEY_POLICY=strict SSH_KNOWN_HOSTS=$TRASH/empty_known_hosts \
		test_expect_code 1 modscan scan --once -c scan.conf &&
	outcomes >out &&
	cat out &&
	test "$(grep -c "	failed	host key for .* is not in .*empty_known_hosts" out)" = 3 &&
	test_line_count = 0 empty_known_hosts
'

test_expect_success 'the refusal names the ssh-keygen line that fixes it, and it does' '
	port=$(awk "\$1 == \"CCAP100\" { print \$3 }" "$CCAPSIM_INV") &&
	other=$(cut -d" " -f1,2 "$TRASH/ccapsim-keys/CCAP000.pub") &&
	sed "s|^\(\[127.0.0.1\]:$port\) .*|\1 $other|" run/known_hosts \
		>kh.new && mv kh.new run/known_hosts &&
	test_expect_code 1 modscan scan --once -c scan.conf &&
	fix="ssh-keygen -f .$TRASH/run/known_hosts. -R .\[127.0.0.1\]:$port." &&
	test_grep "CCAP100: failed: host key .* changed .*; refusing; if the device was replaced: $fix, 0 channels" scan.log &&
	cmd=$(sed -n "s/.*CCAP100: failed: host key .*if the device was replaced: \(.*\), 0 channels.*/\1/p" scan.log | tail -n 1) &&
	eval "$cmd" >/dev/null 2>&1 &&
	modscan scan --once -c scan.conf &&
	outcomes >out &&
	test "$(grep -c "	ok	" out)" -ge 3
'

test_done
