#!/bin/sh
test_description='ccapsim: --hold and --control hold upstreams at a modulation from a time on, changeable while it runs, and the truth log follows'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/ccapsim-lib.sh"

EPOCH=1790000000
CTL=$TRASH/hold.ctl
if test_have_prereq CCAPSIM; then
	: >"$CTL"
	sim_start sim --devices 2 --family mix --upstreams 8 --seed 7 \
		--epoch $EPOCH --time-scale 0 \
		--hold 'CCAP000/*=QAM64@0' --control "$CTL" || exit 1
fi
E6=$(sim_port sim CCAP000) CA=$(sim_port sim CCAP100)
E6_LIST='terminal length 0\rshow interface cable-upstream\rexit\r'
CA_LIST='page-off\rshow spectrum hop-history\rexit\r'
# QAM64, QAM16 and QPSK codes of both code sets (CCAP-FORMATS.md).
E6_QAM64='^(202|364)$' E6_QPSK='^(222|300)$'

# "UPSTREAM CODE" of the rows of an E6000 listing.
e6_rows() {
	awk 'NF >= 10 && / IS / && / atdma / { print $1, $10 }' "$1"
}
# The newest M row per channel of a Casa hop history: "UPSTREAM CODE".
ca_rows() {
	awk 'NF >= 10 && $4 == "M" && !s[$1]++ { print $1, $10 }' "$1" | sort
}
# "UPSTREAM MODULATION" of NAME's records in the truth log, which each
# session case empties first (ccapsim appends).
last_truth() {
	awk -v n="$1" '$2 == n && $3 != "-" { print $3, $5 }' sim/truth.log |
		sort -u
}

test_expect_success CCAPSIM '--help documents --hold and --control; a bad rule is a usage error' '
	"$CCAPSIM" --help >help &&
	test_grep -- "--hold NAME/UPSTREAM=MOD@EPOCH" help &&
	test_grep -- "--control FILE" help &&
	test_expect_code 2 "$CCAPSIM" --hold CCAP000=QPSK@0 2>err &&
	test_grep "want NAME/UPSTREAM=MOD@EPOCH" err &&
	test_expect_code 2 "$CCAPSIM" --hold "CCAP000/*=QAM256@0" 2>err &&
	test_grep "MOD is QPSK, QAM16 or QAM64" err
'

test_expect_success CCAPSIM 'truth: a wildcard hold and a later rule for one upstream' '
	"$CCAPSIM" truth --seed 7 --name CCAP100 --at $EPOCH --upstreams 8 \
		--hold "CCAP100/*=QAM64@0" --hold "CCAP100/3/0.1/0=QPSK@$EPOCH" \
		| grep -v "^#" >t.out &&
	test_line_count = 8 t.out &&
	test $(awk "\$3 == \"QAM64\"" t.out | wc -l) = 7 &&
	test_grep "^3/0.1/0 300 QPSK " t.out
'

test_expect_success CCAPSIM 'truth: a hold from the next step on does not rule now' '
	"$CCAPSIM" truth --seed 7 --name CCAP100 --at $EPOCH --upstreams 8 \
		--hold "CCAP100/*=QPSK@$((EPOCH + 60))" >later.out &&
	"$CCAPSIM" truth --seed 7 --name CCAP100 --at $EPOCH --upstreams 8 \
		--hold "CCAP100/*=QPSK@$((EPOCH - EPOCH % 60))" >now.out &&
	test $(grep -c " QPSK " now.out) = 8 &&
	test $(grep -c " QPSK " later.out) -lt 8
'

test_expect_success SSHPASS 'serve: --hold CCAP000/* keeps every row at QAM64' '
	: >sim/truth.log &&
	sim_ssh $E6 "$E6_LIST" >e1.out &&
	e6_rows e1.out >rows1 &&
	test_line_count -gt 4 rows1 &&
	cut -d" " -f2 rows1 | grep -Ev "$E6_QAM64" >bad;
	test_line_count = 0 bad &&
	last_truth CCAP000 | cut -d" " -f2 | sort -u >mods &&
	echo QAM64 >want &&
	test_cmp want mods
'

test_expect_success SSHPASS 'serve: a control rule holds one upstream at QPSK from the next session on' '
	sed -n 2p rows1 | cut -d" " -f1 >up &&
	UP=$(cat up) &&
	echo "# one upstream down" >"$CTL" &&
	echo "CCAP000/$UP=QPSK@$EPOCH" >>"$CTL" &&
	: >sim/truth.log &&
	sim_ssh $E6 "$E6_LIST" >e2.out &&
	e6_rows e2.out >rows2 &&
	test $(grep -c "^$UP " rows2) = 1 &&
	grep "^$UP " rows2 | cut -d" " -f2 | grep -Eq "$E6_QPSK" &&
	grep -v "^$UP " rows2 | cut -d" " -f2 | grep -Ev "$E6_QAM64" >bad;
	test_line_count = 0 bad &&
	last_truth CCAP000 >t2 &&
	test_grep "^$UP QPSK$" t2 &&
	test $(grep -c " QAM64$" t2) = $(($(wc -l <rows2) - 1))
'

test_expect_success SSHPASS 'serve: a bad control file keeps the rules read before' '
	UP=$(cat up) &&
	echo "CCAP000/$UP=QAM256@0" >"$CTL" &&
	sim_ssh $E6 "$E6_LIST" >e3.out &&
	e6_rows e3.out | grep "^$UP " | cut -d" " -f2 | grep -Eq "$E6_QPSK" &&
	test_grep "hold.ctl:1: MOD is QPSK, QAM16 or QAM64, keeping the old holds" sim/err
'

test_expect_success SSHPASS 'serve: releasing the hold on SIGHUP brings the upstream back' '
	: >"$CTL" &&
	kill -HUP $(cat sim/pid) &&
	: >sim/truth.log &&
	sim_ssh $E6 "$E6_LIST" >e4.out &&
	e6_rows e4.out | cut -d" " -f2 | grep -Ev "$E6_QAM64" >bad;
	test_line_count = 0 bad &&
	last_truth CCAP000 | cut -d" " -f2 | sort -u >mods &&
	echo QAM64 >want &&
	test_cmp want mods
'

test_expect_success SSHPASS 'serve: a Casa hop history ends at the held modulation' '
	echo "CCAP100/*=QPSK@$EPOCH" >"$CTL" &&
	: >sim/truth.log &&
	sim_ssh $CA "$CA_LIST" >c1.out &&
	ca_rows c1.out >crows &&
	test_line_count -gt 4 crows &&
	cut -d" " -f2 crows | grep -v "^300$" >bad;
	test_line_count = 0 bad &&
	last_truth CCAP100 | cut -d" " -f2 | sort -u >mods &&
	echo QPSK >want &&
	test_cmp want mods
'

test_done
