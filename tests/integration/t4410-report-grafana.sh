#!/bin/sh
test_description='contrib/grafana/modscan-fleet.json: valid JSON with a Prometheus datasource variable, the fleet panels, only metric names that status --prometheus prints in a real run, expressions that promtool parses'
. "$(dirname "$0")/test-lib.sh"
. "$TEST_DIR/lib-mariadb.sh"
. "$TEST_DIR/lib-ccapsim.sh"

DASH=$SRC_DIR/contrib/grafana/modscan-fleet.json

# Four devices, CCAP100 refusing every login, so the run exports a
# failing device as well as upstreams.
mariadb_start || { echo "Bail out! no MariaDB"; exit 1; }
ccapsim_start --devices 4 --family mix --upstreams 4 --seed 7 \
	--fault CCAP100=auth

command -v promtool >/dev/null 2>&1 && test_set_prereq PROMTOOL

# exprs: every target expression of the dashboard, one a line.
test_expect_success 'the dashboard parses; a Prometheus datasource variable drives every query' '
	/usr/bin/python3 - "$DASH" >exprs <<-\EOF
	import json, sys
	d = json.load(open(sys.argv[1], encoding="utf-8"))
	var = {v["name"]: v for v in d["templating"]["list"]}
	assert var["datasource"]["type"] == "datasource", var
	assert var["datasource"]["query"] == "prometheus", var
	ds = {"type": "prometheus", "uid": "${datasource}"}
	panels = [p for p in d["panels"] if p["type"] != "row"]
	titles = [p["title"] for p in panels]
	for want in ("Upstreams by modulation", "Worst nodes by time below QAM64",
	             "Failing devices", "Scanner up"):
	    assert want in titles, (want, titles)
	ids = [p["id"] for p in d["panels"]]
	assert len(ids) == len(set(ids)), ids
	for p in panels:
	    assert p["datasource"] == ds, p["title"]
	    assert p["targets"], p["title"]
	    for t in p["targets"]:
	        assert t["datasource"] == ds, p["title"]
	        print(t["expr"])
	assert var["device"]["datasource"] == ds
	# the layout: 24 columns, no two panels on the same cell
	cells = {}
	for p in d["panels"]:
	    g = p["gridPos"]
	    assert g["x"] >= 0 and g["w"] > 0 and g["x"] + g["w"] <= 24, p["title"]
	    for x in range(g["x"], g["x"] + g["w"]):
	        for y in range(g["y"], g["y"] + g["h"]):
	            assert (x, y) not in cells, (p["title"], cells.get((x, y)))
	            cells[(x, y)] = p["title"]
	EOF
	test_line_count -ge 20 exprs
'

test_expect_success 'a real run: scan --once against the simulator, then status --prometheus' '
	scan_config &&
	modscan maintain --init --config scan.conf >/dev/null &&
	test_expect_code 1 modscan scan --once --config scan.conf >/dev/null 2>&1 &&
	modscan status --prometheus --config scan.conf >prom &&
	sed -n "s/^\(modscan_[a-z0-9_]*\)[{ ].*/\1/p" prom | sort -u >exported &&
	test_grep "^modscan_upstream_below_qam64_seconds_total$" exported &&
	test_grep "^modscan_device_scan_success{device=\"CCAP100\"} 0$" prom
'

test_expect_success 'every metric name in the dashboard is one the run exported' '
	grep -o "modscan_[a-z0-9_]*" exprs | sort -u >used &&
	for m in modscan_upstream_modulation modscan_upstream_hops_total \
		modscan_upstream_below_qam64_seconds_total \
		modscan_device_scan_success \
		modscan_device_last_scan_timestamp_seconds modscan_up; do
		grep -qx "$m" used || { echo "the dashboard does not use $m"; exit 1; }
	done &&
	comm -23 used exported >unknown &&
	test_line_count = 0 unknown
'

# Grafana fills in its variables before Prometheus sees a query: the
# same here, then each expression becomes a recording rule.
test_expect_success PROMTOOL 'promtool parses every expression' '
	{
		printf "groups:\n  - name: modscan-fleet-dashboard\n    rules:\n"
		n=0
		sed -e "s/\\\$__rate_interval/5m/g" -e "s/\\\$__range/1d/g" \
			-e "s/\\\$device/.*/g" exprs |
		while IFS= read -r e; do
			n=$((n + 1))
			printf "      - record: modscan:dashboard_%d\n" "$n"
			printf "        expr: %s\n" "$(printf "%s" "$e" |
				/usr/bin/python3 -c "import json, sys; print(json.dumps(sys.stdin.read()))")"
		done
	} >rules.yml &&
	! grep -q "\\$" rules.yml &&
	promtool check rules rules.yml >check.out 2>&1 &&
	test_grep "SUCCESS: $(wc -l <exprs) rules found" check.out
'

test_done
