#!/bin/sh
test_description='report --deploy sftp:// against a private OpenSSH sshd: staged renames, latest, housekeeping, refusals leave nothing'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-sshd.sh"
. "$TEST_DIR/lib-mariadb.sh"

SFTP_USER=modscandeploy
SFTP_PW=Ms-t4030-pw

if [ -x /usr/sbin/sshd ] && [ "$(id -u)" = 0 ]; then
	test_set_prereq SSHD
fi

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }

port_open() {
	ss -Hltn "sport = :$1" | grep -q .
}

# The site lives outside $TRASH, whose parents may be private to root.
SITE=$(mktemp -d /tmp/modscan-sftp.XXXXXX) && chmod 755 "$SITE"
test_atexit "rm -rf '$SITE'"

start_sshd() {
	cat >"$TRASH/sshd_config" <<EOC
Port $PORT
ListenAddress 127.0.0.1
HostKey $TRASH/host_key
PidFile $TRASH/sshd.pid
UsePAM yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile none
AuthorizedKeysCommand /bin/cat $TRASH/authorized_keys
AuthorizedKeysCommandUser root
StrictModes no
PermitRootLogin no
Subsystem sftp internal-sftp
LogLevel VERBOSE
EOC
	/usr/sbin/sshd -D -e -f "$TRASH/sshd_config" 2>>"$TRASH/sshd.log" &
	echo $! >"$TRASH/sshd.bgpid"
	test_wait_for 10 port_open "$PORT"
}

stop_sshd() {
	[ -f "$TRASH/sshd.bgpid" ] || return 0
	kill "$(cat "$TRASH/sshd.bgpid")" 2>/dev/null
	rm -f "$TRASH/sshd.bgpid"
}

test_expect_success SSHD 'set up: user, keys, sshd with internal-sftp, samples' '
	sshd_prepare "$SFTP_USER" "$SFTP_PW" &&
	tries=0 &&
	until PORT=$(test_free_port) && start_sshd; do
		stop_sshd
		tries=$((tries + 1))
		test $tries -lt 3 || return 1
	done &&
	echo "PORT=$PORT" >ports &&
	mkdir "$SITE/www" "$SITE/ro" &&
	for x in csv json html; do
		echo old >"$SITE/www/modscan-report-2025-01-01.$x" &&
		touch -d "40 days ago" "$SITE/www/modscan-report-2025-01-01.$x" || return 1
	done &&
	echo keep >"$SITE/www/index.html" && touch -d "400 days ago" "$SITE/www/index.html" &&
	chown -R "$SFTP_USER" "$SITE/www" &&
	modscan maintain --init >/dev/null &&
	t=$(date -d "2025-03-12 10:00" +%s) &&
	mariadb_sql "INSERT INTO modscan.samples VALUES
		(\"CCAP001\", \"Upstream 1/0.0\", $t, 4, \"QAM64\"),
		(\"CCAP001\", \"Upstream 1/0.0\", $((t + 300)), 2, \"QAM16\"),
		(\"CCAP001\", \"Upstream 1/0.0\", $((t + 86400)), 2, \"QAM16\")"
'
test_atexit stop_sshd
[ -f "$TRASH/ports" ] && . "$TRASH/ports"
URL="sftp://$SFTP_USER@127.0.0.1:${PORT:-0}$SITE"
export SSH_KNOWN_HOSTS="$TRASH/known_hosts"

# listing DIR: names and sizes, to show that a refused run changed nothing.
listing() {
	(cd "$1" && ls -lA --time-style=+%s | awk "NR > 1 { print \$5, \$6, \$7 }")
}

test_expect_success SSHD 'deploy over SFTP: files, latest.*, old reports removed, host key learned' '
	DEPLOY_PASSWORD=$SFTP_PW modscan report --date 2025-03-12 --dir out \
		--deploy "$URL/www" >stdout 2>err &&
	test ! -s err &&
	test_grep "^deployed 3 files to sftp://.* (latest.\* [a-z]*; 3 old reports removed)$" stdout &&
	for x in csv json html; do
		test_cmp out/modscan-report-2025-03-12.$x "$SITE/www/modscan-report-2025-03-12.$x" &&
		test_cmp out/modscan-report-2025-03-12.$x "$SITE/www/latest.$x" &&
		test ! -e "$SITE/www/modscan-report-2025-01-01.$x" || return 1
	done &&
	test -e "$SITE/www/index.html" &&
	test -z "$(ls -A "$SITE/www" | grep tmp)" &&
	test_grep -q "127.0.0.1" known_hosts
'

test_expect_success SSHD 'latest.* are symlinks where the server makes them' '
	for x in csv json html; do
		test "$(readlink "$SITE/www/latest.$x")" = modscan-report-2025-03-12.$x || return 1
	done
'

test_expect_success SSHD 'the next day, and a rerun: files replaced, latest moved' '
	SSH_PASSWORD=$SFTP_PW modscan report --date 2025-03-13 --dir out --deploy "$URL/www" >stdout &&
	test "$(readlink "$SITE/www/latest.csv")" = modscan-report-2025-03-13.csv &&
	echo stale >"$SITE/www/modscan-report-2025-03-13.csv" &&
	SSH_PASSWORD=$SFTP_PW modscan report --date 2025-03-13 --dir out --deploy "$URL/www" >stdout &&
	test_cmp out/modscan-report-2025-03-13.csv "$SITE/www/modscan-report-2025-03-13.csv" &&
	test_cmp out/modscan-report-2025-03-13.csv "$SITE/www/latest.csv" &&
	test -z "$(ls -A "$SITE/www" | grep tmp)"
'

test_expect_success SSHD 'a key login (DEPLOY_KEY_FILE) works without a password' '
	DEPLOY_KEY_FILE=$TRASH/client_key modscan report --date 2025-03-12 --csv-only --dir out --deploy "$URL/www" >stdout &&
	test_grep "^deployed 1 file" stdout
'

test_expect_success SSHD 'a wrong password: exit 1, authentication named, nothing changed' '
	listing "$SITE/www" >before &&
	DEPLOY_PASSWORD=wrong test_expect_code 1 \
		modscan report --date 2025-03-12 --dir out5 --deploy "$URL/www" >stdout 2>err &&
	test_grep "^modscan report: deploy to .* failed: sftp: .*authentication" err &&
	test_line_count = 1 err &&
	test -s out5/modscan-report-2025-03-12.csv &&
	listing "$SITE/www" >after &&
	test_cmp before after
'

test_expect_success SSHD 'a read-only directory: exit 1, permission denied, nothing left there' '
	DEPLOY_PASSWORD=$SFTP_PW test_expect_code 1 \
		modscan report --date 2025-03-12 --dir out --deploy "$URL/ro" 2>err &&
	test_grep "permission denied" err &&
	test -z "$(ls -A "$SITE/ro")"
'

test_expect_success SSHD 'a missing directory: exit 1 naming it' '
	DEPLOY_PASSWORD=$SFTP_PW test_expect_code 1 \
		modscan report --date 2025-03-12 --dir out --deploy "$URL/nope" 2>err &&
	test_grep "no such file" err
'

test_expect_success SSHD 'a host key not in known_hosts under strict: refused, nothing written' '
	listing "$SITE/www" >before &&
	SSH_KNOWN_HOSTS=$TRASH/empty_known_hosts SSH_HOST_KEY_POLICY=strict \
	DEPLOY_PASSWORD=$SFTP_PW test_expect_code 1 \
		modscan report --date 2025-03-14 --dir out --deploy "$URL/www" 2>err &&
	test_grep -i "host key" err &&
	listing "$SITE/www" >after &&
	test_cmp before after
'

test_expect_success SSHD 'nobody listening: exit 1, connection refused' '
	DEPLOY_PASSWORD=$SFTP_PW test_expect_code 1 \
		modscan report --date 2025-03-12 --dir out \
		--deploy "sftp://$SFTP_USER@127.0.0.1:$(test_free_port)/x" 2>err &&
	test_grep "^modscan report: deploy to .* failed: sftp: " err
'

test_expect_success SSHD 'the legacy .env keys (ENABLE_WEB_DEPLOYMENT, WEB_SERVER, WEB_PATH): a plain report publishes the legacy JSON too' '
	mkdir "$SITE/legacy" &&
	old=modulation_report_2025-01-01_web.json &&
	echo "{}" >"$SITE/legacy/$old" && touch -d "40 days ago" "$SITE/legacy/$old" &&
	chown -R "$SFTP_USER" "$SITE/legacy" &&
	printf "%s\n" ENABLE_WEB_DEPLOYMENT=true "WEB_SERVER=$SFTP_USER@127.0.0.1:$PORT" \
		"WEB_PATH=$SITE/legacy" HOUSEKEEPING_DAYS=30 REPORT_LEGACY=yes \
		"REPORT_OUTPUT_DIR=$TRASH/lout" >legacy.env &&
	DEPLOY_PASSWORD=$SFTP_PW modscan report --date 2025-03-12 --config legacy.env >stdout 2>err &&
	test ! -s err &&
	test_grep "^deployed 4 files to sftp://$SFTP_USER@127.0.0.1:$PORT$SITE/legacy .*1 old report removed)$" stdout &&
	test_cmp lout/modulation_report_2025-03-12_web.json "$SITE/legacy/modulation_report_2025-03-12_web.json" &&
	test_cmp lout/modulation_report_2025-03-12_web.json "$SITE/legacy/modulation_report_latest_web.json" &&
	test "$(stat -c %a "$SITE/legacy/modulation_report_2025-03-12_web.json")" = 644 &&
	test ! -e "$SITE/legacy/$old" &&
	test -s "$SITE/legacy/modscan-report-2025-03-12.html" &&
	grep -o "<a href=\"[^\"]*\">" "$SITE/legacy/index.html" >links &&
	echo "<a href=\"modscan-report-2025-03-12.html\">" >want-links &&
	test_cmp want-links links &&
	test -z "$(ls -A "$SITE/legacy" | grep tmp)"
'

test_expect_success SSHD 'ENABLE_WEB_DEPLOYMENT without an absolute WEB_PATH: exit 2 before any work' '
	printf "%s\n" ENABLE_WEB_DEPLOYMENT=true WEB_SERVER=host WEB_PATH=www >bad.env &&
	test_expect_code 2 modscan report --date 2025-03-12 --config bad.env --dir badout 2>err &&
	test_line_count = 1 err &&
	test_grep "DEPLOY_PATH (WEB_PATH)" err &&
	test ! -e badout
'

# A server that accepts but never speaks: DEPLOY_TIMEOUT=2 ends the deploy;
# the run is bounded by 30 s, a generous multiple.
test_expect_success SSHD 'an SFTP server that never answers: exit 1 within the deadline, files kept' '
	/usr/bin/python3 -c "
import socket, sys, time
s = socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(8)
print(s.getsockname()[1], flush=True)
time.sleep(120)" >silent.port &
	pid=$! &&
	test_wait_for 10 test -s silent.port &&
	DEPLOY_TIMEOUT=2 DEPLOY_PASSWORD=$SFTP_PW timeout 30 "$MODSCAN" report \
		--date 2025-03-12 --dir silent --deploy "sftp://$SFTP_USER@127.0.0.1:$(cat silent.port)/x" >stdout 2>err
	rc=$?
	kill $pid 2>/dev/null
	test $rc = 1 &&
	test_line_count = 1 err &&
	test_grep "^modscan report: deploy to .* failed: sftp: " err &&
	test -s silent/modscan-report-2025-03-12.csv
'

test_done
