#!/usr/bin/env python3
"""Runs a script from `redline sql --dialect duckdb` over a folder of CSV files, for the
side-by-side benchmark (Scripts/bench-sql): each table the script reads (`-- reads` lines) is
loaded with its declared types, the query runs, and the decisions are written as CSV.

usage: duckdb-run.py SCRIPT DATA_DIR OUT_CSV [--threads N]
Prints "load_s=… query_s=…" on stderr.
"""
import re
import sys
import time

from duckdb_connect import connect


def main():
    args = sys.argv[1:]
    con = connect(args)
    script_path, data, out = args[:3]
    script = open(script_path, encoding="utf-8").read()
    started = time.time()
    for line in script.splitlines():
        m = re.match(r"^-- reads (\S+) \((.*)\)$", line)
        if not m:
            continue
        columns = [c.rsplit(" ", 1) for c in m.group(2).split(", ")]
        spec = ", ".join("'%s': '%s'" % (n, t) for n, t in columns)
        con.execute("CREATE TABLE \"%s\" AS SELECT * FROM read_csv('%s/%s.csv', header = true, auto_detect = false, "
                    "columns = {%s}, nullstr = '', quote = '\"', escape = '\"')" % (m.group(1), data, m.group(1), spec))
    loaded = time.time()
    query = "\n".join(l for l in script.splitlines() if not l.startswith("--")).rstrip().rstrip(";")
    con.execute("COPY (%s) TO '%s' (FORMAT csv, HEADER true)" % (query, out))
    done = time.time()
    sys.stderr.write("load_s=%.2f query_s=%.2f\n" % (loaded - started, done - loaded))


main()
