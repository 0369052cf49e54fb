# What the test library shares with the stand-alone scripts that start
# the same servers (make demo, the benchmarks): commands run at exit,
# deadline waits, ended processes and free ports.  Sourced; the caller sets TRASH (the
# directory cleanups run in) and CLEANUP_LOG (where their output goes).

_test_cleanup=
_test_notes=

# Run a command at exit (LIFO), e.g. to stop a server the test started.
test_atexit() {
	_test_cleanup="$*
$_test_cleanup"
}

# Run a command at exit before the cleanups, its output in the script's
# own (a note on what went wrong, e.g. a server's crash report).
test_atexit_note() {
	_test_notes="$*
$_test_notes"
}

_test_run_cleanup() {
	_rc=$?
	set +e
	cd "$TRASH" 2>/dev/null || cd /
	printf '%s\n' "$_test_notes" | while IFS= read -r _c; do
		[ -n "$_c" ] && eval "$_c"
	done
	_test_notes=
	printf '%s\n' "$_test_cleanup" | while IFS= read -r _c; do
		[ -n "$_c" ] && eval "$_c" >>"${CLEANUP_LOG:-/dev/null}" 2>&1
	done
	_test_cleanup=
	return $_rc
}
trap '_test_run_cleanup' EXIT
trap 'exit 130' INT TERM

# test_wait_for SECONDS COMMAND...: poll until COMMAND succeeds or the
# deadline passes (a hard deadline, not a fixed sleep).
test_wait_for() {
	_end=$(($(date +%s%N) / 1000000 + $1 * 1000))
	shift
	while ! "$@" 2>/dev/null; do
		if [ $(($(date +%s%N) / 1000000)) -ge $_end ]; then
			echo "test_wait_for: '$*' still false" >&2
			return 1
		fi
		sleep 0.05
	done
	return 0
}

# gone PID: the process has exited: it left /proc, or it is a zombie
# (not yet reaped, by this shell or by whoever inherited it) with no
# thread left.  After kill -9 the first thread of a threaded process is a
# zombie while the others still exit, and they hold its files (a lock, a
# port) open until the last one has.  For test_wait_for.
gone() {
	[ -e "/proc/$1/stat" ] || return 0
	[ "$(sed "s/.*) //" "/proc/$1/stat" 2>/dev/null | cut -c1)" = Z ] &&
		[ "$(sed -n 's/^Threads:[[:space:]]*//p' "/proc/$1/status" \
			2>/dev/null)" -le 1 ] 2>/dev/null
}

# A free TCP port on 127.0.0.1 (the caller retries if it is taken).
test_free_port() {
	/usr/bin/python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}
