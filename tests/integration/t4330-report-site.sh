#!/bin/sh
test_description='the published site: index.html lists every published day newest first with totals and a trend, never a removed day; prev/next/index links and the date picker resolve in headless Chromium'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-chromium.sh"

command -v chromium >/dev/null 2>&1 && test_set_prereq CHROMIUM
mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }

# sample DEVICE UPSTREAM 'UTC TIME' CODE MODULATION
sample() {
	echo "('$1', '$2', $(date -d "$3" +%s), $4, '$5')," >>rows.sql
}

# dom URL: the DOM after the page's scripts ran (and any redirect).
dom() {
	chromium_dump "$1" >dom.html && test -s dom.html
}

# dom_has URL TEXT: the DOM of URL holds TEXT.  A redirect may land after
# a loaded machine's dump: a few tries, each bounded by chromium_dump.
dom_has() {
	for _try in 1 2 3 4 5; do
		dom "$1" && grep -qF "$2" dom.html && return 0
	done
	echo "no '$2' in the DOM of $1" >&2
	return 1
}

test_expect_success 'set up: three days of samples, an expired day page on the site' '
	modscan maintain --init >/dev/null &&
	for d in 2025-03-10 2025-03-11 2025-03-13; do
		sample CCAP001 1/0 "$d 10:00" 4 QAM64 &&
		sample CCAP001 1/0 "$d 10:05" 2 QAM16 &&
		sample CCAP001 1/0 "$d 10:10" 4 QAM64 &&
		sample CCAP101 2/0 "$d 10:00" 4 QAM64 || return 1
	done &&
	sample CCAP001 1/0 "2025-03-13 10:15" 1 QPSK &&
	{ printf "INSERT INTO modscan.samples VALUES "; sed "\$ s/,\$/;/" rows.sql; } >ins.sql &&
	mariadb_sql "$(cat ins.sql)" &&
	mkdir www &&
	echo old >www/modscan-report-2025-01-01.html &&
	touch -d "40 days ago" www/modscan-report-2025-01-01.html &&
	printf "%s\n" "DEPLOY_TARGET=$TRASH/www" "REPORT_TITLE=Regio Noord" >site.conf
'

test_expect_success 'each run republishes index.html; it lists the pages there, newest first, never the expired one' '
	for d in 2025-03-11 2025-03-13 2025-03-10; do
		modscan report --date $d --dir out --config site.conf >stdout 2>err &&
		test ! -s err || return 1
	done &&
	test ! -e www/modscan-report-2025-01-01.html &&
	grep -o "<a href=\"[^\"]*\">" www/index.html >links &&
	printf "<a href=\"%s\">\n" modscan-report-2025-03-13.html \
		modscan-report-2025-03-11.html modscan-report-2025-03-10.html >want &&
	test_cmp want links &&
	test_grep "<h1>Regio Noord</h1>" www/index.html &&
	test -z "$(ls -A www | grep tmp)"
'

# 2025-03-13: 2 upstreams; CCAP001 QAM64 QAM16 QAM64 QPSK = 3 hops, and
# 5 + 20 minutes below QAM64 (the last sample holds for REPORT_MAX_GAP,
# 20 minutes) = 0.4 h; the other days 2 hops and 5 minutes, 0.1 h.
test_expect_success 'REPORT_DIR is a browsable site as well: its index lists the pages written there' '
	grep -o "<a href=\"[^\"]*\">" out/index.html >links &&
	test_cmp want links &&
	test_grep "<h1>Regio Noord</h1>" out/index.html &&
	modscan report --date 2025-03-11 --csv-only --no-deploy --dir csvonly --config site.conf >stdout &&
	test ! -e csvonly/index.html
'

test_expect_success 'the totals and the trend of each day' '
	test_grep "<td><a href=\"modscan-report-2025-03-13.html\">2025-03-13</a></td><td class=\"n\">2</td><td class=\"n\">3</td><td class=\"n\">1</td><td class=\"n\">0.4</td><td>–</td></tr>" www/index.html &&
	test_grep "<td><a href=\"modscan-report-2025-03-10.html\">2025-03-10</a></td><td class=\"n\">2</td><td class=\"n\">2</td><td class=\"n\">1</td><td class=\"n\">0.1</td><td>–</td></tr>" www/index.html &&
	test "$(grep -o "<rect " www/index.html | wc -l)" = 3 &&
	test_grep "<title>2025-03-13: 3 hops</title>" www/index.html
'

test_expect_success 'every link of the index and of the pages names a file that is there' '
	for f in www/index.html www/modscan-report-*.html; do
		grep -o "href=\"[^\"#]*" "$f" | sed "s/href=\"//" || return 1
	done | sort -u >targets &&
	test -s targets &&
	while read -r t; do test -f "www/$t" || { echo "dangling: $t"; return 1; }; done <targets
'

test_expect_success CHROMIUM 'the index resolves previous and next day for each page; its date picker opens each day, and no unpublished one' '
	dom "file://$TRASH/www/index.html#selftest" &&
	sed -n "/<pre id=\"selftest\">/,/<\/pre>/p" dom.html |
		sed "s/<pre id=\"selftest\">//; s/<\/pre>.*//" >selftest.txt &&
	printf "%s\n" "2025-03-13 prev=2025-03-11 next=" \
		"2025-03-11 prev=2025-03-10 next=2025-03-13" \
		"2025-03-10 prev= next=2025-03-11" "day:1999-01-01=" \
		"go #day:2025-03-13 opens modscan-report-2025-03-13.html" \
		"go #day:2025-03-11 opens modscan-report-2025-03-11.html" \
		"go #day:2025-03-10 opens modscan-report-2025-03-10.html" \
		"go #day:1999-01-01 opens none" >want &&
	test_cmp want selftest.txt
'

test_expect_success CHROMIUM 'the previous-day link of 2025-03-13 lands on 2025-03-11 (the 12th was never published)' '
	href=$(sed -n "s/.*id=\"nav-prev\" href=\"\([^\"]*\)\".*/\1/p" www/modscan-report-2025-03-13.html) &&
	test "$href" = "index.html#prev:2025-03-13" &&
	dom_has "file://$TRASH/www/$href" "<span id=\"date\">2025-03-11</span>"
'

test_expect_success CHROMIUM 'the date picker: a chosen day opens its page, an unpublished one says so' '
	dom_has "file://$TRASH/www/index.html#day:2025-03-10" \
		"<span id=\"date\">2025-03-10</span>" &&
	dom_has "file://$TRASH/www/index.html#day:2025-03-12" \
		"<p id=\"msg\">No report was published for 2025-03-12.</p>" &&
	test_grep "id=\"pick\" min=\"2025-03-10\" max=\"2025-03-13\"" www/index.html &&
	test_grep "<input type=\"date\" id=\"pick\" value=\"2025-03-13\"" www/modscan-report-2025-03-13.html
'

test_done
