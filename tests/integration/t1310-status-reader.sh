#!/bin/sh
test_description='status run by a monitoring user reads the RUN_DIR of the service user through its group (0750); every other case, and every applet that writes, keeps the strict rule'
. "$(dirname "$0")/test-lib.sh"

# Three names of our own, removed at exit: the service user that owns
# RUN_DIR, the group that may read it, and a monitoring user in it.
SUF=$$
OUSER=ms1310o-$SUF RUSER=ms1310r-$SUF GROUP=ms1310g-$SUF
if [ "$(id -u)" != 0 ]; then
	say "1..0 # skip needs root to add users and run as them"
	exit 0
fi
# useradd and groupadd lock /etc/passwd: other tests may hold it a moment.
test_wait_for 30 groupadd --system "$GROUP" &&
test_atexit "groupdel '$GROUP'" &&
test_wait_for 30 useradd --system --no-create-home --home-dir /nonexistent \
	--shell /usr/sbin/nologin "$OUSER" &&
test_atexit "userdel '$OUSER'" &&
test_wait_for 30 useradd --system --no-create-home --home-dir /nonexistent \
	--shell /usr/sbin/nologin -G "$GROUP" "$RUSER" &&
test_atexit "userdel '$RUSER'" || { echo "Bail out! cannot add users"; exit 1; }
OUID=$(id -u "$OUSER") RUID=$(id -u "$RUSER") GID=$(getent group "$GROUP" | cut -d: -f3)

# Somewhere both users can reach (the scratch root may be 0700).
TOP=$(mktemp -d /tmp/modscan-t1310.XXXXXX) && chmod 755 "$TOP" &&
test_atexit "rm -rf '$TOP'" || exit 1
RUN=$TOP/run
mkdir "$RUN" "$RUN/spool" && chown "$OUSER:$GROUP" "$RUN" &&
chown "$OUSER:$OUSER" "$RUN/spool" && chmod 750 "$RUN" &&
chmod 700 "$RUN/spool" || exit 1
: >"$TOP/devices.txt"
# No secret in it: anyone may read it.
printf 'RUN_DIR=%s\nDEVICES_FILE=%s\nLOG_LEVEL=debug\n' "$RUN" \
	"$TOP/devices.txt" >"$TOP/c.conf"
chmod 644 "$TOP/devices.txt" "$TOP/c.conf"
unset RUN_DIR

# as USER ARGS...: modscan ARGS as USER with the groups /etc/group gives it
as() {
	_u=$1
	shift
	setpriv --reuid="$_u" --regid="$_u" --init-groups -- \
		"$MODSCAN" "$@" --config "$TOP/c.conf"
}
# json_field FILE KEY
json_field() {
	/usr/bin/python3 -c 'import json, sys
print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"
}
# still MODE: RUN_DIR kept its mode, owner and group
still() {
	test "$(stat -c '%a %U %G' "$RUN")" = "$1 $OUSER $GROUP"
}

test_expect_success 'the service user runs a scanner in its RUN_DIR (0750, group of the readers)' '
	setpriv --reuid="$OUSER" --regid="$OUSER" --clear-groups -- \
		"$MODSCAN" scan --config "$TOP/c.conf" >"$TOP/scan.out" 2>&1 &
	echo $! >scan.pid &&
	test_wait_for 60 test -s "$RUN/status.json" &&
	test "$(json_field "$RUN/status.json" pid)" = "$(cat scan.pid)" &&
	test "$(stat -c "%a %U" "$RUN/spool")" = "700 $OUSER"
'
SCAN=$(cat scan.pid 2>/dev/null || echo 0)
test_atexit "kill $SCAN"

test_expect_success 'the reader in its group: status --json sees the live scanner, exit 0' '
	as "$RUSER" status --json >out 2>err &&
	test_line_count = 0 err &&
	test "$(json_field out verdict)" = ok &&
	test "$(json_field out pid)" = "$SCAN" &&
	still 750
'

test_expect_success 'the reader: --nagios names the pid (WARNING: no device), --prometheus says up' '
	test_expect_code 1 as "$RUSER" status --nagios >out &&
	test_grep "^MODSCAN WARNING - no valid device to scan; pid $SCAN is " out &&
	as "$RUSER" status --prometheus >out &&
	test_grep "^modscan_up 1$" out &&
	still 750
'

# the line status gives a user its group does not let in, at MODE
reader_line() {
	printf "modscan status: RUN_DIR '%s' belongs to uid %s ('%s'), and uid %s ('%s') that reads it cannot through its group gid %s ('%s') (mode %s): make it 0750 with a group this user is in, or run as its owner\n" \
		"$RUN" "$OUID" "$OUSER" "$1" "$2" "$GID" "$GROUP" "$3"
}

test_expect_success 'a reader outside the group: refused with one line, exit 2' '
	test_expect_code 2 setpriv --reuid="$RUSER" --regid="$RUSER" \
		--clear-groups -- "$MODSCAN" status --config "$TOP/c.conf" \
		>out 2>err &&
	test_line_count = 0 out &&
	reader_line "$RUID" "$RUSER" 0750 >expect &&
	test_cmp expect err &&
	: root is no exception: it is not in the group either &&
	test_expect_code 2 as root status >out 2>err &&
	reader_line 0 root 0750 >expect &&
	test_cmp expect err
'

test_expect_success 'RUN_DIR 0700: the group cannot read it; refused, --nagios UNKNOWN (3)' '
	chmod 700 "$RUN" &&
	test_expect_code 2 as "$RUSER" status >out 2>err &&
	reader_line "$RUID" "$RUSER" 0700 >expect &&
	test_cmp expect err &&
	test_expect_code 3 as "$RUSER" status --nagios >out &&
	test_grep "^MODSCAN UNKNOWN - RUN_DIR .* cannot through its group" out &&
	still 700 &&
	chmod 750 "$RUN"
'

test_expect_success 'RUN_DIR writable by its group (0770): refused to the reader too' '
	chmod 770 "$RUN" &&
	test_expect_code 2 as "$RUSER" status 2>err &&
	printf "modscan status: RUN_DIR '\''%s'\'' is writable by its group (mode 0770): chmod g-w it, or give modscan a directory of its own, e.g. /var/lib/modscan\n" "$RUN" >expect &&
	test_cmp expect err &&
	still 770 &&
	chmod 750 "$RUN"
'

test_expect_success 'the applets that write keep the strict rule: the reader is refused, nothing written' '
	ls -A "$RUN" >before &&
	for cmd in "scan --once" "watchdog" "watchdog --status"; do
		test_expect_code 2 as "$RUSER" $cmd >out 2>err &&
		test_grep "^modscan ${cmd%% *}: RUN_DIR .* belongs to uid $OUID (.$OUSER.), not to uid $RUID (.$RUSER.) that runs modscan: chown it" err &&
		test_line_count = 1 err || return 1
	done &&
	ls -A "$RUN" >after &&
	test_cmp before after &&
	still 750
'

test_expect_success 'a link planted at status.json is refused to the reader; the target is not read' '
	kill "$SCAN" && test_wait_for 30 gone "$SCAN" &&
	printf "{\"pid\": 1}\n" >"$TOP/planted.json" && chmod 644 "$TOP/planted.json" &&
	ln -sf "$TOP/planted.json" "$RUN/status.json" &&
	test_expect_code 2 as "$RUSER" status 2>err &&
	test_grep "status.json. is a symbolic link" err &&
	test_line_count = 1 err
'

test_done
