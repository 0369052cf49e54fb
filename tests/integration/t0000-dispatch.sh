#!/bin/sh
test_description='the multi-call dispatcher: applets, links, --help, --version, --install'
. "$(dirname "$0")/test-lib.sh"

test_expect_success '--help lists every applet, one line each' '
	modscan --help >out &&
	for a in maintain report scan status watchdog; do
		test_grep "^  $a  *[a-z]" out || return 1
	done
'

test_expect_success 'applets.def is sorted, and --help lists the applets in its order' '
	sed -n "s/^APPLET(\([a-z_]*\),.*/\1/p" "$SRC_DIR/applets/applets.def" >rows &&
	test_line_count = 8 rows &&
	LC_ALL=C sort -c rows &&
	modscan --help | sed -n "/^Applets:/,/^$/s/^  \([a-z]*\) .*/\1/p" >listed &&
	grep -v -e check_config -e install -e test_mail rows >want &&
	test_cmp want listed
'

test_expect_success '--version names modscan and every linked library' '
	modscan --version >out &&
	test_grep "^modscan .* (built [0-9-]*)$" out &&
	for l in "^libssh [0-9]" "^MariaDB Connector/C [0-9]" "^mbedTLS [0-9]" \
		 "^OpenSSL [0-9]" "^cJSON [0-9]" "^zlib [0-9]"; do
		test_grep "$l" out || return 1
	done
'

test_expect_success 'an unknown applet is named, exit 127' '
	test_expect_code 127 modscan frobnicate 2>err &&
	test_grep "^modscan: unknown applet .frobnicate.$" err &&
	test_line_count = 1 err
'

test_expect_success 'an unknown option is one line, exit 2' '
	test_expect_code 2 modscan --frob 2>err &&
	test_grep "unknown option .--frob." err &&
	test_line_count = 1 err
'

test_expect_success 'no arguments: usage on stderr, exit 2' '
	test_expect_code 2 modscan 2>err &&
	test_grep "^usage: modscan" err
'

test_expect_success 'APPLET --help prints usage on stdout, exit 0' '
	for a in maintain report scan status watchdog; do
		modscan $a --help >out || return 1
		test_grep "modscan $a" out || return 1
	done
'

test_expect_success 'every applet takes -V/--version and -h: one version line' '
	for a in maintain report scan status watchdog; do
		modscan $a -V >out || return 1
		test_line_count = 1 out || return 1
		test_grep "^modscan .* (built [0-9-]*)$" out || return 1
		modscan $a -h >out || return 1
		test_grep "^  \(-c, \)\?--config FILE  *configuration file" out ||
			return 1
	done
'

test_expect_success 'watchdog --help lists every mode, --flush-alerts too' '
	modscan watchdog --help >out &&
	for o in status start stop restart daemon serve flush-alerts config; do
		test_grep -- "^  \(-., \)\?--$o\b" out || return 1
	done
'

test_expect_success '--check-config and --test-mail: table rows with --help, no links' '
	modscan --help >out &&
	test_grep "^  --check-config  *print the effective configuration" out &&
	test_grep "^  --test-mail  *send one mail now" out &&
	modscan --check-config --help >out &&
	test_grep "^usage: modscan --check-config \[--config FILE\] \[-v\] \[--strict\]$" out &&
	modscan --test-mail --help >out &&
	test_grep "^  --attach FILE  *attach FILE" out &&
	test_expect_code 127 modscan check_config 2>err &&
	test_expect_code 127 modscan check-config 2>err &&
	modscan --help >out &&
	test_grep "^       modscan --install \[--force\] DIR$" out &&
	test_expect_code 2 modscan --install 2>err &&
	test_grep "^modscan --install: no directory given$" err &&
	test_expect_code 2 modscan --install --config x.conf bin 2>err &&
	test_grep "unexpected argument .--config." err &&
	test_expect_code 2 modscan --maintain 2>err &&
	test_grep "unknown option .--maintain." err
'

test_expect_success '--install makes modscan-APPLET links and is idempotent' '
	mkdir bin &&
	modscan --install bin &&
	modscan --install bin &&
	for a in maintain report scan status watchdog; do
		test -L bin/modscan-$a || return 1
	done &&
	test "$(ls bin | wc -l)" = 5 &&
	bin/modscan-scan --help >out &&
	test_grep "modscan scan" out
'

test_expect_success 'a link named after the bare applet dispatches too' '
	ln -s "$MODSCAN" status &&
	./status --help >out &&
	test_grep "modscan status" out
'

test_expect_success '--install refuses a foreign file unless --force' '
	mkdir bin2 &&
	echo mine >bin2/modscan-report &&
	test_must_fail modscan --install bin2 2>err &&
	test_grep "exists and is not our link" err &&
	test "$(cat bin2/modscan-report)" = mine &&
	modscan --install --force bin2 &&
	test -L bin2/modscan-report
'

test_expect_success 'a link under an unknown name is refused with 127' '
	ln -s "$MODSCAN" modscan-nosuch &&
	test_expect_code 127 ./modscan-nosuch 2>err &&
	test_grep "unknown applet .nosuch." err
'

test_done
