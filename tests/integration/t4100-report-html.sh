#!/bin/sh
test_description='the HTML report in headless Chromium: every row rendered, sorting, the search box and paging work, no network requests, readable on a phone'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-chromium.sh"

# The page comes from the unit-test binary's render mode: the hand-made
# fixture day plus 130 synthetic upstreams (three pages of 50).
T_REPORT=$SRC_DIR/build/asan/tests/t_report
CDP=$TEST_DIR/cdp-page.py
PAGE=$TRASH/report.html
if command -v chromium >/dev/null 2>&1 && [ -x "$T_REPORT" ]; then
	test_set_prereq CHROMIUM
fi

# check_selftest FILE [RELOAD]: the self-test lines in FILE (one per line)
# against what the embedded JSON says they must be, computed here
# independently; RELOAD is the page's reload period (0: none).
check_selftest() {
	/usr/bin/python3 - "$PAGE" "$1" "${2:-0}" <<'EOF'
import json, re, sys
html = open(sys.argv[1], encoding='utf-8').read()
got = open(sys.argv[2], encoding='utf-8').read()
data = json.loads(re.search(r'id="data">(.*?)</script>', html, re.S).group(1))
rows = data['rows']
name = lambda r: r['ccap'] + '|' + r['upstream']
def first(key, desc):
    best = None
    for r in rows:     # the earliest row wins a tie: a stable sort
        if best is None or (r[key] > best[key] if desc else r[key] < best[key]):
            best = r
    return name(best)
term = 'CCAP105'
hits = [r for r in rows
        if term.lower() in (r['ccap'] + ' ' + r['upstream'] + ' ' +
                            r['node'] + ' ' + r['family']).lower()]
# still sorted by CCAP descending, ties in data order (a stable sort)
hits.sort(key=lambda r: r['ccap'], reverse=True)
want = [
    'rows_total=%d' % len(rows),
    'page_rows=50',
    'info=1\u201350 of %d' % len(rows),
    'page2_first=' + name(rows[50]),
    'all_rows=%d' % len(rows),
    'default_first=' + name(rows[0]),
    'hops_asc_first=%s sort=ascending' % first('hops', False),
    'ccap_asc_first=' + first('ccap', False),
    'ccap_desc_first=' + first('ccap', True),
    'filter=%s count=%d' % (term, len(hits)),
    'filter_rows=' + ','.join(name(r) for r in hits),
]
# the family filter offers each family once, in name order
for f in sorted(set(r['family'] for r in rows)):
    want.append('family=%s count=%d' % (f, sum(r['family'] == f for r in rows)))
# the legacy page's hop bands: > 50, 10 to 50, < 10
for b, ok in (('high', lambda h: h > 50), ('medium', lambda h: 10 <= h <= 50),
              ('low', lambda h: h < 10)):
    want.append('band=%s count=%d' % (b, sum(ok(r['hops']) for r in rows)))
want += ['reload=' + sys.argv[3], 'selftest=done']
assert len(set(r['family'] for r in rows)) >= 3
# the fixture has no upstream past 50 hops; the other two bands are full
assert sum(10 <= r['hops'] <= 50 for r in rows) and \
    sum(r['hops'] < 10 for r in rows), 'the fixture lacks a hop band'
assert len(rows) == 137, len(rows)
bad = [w for w in want if w not in got.split('\n')]
for w in bad:
    print('missing: ' + w)
sys.exit(1 if bad else 0)
EOF
}

test_expect_success CHROMIUM 'render the report page' '
	(cd "$SRC_DIR" && "$T_REPORT" --render-html "$PAGE" --extra 130) &&
	test -s "$PAGE"
'

test_expect_success CHROMIUM 'the page names nothing outside itself and the site index, and has a CSP' '
	test_grep -v -e "http://" -e "https://" -e "src=" -e "url(" \
		-e "@import" "$PAGE" &&
	grep -o "href=\"[^\"]*\"" "$PAGE" >hrefs &&
	printf "%s\n" "href=\"index.html#prev:2025-03-10\"" "href=\"index.html\"" \
		"href=\"index.html#next:2025-03-10\"" >want-hrefs &&
	test_cmp want-hrefs hrefs &&
	test_grep "default-src .none.; style-src .unsafe-inline.; script-src .unsafe-inline.; img-src data:" "$PAGE" &&
	test_grep "name=\"viewport\"" "$PAGE"
'

test_expect_success CHROMIUM '--dump-dom: all rows rendered, sort, filter and paging driven by #selftest' '
	chromium_dump "file://$PAGE#selftest=CCAP105" >dom.html &&
	sed -n "/<pre id=\"selftest\">/,/<\/pre>/p" dom.html |
		sed "s/<pre id=\"selftest\">//; s/<\/pre>.*//" >selftest.txt &&
	test_grep "^selftest=done$" selftest.txt &&
	check_selftest selftest.txt
'

test_expect_success CHROMIUM 'today'"'"'s page reloads itself every 5 minutes; the family and hop filters still hold' '
	sed "s|<span id=\"date\">2025-03-10</span>|<span id=\"date\">$(date +%Y-%m-%d)</span>|" \
		"$PAGE" >today.html &&
	! cmp -s "$PAGE" today.html &&
	chromium_dump "file://$TRASH/today.html#selftest=CCAP105" >dom2.html &&
	sed -n "/<pre id=\"selftest\">/,/<\/pre>/p" dom2.html |
		sed "s/<pre id=\"selftest\">//; s/<\/pre>.*//" >selftest2.txt &&
	check_selftest selftest2.txt 300 &&
	test_grep "<html[^>]* data-reload=\"300\"" dom2.html &&
	! test_grep -q "data-reload" dom.html
'

test_expect_success CHROMIUM 'without a script the charts and timelines are still there' '
	test "$(grep -o "<div class=\"bar\">" "$PAGE" | wc -l)" = 10 &&
	test "$(grep -o "<div class=\"strip\">" "$PAGE" | wc -l)" = 10 &&
	test_grep "id=\"distribution\"" "$PAGE"
'

test_expect_success CHROMIUM 'DevTools: desktop and phone, no request but the page, no console error' '
	/usr/bin/python3 "$CDP" "file://$PAGE#selftest=CCAP105" selftest \
		"$TRASH" 1280 390:mobile >cdp.out &&
	test "$(grep -c "^element .*selftest=done$" cdp.out)" = 2 &&
	test "$(grep -c "^element .*all_rows=137" cdp.out)" = 2 &&
	# data: URLs (the date input'"'"'s own icon) fetch nothing
	grep "^request " cdp.out | grep -v "^request data:" | sort -u >requests &&
	echo "request file://$PAGE" >want &&
	test_cmp want requests &&
	test_grep -v -e "^console" -e "^exception" cdp.out
'

test_expect_success CHROMIUM 'on a 390 px phone nothing overflows sideways' '
	test "$(grep -c "^scrollwidth " cdp.out)" = 2 &&
	awk "\$1 == \"scrollwidth\" && \$3 > \$2 { bad = 1 } END { exit bad }" \
		cdp.out &&
	test -s page-390.png && test -s page-1280.png
'

test_expect_success CHROMIUM 'control: the same check catches a page that fetches' '
	sed "s|<body>|<body><img src=\"http://example.invalid/x.png\">|" \
		"$PAGE" >bad.html &&
	/usr/bin/python3 "$CDP" "file://$TRASH/bad.html" info "$TRASH" \
		390:mobile >bad.out &&
	test_grep "^console error .*Content Security Policy" bad.out
'

test_done
