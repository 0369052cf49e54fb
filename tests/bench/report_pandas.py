#!/usr/bin/python3
"""The legacy report computed the way the old pandas tool did it, as the
baseline of tests/bench/report: read the day's rows with pandas.read_sql
(UNKNOWN left out: the old scanner never stored one), count hops with
groupby + shift (the first sample of a channel counts, as it did there),
integer percentages with value_counts (rounded half to even), the legacy
row order, and write modulation_report_D.csv as the old tool did.

    report_pandas.py START END OUT.csv    (DB_* from the environment)
"""
import os
import sys

import MySQLdb
import pandas as pd

start, end, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
conn = MySQLdb.connect(host=os.environ.get("DB_HOST", "127.0.0.1"),
                       port=int(os.environ.get("DB_PORT", "3306")),
                       user=os.environ["DB_USER"],
                       passwd=os.environ["DB_PASSWORD"],
                       db=os.environ["DB_NAME"], charset="utf8mb4")
df = pd.read_sql("SELECT device AS CMTS, upstream, "
                 "CAST(modulation AS CHAR) AS modulation, ts "
                 "FROM samples WHERE ts >= %s AND ts < %s",
                 conn, params=(start, end))
conn.close()

df = df[df["modulation"] != "UNKNOWN"]
df = df.sort_values(["CMTS", "upstream", "ts"])
keys = ["CMTS", "upstream"]
prev = df.groupby(keys)["modulation"].shift()
df["hop"] = (df["modulation"] != prev).astype(int)
hops = df.groupby(keys)["hop"].sum().rename("hops")
pct = (df.groupby(keys)["modulation"].value_counts(normalize=True)
       .mul(100).round(0).unstack(fill_value=0.0))
for m in ("QAM64", "QAM16", "QPSK"):
    if m not in pct.columns:
        pct[m] = 0.0
pct = pct.astype(int)
table = pd.concat([hops, pct["QAM64"].rename("%QAM64"),
                   pct["QAM16"].rename("%QAM16"),
                   pct["QPSK"].rename("%QPSK"),
                   df.groupby(keys).size().rename("Metingen")], axis=1)
table = table.reset_index()
table["key"] = table["CMTS"] + "_" + table["upstream"]
table = table.sort_values(["hops", "CMTS", "key"],
                          ascending=[False, True, True]).drop(columns="key")
table.to_csv(out, sep=";", index=False)
print("pandas: %d rows read, %d upstreams" % (len(df), len(table)))
