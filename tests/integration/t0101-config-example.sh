#!/bin/sh
test_description='contrib: every config key is in modscan.conf.example; the systemd units verify'
. "$(dirname "$0")/test-lib.sh"

EXAMPLE=$SRC_DIR/contrib/modscan.conf.example
UNITS=$SRC_DIR/contrib/systemd

test_expect_success 'every key of lib/conf.def is documented in modscan.conf.example' '
	conf_table >table &&
	cut -d" " -f1 table >keys &&
	test $(wc -l <keys) -gt 50 &&
	: >missing &&
	while read -r k; do
		grep -qE "^#?$k=" "$EXAMPLE" || echo "$k" >>missing
	done <keys &&
	test_line_count = 0 missing
'

test_expect_success 'no key is documented twice' '
	grep -oE "^#?[A-Z][A-Z0-9_]*=" "$EXAMPLE" | tr -d "#=" | sort | uniq -d >dups &&
	test_line_count = 0 dups
'

test_expect_success 'each documented default is the default the code uses' '
	sed -n "s/^#\([A-Z][A-Z0-9_]*\)=\(.*\)$/\1 \2/p" "$EXAMPLE" >documented &&
	conf_table >table &&
	: >wrong &&
	while read -r k v; do
		grep -q "^$k [A-Z0-9_\"]* [A-Z]* \"$v\"\$" table ||
			echo "$k=$v" >>wrong
	done <documented &&
	test_line_count = 0 wrong
'

test_expect_success 'the example, uncommented, is a valid configuration' '
	sed "s/^#\([A-Z][A-Z0-9_]*=\)/\1/" "$EXAMPLE" >all.conf &&
	chmod 600 all.conf &&
	modscan --check-config --config all.conf >out 2>err &&
	test_grep -v "unknown key" err
'

test_expect_success 'the crontab example runs the watchdog every 3 minutes, once uncommented' '
	test_grep "^#\*/3 \* \* \* \*  *modscan  *modscan watchdog" \
		"$SRC_DIR/contrib/cron/modscan.cron" &&
	test_grep -v "^[0-9*]" "$SRC_DIR/contrib/cron/modscan.cron"
'

if command -v systemd-analyze >/dev/null 2>&1; then
	test_set_prereq SYSTEMD
else
	say "# systemd-analyze not found: the unit checks are skipped"
fi

test_expect_success SYSTEMD 'the systemd units pass systemd-analyze verify' '
	mkdir units &&
	for f in "$UNITS"/*; do
		sed "s|/usr/bin/modscan|$MODSCAN|" "$f" \
			>units/$(basename "$f") || return 1
	done &&
	systemd-analyze verify --man=no units/* >out 2>&1 &&
	test_line_count = 0 out
'

test_expect_success SYSTEMD 'the scanner unit is Type=notify with a watchdog and restarts on failure' '
	f=$UNITS/modscan-scan.service &&
	test_grep "^Type=notify$" "$f" &&
	test_grep "^WatchdogSec=" "$f" &&
	test_grep "^Restart=on-failure$" "$f" &&
	test_grep "^OnCalendar=" "$UNITS/modscan-report.timer" &&
	test_grep "^OnCalendar=" "$UNITS/modscan-maintain.timer"
'

test_done
