#!/bin/sh
test_description='ccapsim: every fault kind shows on the wire and in the truth log'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/ccapsim-lib.sh"

command -v ssh-keyscan >/dev/null 2>&1 && test_set_prereq KEYSCAN
if test_have_prereq CCAPSIM; then
	sim_start sim --devices 13 --family mix --upstreams 16 --seed 3 \
		--host-key-dir "$TRASH/keys" \
		--fault CCAP000=paging --fault CCAP100=auth --fault CCAP200=invalid \
		--fault CCAP001=garbage --fault CCAP101=disconnect \
		--fault CCAP201=wrap --fault CCAP002=ansi --fault CCAP002=crcrlf \
		--fault CCAP102=banner --fault CCAP202=hang-prompt \
		--fault CCAP003=hang --fault CCAP103=hostkey \
		--fault CCAP203=trickle --fault CCAP004=slow || exit 1
	sim_start sim2 --devices 6 --seed 3 || exit 1
	sim_start rate --devices 40 --seed 5 --fault-rate invalid=0.5 || exit 1
fi
port() {
	sim_port sim "$1"
}
# E6000 records in a session transcript: "UPSTREAM CODE".
e6_rows() {
	awk 'NF >= 10 && $1 ~ /^[0-9]+\/([0-9]+|scq)\/[0-9]+$/ && / IS / && / atdma / { print $1, $10 }' "$1" | sort
}
E6_LIST='terminal length 0\rshow interface cable-upstream\r'

test_expect_success SSHPASS 'paging: terminal length 0 is ignored, --More-- pages the listing' '
	sim_ssh $(port CCAP000) "$E6_LIST        exit\r" >pg.out &&
	test_grep -- "--More--" pg.out &&
	sed "s/--More--\x1b\[K//g" pg.out >pg.clean &&
	e6_rows pg.clean >got &&
	test_line_count -gt 10 got &&
	truth_of sim/truth.log CCAP000 | cut -d" " -f1,2 >want &&
	test_cmp want got
'

test_expect_success SSHPASS 'paging: q aborts the listing back to the prompt' '
	sim_ssh $(port CCAP000) "$E6_LIST""qexit\r" >q.out &&
	test_grep -- "--More--" q.out &&
	test_grep "CCAP000#exit" q.out &&
	test_grep -v "36.800-84.800" q.out
'

test_expect_success SSHPASS 'auth: the password is rejected' '
	sim_ssh $(port CCAP100) "exit\r" >auth.out 2>&1;
	test_grep -v "CCAP100>" auth.out &&
	test_grep "CCAP100 - - FAILED auth$" sim/truth.log
'

test_expect_success SSHPASS 'invalid: show commands fail, the truth log says FAILED' '
	sim_ssh $(port CCAP200) "terminal length 0\rshow cable modem summary\rexit\r" >iv.out &&
	test_grep "^% Invalid input detected" iv.out &&
	test_grep "CCAP200 - - FAILED invalid-input$" sim/truth.log
'

test_expect_success SSHPASS 'garbage: no rows, a failed scan in the truth log' '
	sim_ssh $(port CCAP001) "$E6_LIST""exit\r" >gb.out &&
	test_grep "^CCAP001#exit" gb.out &&
	test $(e6_rows gb.out | wc -l) = 0 &&
	test_grep "CCAP001 - - FAILED no-upstreams$" sim/truth.log &&
	test $(truth_of sim/truth.log CCAP001 | wc -l) = 0
'

test_expect_success SSHPASS 'disconnect: the channel closes mid-listing, the truth log says PARTIAL' '
	sim_ssh $(port CCAP101) "page-off\rshow spectrum hop-history\rexit\r" >dc.out;
	test_grep "^CCAP101>show spectrum hop-history" dc.out &&
	test_grep -v "^CCAP101>exit" dc.out &&
	test_grep "CCAP101 - - PARTIAL disconnect$" sim/truth.log &&
	awk "NF >= 10 && \$4 == \"M\" && !s[\$1]++ { print \$1, \$10 }" dc.out | sort >got &&
	truth_of sim/truth.log CCAP101 | cut -d" " -f1,2 >want &&
	test_cmp want got
'

test_expect_success SSHPASS 'wrap: no line longer than 40 columns; cBR-8 blocks still parse' '
	sim_ssh $(port CCAP201) "terminal length 0\rshow cable modem summary\rexit\r" >sum.out &&
	dom=$(sed -n "s|^C\([0-9]*/[0-9]*/[0-9]*\)/UB .*|\1|p" sum.out | head -n 1) &&
	test -n "$dom" &&
	sim_ssh $(port CCAP201) "terminal length 0\rshow controllers Cable$dom upstream\rexit\r" >wr.out &&
	sed -n "/upstream\$/,/#exit/p" wr.out | sed "1d;\$d" >body &&
	test_line_count -gt 20 body &&
	test $(awk "length > 40" body | wc -l) = 0 &&
	truth_of sim/truth.log CCAP201 >want &&
	test_grep "^$dom/[0-3] " want
'

test_expect_success SSHPASS 'ansi and crcrlf: colour codes and \\r\\r\\n, same records' '
	printf "$E6_LIST""exit\r" | timeout 30 sshpass -p modscan ssh -tt -q \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-p $(port CCAP002) modscan@127.0.0.1 >raw.out &&
	grep -q "$(printf "\033")\[1;32m" raw.out &&
	grep -c "$(printf "\r\r")\$" raw.out >n && test $(cat n) -gt 10 &&
	sed "s/\x1b\[[0-9;]*m//g" raw.out | tr -d "\r" >clean &&
	e6_rows clean >got &&
	test_line_count -gt 10 got &&
	truth_of sim/truth.log CCAP002 | cut -d" " -f1,2 >want &&
	test_cmp want got
'

test_expect_success SSHPASS 'banner: MOTD lines with # and > before the prompt' '
	sim_ssh $(port CCAP102) "exit\r" >bn.out &&
	test_grep "^\* CCAP102# maintenance window .*>" bn.out &&
	test_grep "^CCAP102> all sessions are recorded" bn.out &&
	test_grep "^CCAP102>exit" bn.out
'

test_expect_success SSHPASS 'hang-prompt: login succeeds, no prompt ever comes' '
	printf "\r" | timeout 4 sshpass -p modscan ssh -tt -q -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -p $(port CCAP202) modscan@127.0.0.1 >hp.out;
	test_grep -v "CCAP202#" hp.out &&
	test_grep "CCAP202 - - FAILED hang-prompt$" sim/truth.log
'

test_expect_success SSHPASS 'hang: TCP is accepted but no SSH banner comes' '
	timeout 4 ssh -v -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
		-o BatchMode=yes -p $(port CCAP003) modscan@127.0.0.1 true >hg.out 2>&1;
	test_grep "Connection established" hg.out &&
	test_grep -v "Remote protocol version" hg.out &&
	test_grep "CCAP003 - - FAILED hang$" sim/truth.log
'

test_expect_success KEYSCAN 'host keys: stable on file, the hostkey fault shows another' '
	ssh-keyscan -t ed25519 -p $(port CCAP102) 127.0.0.1 2>/dev/null | cut -d" " -f2,3 >k102 &&
	cut -d" " -f1,2 keys/CCAP102.pub >f102 &&
	test_cmp f102 k102 &&
	ssh-keyscan -t ed25519 -p $(port CCAP103) 127.0.0.1 2>/dev/null | cut -d" " -f2,3 >k103 &&
	cut -d" " -f1,2 keys/CCAP103.pub >f103 &&
	test -s k103 && ! test_cmp f103 k103
'

test_expect_success KEYSCAN 'host keys derive from (seed, name): a second fleet shows the same key' '
	ssh-keyscan -t ed25519 -p $(sim_port sim2 CCAP101) 127.0.0.1 2>/dev/null | cut -d" " -f2,3 >k2 &&
	test -s k2 &&
	cut -d" " -f1,2 keys/CCAP101.pub >f &&
	test_cmp f k2
'

# timed_session NAME INPUT MIN_SECONDS: the session ends at the prompt
# and takes at least MIN_SECONDS.
timed_session() {
	_s=$(date +%s)
	sim_ssh $(port $1) "$2" >"$1.out" &&
	test_grep "^$1#exit" "$1.out" &&
	test $(($(date +%s) - _s)) -ge $3
}

test_expect_success SSHPASS 'trickle: one byte every 200 ms' '
	timed_session CCAP203 "exit\r" 1
'

test_expect_success SSHPASS 'slow: ten seconds per command' '
	timed_session CCAP004 "enable\rexit\r" 10
'

test_expect_success SSHPASS 'a fault rate picks a seeded share of the fleet' '
	grep "^ccapsim: CCAP[0-9]* has faults invalid\$" rate/err >faulty &&
	test_line_count -gt 8 faulty &&
	test_line_count -lt 32 faulty &&
	n=$(sed -n "1s/^ccapsim: \(CCAP[0-9]*\) .*/\1/p" faulty) &&
	sim_ssh $(sim_port rate $n) "show version\rexit\r" >rt.out &&
	test_grep "^% Invalid input" rt.out
'

test_done
