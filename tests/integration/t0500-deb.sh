#!/bin/sh
test_description='make deb: lintian-clean package with the binary, links, units, sysusers, tmpfiles, conffiles, man pages, completion; installs and purges in a throwaway root'
. "$(dirname "$0")/test-lib.sh"

# The package holds the static binary; the sanitizer build is not shipped.
if [ "$MODSCAN_FLAVOR" = static ]; then
	test_set_prereq STATIC
fi
if command -v lintian >/dev/null 2>&1; then
	test_set_prereq LINTIAN
else
	say "# lintian not found (contrib/install-deps.sh installs it)"
fi
. "$TEST_DIR/lib-deb.sh"

# The applets, from applets.def.
sed -n 's/^APPLET(\([a-z_]*\),.*/&/p' "$SRC_DIR/applets/applets.def" |
	grep -v MS_RUN_OPTION | sed 's/^APPLET(\([a-z_]*\),.*/\1/' >applets

test_expect_success STATIC 'contrib/deb/build.sh builds modscan_VERSION_amd64.deb' '
	deb_build &&
	ls out/modscan_*_amd64.deb >debs &&
	test_line_count = 1 debs &&
	deb=$(cat debs) &&
	test "$deb" = "out/$(deb_name)" &&
	dpkg-deb -f "$deb" Package Architecture >fields &&
	printf "Package: modscan\nArchitecture: amd64\n" >expect &&
	test_cmp expect fields &&
	v=$(dpkg-deb -f "$deb" Version) &&
	test "$deb" = "out/modscan_${v}_amd64.deb" &&
	ln -s "$TRASH/$deb" modscan.deb
'

test_expect_success STATIC,LINTIAN 'lintian reports no error and no warning' '
	lintian --pedantic modscan.deb >lint 2>&1 &&
	grep -E "^[EW]:" lint >bad || : &&
	test_line_count = 0 bad
'

test_expect_success STATIC 'the binary is the static one, with one link per applet' '
	dpkg-deb -c modscan.deb >contents &&
	test_grep "^-rwxr-xr-x root/root .* ./usr/bin/modscan$" contents &&
	while read -r a; do
		test_grep "^lrwxrwxrwx root/root .* ./usr/bin/modscan-$a -> modscan$" \
			contents || return 1
	done <applets &&
	dpkg-deb -x modscan.deb x &&
	cmp x/usr/bin/modscan "$MODSCAN"
'

test_expect_success STATIC 'units and timers, sysusers, tmpfiles, cron, doc, man, completion' '
	for f in lib/systemd/system/modscan-scan.service \
		 lib/systemd/system/modscan-watchdog.service \
		 lib/systemd/system/modscan-report.service \
		 lib/systemd/system/modscan-report.timer \
		 lib/systemd/system/modscan-report-refresh.service \
		 lib/systemd/system/modscan-report-refresh.timer \
		 lib/systemd/system/modscan-maintain.service \
		 lib/systemd/system/modscan-maintain.timer \
		 usr/lib/sysusers.d/modscan.conf \
		 usr/lib/tmpfiles.d/modscan.conf \
		 etc/cron.d/modscan \
		 usr/share/bash-completion/completions/modscan \
		 usr/share/doc/modscan/copyright \
		 usr/share/doc/modscan/README.md.gz \
		 usr/share/doc/modscan/modscan.conf.example.gz \
		 usr/share/doc/modscan/examples/modscan-fleet.json \
		 usr/share/man/man1/modscan.1.gz \
		 usr/share/man/man5/modscan.conf.5.gz; do
		test_grep "^-rw-r--r-- root/root .* ./$f$" contents || return 1
	done &&
	while read -r a; do
		test_grep " ./usr/share/man/man1/modscan-$a.1.gz$" contents ||
			return 1
	done <applets &&
	test_grep "^-rw-r----- root/root .* ./etc/modscan/modscan.conf$" contents
'

test_expect_success STATIC 'the conffiles: the configuration and the cron file' '
	dpkg-deb -e modscan.deb ctl &&
	printf "/etc/modscan/modscan.conf\n/etc/cron.d/modscan\n" >expect &&
	sort expect >expect.s && sort ctl/conffiles >got.s &&
	test_cmp expect.s got.s
'

test_expect_success STATIC 'the units run the packaged binary; the cron file runs nothing until edited' '
	grep -h "^ExecStart=" x/lib/systemd/system/*.service >exec &&
	ls "$SRC_DIR"/contrib/systemd/*.service >units &&
	test_line_count = $(wc -l <units) exec &&
	grep -v "^ExecStart=/usr/bin/modscan " exec >other || : &&
	test_line_count = 0 other &&
	grep -E "^[0-9*]" x/etc/cron.d/modscan >jobs || : &&
	test_line_count = 0 jobs
'

test_expect_success STATIC 'the installed man pages render without warnings' '
	for f in x/usr/share/man/man*/*.gz; do
		man --warnings -l "$f" >page 2>warn &&
		test_line_count = 0 warn &&
		test $(wc -l <page) -gt 10 || return 1
	done
'

test_expect_success STATIC,OVERLAY 'dpkg -i creates the user, the directories and the group-readable config' '
	inroot dpkg -i "/mnt/$(deb_name)" >inst.log 2>&1 &&
	inroot getent passwd modscan >pw &&
	test "$(cut -d: -f6,7 pw)" = "/var/lib/modscan:/usr/sbin/nologin" &&
	inroot stat -c "%n %a %U %G" /etc/modscan/modscan.conf \
		/var/lib/modscan /var/lib/modscan/reports /var/log/modscan >st &&
	cat >expect <<-\EOS &&
	/etc/modscan/modscan.conf 640 root modscan
	/var/lib/modscan 700 modscan modscan
	/var/lib/modscan/reports 750 modscan modscan
	/var/log/modscan 750 modscan modscan
	EOS
	test_cmp expect st
'

test_expect_success STATIC,OVERLAY 'nothing is enabled or started' '
	inroot sh -c "ls /etc/systemd/system/*/modscan* 2>/dev/null" >enabled || : &&
	test_line_count = 0 enabled &&
	inroot sh -c "grep -E \"^[0-9*]\" /etc/cron.d/modscan" >jobs || : &&
	test_line_count = 0 jobs
'

test_expect_success STATIC,OVERLAY 'the links run their applet; the password in 0640 root:modscan is accepted for root and modscan' '
	inroot modscan-scan --help >help &&
	test_grep "^usage: modscan scan" help &&
	inroot sh -c "echo DB_PASSWORD=s3cret >>/etc/modscan/modscan.conf" &&
	inroot modscan --check-config >cc &&
	test_grep "^DB_PASSWORD=\*\*\*\*\*\*\*\*$" cc &&
	inroot setpriv --reuid=modscan --regid=modscan --init-groups \
		modscan --check-config >cc &&
	test_grep "^DB_PASSWORD=\*\*\*\*\*\*\*\*$" cc &&
	inroot chgrp users /etc/modscan/modscan.conf &&
	test_expect_code 2 inroot modscan --check-config 2>err &&
	test_grep "holds a password but is readable by group or others" err &&
	inroot chgrp modscan /etc/modscan/modscan.conf
'

test_expect_success STATIC,OVERLAY 'reinstalling keeps the mode and group of the config' '
	inroot dpkg -i "/mnt/$(deb_name)" >>inst.log 2>&1 &&
	inroot stat -c "%a %U %G" /etc/modscan/modscan.conf >st &&
	echo "640 root modscan" >expect &&
	test_cmp expect st
'

test_expect_success STATIC,OVERLAY 'purge removes config, logs and the override, keeps the data' '
	inroot sh -c "echo kept >/var/lib/modscan/spool-data" &&
	inroot dpkg --purge modscan >>inst.log 2>&1 &&
	inroot sh -c "ls -d /etc/modscan /var/log/modscan /usr/bin/modscan* \
		/lib/systemd/system/modscan* 2>/dev/null" >left || : &&
	test_line_count = 0 left &&
	inroot dpkg-statoverride --list /etc/modscan/modscan.conf >ovr || : &&
	test_line_count = 0 ovr &&
	inroot cat /var/lib/modscan/spool-data >data &&
	echo kept >expect &&
	test_cmp expect data
'

test_done
