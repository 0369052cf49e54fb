#!/bin/sh
test_description='report --deploy to a local directory: staged renames, latest links, housekeeping, refusals'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"

mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }

test_expect_success 'set up: schema, samples of two days, an old deployed site' '
	modscan maintain --init >/dev/null &&
	t=$(date -d "2025-03-12 10:00" +%s) && u=$(date -d "2025-03-13 10:00" +%s) &&
	mariadb_sql "INSERT INTO modscan.samples VALUES
		(\"CCAP001\", \"Upstream 1/0.0\", $t, 4, \"QAM64\"),
		(\"CCAP001\", \"Upstream 1/0.0\", $((t + 300)), 2, \"QAM16\"),
		(\"CCAP001\", \"Upstream 1/0.0\", $u, 2, \"QAM16\")" &&
	mkdir www &&
	for x in csv json html; do
		echo old >www/modscan-report-2025-01-01.$x &&
		touch -d "40 days ago" www/modscan-report-2025-01-01.$x &&
		echo recent >www/modscan-report-2025-02-20.$x &&
		touch -d "29 days ago" www/modscan-report-2025-02-20.$x || return 1
	done &&
	echo keep >www/index.html && touch -d "400 days ago" www/index.html &&
	ln -s modscan-report-2025-01-01.csv www/modscan-report-link.csv &&
	touch -h -d "400 days ago" www/modscan-report-link.csv
'

test_expect_success '--deploy DIR: the files, latest.* links, old reports removed' '
	modscan report --date 2025-03-12 --dir out --deploy www >stdout 2>err &&
	test ! -s err &&
	test_grep "^deployed 3 files to www (latest.\* linked; 3 old reports removed)$" stdout &&
	for x in csv json html; do
		test_cmp out/modscan-report-2025-03-12.$x www/modscan-report-2025-03-12.$x &&
		test "$(readlink www/latest.$x)" = modscan-report-2025-03-12.$x &&
		test ! -e www/modscan-report-2025-01-01.$x &&
		test -e www/modscan-report-2025-02-20.$x || return 1
	done &&
	test -e www/index.html &&
	test -L www/modscan-report-link.csv &&
	test -z "$(ls -A www | grep tmp)"
'

test_expect_success 'the next day moves latest.*; a rerun replaces its files' '
	DEPLOY_TARGET=www modscan report --date 2025-03-13 --html-only --dir out --deploy >stdout &&
	test_grep "^deployed 1 file to www" stdout &&
	test "$(readlink www/latest.html)" = modscan-report-2025-03-13.html &&
	test "$(readlink www/latest.csv)" = modscan-report-2025-03-12.csv &&
	modscan report --date 2025-03-13 --html-only --dir out --deploy www >stdout &&
	test_cmp out/modscan-report-2025-03-13.html www/latest.html &&
	test -z "$(ls -A www | grep tmp)"
'

test_expect_success 'DEPLOY_KEEP_DAYS: 20 days removes the 29-day-old report' '
	DEPLOY_KEEP_DAYS=20 modscan report --date 2025-03-12 --csv-only --dir out --deploy www >stdout &&
	test_grep "3 old reports removed" stdout &&
	test ! -e www/modscan-report-2025-02-20.csv &&
	test -e www/modscan-report-2025-03-12.csv
'

test_expect_success 'a missing target directory: exit 1, local files still written' '
	test_expect_code 1 modscan report --date 2025-03-12 --dir out4 --deploy nowhere >stdout 2>err &&
	test_grep "^modscan report: deploy to .nowhere. failed: deploy directory .nowhere.: No such file" err &&
	test_line_count = 3 stdout &&
	test -s out4/modscan-report-2025-03-12.csv &&
	test ! -e nowhere
'

test_expect_success 'a target that is a file: exit 2 before any work, it is left alone' '
	echo precious >afile &&
	test_expect_code 2 modscan report --date 2025-03-12 --dir out5 --deploy afile 2>err &&
	test_grep "^modscan report: deploy target .afile. is not a directory" err &&
	test_line_count = 1 err &&
	test ! -e out5 &&
	test "$(cat afile)" = precious
'

test_expect_success 'a full target keeps no partial file of the run' '
	mkdir small &&
	if mount -t tmpfs -o size=12k,mode=755 tmpfs small 2>/dev/null; then
		modscan report --date 2025-03-12 --dir out --deploy small 2>err
		rc=$? left=$(ls -A small)
		umount small &&
		test $rc = 1 &&
		test_grep "No space left on device" err &&
		test -z "$left"
	else
		say "no tmpfs mount here: skipping the full-disk case"
	fi
'

test_expect_success 'no target anywhere, or a bad one: exit 2 before any work' '
	test_expect_code 2 modscan report --date 2025-03-12 --dir none --deploy 2>err &&
	test_grep "no deploy target" err &&
	test_expect_code 2 modscan report --date 2025-03-12 --dir none --deploy "http://x/y" 2>err &&
	test_grep "only sftp:// is supported" err &&
	test_expect_code 2 modscan report --date 2025-03-12 --dir none --deploy "sftp://host" 2>err &&
	test_grep "no path" err &&
	test_expect_code 2 modscan report --date 2025-03-12 --dir none --deploy "sftp://u@h:99999/p" 2>err &&
	test_grep "bad port" err &&
	test ! -e none
'

test_expect_success '--deploy followed by the DATE argument takes DEPLOY_TARGET' '
	DEPLOY_TARGET=www modscan report --csv-only --dir out --deploy 2025-03-13 >stdout &&
	test_grep "^deployed 1 file to www" stdout &&
	test "$(readlink www/latest.csv)" = modscan-report-2025-03-13.csv
'

test_done
