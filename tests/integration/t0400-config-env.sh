#!/bin/sh
test_description='config: the old tool'\''s .env as it is (Fernet secrets, keys without a use, chmod, TLS hints)'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-smtp.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
smtp_start || { echo "Bail out! no SMTP server"; exit 1; }

# The old tool's way of encrypting (Debian's python3-cryptography), a
# reference independent of modscan.
fernet() {
	/usr/bin/python3 -c 'import sys
from cryptography.fernet import Fernet
if sys.argv[1] == "key":
    print(Fernet.generate_key().decode())
else:
    print(Fernet(sys.argv[2].encode()).encrypt(sys.argv[3].encode()).decode())' "$@"
}

# The file decides: no DB_* from the test environment.
run_env() {
	env -u DB_HOST -u DB_PORT -u DB_SOCKET -u DB_NAME -u DB_USER \
		-u DB_PASSWORD "$MODSCAN" "$@"
}

test_expect_success 'setup: an old .env whose password is a Fernet token' '
	key=$(fernet key) &&
	token=$(fernet enc "$key" "$DB_PASSWORD") &&
	case $token in gAAAAA*) ;; *) false ;; esac &&
	cat >.env <<-EOT &&
	ACCESS_HOST=127.0.0.1
	ACCESS_DATABASE=modscan
	ACCESS_USER=modscan
	ACCESS_PASSWORD=$token
	ACCESS_POOL_SIZE=5
	FERNET_KEY=$key
	DATA_RETENTION_DAYS=8
	ENABLE_AUTO_CLEANUP=true
	CLEANUP_SCHEDULE_HOUR=2
	ENABLE_REPORT_CACHE=true
	EOT
	echo "DB_PORT=$DB_PORT" >>.env &&
	echo "$key" >key && echo "$token" >token
'

test_expect_success 'a .env readable by others: the exact chmod in the message' '
	chmod 644 .env &&
	test_expect_code 2 run_env --check-config --config .env >out 2>err &&
	test_grep "holds a password but is readable by group or others: .chmod 600 .env. fixes it$" err &&
	test_grep -v "$(cat token)" err
'

test_expect_success 'keys without a use in modscan: one warning naming them together' '
	chmod 600 .env &&
	run_env --check-config --config .env >out 2>err &&
	grep warning err >warn &&
	test_line_count = 1 warn &&
	test_grep "keys of the old tool that modscan does not use, ignored: ACCESS_POOL_SIZE, ENABLE_AUTO_CLEANUP, CLEANUP_SCHEDULE_HOUR, ENABLE_REPORT_CACHE$" warn &&
	test_grep "^DB_PASSWORD=\*\*\*\*\*\*\*\*$" out
'

test_expect_success 'the decrypted password logs into MariaDB' '
	run_env maintain --init --config .env >out 2>err &&
	run_env maintain --status --config .env >out 2>err &&
	test_grep -i "schema" out
'

test_expect_success 'a token of another key: exit 2 naming the key, nothing used' '
	other=$(fernet key) &&
	sed "s|^FERNET_KEY=.*|FERNET_KEY=$other|" .env >bad.env &&
	chmod 600 bad.env &&
	test_expect_code 2 run_env maintain --status --config bad.env >out 2>err &&
	grep -v "warning: " err >errs &&
	test_line_count = 1 errs &&
	test_grep "bad.env: DB_PASSWORD (ACCESS_PASSWORD): the Fernet token does not verify with FERNET_KEY$" err
'

test_expect_success 'a token without FERNET_KEY: exit 2, never used as a password' '
	grep -v "^FERNET_KEY=" .env >nokey.env &&
	chmod 600 nokey.env &&
	test_expect_code 2 run_env maintain --status --config nokey.env 2>err &&
	test_grep "ACCESS_PASSWORD): a Fernet token (gAAAAA...) but FERNET_KEY is not set" err
'

test_expect_success 'a token in the environment is decrypted too' '
	DB_PASSWORD=$(cat token) FERNET_KEY=$(cat key) \
		modscan maintain --status >out 2>err &&
	test_grep -i "schema" out
'

test_expect_success 'TLS refused by a server without it: the error names DB_TLS' '
	test_expect_code 1 env DB_TLS=required DB_SOCKET= \
		"$MODSCAN" maintain --status >out 2>err &&
	test_grep "DB_TLS=off allows a server without TLS" err
'

test_expect_success 'the old mail server without TLS: the error names SMTP_TLS' '
	{
		echo "SMTP_HOST=localhost" &&
		echo "SMTP_PORT=$SMTP_PORT_N" &&
		echo "FROM_EMAIL=modscan@example.net" &&
		echo "TO_EMAILS=ops@example.net"
	} >mail.env &&
	test_expect_code 1 modscan --test-mail --config mail.env >out 2>err &&
	test_grep "does not offer STARTTLS (SMTP_TLS=none sends in clear text)" err &&
	echo "SMTP_TLS=none" >>mail.env &&
	modscan --test-mail --config mail.env >out 2>err &&
	test "$(smtp_count "$SMTP_DIR")" = 1
'

test_expect_success 'without --config, ./.env is read, as the old tool did' '
	mkdir -p old && cp .env old/.env && chmod 600 old/.env &&
	(cd old && env -u DB_HOST -u DB_PORT -u DB_SOCKET -u DB_NAME -u DB_USER \
		-u DB_PASSWORD "$MODSCAN" maintain --status >../out 2>../err) &&
	test_grep -i "schema" out
'

test_done
