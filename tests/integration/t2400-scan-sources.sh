#!/bin/sh
test_description='scan: devices from DEVICES_URL (HTTPS, Basic auth), DEVICES_SQL and DEVICES_COMMAND, and the faults of each'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-smtp.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
ccapsim_start --devices 3 --upstreams 4 --seed 24 ||
	{ echo "Bail out! no ccapsim"; exit 1; }
smtp_pki || { echo "Bail out! no test PKI"; exit 1; }

mkdir -p web
/usr/bin/python3 "$TEST_DIR/invhttpd.py" --dir "$TRASH/web" \
	--ready "$TRASH/web.port" --cert "$SMTP_PKI/server.pem" \
	--key "$SMTP_PKI/server.key" >web.log 2>&1 &
test_atexit "kill $!"
test_wait_for 20 test -s web.port || { echo "Bail out! no web server"; exit 1; }
WEB=https://localhost:$(cat web.port)

# The devices of the last sweep, "NAME outcome" sorted.
scanned() {
	mariadb_sql "SELECT device, outcome FROM modscan.device_scans
		WHERE run_id = (SELECT run_id FROM modscan.device_scans
		ORDER BY id DESC LIMIT 1)" | sort
}

# A config with the inventory lines given on stdin instead of DEVICES_FILE.
src_conf() {
	grep -v "^DEVICES_FILE=" scan.conf >"$1" &&
	cat >>"$1" &&
	chmod 600 "$1"
}

test_expect_success 'setup: schema, the fleet in JSON the old API way, a stranger' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	/usr/bin/python3 - "$CCAPSIM_INV" >web/api <<-\EOP &&
	import json, sys
	rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
	data = [{"HostName": n.lower(), "Address": h, "Port": int(p),
	         "Family": f} for n, h, p, f in rows]
	data.append({"HostName": "OTHER01", "Address": "127.0.0.1",
	             "Port": 1, "Family": "e6000"})
	print(json.dumps({"status": 200, "data": data}))
	EOP
	cp "$CCAPSIM_INV" web/devices.txt &&
	printf "{\"status\": 200, \"data\": [{\"HostName\": " >web/bad.json &&
	echo "{\"status\": 500, \"data\": []}" >web/status500 &&
	awk "{print \$1}" "$CCAPSIM_INV" | sort >names &&
	for n in $(cat names); do echo "$n	ok"; done >expect_ok
'

test_expect_success 'DEVICES_URL: HTTPS JSON, Basic auth, legacy filter and upper case' '
	src_conf url.conf <<-EOC &&
	DEVICES_URL=$WEB/api?type=hostname&q=*
	DEVICES_URL_AUTH=alice:s3cret
	DEVICES_URL_CA=$SMTP_PKI/ca.pem
	DEVICES_NAME_FILTER=CCAP[012][0-9]{2}
	DEVICES_NAME_UPPER=yes
	EOC
	modscan scan --once -c url.conf 2>err &&
	scanned >out &&
	test_cmp expect_ok out &&
	test_grep "^/api?type=hostname&q=\* auth-ok$" web/requests.log &&
	test_grep -v OTHER01 scan.log
'

test_expect_success 'DEVICES_URL: a devices-file text answer' '
	src_conf text.conf <<-EOC &&
	DEVICES_URL=$WEB/devices.txt
	DEVICES_URL_AUTH=alice:s3cret
	DEVICES_URL_CA=$SMTP_PKI/ca.pem
	EOC
	modscan scan --once -c text.conf 2>err &&
	scanned >out &&
	test_cmp expect_ok out
'

# url_fails CONF-LINES PATTERN [AUTH]: scan --once fails at start, exit 1
# (a runtime failure), naming the source and PATTERN; nothing is scanned.
url_fails() {
	{ printf "%s\n" "$1" && echo "DEVICES_URL_AUTH=${3:-alice:s3cret}"; } |
		src_conf bad.conf &&
	before=$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans") &&
	test_expect_code 1 modscan scan --once -c bad.conf 2>err &&
	cat err &&
	test_grep "^modscan scan: DEVICES_URL: .*$2" err &&
	test_grep -v "s3cret" err &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans")" = "$before"
}

test_expect_success 'DEVICES_URL: a certificate of another CA is refused' '
	url_fails "DEVICES_URL=$WEB/api
DEVICES_URL_CA=$SMTP_PKI/other-ca.pem" "certificate verification failed"
'

test_expect_success 'DEVICES_URL: no CA file given: the system store refuses the test CA' '
	url_fails "DEVICES_URL=$WEB/api" "certificate verification failed"
'

test_expect_success 'DEVICES_URL: a wrong password is HTTP 401' '
	url_fails "DEVICES_URL=$WEB/api
DEVICES_URL_CA=$SMTP_PKI/ca.pem" "HTTP 401 Unauthorized" alice:wrong &&
	test_grep "^/api no-auth$" web/requests.log
'

test_expect_success 'DEVICES_URL: HTTP 500 and 404 are errors' '
	url_fails "DEVICES_URL=$WEB/code/500
DEVICES_URL_CA=$SMTP_PKI/ca.pem" "HTTP 500" &&
	url_fails "DEVICES_URL=$WEB/nosuch
DEVICES_URL_CA=$SMTP_PKI/ca.pem" "HTTP 404"
'

test_expect_success 'DEVICES_URL: bad JSON, and status 500 in the body' '
	url_fails "DEVICES_URL=$WEB/bad.json
DEVICES_URL_CA=$SMTP_PKI/ca.pem" "not valid JSON" &&
	url_fails "DEVICES_URL=$WEB/status500
DEVICES_URL_CA=$SMTP_PKI/ca.pem" "the answer says status 500"
'

test_expect_success 'DEVICES_URL: a slow server is given up at DEVICES_TIMEOUT (bound: 10x)' '
	start=$(date +%s) &&
	url_fails "DEVICES_URL=$WEB/slow
DEVICES_URL_CA=$SMTP_PKI/ca.pem
DEVICES_TIMEOUT=2" "timed out" &&
	test $(($(date +%s) - start)) -lt 20
'

test_expect_success 'DEVICES_URL: an answer past DEVICES_MAX_KB is refused' '
	url_fails "DEVICES_URL=$WEB/huge
DEVICES_URL_CA=$SMTP_PKI/ca.pem
DEVICES_MAX_KB=64" "larger than 64 KiB"
'

test_expect_success 'DEVICES_URL: plain http to a TLS port fails cleanly' '
	url_fails "DEVICES_URL=http://localhost:$(cat web.port)/api" "localhost:[0-9]*"
'

test_expect_success 'DEVICES_SQL: a SELECT on the modscan database' '
	mariadb_sql "CREATE TABLE modscan.inv (name VARCHAR(64),
		host VARCHAR(64), port INT, family VARCHAR(16))" &&
	while read -r n h p f; do
		mariadb_sql "INSERT INTO modscan.inv VALUES
			(\"$n\", \"$h\", $p, \"$f\")" || return 1
	done <"$CCAPSIM_INV" &&
	src_conf sql.conf <<-\EOC &&
	DEVICES_SQL="SELECT name, host, port, family FROM inv ORDER BY name"
	EOC
	modscan scan --once -c sql.conf 2>err &&
	scanned >out &&
	test_cmp expect_ok out
'

test_expect_success 'DEVICES_SQL: the old acc_dailyreport/acc_alias query on another database (REPORTING_*)' '
	mariadb_sql "CREATE DATABASE acc;
		CREATE TABLE acc.acc_dailyreport (ccap_name VARCHAR(64),
			active CHAR(1), port INT, family VARCHAR(16));
		CREATE TABLE acc.acc_alias (ccap_name VARCHAR(64),
			alias VARCHAR(64));
		CREATE USER ro@127.0.0.1 IDENTIFIED BY \"ro-pw\";
		GRANT SELECT ON acc.* TO ro@127.0.0.1;" &&
	while read -r n h p f; do
		lower=$(echo "$n" | tr A-Z a-z) &&
		mariadb_sql "INSERT INTO acc.acc_dailyreport VALUES
			(\"$lower\", \"1\", $p, \"$f\");
			INSERT INTO acc.acc_alias VALUES (\"$n\", \"$h\")" ||
			return 1
	done <"$CCAPSIM_INV" &&
	mariadb_sql "INSERT INTO acc.acc_dailyreport VALUES
		(\"ccap299\", \"0\", 1, \"cbr8\")" &&
	src_conf acc.conf <<-EOC &&
	REPORTING_HOST=127.0.0.1
	DEVICES_DB_PORT=$DB_PORT
	REPORTING_DATABASE=acc
	REPORTING_USER=ro
	REPORTING_PASSWORD=ro-pw
	DEVICES_SQL="SELECT UPPER(a.ccap_name), IFNULL(b.alias, UPPER(a.ccap_name)), a.port, a.family FROM acc_dailyreport a LEFT JOIN acc_alias b ON UPPER(a.ccap_name) = UPPER(b.ccap_name) WHERE a.active = '\''1'\''"
	EOC
	modscan scan --once -c acc.conf 2>err &&
	scanned >out &&
	test_cmp expect_ok out
'

test_expect_success 'DEVICES_SQL: a bad SELECT or no row fails at start, exit 1' '
	src_conf badsql.conf <<-\EOC &&
	DEVICES_SQL="SELECT nosuch FROM inv"
	EOC
	test_expect_code 1 modscan scan --once -c badsql.conf 2>err &&
	test_grep "^modscan scan: DEVICES_SQL: .*nosuch" err &&
	src_conf empty.conf <<-\EOC &&
	DEVICES_SQL="SELECT name FROM inv WHERE 1 = 0"
	EOC
	test_expect_code 1 modscan scan --once -c empty.conf 2>err &&
	test_grep "^modscan scan: DEVICES_SQL: no device in the answer" err
'

test_expect_success 'DEVICES_COMMAND: a program printing the lines; its stderr in the log' '
	src_conf cmd.conf <<-EOC &&
	DEVICES_COMMAND="echo from-the-program >&2; cat $CCAPSIM_INV"
	EOC
	modscan scan --once -c cmd.conf 2>err &&
	scanned >out &&
	test_cmp expect_ok out &&
	test_grep "warn DEVICES_COMMAND: from-the-program" scan.log
'

test_expect_success 'DEVICES_COMMAND: a failing program, exit 1 with its status' '
	src_conf cmdfail.conf <<-\EOC &&
	DEVICES_COMMAND="echo CCAP000; exit 7"
	EOC
	test_expect_code 1 modscan scan --once -c cmdfail.conf 2>err &&
	test_grep "^modscan scan: DEVICES_COMMAND: exit status 7$" err
'

test_expect_success 'DEVICES_COMMAND: a hung program is killed at DEVICES_TIMEOUT (bound: 10x)' '
	printf "sleep 120\nexit 0\n" >hang.sh &&
	src_conf cmdhang.conf <<-EOC &&
	DEVICES_COMMAND="sh $TRASH/hang.sh"
	DEVICES_TIMEOUT=2
	EOC
	start=$(date +%s) &&
	test_expect_code 1 modscan scan --once -c cmdhang.conf 2>err &&
	test $(($(date +%s) - start)) -lt 20 &&
	test_grep "^modscan scan: DEVICES_COMMAND: no end within 2 s, killed$" err &&
	! pgrep -f "sh $TRASH/hang.sh"
'

test_expect_success 'configuration errors of the sources: exit 2' '
	src_conf badre.conf <<-EOC &&
	DEVICES_COMMAND="cat $CCAPSIM_INV"
	DEVICES_NAME_FILTER=CCAP[012
	EOC
	test_expect_code 2 modscan scan --once -c badre.conf 2>err &&
	test_grep "^modscan scan: DEVICES_NAME_FILTER: .CCAP\[012.: " err &&
	src_conf badurl.conf <<-\EOC &&
	DEVICES_URL=ftp://inventory/list
	EOC
	test_expect_code 2 modscan scan --once -c badurl.conf 2>err &&
	test_grep "^modscan scan: DEVICES_URL: .ftp://inventory/list. is not http(s)://HOST\[:PORT\]\[/PATH\]$" err &&
	src_conf noca.conf <<-EOC &&
	DEVICES_URL=$WEB/api
	DEVICES_URL_CA=$TRASH/nosuch.pem
	EOC
	test_expect_code 2 modscan scan --once -c noca.conf 2>err &&
	test_grep "cannot load CA file .*nosuch.pem" err
'

test_done
