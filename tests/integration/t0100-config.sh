#!/bin/sh
test_description='modscan --check-config: loading, errors, precedence, legacy names, secrets'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'defaults without a file: every key, exit 0' '
	modscan --check-config >out 2>err &&
	test_line_count = 0 err &&
	test_grep "^DB_HOST=127.0.0.1$" out &&
	test_grep "^SCAN_INTERVAL=600$" out &&
	test_grep "^DB_PASSWORD=$" out &&
	test "$(wc -l <out)" = "$(conf_table | wc -l)"
'

test_expect_success 'a good file: its values in the output' '
	cat >good.conf <<-\EOT &&
	# scanner settings
	DB_HOST=db.example.net
	export SCAN_INTERVAL=900
	DB_NAME="mod scan # db"
	LOG_LEVEL=debug
	EOT
	modscan --check-config --config good.conf >out 2>err &&
	test_line_count = 0 err &&
	test_grep "^DB_HOST=db.example.net$" out &&
	test_grep "^SCAN_INTERVAL=900$" out &&
	test_grep "^DB_NAME=\"mod scan # db\"$" out &&
	test_grep "^LOG_LEVEL=debug$" out
'

test_expect_success '--config=FILE works as well' '
	modscan --check-config --config=good.conf >out &&
	test_grep "^DB_HOST=db.example.net$" out
'

test_expect_success '$MODSCAN_CONFIG names the file when --config is absent' '
	MODSCAN_CONFIG=good.conf modscan --check-config >out &&
	test_grep "^SCAN_INTERVAL=900$" out
'

test_expect_success 'a bad value: exit 2, one line naming file:line and key' '
	printf "DB_HOST=h\n# two\nSCAN_INTERVAL=10x\n" >bad.conf &&
	test_expect_code 2 modscan --check-config --config bad.conf >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan --check-config: bad.conf:3: SCAN_INTERVAL: .10x. is not a number$" err &&
	test_line_count = 0 out
'

test_expect_success 'a bad value holding a quoted newline is still reported on one line' '
	printf "SCAN_INTERVAL=\"10\\\\n0\"\n" >nl.conf &&
	test_expect_code 2 modscan --check-config --config nl.conf >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan --check-config: nl.conf:1: SCAN_INTERVAL: .10.*0. is not a number$" err
'

test_expect_success 'an out-of-range value and a bad choice are errors too' '
	printf "DB_PORT=70000\n" >range.conf &&
	test_expect_code 2 modscan --check-config --config range.conf 2>err &&
	test_grep "range.conf:1: DB_PORT: .70000. is out of range (1..65535)" err &&
	printf "\nSMTP_TLS=ssl\n" >enum.conf &&
	test_expect_code 2 modscan --check-config --config enum.conf 2>err &&
	test_grep "enum.conf:2: SMTP_TLS: .ssl. is not one of none|starttls|tls" err
'

test_expect_success 'an unknown key: a warning naming file:line, exit 0' '
	printf "DB_HOST=h\nSCAN_INTERVALL=60\n" >unknown.conf &&
	modscan --check-config --config unknown.conf >out 2>err &&
	test_line_count = 1 err &&
	test_grep "^modscan --check-config: warning: unknown.conf:2: unknown key .SCAN_INTERVALL. (did you mean SCAN_INTERVAL?), ignored$" err &&
	test_grep "^DB_HOST=h$" out
'

test_expect_success 'a world-readable file holding a password: exit 2' '
	printf "DB_HOST=h\nDB_PASSWORD=s3cret\n" >secret.conf &&
	chmod 644 secret.conf &&
	test_expect_code 2 modscan --check-config --config secret.conf >out 2>err &&
	test_line_count = 1 err &&
	test_grep "secret.conf. holds a password but is readable by group or others: .chmod 600 secret.conf. fixes it$" err &&
	test_grep -v s3cret err
'

test_expect_success 'the same file 0600: accepted, the password masked' '
	chmod 600 secret.conf &&
	modscan --check-config --config secret.conf >out &&
	test_grep "^DB_PASSWORD=\*\*\*\*\*\*\*\*$" out &&
	test_grep -v s3cret out
'

test_expect_success 'the environment overrides the file' '
	DB_HOST=from-env SCAN_INTERVAL=120 \
		modscan --check-config --config good.conf >out &&
	test_grep "^DB_HOST=from-env$" out &&
	test_grep "^SCAN_INTERVAL=120$" out &&
	test_grep "^LOG_LEVEL=debug$" out
'

test_expect_success 'a bad environment value is an error naming the key' '
	test_expect_code 2 env SCAN_INTERVAL=fast "$MODSCAN" --check-config 2>err &&
	test_grep "environment: SCAN_INTERVAL: .fast. is not a number" err
'

test_expect_success 'a legacy .env maps to the canonical keys, password masked' '
	cat >legacy.env <<-\EOT &&
	ACCESS_HOST=10.1.2.3
	ACCESS_DATABASE=modulation
	ACCESS_USER=scanner
	ACCESS_PASSWORD="old pass"
	DATA_RETENTION_DAYS=14
	FROM_EMAIL=noc@example.net
	TO_EMAILS=a@example.net,b@example.net
	DEBUG_CCAP0=true
	EOT
	chmod 600 legacy.env &&
	modscan --check-config --config legacy.env >out 2>err &&
	test_line_count = 0 err &&
	test_grep "^DB_HOST=10.1.2.3$" out &&
	test_grep "^DB_NAME=modulation$" out &&
	test_grep "^DB_USER=scanner$" out &&
	test_grep "^DB_PASSWORD=\*\*\*\*\*\*\*\*$" out &&
	test_grep "^RETENTION_DAYS=14$" out &&
	test_grep "^MAIL_FROM=noc@example.net$" out &&
	test_grep "^MAIL_TO=a@example.net,b@example.net$" out &&
	test_grep "^DEBUG_E6000=true$" out &&
	test_grep -v "old pass" out
'

test_expect_success 'a missing --config file: exit 2 naming it' '
	test_expect_code 2 modscan --check-config --config nosuch.conf 2>err &&
	test_line_count = 1 err &&
	test_grep "cannot open .nosuch.conf.: No such file or directory" err
'

test_expect_success 'a stray argument is a usage error' '
	test_expect_code 2 modscan --check-config --frob 2>err &&
	test_grep "unexpected argument .--frob." err
'

test_expect_success '-c FILE is --config FILE in every applet' '
	test_expect_code 2 modscan --check-config -c nosuch.conf 2>err &&
	test_grep "^modscan --check-config: cannot open .nosuch.conf." err &&
	test_expect_code 2 modscan maintain --status -c nosuch.conf 2>err &&
	test_grep "^modscan maintain: cannot open .nosuch.conf." err &&
	test_expect_code 2 modscan report -c nosuch.conf 2>err &&
	test_grep "^modscan report: cannot open .nosuch.conf." err &&
	test_expect_code 2 modscan scan --once -c nosuch.conf 2>err &&
	test_grep "^modscan scan: cannot open .nosuch.conf." err &&
	test_expect_code 2 modscan status -c nosuch.conf 2>err &&
	test_grep "^modscan status: cannot open .nosuch.conf." err &&
	test_expect_code 2 modscan watchdog --status -c nosuch.conf 2>err &&
	test_grep "^modscan watchdog: cannot open .nosuch.conf." err
'

test_expect_success '--help lists --check-config' '
	modscan --help >out &&
	test_grep "modscan --check-config \[--config FILE\]" out
'

test_done
