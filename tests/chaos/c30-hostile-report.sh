#!/bin/sh
# hostile names through the report (CSV cells, Chromium DOM): the
# integration test t4200-report-csv-inject, as an experiment.
. "$(dirname "$0")/../integration/test-lib.sh"
. "$SRC_DIR/tests/chaos/lib-chaos.sh"

if cases=$(chaos_integration t4200-report-csv-inject); then ok=1; else ok=0; fi
chaos_result hostile-report "$cases cases of t4200-report-csv-inject passed" $ok
