#!/bin/sh
test_description='ccapsim: an independent client that cleans and parses the bytes as CCAP-FORMATS.md says extracts exactly the truth log, under paging, ANSI, \r\r\n, wrapping, disconnects and garbage'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/ccapsim-lib.sh"

/usr/bin/python3 -c 'import paramiko' 2>/dev/null && test_set_prereq PARAMIKO
if test_have_prereq CCAPSIM; then
	sim_start sim --devices 15 --family mix --upstreams 24 --seed 11 \
		--fault CCAP000=paging --fault CCAP000=ansi \
		--fault CCAP100=paging --fault CCAP100=crcrlf \
		--fault CCAP200=paging --fault CCAP200=ansi --fault CCAP200=crcrlf \
		--fault CCAP001=wrap --fault CCAP101=wrap \
		--fault CCAP201=wrap --fault CCAP201=paging \
		--fault CCAP002=disconnect --fault CCAP102=garbage \
		--fault CCAP202=disconnect --fault CCAP204=garbage || exit 1
fi

# check_devices NAME...: what the client extracted equals the truth log.
check_devices() {
	: >sim/truth.log &&
	/usr/bin/python3 "$TEST_DIR/ccapsim-check.py" sim/inv.txt "$@" | sort -u >got &&
	awk "{ print \$2, \$3, \$4, (\$3 == \"-\" ? \$5 \" \" \$6 : \"\") }" sim/truth.log |
		sed "s/ *\$//" | sort -u >want &&
	test_cmp want got
}

test_expect_success PARAMIKO 'no faults: every family' '
	check_devices CCAP003 CCAP103 CCAP203 &&
	test_line_count -gt 50 got
'

test_expect_success PARAMIKO 'paging with ANSI and \r\r\n: the same records' '
	check_devices CCAP000 CCAP100 CCAP200 &&
	test_line_count -gt 50 got
'

test_expect_success PARAMIKO 'wrapped rows are no rows; cBR-8 blocks survive' '
	check_devices CCAP001 CCAP101 CCAP201 &&
	test_grep "^CCAP001 - - FAILED no-upstreams\$" got &&
	test_grep "^CCAP201 [0-9/]* [0-9]*\$" got
'

test_expect_success PARAMIKO 'disconnects are partial, garbage fails' '
	check_devices CCAP002 CCAP102 CCAP202 CCAP204 &&
	test_grep "^CCAP204 - - FAILED no-upstreams\$" got &&
	test_grep "^CCAP002 - - PARTIAL disconnect\$" got &&
	test_grep "^CCAP202 - - PARTIAL disconnect\$" got &&
	test_grep "^CCAP102 - - FAILED no-upstreams\$" got
'

test_done
