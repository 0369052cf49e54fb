#!/bin/sh
test_description='--check-config: every bad value, the source of each value, did you mean, --strict'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'every bad value of the file and the environment, one line each, exit 2' '
	printf "DB_HOST=h\nDB_PORT=abc\nLOG_LEVEL=loud\nSMTP_TLS=ssl\n" >bad.conf &&
	chmod 600 bad.conf &&
	SCAN_CONCURRENCY=many test_expect_code 2 \
		modscan --check-config --config bad.conf >out 2>err &&
	cat >expect <<-\EOS &&
	modscan --check-config: bad.conf:2: DB_PORT: '"'"'abc'"'"' is not a number
	modscan --check-config: bad.conf:3: LOG_LEVEL: '"'"'loud'"'"' is not one of error|warn|notice|info|debug
	modscan --check-config: bad.conf:4: SMTP_TLS: '"'"'ssl'"'"' is not one of none|starttls|tls
	modscan --check-config: environment: SCAN_CONCURRENCY: '"'"'many'"'"' is not a number
	EOS
	test_cmp expect err &&
	test_line_count = 0 out
'

test_expect_success 'an applet reports them all the same way' '
	test_expect_code 2 modscan status --config bad.conf >out 2>err &&
	test_line_count = 3 err &&
	test_grep "^modscan status: bad.conf:4: SMTP_TLS: " err
'

test_expect_success 'an unknown key names the nearest key, or none when nothing is close' '
	printf "SCAN_INTERVALL=60\nACCESS_HOTS=db\nFROBNICATE=1\n" >typo.conf &&
	modscan --check-config --config typo.conf >out 2>err &&
	cat >expect <<-\EOS &&
	modscan --check-config: warning: typo.conf:1: unknown key '"'"'SCAN_INTERVALL'"'"' (did you mean SCAN_INTERVAL?), ignored
	modscan --check-config: warning: typo.conf:2: unknown key '"'"'ACCESS_HOTS'"'"' (did you mean ACCESS_HOST?), ignored
	modscan --check-config: warning: typo.conf:3: unknown key '"'"'FROBNICATE'"'"', ignored
	EOS
	test_cmp expect err
'

test_expect_success '-v names the source of each value: file:line, environment, default' '
	printf "# a comment\nDB_HOST=h\n\nDB_PORT=3307\n" >good.conf &&
	DB_PORT=3308 LOG_LEVEL=debug modscan --check-config -v --config good.conf >out &&
	test_grep "^DB_HOST=h	# good.conf:2$" out &&
	test_grep "^DB_PORT=3308	# environment$" out &&
	test_grep "^LOG_LEVEL=debug	# environment$" out &&
	test_grep "^DB_NAME=modscan	# default$" out &&
	test $(wc -l <out) -gt 50 &&
	grep -v "	# \(default\|environment\|good.conf:[0-9]*\)$" out >nosrc || : &&
	test_line_count = 0 nosrc
'

test_expect_success '--strict: exit 1 on warnings, 0 without' '
	test_expect_code 1 modscan --check-config --strict --config typo.conf >out 2>err &&
	test_grep "^modscan --check-config: 3 warnings with --strict$" err &&
	modscan --check-config --strict --config good.conf >out 2>err &&
	test_line_count = 0 err
'

test_done
