# Shell library for the integration tests, in the style of git's test-lib.
# A test script sets test_description, sources this file, runs
# test_expect_success blocks and ends with test_done.  It runs in its own
# scratch directory, against the binary named by $MODSCAN (default: the
# static ./modscan), and prints TAP.

set -u

TEST_NAME=$(basename "$0" .sh)
SRC_DIR=$(cd "$(dirname "$0")/../.." && pwd)
TEST_DIR=$SRC_DIR/tests/integration
DATA_DIR=$SRC_DIR/tests/data
MODSCAN=${MODSCAN:-$SRC_DIR/modscan}
case "$MODSCAN" in /*) ;; *) MODSCAN=$SRC_DIR/$MODSCAN ;; esac
MODSCAN_FLAVOR=${MODSCAN_FLAVOR:-static}
CCAPSIM=${CCAPSIM:-$SRC_DIR/tests/ccapsim/ccapsim}
# A test run alone gets a scratch root of its own: a fixed name would be
# shared with the same test run at the same time from another checkout.
if [ -z "${TEST_ROOT:-}" ]; then
	TEST_ROOT=$(mktemp -d "${TMPDIR:-/tmp}/modscan-test.XXXXXX") || exit 1
	echo "# scratch directory: $TEST_ROOT"
fi
TRASH=$TEST_ROOT/$MODSCAN_FLAVOR/$TEST_NAME
TEST_LOG=$TRASH.log
export MODSCAN MODSCAN_FLAVOR SRC_DIR DATA_DIR TEST_ROOT CCAPSIM

# Sanitizer failures must not pass for an expected failure (exit 1..125).
export ASAN_OPTIONS="${ASAN_OPTIONS:-exitcode=199:abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-exitcode=199:print_stacktrace=1:halt_on_error=1}"

# conf_table: the rows of lib/conf.def as the compiler expands them (the
# rows of the device families come from lib/drv.def), one a line:
# NAME ALIAS TYPE DEFAULT, ALIAS NULL or quoted, DEFAULT quoted.
conf_table() {
	printf '#define CONF(n, a, t, d, ...) @@ n a t d\n#include "conf.def"\n' |
	cpp -P -iquote "$SRC_DIR/lib" - | sed -n 's/^@@ //p'
}

# A clean environment: no configuration leaks in from the caller.
for _k in $(conf_table | sed 's/^\([A-Z0-9_]*\) "*\([A-Z0-9_]*\)"* .*/\1 \2/;
	s/ NULL$//'); do
	unset "$_k"
done
unset MODSCAN_CONFIG NOTIFY_SOCKET WATCHDOG_USEC WATCHDOG_PID _k
export TZ=${TEST_TZ:-UTC}
# Never the host's /var/lib/modscan, which every applet checks (and scan
# and watchdog write into): the scratch directory's, as the configs that
# the test helpers write name it.
RUN_DIR=$TRASH/run
export RUN_DIR

rm -rf "$TRASH" && mkdir -p "$TRASH" || exit 1
cd "$TRASH" || exit 1
HOME=$TRASH
export HOME
: >"$TEST_LOG"

test_count=0
test_failed=0
test_skipped=0
CLEANUP_LOG=$TEST_LOG
. "$TEST_DIR/lib-common.sh"

modscan() {
	"$MODSCAN" "$@"
}

say() {
	printf '%s\n' "$*"
}

# test_expect_success [PREREQ] TITLE BODY
test_expect_success() {
	if [ $# = 3 ]; then
		if ! test_have_prereq "$1"; then
			test_count=$((test_count + 1))
			test_skipped=$((test_skipped + 1))
			say "ok $test_count # skip $2 (missing $1)"
			return 0
		fi
		shift
	fi
	test_count=$((test_count + 1))
	_start=$(wc -c <"$TEST_LOG")
	{
		say "=== $test_count - $1"
		( eval "$2" )
	} >>"$TEST_LOG" 2>&1 </dev/null
	_status=$?
	if [ $_status = 0 ]; then
		say "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		say "not ok $test_count - $1"
		printf '%s\n' "$2" | sed 's/^/#	/'
		tail -c +$((_start + 1)) "$TEST_LOG" | tail -n 40 | sed 's/^/# > /'
	fi
}

_test_prereq_ok=" "
test_set_prereq() {
	_test_prereq_ok="$_test_prereq_ok$1 "
}
# test_have_prereq A[,B...]: all of them.
test_have_prereq() {
	_p=$1
	while [ -n "$_p" ]; do
		case "$_test_prereq_ok" in *" ${_p%%,*} "*) ;; *) return 1 ;; esac
		case "$_p" in *,*) _p=${_p#*,} ;; *) _p= ;; esac
	done
	return 0
}

# A command that must fail in a controlled way (exit 1..125, not a crash).
test_must_fail() {
	"$@"
	_e=$?
	if [ $_e = 0 ]; then
		echo "test_must_fail: '$*' succeeded" >&2
		return 1
	elif [ $_e -gt 125 ]; then
		echo "test_must_fail: '$*' died or crashed (exit $_e)" >&2
		return 1
	fi
	return 0
}

# test_expect_code N CMD...
test_expect_code() {
	_want=$1
	shift
	"$@"
	_e=$?
	if [ $_e != "$_want" ]; then
		echo "test_expect_code: '$*' exited $_e, want $_want" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

# test_grep [-v] [grep options] PATTERN FILE
test_grep() {
	if [ "$1" = -v ]; then
		shift
		if grep "$@"; then
			echo "test_grep: unexpected match of '$*'" >&2
			return 1
		fi
		return 0
	fi
	grep "$@" && return 0
	_f=
	for _f; do :; done
	echo "test_grep: no match for '$*'; the file holds:" >&2
	[ -f "$_f" ] && sed 's/^/| /' "$_f" | head -n 30 >&2
	return 1
}

test_line_count() {
	_n=$(wc -l <"$3")
	if ! [ "$_n" "$1" "$2" ]; then
		echo "test_line_count: $3 has $_n lines, want $1 $2" >&2
		return 1
	fi
}

test_done() {
	say "# $TEST_NAME: $((test_count - test_failed - test_skipped)) passed, $test_failed failed, $test_skipped skipped"
	say "1..$test_count"
	[ $test_failed = 0 ]
	exit $?
}
