# A private MariaDB server for one test: own datadir, socket, tmpdir,
# pid file and port on 127.0.0.1, no option file read (--no-defaults),
# stopped and removed at exit.  Sourced after test-lib.sh.
# mariadb-install-db runs once per test run into a template under
# $TEST_ROOT (flock: tests run in parallel), with a tmpdir of its own;
# each test copies it.  Nothing goes to the shared /tmp: mariadbd
# deletes every #sql* file in its tmpdir when it starts, so with one
# tmpdir a starting server unlinks the on-disk temporary tables that the
# others are using (install-db then fails, and a server reading
# information_schema dies of signal 11 in ha_maria::drop_table).
#
#   mariadb_start [--tls]   start, create database and user, export DB_*
#                           (--tls: MS_DB_TLS_CA is the CA to verify with)
#                           (call it at the top level, not in a test body)
#   mariadb_stop            stop gracefully (data kept)
#   mariadb_kill            SIGKILL the server (data kept)
#   mariadb_restart         start again on the same datadir and port
#   mariadb_tls_files       make a CA and certificate; restart to use them
#   mariadb_sql 'SQL'       run SQL as root over the socket

MS_DB_TEMPLATE=$TEST_ROOT/mariadb-template
MS_DB_DIR=$TRASH/db
MS_DB_DATADIR=$MS_DB_DIR/data
MS_DB_TLS_DIR=$MS_DB_DIR/tls
MS_DB_TMPDIR=$MS_DB_DIR/tmp
MS_DB_TLS=

# Where the server binaries are (Debian puts mariadbd in /usr/sbin).
PATH=$PATH:/usr/sbin:/usr/local/sbin

_mariadb_template() {
	mkdir -p "$TEST_ROOT" || return 1
	(
		flock 9 || exit 1
		[ -f "$MS_DB_TEMPLATE/.done" ] && exit 0
		_t=$TEST_ROOT/mariadb-install.tmpdir
		rm -rf "$MS_DB_TEMPLATE" "$MS_DB_TEMPLATE.tmp" "$_t"
		mkdir -p "$MS_DB_TEMPLATE.tmp" "$_t" &&
		TMPDIR=$_t mariadb-install-db --no-defaults --user=root \
			--datadir="$MS_DB_TEMPLATE.tmp" --tmpdir="$_t" \
			--skip-test-db --auth-root-authentication-method=socket \
			>"$TEST_ROOT/mariadb-install.log" 2>&1 &&
		rm -rf "$_t" &&
		touch "$MS_DB_TEMPLATE.tmp/.done" &&
		mv "$MS_DB_TEMPLATE.tmp" "$MS_DB_TEMPLATE"
	) 9>"$TEST_ROOT/mariadb-template.lock"
}

# A CA and a server certificate for 127.0.0.1 / localhost, made per test.
_mariadb_tls_files() {
	mkdir -p "$MS_DB_TLS_DIR" && (
		cd "$MS_DB_TLS_DIR" &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 \
			-subj /CN=modscan-test-ca -keyout ca.key -out ca.pem &&
		openssl req -newkey rsa:2048 -nodes -subj /CN=localhost \
			-keyout server.key -out server.csr &&
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >ext.cnf &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
			-CAcreateserial -days 2 -extfile ext.cnf -out server.pem
	) >>"$MS_DB_DIR/tls.log" 2>&1
}

_mariadb_run() {
	set -- --no-defaults --user=root --datadir="$MS_DB_DATADIR" \
		--socket="$MS_DB_SOCKET" --port="$DB_PORT" \
		--tmpdir="$MS_DB_TMPDIR" --bind-address=127.0.0.1 \
		--pid-file="$MS_DB_DIR/mariadbd.pid" \
		--log-error="$MS_DB_DIR/error.log" --skip-name-resolve \
		--skip-log-bin --innodb-buffer-pool-size=32M \
		--innodb-log-file-size=16M --innodb-flush-log-at-trx-commit=2 \
		--performance-schema=OFF --max-connections=200
	# Extra server options (the benchmark wants production durability).
	# shellcheck disable=SC2086
	set -- "$@" ${MS_DB_EXTRA_OPTS:-}
	if [ -n "$MS_DB_TLS" ]; then
		set -- "$@" --ssl-ca="$MS_DB_TLS_DIR/ca.pem" \
			--ssl-cert="$MS_DB_TLS_DIR/server.pem" \
			--ssl-key="$MS_DB_TLS_DIR/server.key"
	fi
	# Started from a subshell so that it is nobody's zombie; the pid is
	# kept in a file because test bodies run in subshells too.
	mkdir -p "$MS_DB_TMPDIR" || return 1
	(TMPDIR=$MS_DB_TMPDIR mariadbd "$@" >>"$MS_DB_DIR/stdout.log" 2>&1 &
	 echo $! >"$MS_DB_DIR/pid")
}

_mariadb_ping() {
	mariadb-admin --no-defaults --socket="$MS_DB_SOCKET" -uroot \
		--connect-timeout=2 ping >/dev/null 2>&1
}

_mariadb_pid() {
	cat "$MS_DB_DIR/pid" 2>/dev/null
}

_mariadb_alive() {
	_p=$(_mariadb_pid)
	[ -n "$_p" ] && kill -0 "$_p" 2>/dev/null || return 1
	# A zombie is dead, whatever kill -0 says, once its threads are (they
	# hold the port and the datadir's locks until then).
	! gone "$_p"
}

# Wait for readiness; 0 when up, 1 when the server died (port taken).
_mariadb_wait() {
	_end=$(($(date +%s) + 60))
	while ! _mariadb_ping; do
		_mariadb_alive || return 1
		if [ "$(date +%s)" -ge $_end ]; then
			echo "mariadb: not ready within 60 s" >&2
			return 2
		fi
		sleep 0.1
	done
	return 0
}

mariadb_sql() {
	mariadb --no-defaults --socket="$MS_DB_SOCKET" -uroot -N -B -e "$1" \
		${2:+"$2"}
}

# TLS from the next (re)start on: a CA and a server certificate; the CA
# is exported as MS_DB_TLS_CA (DB_TLS_CA is left to the test).
mariadb_tls_files() {
	_mariadb_tls_files || { echo "mariadb: openssl failed" >&2; return 1; }
	MS_DB_TLS=1 MS_DB_TLS_CA=$MS_DB_TLS_DIR/ca.pem
	export MS_DB_TLS_CA
}

mariadb_start() {
	_mariadb_template || { echo "mariadb: install-db failed" >&2; return 1; }
	rm -rf "$MS_DB_DIR" && mkdir -p "$MS_DB_DIR" &&
	cp -a "$MS_DB_TEMPLATE" "$MS_DB_DATADIR" || return 1
	if [ "${1:-}" = --tls ]; then
		mariadb_tls_files || return 1
	fi
	MS_DB_SOCKET=$MS_DB_DIR/sock
	DB_HOST=127.0.0.1 DB_SOCKET=$MS_DB_SOCKET
	DB_NAME=modscan DB_USER=modscan DB_PASSWORD=modscan-test-pw
	test_atexit _mariadb_cleanup
	test_atexit_note _mariadb_crash_note
	for _try in 1 2 3 4 5; do
		DB_PORT=$(test_free_port)
		_mariadb_run
		_mariadb_wait
		case $? in
		0) break ;;
		2) return 1 ;;
		esac
		# The port was taken between the probe and the bind: retry.
		[ $_try = 5 ] && { echo "mariadb: did not start" >&2; \
			tail -n 20 "$MS_DB_DIR/error.log" >&2; return 1; }
	done
	export DB_HOST DB_PORT DB_SOCKET DB_NAME DB_USER DB_PASSWORD
	export MS_DB_DATADIR MS_DB_DIR MS_DB_SOCKET
	# The guard against a shared tmpdir (see the top of this file).
	[ "$(mariadb_sql 'SELECT @@tmpdir')" = "$MS_DB_TMPDIR" ] ||
		{ echo "mariadb: tmpdir is not $MS_DB_TMPDIR" >&2; return 1; }
	mariadb_sql "CREATE DATABASE modscan;
		CREATE USER 'modscan'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
		CREATE USER 'modscan'@'127.0.0.1' IDENTIFIED BY '$DB_PASSWORD';
		GRANT ALL PRIVILEGES ON modscan.* TO 'modscan'@'localhost';
		GRANT ALL PRIVILEGES ON modscan.* TO 'modscan'@'127.0.0.1';"
}

# Graceful stop: the server flushes and exits; the datadir stays.
mariadb_stop() {
	_mariadb_alive || return 0
	kill -TERM "$(_mariadb_pid)" 2>/dev/null
	_end=$(($(date +%s) + 60))
	while _mariadb_alive; do
		if [ "$(date +%s)" -ge $_end ]; then
			mariadb_kill
			return 0
		fi
		sleep 0.05
	done
	return 0
}

# A server that died of a signal during the test: its crash report
# (signal, query, backtrace) as notes in the test's output, where a
# failure on a loaded CI machine can be told from a bug of ours.
_mariadb_crash_note() {
	grep -qs 'got signal' "$MS_DB_DIR/error.log" || return 0
	sed -n '/got signal/,/^Optimizer switch/p' "$MS_DB_DIR/error.log" |
		grep -E 'got signal|^Connection ID|^Query|^mariadbd\(' |
		sed 's/^/# mariadbd crashed: /'
}

# At exit, even after a failure: stop the server, remove its files.
_mariadb_cleanup() {
	mariadb_kill
	rm -rf "$MS_DB_DATADIR" "$MS_DB_TMPDIR"
}

mariadb_kill() {
	_mariadb_alive || return 0
	kill -KILL "$(_mariadb_pid)" 2>/dev/null
	while _mariadb_alive; do
		sleep 0.05
	done
}

# The port is the test's (configs name it): while the server was down
# another process may hold it for a moment (a connection's local port);
# the server then dies at bind, and is started again until a deadline.
mariadb_restart() {
	mariadb_stop
	_restart_end=$(($(date +%s) + 60))
	while :; do
		_lines=$(wc -l <"$MS_DB_DIR/error.log")
		_mariadb_run
		_mariadb_wait
		case $? in
		0) return 0 ;;
		2) break ;;
		esac
		tail -n +$((_lines + 1)) "$MS_DB_DIR/error.log" |
			grep -q "Address already in use" || break
		[ "$(date +%s)" -lt $_restart_end ] || break
		sleep 0.5
	done
	echo "mariadb: restart failed" >&2
	tail -n 5 "$MS_DB_DIR/error.log" >&2
	return 1
}
