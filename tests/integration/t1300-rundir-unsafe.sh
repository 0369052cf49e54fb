#!/bin/sh
test_description='every applet refuses an unsafe RUN_DIR, REPORT_DIR or --textfile directory with one line, exit 2, and leaves it as it was'
. "$(dirname "$0")/test-lib.sh"

# The configuration: everything but RUN_DIR, which each case sets in the
# environment.  No database listens on DB_PORT: an applet that got past
# its directory checks fails on the database instead (exit 1).
DB_FREE=$(test_free_port)
cat >c.conf <<EOC
LOG_LEVEL=info
DB_HOST=127.0.0.1
DB_PORT=$DB_FREE
DB_TLS=off
CONNECT_TIMEOUT=5
REPORT_DIR=reports
DEVICES_FILE=/dev/null
EOC
mkdir prom

# Every applet, one a line, as cron, a unit or an operator runs it.
APPLETS='scan --once --devices /dev/null
watchdog
watchdog --daemon
status
status --textfile prom
report
maintain --status'

FIX_RUN='give modscan a directory of its own, e.g. /var/lib/modscan'
FIX_PUB='use a directory that only its owner can write'
LINK_TXT='is a symbolic link: name the directory itself, modscan does not follow links there'

# refused LINE APPLET [ARGS...]: modscan APPLET ARGS --config c.conf exits
# 2, prints nothing on stdout and exactly "modscan APPLET: LINE" on stderr.
# $WRAP, when set, is put in front (in_tmp DIR).
WRAP=
refused() {
	_line=$1
	shift
	# shellcheck disable=SC2086 # WRAP is words
	test_expect_code 2 $WRAP timeout 120 "$MODSCAN" "$@" --config c.conf \
		>out 2>err &&
	test_line_count = 0 out &&
	printf 'modscan %s: %s\n' "$1" "$_line" >expect &&
	test_cmp expect err
}

# every_applet LINE: each applet, with the RUN_DIR of the environment,
# is refused with LINE.
every_applet() {
	printf '%s\n' "$APPLETS" | {
		_rc=0
		while read -r _cmd; do
			# shellcheck disable=SC2086 # the words are the arguments
			refused "$1" $_cmd || { echo "^ $_cmd" >&2; _rc=1; }
		done
		exit $_rc
	}
}

# as_before DIR "MODE USER GROUP": DIR (not a link) kept its mode and
# owner, and nothing was written into it.
as_before() {
	test "$(stat -c '%a %U %G' "$1")" = "$2" &&
	test -z "$(ls -A "$1")"
}

test_expect_success 'RUN_DIR with mode 1777: refused, still 1777 and empty' '
	mkdir shared && chmod 1777 shared &&
	export RUN_DIR=$TRASH/shared &&
	every_applet "RUN_DIR '\''$TRASH/shared'\'' is shared (mode 1777): $FIX_RUN" &&
	as_before shared "1777 root root"
'

test_expect_success 'status --nagios: the refusal is its UNKNOWN line (exit 3)' '
	export RUN_DIR=$TRASH/shared &&
	test_expect_code 3 "$MODSCAN" status --nagios --config c.conf \
		>out 2>err &&
	printf "%s\n" "MODSCAN UNKNOWN - RUN_DIR '\''$TRASH/shared'\'' is shared (mode 1777): $FIX_RUN" >expect &&
	test_cmp expect out &&
	test_line_count = 1 err &&
	as_before shared "1777 root root"
'

test_expect_success 'an existing 0755 RUN_DIR is refused, not chmod'\''ed to 0700' '
	mkdir open && chmod 755 open &&
	export RUN_DIR=$TRASH/open &&
	every_applet "RUN_DIR '\''$TRASH/open'\'' is open to others (mode 0755): chmod o-rwx it" &&
	as_before open "755 root root"
'

test_expect_success 'RUN_DIR inside a 0777 directory: refused, both left as they were' '
	mkdir -m 777 wide && mkdir -m 700 wide/run &&
	export RUN_DIR=$TRASH/wide/run &&
	every_applet "RUN_DIR '\''$TRASH/wide/run'\'' is inside '\''$TRASH/wide'\'', which anyone can write (mode 0777): $FIX_RUN" &&
	as_before wide/run "700 root root" &&
	test "$(stat -c %a wide)" = 777
'

test_expect_success 'RUN_DIR that is a symlink: refused; the link and its target as they were' '
	mkdir target && chmod 755 target &&
	ln -s target link &&
	export RUN_DIR=$TRASH/link &&
	every_applet "RUN_DIR '\''$TRASH/link'\'' $LINK_TXT" &&
	test -L link && test "$(readlink link)" = target &&
	as_before target "755 root root"
'

# A user of our own for another user's directory, removed at exit.
TUSER=ms1300-$$
if [ "$(id -u)" = 0 ] &&
   test_wait_for 30 useradd --system --no-create-home --home-dir /nonexistent \
	--shell /usr/sbin/nologin "$TUSER"; then
	test_atexit "userdel '$TUSER'"
	TUID=$(id -u "$TUSER")
	# somewhere the test user can reach (the test root may be 0700)
	OPEN_TOP=$(mktemp -d /tmp/modscan-t1300.XXXXXX) &&
	chmod 755 "$OPEN_TOP" &&
	test_atexit "rm -rf '$OPEN_TOP'" &&
	test_set_prereq TESTUSER
fi

test_expect_success TESTUSER 'RUN_DIR of another user: refused, owner and mode as they were' '
	mkdir theirs && chown "$TUSER:$TUSER" theirs && chmod 700 theirs &&
	export RUN_DIR=$TRASH/theirs &&
	APPLETS=$(printf "%s\n" "$APPLETS" | grep -v "^status") &&
	every_applet "RUN_DIR '\''$TRASH/theirs'\'' belongs to uid $TUID ('\''$TUSER'\''), not to uid 0 ('\''root'\'') that runs modscan: chown it, or $FIX_RUN" &&
	: status only reads: its group would let it in, not this one &&
	line="RUN_DIR '\''$TRASH/theirs'\'' belongs to uid $TUID ('\''$TUSER'\''), and uid 0 ('\''root'\'') that reads it cannot through its group gid $(id -g "$TUSER") ('\''$TUSER'\'') (mode 0700): make it 0750 with a group this user is in, or run as its owner" &&
	refused "$line" status &&
	refused "$line" status --textfile prom &&
	as_before theirs "700 $TUSER $TUSER"
'

test_expect_success TESTUSER 'a 0750 RUN_DIR of the service user (tmpfiles) is used as it is' '
	cp c.conf "$OPEN_TOP" && cd "$OPEN_TOP" &&
	mkdir svc && chown "$TUSER:$TUSER" svc && chmod 750 svc &&
	export RUN_DIR=$OPEN_TOP/svc &&
	echo "dead 127.0.0.1 $DB_FREE e6000" >dead.devices &&
	chmod 644 dead.devices &&
	test_expect_code 1 setpriv --reuid="$TUSER" --regid="$TUSER" \
		--clear-groups -- "$MODSCAN" scan --once --devices dead.devices \
		--config c.conf 2>err &&
	test_grep "dead" err &&
	test "$(stat -c "%a %U" svc)" = "750 $TUSER" &&
	test -f svc/status.json &&
	test "$(stat -c "%a %U" svc/spool)" = "700 $TUSER"
'

if unshare -m true 2>/dev/null; then
	test_set_prereq MOUNTNS
fi

# in_tmp DIR CMD...: CMD in a private mount namespace with DIR bound over
# /tmp (never the real one); /tmp's mode, owner and entry count as seen
# there afterwards go to ns-after.
in_tmp() {
	unshare -m sh -c 'mount --make-rprivate / &&
		mount --bind "$0" /tmp || exit 99
		"$@"
		_rc=$?
		stat -c "%a %U %G" /tmp >&4
		ls -A /tmp | wc -l >&4
		exit $_rc' "$@" 4>ns-after
}

# ns_every_applet DIR LINE "MODE USER GROUP": every applet run with DIR
# bound over /tmp is refused with LINE; /tmp kept its mode and owner and
# stayed empty, as seen inside the namespace.
# The binary runs from a copy reached through the working directory: the
# checkout itself may live below /tmp, which the bind mount hides.
ns_every_applet() {
	mkdir -p nsbin && cp "$MODSCAN" nsbin/modscan &&
	printf '%s\n' "$APPLETS" | while read -r _cmd; do
		# shellcheck disable=SC2086
		MODSCAN=./nsbin/modscan WRAP="in_tmp $1" &&
		refused "$2" $_cmd &&
		printf "%s\n0\n" "$3" >expect-ns &&
		test_cmp expect-ns ns-after || { echo "^ $_cmd" >&2; exit 1; }
	done
}

# ns_case NAME MODE LINE "MODE USER GROUP": a fresh directory NAME with
# MODE, bound over /tmp, makes every applet refuse RUN_DIR=/tmp with LINE
# and is left as it was.
ns_case() {
	mkdir "$1" && chmod "$2" "$1" &&
	export RUN_DIR=/tmp &&
	ns_every_applet "$TRASH/$1" "$3" "$4" &&
	as_before "$1" "$4"
}

test_expect_success MOUNTNS 'RUN_DIR=/tmp (1777, private mount namespace): refused as shared, left 1777' '
	ns_case faketmp 1777 \
		"RUN_DIR '\''/tmp'\'' is shared (mode 1777): $FIX_RUN" \
		"1777 root root"
'

test_expect_success MOUNTNS 'RUN_DIR=/tmp with a safe-looking 0700 mode: refused by name' '
	ns_case privtmp 700 \
		"RUN_DIR '\''/tmp'\'' is a system directory: $FIX_RUN" \
		"700 root root"
'

test_expect_success 'report: REPORT_DIR shared, a symlink, group-writable: refused before the database, left as they were' '
	export RUN_DIR=$TRASH/good &&
	mkdir rshared && chmod 1777 rshared &&
	export REPORT_DIR=$TRASH/rshared &&
	refused "REPORT_DIR '\''$TRASH/rshared'\'' is shared (mode 1777): $FIX_PUB" \
		report &&
	as_before rshared "1777 root root" &&
	mkdir rtarget && chmod 755 rtarget && ln -s rtarget rlink &&
	export REPORT_DIR=$TRASH/rlink &&
	refused "REPORT_DIR '\''$TRASH/rlink'\'' $LINK_TXT" report &&
	as_before rtarget "755 root root" &&
	mkdir rgroup && chmod 775 rgroup &&
	refused "--dir '\''rgroup'\'' is writable by its group (mode 0775): chmod g-w it, or $FIX_PUB" \
		report --dir rgroup &&
	as_before rgroup "775 root root"
'

test_expect_success 'report --deploy into a shared directory: refused before the database' '
	export RUN_DIR=$TRASH/good &&
	mkdir dshared && chmod 1777 dshared &&
	refused "deploy target '\''$TRASH/dshared'\'' is shared (mode 1777): $FIX_PUB" \
		report --deploy "$TRASH/dshared" &&
	as_before dshared "1777 root root" &&
	test ! -e reports
'

test_expect_success TESTUSER 'report: REPORT_DIR of another user is refused' '
	export RUN_DIR=$TRASH/good &&
	mkdir rtheirs && chown "$TUSER:$TUSER" rtheirs && chmod 755 rtheirs &&
	export REPORT_DIR=$TRASH/rtheirs &&
	refused "REPORT_DIR '\''$TRASH/rtheirs'\'' belongs to uid $TUID ('\''$TUSER'\''), not to root or uid 0 ('\''root'\'') that runs modscan: chown it, or $FIX_PUB" \
		report &&
	as_before rtheirs "755 $TUSER $TUSER"
'

test_expect_success 'report: a safe REPORT_DIR passes its check (then the database is down: exit 1)' '
	export RUN_DIR=$TRASH/good REPORT_DIR=$TRASH/rnew &&
	test_expect_code 1 "$MODSCAN" report --config c.conf 2>err &&
	test_grep "^modscan report: database: " err &&
	test ! -e rnew
'

test_expect_success 'status --textfile: a shared, a linked, another user'\''s directory refused' '
	export RUN_DIR=$TRASH/good &&
	mkdir tshared && chmod 1777 tshared &&
	refused "--textfile '\''tshared'\'' is shared (mode 1777): $FIX_PUB" \
		status --textfile tshared &&
	as_before tshared "1777 root root" &&
	mkdir ttarget && chmod 755 ttarget && ln -s ttarget tlink &&
	refused "--textfile '\''tlink'\'' $LINK_TXT" status --textfile tlink &&
	as_before ttarget "755 root root" &&
	if test_have_prereq TESTUSER; then
		mkdir ttheirs && chown "$TUSER:$TUSER" ttheirs &&
		refused "--textfile '\''ttheirs'\'' belongs to uid $TUID ('\''$TUSER'\''), not to root or uid 0 ('\''root'\'') that runs modscan: chown it, or $FIX_PUB" \
			status --textfile ttheirs &&
		as_before ttheirs "755 $TUSER $TUSER"
	fi
'

test_expect_success 'status --textfile: a safe directory gets modscan.prom' '
	export RUN_DIR=$TRASH/good &&
	"$MODSCAN" status --textfile prom --config c.conf &&
	test_grep "^modscan_up 0$" prom/modscan.prom &&
	test "$(ls prom)" = modscan.prom
'

test_expect_success 'STATUS_FILE in a 1777 directory: every applet refuses, left as it was' '
	mkdir fshared && chmod 1777 fshared &&
	export RUN_DIR=$TRASH/good STATUS_FILE=$TRASH/fshared/status.json &&
	every_applet "STATUS_FILE '\''$STATUS_FILE'\'' is in a shared directory (mode 1777): put it in a directory of its own, e.g. under RUN_DIR" &&
	as_before fshared "1777 root root"
'

test_expect_success 'a symlink planted at RUN_DIR/status.json: scan refuses, the target untouched' '
	mkdir -m 700 planted &&
	echo keep >victim &&
	ln -s "$TRASH/victim" planted/status.json &&
	export RUN_DIR=$TRASH/planted &&
	refused "'\''$TRASH/planted/status.json'\'' is a symbolic link: remove it, modscan does not follow links there" \
		scan --once --devices /dev/null &&
	test "$(cat victim)" = keep &&
	test -L planted/status.json &&
	test ! -e planted/scan.pid
'

test_expect_success 'SIGHUP onto a shared RUN_DIR: the reload is refused, the directory left 1777' '
	unset RUN_DIR &&
	mkdir -m 700 hup-run && mkdir hup-shared && chmod 1777 hup-shared &&
	sed "s|^REPORT_DIR=.*|RUN_DIR=$TRASH/hup-run|" c.conf >hup.conf &&
	echo "LOG_FILE=$TRASH/hup.log" >>hup.conf &&
	"$MODSCAN" scan --config hup.conf &
	pid=$! &&
	{
		test_wait_for 60 test -f hup-run/status.json &&
		sed -i "s|^RUN_DIR=.*|RUN_DIR=$TRASH/hup-shared|" hup.conf &&
		kill -HUP $pid &&
		test_wait_for 60 grep -q "reload failed, keeping the old configuration: RUN_DIR .$TRASH/hup-shared. is shared (mode 1777)" hup.log
		seen=$?
	} &&
	kill -TERM $pid && wait $pid &&
	test $seen = 0 &&
	as_before hup-shared "1777 root root"
'

test_done
