#!/usr/bin/env python3
"""Writes each table a compiled script reads (`-- reads` lines) from DATA_DIR/T.csv to
OUT_DIR/T.parquet with its declared types, with DuckDB: Parquet is what a data platform keeps
for Spark (Scripts/bench-sql).

usage: to-parquet.py SCRIPT DATA_DIR OUT_DIR
"""
import os
import re
import sys

import duckdb

script, data, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
for line in open(script, encoding="utf-8"):
    m = re.match(r"^-- reads (\S+) \((.*)\)$", line.rstrip("\n"))
    if not m:
        continue
    columns = [c.rsplit(" ", 1) for c in m.group(2).split(", ")]
    spec = ", ".join("'%s': '%s'" % (n, t.replace("STRING", "VARCHAR")) for n, t in columns)
    duckdb.sql("COPY (SELECT * FROM read_csv('%s/%s.csv', header = true, auto_detect = false, columns = {%s})) TO '%s/%s.parquet' (FORMAT parquet)"
               % (data, m.group(1), spec, out, m.group(1)))
