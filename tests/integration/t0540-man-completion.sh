#!/bin/sh
test_description='man pages and bash completion, generated from the --help tables, conf.def and drv.def'
. "$(dirname "$0")/test-lib.sh"

MAN=$SRC_DIR/build/man
COMP=$SRC_DIR/build/modscan.bash
sed -n 's/^APPLET(\([a-z_]*\), *\([^,]*\),.*/\1 \2/p' "$SRC_DIR/applets/applets.def" |
	grep -v MS_RUN_OPTION | cut -d" " -f1 >applets
sed -n 's/^DRV(\([a-z0-9_]*\),.*/\1/p' "$SRC_DIR/lib/drv.def" >families

test_expect_success 'a page per applet, modscan(1) and modscan.conf(5), all without warnings' '
	test -s applets &&
	for p in modscan.1 modscan.conf.5 $(sed "s/.*/modscan-&.1/" applets); do
		man --warnings -l "$MAN/$p" >page 2>warn &&
		test_line_count = 0 warn &&
		test $(wc -l <page) -gt 10 || return 1
	done
'

test_expect_success 'each page lists every option of its --help' '
	while read -r a; do
		man -l "$MAN/modscan-$a.1" 2>/dev/null >page &&
		modscan "$a" --help |
			sed -n "s/^  *\(--[a-z][a-z-]*\).*/\1/p" >want &&
		test -s want &&
		while read -r o; do
			grep -q -- "$o" page || { echo "$a: $o missing"; return 1; }
		done <want || return 1
	done <applets
'

test_expect_success 'modscan.conf(5): every key with its default and legacy name' '
	man -l "$MAN/modscan.conf.5" 2>/dev/null >conf5 &&
	tr -s " \n" " " <conf5 >conf5.flat &&
	sed -n "s/^CONF(\([A-Z0-9_]*\), *\(NULL\|\"\([A-Z0-9_]*\)\"\), *[A-Z]*, *\"\([^\"]*\)\".*/\1|\3|\4/p" \
		"$SRC_DIR/lib/conf.def" >keys &&
	sed -n "s/^DRV([a-z0-9_]*, *\([A-Z0-9_]*\), *[^,]*, *\"\([A-Z0-9_]*\)\".*/DEBUG_\1|\2|no/p" \
		"$SRC_DIR/lib/drv.def" >>keys &&
	grep -q "^DEBUG_E6000|DEBUG_CCAP0|no$" keys &&
	test $(wc -l <keys) -gt 50 &&
	while IFS="|" read -r k alias def; do
		grep -qE "^       $k( |$)" conf5 || { echo "$k missing"; return 1; }
		if [ -n "$alias" ]; then
			grep -q "Legacy name: $alias" conf5.flat ||
				{ echo "$alias missing"; return 1; }
		fi
	done <keys &&
	grep -A3 "^       SCAN_INTERVAL$" conf5 | tr -s " \n" " " >si &&
	test_grep "A number from 10 to 86400. Default: 600." si
'

# complete WORDS...: the completions bash offers for the last word.
complete_words() {
	bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
		_modscan; printf "%s\n" "${COMPREPLY[@]}" | sort' "$COMP" "$@"
}

test_expect_success 'completion: the applets and top-level options after modscan' '
	complete_words modscan "" >got &&
	while read -r a; do
		grep -qx "$a" got || { echo "$a missing"; return 1; }
	done <applets &&
	grep -qx -- --check-config got && grep -qx -- --version got
'

test_expect_success 'completion: an applet'\''s options, also through its link' '
	complete_words modscan scan --d >got &&
	printf "%s\n" --device --devices >expect &&
	test_cmp expect got &&
	complete_words modscan-scan --on >got &&
	echo --once >expect &&
	test_cmp expect got &&
	complete_words modscan --check-config --c >got &&
	printf "%s\n" --config --connect >expect &&
	test_cmp expect got
'

test_expect_success 'completion: families after --parse, config keys' '
	complete_words modscan scan --parse "" >got &&
	sort families >expect &&
	test_cmp expect got &&
	complete_words modscan status SCAN_I >got &&
	echo SCAN_INTERVAL >expect &&
	test_cmp expect got
'

test_done
