"""Runs a script from `redline sql --dialect duckdb` over CSV files in DuckDB, for SQLTests.

usage: run_duckdb.py FOLDER TYPES SCRIPT
  FOLDER  holds T.csv for each table (a header line; an empty field is NULL)
  TYPES   a JSON object: table -> [[column, DuckDB type], ...]
  SCRIPT  the compiled query
Prints the query's rows as CSV (header first) on standard output.
"""
import csv
import json
import sys

import duckdb


def main():
    folder, types_path, script_path = sys.argv[1:4]
    with open(types_path, encoding="utf-8") as f:
        types = json.load(f)
    con = duckdb.connect()
    for table, columns in types.items():
        spec = ", ".join("'%s': '%s'" % (name.replace("'", "''"), kind) for name, kind in columns)
        path = "%s/%s.csv" % (folder, table)
        con.execute('CREATE TABLE "%s" AS SELECT * FROM read_csv(\'%s\', header = true, auto_detect = false, '
                    'columns = {%s}, nullstr = \'\', quote = \'"\', escape = \'"\')'
                    % (table.replace('"', '""'), path.replace("'", "''"), spec))
    with open(script_path, encoding="utf-8") as f:
        script = f.read()
    result = con.execute(script)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow([d[0] for d in result.description])
    for row in result.fetchall():
        out.writerow(["" if v is None else v for v in row])


main()
