#!/bin/sh
test_description='the packaged units do their jobs inside their own hardening: ExecStart as User in bubblewrap, read-only /, only the unit'"'"'s writable paths'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-deb.sh"

# Without a running systemd: the package is installed into a throwaway
# root as the README says, then each unit's ExecStart runs there under
# bwrap as the unit's User, approximating ProtectSystem=strict: / is
# read-only, StateDirectory=, LogsDirectory= and ReadWritePaths= are the
# only writable paths, PrivateTmp= and ProtectHome= give empty /tmp and
# /home, WorkingDirectory= and UMask= apply, no capabilities, no new
# privileges, and the environment is the unit's (empty).
if command -v bwrap >/dev/null 2>&1; then
	test_set_prereq BWRAP
else
	say "# bwrap not found (contrib/install-deps.sh installs bubblewrap)"
fi
test -x "$SRC_DIR/modscan" && test_set_prereq PACKAGE

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
ccapsim_start --devices 6 --family mix --upstreams 4 --seed 11

UNITS=$TRASH/x/lib/systemd/system

# unit_key UNIT KEY: the values of KEY= in the packaged UNIT, one a line.
unit_key() {
	sed -n "s/^$2=//p" "$UNITS/$1"
}

# The bwrap arguments of UNIT's sandbox, over the root at $DEB_ROOT.
sandbox_args() {
	printf '%s\n' --ro-bind "$DEB_ROOT" / --proc /proc --dev /dev \
		--perms 1777 --tmpfs /tmp --tmpfs /home --remount-ro /home \
		--tmpfs /root --remount-ro /root --die-with-parent
	for d in $(unit_key "$1" StateDirectory); do
		printf '%s\n' --bind "$DEB_ROOT/var/lib/$d" "/var/lib/$d"
	done
	for d in $(unit_key "$1" LogsDirectory); do
		printf '%s\n' --bind "$DEB_ROOT/var/log/$d" "/var/log/$d"
	done
	for p in $(unit_key "$1" ReadWritePaths); do
		case $p in
		-*) p=${p#-}; inroot test -d "$p" || continue ;;
		esac
		printf '%s\n' --bind "$DEB_ROOT$p" "$p"
	done
	printf '%s\n' --chdir "$(unit_key "$1" WorkingDirectory)"
}

# unit_run UNIT [ARG...]: UNIT's ExecStart plus ARGs in its sandbox.
# unit_exec UNIT CMD...: any command in the same sandbox.
unit_exec() {
	u=$1; shift
	user=$(unit_key "$u" User) group=$(unit_key "$u" Group)
	test -n "$user" && test -n "$group" || return 1
	sandbox_args "$u" >"$TRASH/sandbox.args" || return 1
	# shellcheck disable=SC2046
	inns sh -c 'IFS="
"; exec bwrap $(cat "$0") "$@"' "$TRASH/sandbox.args" \
		setpriv --reuid="$user" --regid="$group" --init-groups \
		--no-new-privs --bounding-set=-all --inh-caps=-all \
		env -i PATH=/usr/bin:/bin TZ=UTC \
		${ASAN_OPTIONS:+ASAN_OPTIONS=$ASAN_OPTIONS} \
		${UBSAN_OPTIONS:+UBSAN_OPTIONS=$UBSAN_OPTIONS} \
		sh -c 'umask "$0" && exec "$@"' "$(unit_key "$u" UMask)" "$@"
}

unit_run() {
	u=$1; shift
	# shellcheck disable=SC2046
	unit_exec "$u" $(unit_key "$u" ExecStart) "$@"
}

test_expect_success PACKAGE,OVERLAY 'install the package and configure the site as the README says' '
	deb_build &&
	dpkg-deb -x "out/$(deb_name)" x &&
	inroot dpkg -i "/mnt/$(deb_name)" >inst.log 2>&1 &&
	if [ "$MODSCAN_FLAVOR" != static ]; then
		cp "$MODSCAN" out/modscan.bin &&
		inroot install -m 0755 /mnt/modscan.bin /usr/bin/modscan
	fi &&
	cp "$CCAPSIM_INV" out/devices &&
	cat >out/site.conf <<-EOC &&
	DB_HOST=127.0.0.1
	DB_PORT=$DB_PORT
	DB_USER=$DB_USER
	DB_PASSWORD=$DB_PASSWORD
	DEVICES_FILE=/etc/modscan/devices
	SSH_USER=modscan
	SSH_PASSWORD=modscan
	LOG_FILE=/var/log/modscan/modscan.log
	REPORT_DIR=/var/lib/modscan/reports
	DEPLOY_TARGET=/var/www/modscan
	CONNECT_TIMEOUT=5
	LOGIN_TIMEOUT=5
	COMMAND_TIMEOUT=5
	DEVICE_TIMEOUT=20
	EOC
	inroot sh -c "cat /mnt/site.conf >>/etc/modscan/modscan.conf &&
		install -m 0644 /mnt/devices /etc/modscan/devices &&
		install -d -o modscan -g modscan -m 0755 /var/www/modscan" &&
	inroot stat -c "%a %U %G" /etc/modscan/modscan.conf >st &&
	echo "640 root modscan" >expect &&
	test_cmp expect st &&
	inroot env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		runuser -u modscan -- modscan --check-config --connect \
		>connect.out 2>&1 &&
	test_grep "^database 127.0.0.1:$DB_PORT: ok: " connect.out &&
	test_grep "^ssh .*: ok: logged in" connect.out &&
	test_grep "^deploy /var/www/modscan: ok: " connect.out &&
	inroot env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		runuser -u modscan -- modscan maintain --init >init.out 2>&1
'

test_expect_success PACKAGE,OVERLAY,BWRAP 'in the sandbox / is read-only and the unit paths are writable' '
	test_must_fail unit_exec modscan-scan.service touch /etc/modscan/x \
		2>err &&
	test_grep "Read-only file system" err &&
	test_must_fail unit_exec modscan-scan.service touch /var/lib/x 2>err &&
	unit_exec modscan-scan.service sh -c "touch /var/lib/modscan/w \
		/var/log/modscan/w /tmp/w && rm /var/lib/modscan/w \
		/var/log/modscan/w && id -un && pwd" >who &&
	printf "modscan\n/var/lib/modscan\n" >expect &&
	test_cmp expect who
'

test_expect_success PACKAGE,OVERLAY,BWRAP 'modscan-scan.service: scan --once stores every channel' '
	unit_run modscan-scan.service --once >scan.out 2>&1 &&
	awk "\$3 != \"-\" { print \$2, \$3, \$4, \$5 }" "$CCAPSIM_TRUTH" |
		sort -u >truth &&
	mariadb_sql "SELECT device, upstream, code, modulation FROM
		modscan.samples" | tr "\t" " " | sort >stored &&
	test_line_count -gt 10 truth &&
	test_cmp truth stored &&
	inroot stat -c "%U %a" /var/lib/modscan/status.json >st &&
	test_grep "^modscan " st &&
	inroot grep -c " scan\[" /var/log/modscan/modscan.log >n &&
	test "$(cat n)" -gt 0
'

test_expect_success PACKAGE,OVERLAY,BWRAP 'modscan-report.service: the report files, and delivered to a directory' '
	day=$(TZ=UTC date +%Y-%m-%d) &&
	unit_run modscan-report.service --today >report.out 2>&1 &&
	for x in csv json html; do
		inroot test -s /var/lib/modscan/reports/modscan-report-$day.$x &&
		inroot test -s /var/www/modscan/modscan-report-$day.$x ||
			return 1
	done &&
	inroot sh -c "cut -d\; -f1 /var/lib/modscan/reports/modscan-report-$day.csv" |
		sed 1d | sort -u >devices &&
	cut -d" " -f1 truth | sort -u >expect &&
	test_cmp expect devices
'

test_expect_success PACKAGE,OVERLAY,BWRAP 'modscan-report-refresh.service: today republished, no mail' '
	day=$(TZ=UTC date +%Y-%m-%d) &&
	inroot rm -f /var/www/modscan/modscan-report-$day.csv &&
	unit_run modscan-report-refresh.service >refresh.out 2>&1 &&
	inroot test -s /var/www/modscan/modscan-report-$day.csv
'

test_expect_success PACKAGE,OVERLAY,BWRAP 'modscan-maintain.service: maintain --cleanup removes what is past retention' '
	old=$(( ($(date +%s) / 86400 - 20) * 86400000 )) &&
	n=$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples") &&
	mariadb_sql "INSERT INTO modscan.device_scans (run_id, device, started_ms,
		ended_ms, outcome) VALUES (\"r\", \"CCAPOLD\", $old, $old, \"ok\")" &&
	unit_run modscan-maintain.service >maint.out 2>&1 &&
	test_grep "^cleanup: kept 8 days" maint.out &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.device_scans
		WHERE device = \"CCAPOLD\"")" = 0 &&
	test "$(mariadb_sql "SELECT COUNT(*) FROM modscan.samples")" = "$n"
'

test_expect_success PACKAGE,OVERLAY 'the jump-host way: the one file, run by a user without root, RUN_DIR in its home' '
	inroot useradd -m -s /bin/sh jump &&
	cp "$MODSCAN" out/modscan.jump &&
	grep -v -e "^LOG_FILE=" -e "^REPORT_DIR=" -e "^DEPLOY_TARGET=" \
		-e "^DEVICES_FILE=" out/site.conf >out/jump.conf &&
	echo "DEVICES_FILE=/home/jump/modscan/devices" >>out/jump.conf &&
	inroot env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/home/jump \
		runuser -u jump -- sh -c "
		mkdir -p ~/bin ~/modscan &&
		cp /mnt/modscan.jump ~/bin/modscan &&
		cp /mnt/devices ~/modscan/devices &&
		install -m 0600 /dev/null ~/modscan/modscan.conf &&
		{ echo RUN_DIR=\$HOME/modscan/run &&
		  cat /mnt/jump.conf; } >~/modscan/modscan.conf &&
		export MODSCAN_CONFIG=~/modscan/modscan.conf &&
		~/bin/modscan --check-config | grep ^RUN_DIR= &&
		~/bin/modscan maintain --init >/dev/null &&
		~/bin/modscan scan --once --quiet &&
		stat -c \"%U %a\" ~/modscan/run ~/modscan/run/status.json" >jump.out &&
	cat >expect <<-\EOS &&
	RUN_DIR=/home/jump/modscan/run
	jump 700
	jump 644
	EOS
	test_cmp expect jump.out
'

test_done
