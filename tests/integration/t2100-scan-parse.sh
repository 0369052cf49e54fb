#!/bin/sh
test_description='scan --parse: every fixture capture through the applet'
. "$(dirname "$0")/test-lib.sh"

# check_fixture DIR CASE: run the parser the .expect names and compare
# stdout, exit status and stderr with it.  A cBR-8 summary's .expect ends
# with the descriptions (IFACE<TAB>TEXT, for t_parse); --parse lists the
# MAC domains only.
check_fixture() {
	dir=$1 case=$2 fam=$(basename "$1")
	exp=$dir/$case.expect
	status=$(sed -n 's/^# status: \([a-z]*\).*/\1/p' "$exp")
	iface=$(sed -n 's/^# interface: //p' "$exp")
	if grep -q '^# parser: summary$' "$exp"; then
		grep -v '^# ' "$exp" | grep -v "$(printf '\t')" >want
	else
		grep -v '^# ' "$exp" >want
	fi
	set -- --parse "$fam"
	[ -n "$iface" ] && set -- "$@" --interface "$iface"
	code=0
	modscan scan "$@" "$dir/$case.txt" >got 2>err || code=$?
	case $status in
	ok) test $code = 0 && test_cmp want got ;;
	partial) test $code = 0 && test_cmp want got &&
		test_grep "^modscan scan: warning: " err ;;
	notlisting) test $code = 1 && test_grep "^modscan scan: not a $fam" err &&
		test_line_count = 0 got ;;
	failed) reason=$(sed -n 's/^# status: failed //p' "$exp") &&
		test $code = 1 && test_line_count = 0 got &&
		grep -F "modscan scan: error reply: $reason" err ;;
	*) echo "bad status '$status' in $exp"; false ;;
	esac
}

for dir in "$DATA_DIR"/e6000 "$DATA_DIR"/casa "$DATA_DIR"/cbr8; do
	for exp in "$dir"/*.expect; do
		case=$(basename "$exp" .expect)
		test_expect_success "$(basename "$dir")/$case: output and exit status as expected" "
			check_fixture '$dir' '$case'
		"
	done
done

test_expect_success 'standard input, also as -, gives the same records' '
	modscan scan --parse casa <"$DATA_DIR/casa/sample.txt" >a &&
	modscan scan --parse casa - <"$DATA_DIR/casa/sample.txt" >b &&
	test_cmp a b && test_line_count = 3 a
'

test_expect_success 'records are UPSTREAM TAB CODE TAB MODULATION' '
	modscan scan --parse e6000 "$DATA_DIR/e6000/sample.txt" >out &&
	printf "5/0/0\t202\tQAM64\n" >want && head -n 1 out >first &&
	test_cmp want first
'

test_expect_success 'MODULATION_MAP from the config maps a new code' '
	echo "MODULATION_MAP=209=QAM16" >m.conf &&
	modscan scan --parse e6000 -c m.conf "$DATA_DIR/e6000/sample.txt" >out &&
	test_grep "^5/1/1	209	QAM16$" out
'

test_expect_success 'a bad MODULATION_MAP is a config error, exit 2' '
	echo "MODULATION_MAP=209=QAM9" >bad.conf &&
	test_expect_code 2 modscan scan --parse e6000 -c bad.conf \
		"$DATA_DIR/e6000/sample.txt" 2>err &&
	test_grep "MODULATION_MAP" err
'

test_expect_success 'unknown codes are counted on stderr' '
	modscan scan --parse e6000 "$DATA_DIR/e6000/sample.txt" >out 2>err &&
	test_grep "warning: 1 channels on unmapped profile codes" err
'

test_expect_success 'cbr8 summary without --interface lists the MAC domains' '
	modscan scan --parse cbr8 "$DATA_DIR/cbr8/summary.txt" >out &&
	printf "Cable1/0/0\nCable1/0/1\nCable2/0/4\n" >want && test_cmp want out
'

test_expect_success 'cbr8 --interface accepts C1/0/1 and 1/0/1 too' '
	modscan scan --parse cbr8 --interface C1/0/1 \
		"$DATA_DIR/cbr8/controller-other-domain.txt" >a &&
	modscan scan --parse cbr8 --interface 1/0/1 \
		"$DATA_DIR/cbr8/controller-other-domain.txt" >b &&
	test_cmp a b && test_line_count = 2 a
'

test_expect_success 'cbr8 --interface that is no MAC domain: exit 1' '
	test_expect_code 1 modscan scan --parse cbr8 --interface Gi0/1 \
		"$DATA_DIR/cbr8/controller.txt" 2>err &&
	test_grep "is not a MAC domain" err
'

test_expect_success 'an unknown family is a usage error, exit 2' '
	test_expect_code 2 modscan scan --parse cmts /dev/null 2>err &&
	test_grep "^modscan scan: unknown family .cmts." err
'

test_expect_success 'e6000 takes no --interface, exit 2' '
	test_expect_code 2 modscan scan --parse e6000 --interface 5/0/0 \
		/dev/null 2>err &&
	test_grep "^modscan scan: --interface" err
'

test_expect_success 'two input files are a usage error, exit 2' '
	test_expect_code 2 modscan scan --parse e6000 a b 2>err &&
	test_grep "unexpected argument .b." err
'

test_expect_success 'a missing input file: exit 1, named' '
	test_expect_code 1 modscan scan --parse e6000 nosuch.txt 2>err &&
	test_grep "nosuch.txt" err
'

test_expect_success 'without --parse and without a devices file: one line, exit 2' '
	test_expect_code 2 modscan scan 2>err &&
	test_grep "^modscan scan: no devices (set DEVICES_FILE, DEVICES_SQL, DEVICES_URL, DEVICES_COMMAND or --devices)$" err &&
	test_line_count = 1 err
'

test_done
