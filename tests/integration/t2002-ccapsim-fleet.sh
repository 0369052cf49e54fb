#!/bin/sh
test_description='ccapsim: a 1,000-device fleet starts quickly and answers logins (prints the ready time; no timing is asserted)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/ccapsim-lib.sh"

if test_have_prereq CCAPSIM; then
	start=$(date +%s%N)
	sim_start sim --devices 1000 --family mix --upstreams 16 || exit 1
	end=$(date +%s%N)
	say "# 1000 devices ready after $(((end - start) / 1000000)) ms ($(cat sim/err))"
	say "# ccapsim RSS at start: $(ps -o rss= -p "$(cat sim/pid)") KiB"
fi

test_expect_success CCAPSIM 'the inventory lists 1,000 devices on distinct ports' '
	test_line_count = 1000 sim/inv.txt &&
	test $(cut -d" " -f3 sim/inv.txt | sort -u | wc -l) = 1000 &&
	test $(grep -c " e6000\$" sim/inv.txt) = 334 &&
	test_grep "^CCAP104-0002 127.0.0.1 [0-9]* casa\$" sim/inv.txt
'

test_expect_success SSHPASS 'the first, a middle and the last device answer a login' '
	for n in $(sed -n "1p;500p;1000p" sim/inv.txt | cut -d" " -f1); do
		sim_ssh $(sim_port sim $n) "\rexit\r" >out &&
		test_grep "^$n[#>]exit\$" out || return 1
	done
'

test_expect_success SSHPASS '100 devices logging in at once all get a prompt' '
	awk "NR % 10 == 0 { print \$1, \$3 }" sim/inv.txt >some &&
	s=$(date +%s%N) &&
	while read -r n p; do
		( sim_ssh $p "\rexit\r" | grep -q "^$n[#>]exit\$" && echo "ok $n" || echo "FAIL $n" ) &
	done <some >res &&
	wait &&
	e=$(date +%s%N) &&
	echo "# 100 concurrent logins took $(((e - s) / 1000000)) ms" &&
	test $(grep -c "^ok " res) = 100
'

test_done
