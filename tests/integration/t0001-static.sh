#!/bin/sh
test_description='the shipped binary is one static file that runs in an empty chroot'
. "$(dirname "$0")/test-lib.sh"

if [ "$MODSCAN_FLAVOR" = static ]; then
	test_set_prereq STATIC
fi

test_expect_success STATIC 'file(1) says statically linked' '
	file -L "$MODSCAN" >out &&
	test_grep "statically linked" out &&
	test_grep -v "dynamically linked" out
'

test_expect_success STATIC 'it needs no shared library (no PT_INTERP, no NEEDED)' '
	readelf -lW "$MODSCAN" >ph &&
	test_grep -v "INTERP" ph &&
	readelf -dW "$MODSCAN" >dyn 2>&1 &&
	test_grep -v "NEEDED" dyn
'

test_expect_success STATIC 'the stripped binary is at most 8 MB' '
	size=$(stat -c %s "$MODSCAN") &&
	echo "size $size" &&
	test "$size" -le 8388608
'

test_expect_success STATIC '--version and --help work inside an empty chroot' '
	mkdir root &&
	cp "$MODSCAN" root/modscan &&
	chroot root /modscan --version >out 2>err &&
	test_grep "^libssh [0-9]" out &&
	test_grep "^MariaDB Connector/C" out &&
	chroot root /modscan --help >help &&
	test_grep "^  scan " help &&
	test_line_count = 0 err
'

test_expect_success STATIC 'an applet link works inside the chroot too' '
	ln -s modscan root/modscan-report &&
	chroot root /modscan-report --help >out &&
	test_grep "modscan report" out
'

test_done
