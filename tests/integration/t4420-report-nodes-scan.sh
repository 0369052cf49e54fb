#!/bin/sh
test_description='report on what the scanner stored: samples of the simulator, the node map the scanner wrote from NODES_FILE (one upstream moved between sweeps), node column and nodes to visit against a reference computed here'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

# One CCAP of each family; simulated time runs 600 times faster, so the
# upstreams change modulation between sweeps.
mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
ccapsim_start --devices 3 --family mix --upstreams 6 --seed 64 \
	--time-scale 600

# A sweep of scan --once.  Samples are keyed by the second of their scan
# and a sweep of three simulated CCAPs takes less than one, so each
# sweep first waits for the clock to pass the last one's second (kept in
# a file: each test runs in a subshell).
after() {
	[ "$(date +%s)" -gt "$(cat "$TRASH/last-sweep" 2>/dev/null || echo 0)" ]
}
sweep() {
	test_wait_for 5 after &&
	modscan scan --once --config scan.conf >>scan.out 2>&1 &&
	date +%s >"$TRASH/last-sweep"
}

test_expect_success 'set up: a sweep without a node map' '
	scan_config &&
	echo REPORT_TOP_N=100 >>scan.conf &&
	modscan maintain --init --config scan.conf >/dev/null &&
	sweep &&
	mariadb_sql "SELECT DISTINCT device, upstream FROM modscan.samples
		     WHERE device IN (\"CCAP000\", \"CCAP100\")
		     ORDER BY device, upstream" >channels &&
	test_line_count = 12 channels
'

# The first three upstreams of CCAP000 and CCAP100 on a node of their
# own CCAP, the others on none (as is CCAP200 unless the scanner takes
# nodes from its descriptions: the reference reads what was written).
test_expect_success 'two sweeps with NODES_FILE, then one upstream moves and two more sweeps' '
	awk -F "\t" "{ n[\$1]++; if (n[\$1] <= 3) printf \"%s %s FN-%s\\n\", \$1, \$2, \$1 }" \
		channels >nodes.txt &&
	test_line_count = 6 nodes.txt &&
	echo "NODES_FILE=$TRASH/nodes.txt" >>scan.conf &&
	sweep && sweep &&
	sed "1 s/ FN-CCAP000\$/ FN-MOVED/" nodes.txt >nodes.new &&
	mv nodes.new nodes.txt &&
	test_grep "FN-MOVED" nodes.txt &&
	sweep && sweep &&
	mariadb_sql "SELECT COUNT(*) FROM modscan.upstream_nodes
		     WHERE node = \"FN-MOVED\" AND valid_to IS NULL" >moved &&
	echo 1 >expect && test_cmp expect moved
'

test_expect_success 'the report: node column and nodes to visit as the reference computes them' '
	day=$(mariadb_sql "SELECT FROM_UNIXTIME(MIN(ts), \"%Y-%m-%d\") FROM modscan.samples") &&
	modscan report --date "$day" --json-only --dir out --config scan.conf >/dev/null &&
	mariadb_sql "SELECT device, upstream, ts, modulation FROM modscan.samples
		     ORDER BY device, upstream, ts" >samples &&
	mariadb_sql "SELECT device, upstream, node, valid_from,
		     IFNULL(valid_to, -1) FROM modscan.upstream_nodes" >map &&
	/usr/bin/python3 - "out/modscan-report-$day.json" samples map "$day" <<-\EOF
	import calendar, json, sys, time
	from collections import defaultdict
	doc = json.load(open(sys.argv[1]))
	start = calendar.timegm(time.strptime(sys.argv[4], "%Y-%m-%d"))
	end = start + 86400
	spans = defaultdict(list)
	for l in open(sys.argv[3]):
	    d, u, n, a, b = l.rstrip("\n").split("\t")
	    spans[(d, u)].append([int(a), int(b) if b != "-1" else 2 ** 62, n])
	for s in spans.values():      # a later row ends an earlier one
	    s.sort()
	    for x, y in zip(s, s[1:]):
	        x[1] = min(x[1], y[0])
	chans = defaultdict(list)
	for l in open(sys.argv[2]):
	    d, u, t, m = l.rstrip("\n").split("\t")
	    if start <= int(t) < end:
	        chans[(d, u)].append((int(t), m))
	def node_at(k, t):
	    for a, b, n in spans[k]:
	        if a <= t < b:
	            return n
	    return None
	below = defaultdict(int); hops = defaultdict(int); held = defaultdict(int)
	for k, s in chans.items():
	    for i, (t, m) in enumerate(s):
	        stop = min(s[i + 1][0] if i + 1 < len(s) else end, t + 1200, end)
	        for x in range(t, stop):          # second by second
	            n = node_at(k, x)
	            held[(k, n)] += 1
	            if m in ("QPSK", "QAM16"):
	                below[(k, n)] += 1
	        if i and m != s[i - 1][1]:
	            hops[(k, node_at(k, t))] += 1
	# the node column: the nodes that held time, in time order, once each
	col = {}
	for k in chans:
	    names = []
	    for a, b, n in spans[k]:
	        if held.get((k, n)) and n not in names:
	            names.append(n)
	    col[k] = ", ".join(names)
	got = {(r["ccap"], r["upstream"]): r["node"] for r in doc["rows"]}
	assert got == col, (got, col)
	assert any(col.values()), "no node at all: a weak test"
	assert any("FN-MOVED" in v and "," in v for v in col.values()), col
	groups = defaultdict(lambda: [0, 0, []])
	for (k, n) in set(below) | set(hops):
	    b, h = below.get((k, n), 0), hops.get((k, n), 0)
	    if not b and not h:
	        continue
	    g = groups[(n is None, n if n else k[0])]
	    g[0] += b; g[1] += h; g[2].append((k[0], k[1], b, h))
	want = []
	for (nonode, name), (b, h, ups) in sorted(
	        groups.items(), key=lambda e: (-e[1][0], -e[1][1], e[0])):
	    ups.sort(key=lambda u: (-u[2], -u[3], u[0], u[1]))
	    want.append((None if nonode else name, name if nonode else None,
	                 b, h, ups))
	got = [(n["node"], n.get("ccap"), n["seconds_below_qam64"], n["hops"],
	        [(u["ccap"], u["upstream"], u["seconds_below_qam64"], u["hops"])
	         for u in n["upstreams"]]) for n in doc["nodes_to_visit"]]
	assert got == want, (got, want)
	assert doc["nodes_degraded"] == len(want)
	assert sum(w[2] for w in want) > 0, "never below QAM64: a weak test"
	EOF
'

test_done
