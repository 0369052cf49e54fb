#!/bin/sh
test_description='status: per-upstream and per-device metrics of the scanner, against the simulator truth and the database'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"
. "$TEST_DIR/lib-watch.sh"

# Six devices (mix: CCAP000 e6000, CCAP100 casa, CCAP200 cbr8, ...), one
# of them refusing every login.  Simulated time runs 60 times faster: a
# modulation step a second, so the upstreams change between sweeps.
mariadb_start
ccapsim_start --devices 6 --family mix --upstreams 8 --seed 64 \
	--time-scale 60 --fault CCAP101=auth

if command -v promtool >/dev/null 2>&1; then
	test_set_prereq PROMTOOL
fi

CONF=$TRASH/scan.conf

sweeps_at_least() {
	[ -s "$RUN/status.json" ] &&
	[ "$(status_field "$RUN/status.json" sweeps)" -ge "$1" ]
}

test_expect_success 'no scanner yet: no per-upstream families, no error' '
	scan_config &&
	echo SCAN_INTERVAL=10 >>scan.conf &&
	modscan maintain --init --config scan.conf >/dev/null &&
	modscan status --prometheus --config scan.conf >out &&
	! grep -q "^modscan_upstream_\|^modscan_device_" out
'

test_expect_success 'the scanner runs three sweeps; metrics while it runs' '
	"$MODSCAN" scan --config scan.conf >scan.out 2>&1 &
	echo $! >scan.pid &&
	test_wait_for 120 sweeps_at_least 1 &&
	modscan status --prometheus --config scan.conf >running &&
	test_grep "^modscan_upstream_modulation{device=\"CCAP000\",upstream=\"[^\"]*\",node=\"\"} [0246]$" running &&
	test_grep "^modscan_device_scan_success{device=\"CCAP101\"} 0$" running &&
	test_wait_for 120 sweeps_at_least 3
'
SCAN=$(cat scan.pid 2>/dev/null || echo 0)
test_atexit "kill $SCAN"

test_expect_success 'stopped: the state file holds the last scans' '
	kill -TERM "$SCAN" &&
	test_wait_for 60 gone "$SCAN" &&
	test "$(status_field run/status.json state)" = stopped &&
	test -s run/plant.state
'

test_expect_success 'the three outputs agree: --prometheus, --textfile, /metrics' '
	modscan status --prometheus --config scan.conf >prom &&
	mkdir textdir && chmod 755 textdir &&
	modscan status --textfile textdir --config scan.conf &&
	port=$(test_free_port) &&
	{ "$MODSCAN" status --serve "127.0.0.1:$port" --config scan.conf >serve.out 2>&1 & } &&
	srv=$! &&
	test_wait_for 10 grep -q "^serving" serve.out &&
	curl -sf -m 10 "http://127.0.0.1:$port/metrics" >http &&
	kill -TERM "$srv" && wait "$srv" &&
	for f in prom textdir/modscan.prom http; do
		grep "^modscan_upstream_\|^modscan_device_" "$f" >"$f.plant" || exit 1
	done &&
	test_line_count -gt 100 prom.plant &&
	test_cmp prom.plant textdir/modscan.prom.plant &&
	test_cmp prom.plant http.plant
'

test_expect_success PROMTOOL 'promtool check metrics: clean' '
	promtool check metrics <prom >lint 2>&1 &&
	test_line_count = 0 lint
'

test_expect_success PROMTOOL 'contrib alert rules: valid, their unit tests pass, their metrics exported' '
	rules=$SRC_DIR/contrib/prometheus &&
	promtool check rules "$rules/modscan-rules.yml" &&
	(cd "$rules" && promtool test rules modscan-rules.test.yml) &&
	: the fleet group is checked against a shared fleet, in t6500 &&
	sed "/- name: modscan-fleet/,\$d" "$rules/modscan-rules.yml" |
		grep -o "modscan_[a-z0-9_]*" | sort -u >used &&
	test_line_count -ge 3 used &&
	while read -r m; do
		grep -q "^$m{" prom || { echo "not exported: $m"; exit 1; }
	done <used
'

# The expected values come from the samples in the database and from the
# simulator truth log, computed here: the last modulation in bits per
# symbol, the modulation changes and the seconds spent at QPSK or QAM16
# (each sample holds until the next, at most REPORT_MAX_GAP=1200 s).
test_expect_success 'values: the database and the simulator truth' '
	mariadb_sql "SELECT device, upstream, ts, modulation FROM
		     modscan.samples ORDER BY device, upstream, ts" >samples &&
	/usr/bin/python3 - prom samples "$CCAPSIM_TRUTH" <<-\EOP
	import re, sys
	from collections import defaultdict
	bits = {"UNKNOWN": 0, "QPSK": 2, "QAM16": 4, "QAM64": 6}
	line = re.compile(r"^(modscan_\w+)\{([^}]*)\} (\S+)$")
	got = defaultdict(dict)
	for l in open(sys.argv[1]):
	    m = line.match(l.rstrip("\n"))
	    if not m or not m.group(1).startswith(("modscan_upstream_",
	                                           "modscan_device_")):
	        continue
	    labels = dict(re.findall(r"(\w+)=\"([^\"]*)\"", m.group(2)))
	    key = (labels["device"], labels.get("upstream"))
	    got[m.group(1)][key] = float(m.group(3))
	rows = defaultdict(list)
	for l in open(sys.argv[2]):
	    d, u, ts, mod = l.rstrip("\n").split("\t")
	    rows[(d, u)].append((int(ts), mod))
	last_ts = defaultdict(int)
	for (d, u), r in rows.items():
	    last_ts[d] = max(last_ts[d], r[-1][0])
	want_mod, want_hops, want_below = {}, {}, {}
	for (d, u), r in rows.items():
	    if r[-1][0] != last_ts[d]:
	        continue          # gone from the device
	    want_mod[(d, u)] = bits[r[-1][1]]
	    want_hops[(d, u)] = sum(a[1] != b[1] for a, b in zip(r, r[1:]))
	    want_below[(d, u)] = sum(min(b[0] - a[0], 1200)
	                             for a, b in zip(r, r[1:])
	                             if a[1] in ("QPSK", "QAM16"))
	assert got["modscan_upstream_modulation"] == want_mod, "modulation"
	assert got["modscan_upstream_hops_total"] == want_hops, "hops"
	assert got["modscan_upstream_below_qam64_seconds_total"] == want_below
	assert sum(want_hops.values()) > 0, "no hops: a weak test"
	assert sum(want_below.values()) > 0, "never below QAM64: a weak test"
	devs = {d for d, _ in got["modscan_device_scan_success"]}
	assert devs == {"CCAP000", "CCAP100", "CCAP200", "CCAP001",
	                "CCAP101", "CCAP201"}, devs
	for (d, _), v in got["modscan_device_scan_success"].items():
	    assert v == (0 if d == "CCAP101" else 1), (d, v)
	assert not any(d == "CCAP101" for d, _ in want_mod)
	# the truth up to the last scan of each device: the same modulations
	# and changes as the metrics say
	end = {d: v * 1000 for (d, _), v in
	       got["modscan_device_last_scan_timestamp_seconds"].items()}
	seq = defaultdict(list)
	for l in open(sys.argv[3]):
	    f = l.split()
	    if f[2] == "-" or int(f[0]) > end[f[1]]:
	        continue
	    seq[(f[1], f[2])].append(f[4])
	for k, v in want_mod.items():
	    s = seq[k]
	    assert bits[s[-1]] == v, (k, s[-1], v)
	    assert sum(a != b for a, b in zip(s, s[1:])) == want_hops[k], k
	assert len(want_mod) == 5 * 8, len(want_mod)
	EOP
'

test_expect_success 'device_last_scan_timestamp_seconds lies within the scan log' '
	grep "^modscan_device_last_scan_timestamp_seconds{device=\"CCAP000\"}" prom |
		cut -d" " -f2 >t &&
	start=$(status_field run/status.json started) &&
	stamp=$(cut -d. -f1 t) &&
	test "$stamp" -ge $((start / 1000)) &&
	test "$stamp" -le "$(date +%s)"
'

test_expect_success 'a damaged state file: one line naming it, exit 1, nothing on stdout' '
	cp run/plant.state good.state &&
	printf "modscan-plant 1\nU\t1/0\t\t3\t0\t0\n" >run/plant.state &&
	test_expect_code 1 modscan status --prometheus --config scan.conf >out 2>err &&
	test_line_count = 0 out &&
	test_line_count = 1 err &&
	test_grep "^modscan status: .*/run/plant.state.: line 2: not a plant record$" err &&
	cp good.state run/plant.state
'

test_expect_success 'a new scanner starts its counters again' '
	test_expect_code 1 modscan scan --once --config scan.conf 2>err &&
	modscan status --prometheus --config scan.conf >once &&
	grep "^modscan_upstream_hops_total" once | cut -d" " -f2 | sort -u >hops &&
	echo 0 >expect &&
	test_cmp expect hops
'

test_done
