#!/bin/sh
test_description='ccapsim: log into each family, prompt, paging-off, listings that match the truth log, errors, abbreviations, | include'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/ccapsim-lib.sh"

EPOCH=1790000000
if test_have_prereq CCAPSIM; then
	sim_start sim --devices 3 --family mix --upstreams 16 --seed 7 \
		--epoch $EPOCH --time-scale 0 || exit 1
	sim_start fast --devices 1 --family e6000 --upstreams 256 --seed 9 \
		--epoch $EPOCH --time-scale 60000 --latency-ms 400 || exit 1
fi
E6=$(sim_port sim CCAP000) CA=$(sim_port sim CCAP100) CB=$(sim_port sim CCAP200)

test_expect_success CCAPSIM 'selftest: the generators parse back to the model' '
	"$CCAPSIM" selftest >st.out &&
	test_grep "^1\.\.[0-9]" st.out &&
	test_grep -v "^not ok" st.out
'

test_expect_success CCAPSIM '--help documents every option and fault kind' '
	"$CCAPSIM" --help >help &&
	for o in devices family upstreams seed listen base-port user password \
		host-key-dir inventory truth-log latency-ms jitter-ms time-scale \
		epoch fault fault-rate; do
		test_grep -q -- "--$o " help || return 1
	done &&
	for k in auth hang hang-prompt trickle disconnect garbage paging invalid \
		slow hostkey wrap ansi crcrlf banner; do
		test_grep -q "$k (" help || return 1
	done &&
	test_expect_code 2 "$CCAPSIM" --fault CCAP000=nosuch 2>err &&
	test_grep "unknown fault kind" err
'

test_expect_success CCAPSIM 'the inventory names one device per family' '
	test_line_count = 3 sim/inv.txt &&
	test_grep "^CCAP000 127.0.0.1 [0-9]* e6000$" sim/inv.txt &&
	test_grep "^CCAP100 127.0.0.1 [0-9]* casa$" sim/inv.txt &&
	test_grep "^CCAP200 127.0.0.1 [0-9]* cbr8$" sim/inv.txt
'

test_expect_success SSHPASS 'e6000: # prompt, terminal length 0, a listing equal to the truth log' '
	: >sim/truth.log &&
	sim_ssh $E6 "\rterminal length 0\rshow interface cable-upstream\rexit\r" >e6.out &&
	test_grep "^CCAP000#terminal length 0$" e6.out &&
	test_grep "^CCAP000#show interface cable-upstream$" e6.out &&
	test_grep -v -- "--More--" e6.out &&
	awk "NF >= 10 && \$1 ~ /^[0-9]+\\/([0-9]+|scq)\\/[0-9]+\$/ && / IS / && / atdma / { print \$1, \$10 }" e6.out | sort >got &&
	test_line_count -gt 10 got &&
	truth_of sim/truth.log CCAP000 | cut -d" " -f1,2 >want &&
	test_cmp want got
'

test_expect_success CCAPSIM 'the truth subcommand agrees with the listing' '
	"$CCAPSIM" truth --seed 7 --name CCAP000 --at $EPOCH >table &&
	test_grep "^# CCAP000 e6000 upstreams 16" table &&
	awk "\$4 == \"ok\" { print \$1, \$2 }" table | sort >want &&
	test_cmp want got
'

test_expect_success SSHPASS 'casa: > prompt, page-off, newest M row per channel is the truth' '
	: >sim/truth.log &&
	sim_ssh $CA "page-off\rshow spectrum hop-history\rexit\r" >ca.out &&
	test_grep "^CCAP100>page-off$" ca.out &&
	awk "NF >= 10 && \$1 ~ /^[0-9]+\\/[0-9]+\\.[0-9]+\\/[0-9]+\$/ && \$4 == \"M\" && !seen[\$1]++ { print \$1, \$10 }" ca.out | sort >got &&
	test_line_count -gt 10 got &&
	truth_of sim/truth.log CCAP100 | cut -d" " -f1,2 >want &&
	test_cmp want got &&
	"$CCAPSIM" truth --seed 7 --name CCAP100 --at $EPOCH |
		awk "\$4 == \"ok\" { print \$1, \$2 }" | sort >want2 &&
	test_cmp want2 got
'

test_expect_success SSHPASS 'cbr8: legacy spellings, records per domain from the filtered controller output' '
	: >sim/truth.log &&
	sim_ssh $CB "term length 0\rshow cable modem sum\rexit\r" >sum.out &&
	dom=$(sed -n "s|^C\([0-9]*/[0-9]*/[0-9]*\)/UB .*|\1|p" sum.out | head -n 1) &&
	test -n "$dom" &&
	: >sim/truth.log &&
	sim_ssh $CB "term length 0\rshow controller c$dom Upstream | i Profile|Upstream|US|up|UP\rexit\r" >cb.out &&
	test_grep "^ Cable$dom Upstream 0 is " cb.out &&
	test_grep -v "Ranging Backoff" cb.out &&
	test_grep "Modulation Profile (ID 421, Subcarrier" cb.out &&
	truth_of sim/truth.log CCAP200 >want &&
	test_grep "^$dom/[0-3] 2[0-9][0-9] [A-Z0-9]*$" want &&
	"$CCAPSIM" truth --seed 7 --name CCAP200 --at $EPOCH |
		awk -v d="$dom/" "index(\$1, d) == 1 && \$4 == \"ok\" { print \$1, \$2, \$3 }" | sort >want2 &&
	test_cmp want2 want
'

test_expect_success SSHPASS 'password and keyboard-interactive logins both work; a wrong password does not' '
	SIM_SSH_OPTS="-o PreferredAuthentications=password" sim_ssh $CB "exit\r" >pw.out &&
	test_grep "^CCAP200#exit\$" pw.out &&
	SIM_SSH_OPTS="-o PreferredAuthentications=keyboard-interactive" sim_ssh $CB "exit\r" >kb.out &&
	test_grep "^CCAP200#exit\$" kb.out &&
	sim_ssh $CB "exit\r" wrong >bad.out 2>&1;
	test_grep -v "CCAP200#" bad.out
'

test_expect_success SSHPASS 'a bogus command gets a caret and % Invalid input' '
	sim_ssh $E6 "show bogus\rexit\r" >inv.out &&
	test_grep "^             ^$" inv.out &&
	test_grep "^% Invalid input detected at .^. marker.$" inv.out
'

test_expect_success SSHPASS 'abbreviations, case and show version name the platform' '
	sim_ssh $E6 "SH VER\rsh int cable-up | i ^[0-9]+/\rexit\r" >ab.out &&
	test_grep "^ARRIS E6000 Converged Edge Router (CER)" ab.out &&
	test_grep -v "SC-QAM Channels" ab.out &&
	test_grep "^[0-9]*/[0-9a-z]*/[0-9]* .* atdma " ab.out &&
	sim_ssh $CB "sh ver\rsh c\rexit\r" >ab2.out &&
	test_grep "^Cisco IOS XE Software.*cBR-8" ab2.out &&
	test_grep "^% Ambiguous command:" ab2.out &&
	us=$(sim_ssh $CA "show cable modem summary\rexit\r" |
		awk "\$1 ~ /^[0-9]+\\/[0-9]+\\.[0-9]+\\/[0-9]+\$/ { print \$1; exit }") &&
	test -n "$us" &&
	sim_ssh $CA "show version | include Casa\renable\rmodscan\rshow spectrum hop-history upstream $us\rlogout\r" >ab3.out &&
	test_grep "^Casa C100G" ab3.out &&
	test_grep "^CCAP100#show spectrum hop-history upstream" ab3.out &&
	test_grep "^Date  *Time  *Act" ab3.out
'

test_expect_success SSHPASS '| include applies a real regex with alternation' '
	dom=$(sim_ssh $CB "term length 0\rshow cable modem summary\rexit\r" |
		sed -n "s|^C\([0-9]*/[0-9]*/[0-9]*\)/UB .*|\1|p" | head -n 1) &&
	sim_ssh $CB "terminal length 0\rshow controllers Cable$dom upstream | include Group|Bind\rexit\r" >inc.out &&
	sed -n "/upstream | include/,/^CCAP200#exit/p" inc.out | sed "1d;\$d" >lines &&
	test_line_count -gt 4 lines &&
	test_grep "Modulation Profile Group" lines &&
	test_grep "Bind to Cable$dom US0" lines &&
	! grep -v -E "Group|Bind" lines
'

test_expect_success SSHPASS 'paging is on by default: --More-- after 23 lines' '
	sim_ssh $E6 "show interface cable-upstream\r q\rexit\r" >pg.out &&
	test_grep -- "--More--" pg.out
'

test_expect_success SSHPASS 'time-scale: listings a second apart differ, each matches the truth log; latency delays output' '
	p=$(sim_port fast CCAP000) &&
	s=$(date +%s%N) &&
	sim_ssh $p "terminal length 0\rshow interface cable-upstream\rexit\r" >f1.out &&
	e=$(date +%s%N) &&
	test $(((e - s) / 1000000)) -ge 1200 &&
	sim_ssh $p "terminal length 0\rshow interface cable-upstream\rexit\r" >f2.out &&
	for i in 1 2; do
		awk "NF >= 10 && / IS / && / atdma / { print \$1, \$10 }" f$i.out | sort >got$i &&
		test_line_count -gt 200 got$i || return 1
	done &&
	! test_cmp got1 got2 >/dev/null &&
	cut -d" " -f1 fast/truth.log | uniq >stamps &&
	test_line_count = 2 stamps &&
	for i in 1 2; do
		t=$(sed -n "${i}p" stamps) &&
		awk -v t=$t "\$1 == t { print \$3, \$4 }" fast/truth.log | sort >want$i &&
		test_cmp want$i got$i || return 1
	done
'

if test_have_prereq CCAPSIM; then
	pid=$(cat sim/pid)
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
fi
test_expect_success CCAPSIM 'SIGTERM: exit 0 with sessions, commands and faults counted' '
	test "$rc" = 0 &&
	test_grep "^ccapsim: [1-9][0-9]* sessions served, [1-9][0-9]* commands answered, 0 faults injected\$" sim/out
'

test_done
