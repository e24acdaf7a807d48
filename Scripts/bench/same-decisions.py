#!/usr/bin/env python3
"""Whether CSV reports hold the same decisions: each file's rows (parsed as CSV, header
dropped) as a sorted list, compared with the first file's. Prints `same` or `DIFFERENT` per file.

usage: same-decisions.py REFERENCE.csv OTHER.csv...
"""
import csv
import sys


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader, None)
        return sorted(tuple(r) for r in reader)


reference = rows(sys.argv[1])
for path in sys.argv[2:]:
    other = rows(path)
    print("%s %s (%d rows)" % (path, "same" if other == reference else "DIFFERENT", len(other)))
