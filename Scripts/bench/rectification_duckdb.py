#!/usr/bin/env python3
"""The rectification-ledger policy (Rules/rectification-ledger.rl) written by hand in DuckDB SQL,
for the side-by-side benchmark (BENCHMARKS.md, issue 12): the same decisions as
`redline run Rules/rectification-ledger.rl --format csv` on data without missing cells (what
redline-gen writes), compared row for row by Scripts/bench/same-decisions.py.

usage: rectification_duckdb.py DATA_DIR OUT_CSV [AS_OF] [--threads N]
Prints "LOAD_S=… EVAL_S=…" on stderr. Working days follow Rules/calendar/cn.csv.
"""
import csv
import datetime
import os
import sys
import time

from duckdb_connect import connect

SCHEMAS = {
    "enterprises": "{'id':'VARCHAR','name':'VARCHAR','industry':'VARCHAR','county':'VARCHAR','owner':'VARCHAR','status':'VARCHAR','employees':'BIGINT'}",
    "hazards": "{'id':'VARCHAR','enterprise_id':'VARCHAR','level':'VARCHAR','category':'VARCHAR','found_on':'DATE','deadline':'DATE','rectified_on':'DATE','responsible_unit':'VARCHAR'}",
}


def workdays_after(start, count):
    """The day `count` working days after `start`, by China's calendar (holidays, 调休)."""
    here = os.path.dirname(os.path.abspath(__file__))
    kinds = {}
    with open(os.path.join(here, "..", "..", "Rules", "calendar", "cn.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            kinds[row["date"]] = row["kind"]
    day = start
    while count > 0:
        day += datetime.timedelta(days=1)
        kind = kinds.get(day.isoformat())
        if kind == "workday" or (kind != "holiday" and day.weekday() < 5):
            count -= 1
    return day


def main():
    args = sys.argv[1:]
    con = connect(args)
    data, out = args[0], args[1]
    today = datetime.date.fromisoformat(args[2] if len(args) > 2 else "2024-06-30")
    due = workdays_after(today, 5)
    year_ago = today.replace(year=today.year - 1) if not (today.month == 2 and today.day == 29) else today.replace(year=today.year - 1, day=28)
    started = time.time()
    for table, schema in SCHEMAS.items():
        con.execute("CREATE TABLE %s AS SELECT * FROM read_csv('%s/%s.csv', header = true, auto_detect = false, columns = %s)"
                    % (table, data, table, schema))
    loaded = time.time()
    query = """
    WITH h AS (
        SELECT *,
               found_on <= $today AND (rectified_on IS NULL OR rectified_on > $today) AS open_today
        FROM hazards
    ),
    hazard_decisions AS (
        SELECT id AS subject, '' AS label,
               CASE WHEN open_today AND deadline < $today THEN 'overdue'
                    WHEN rectified_on IS NOT NULL AND rectified_on <= $today AND rectified_on > deadline THEN 'closed_late'
                    ELSE 'remind' END AS action,
               CASE WHEN open_today AND deadline < $today THEN 'overdue_item'
                    WHEN rectified_on IS NOT NULL AND rectified_on <= $today AND rectified_on > deadline THEN 'closed_out_late'
                    ELSE 'due_soon' END AS rule,
               '' AS evidence,
               CASE WHEN open_today AND deadline < $today
                        THEN responsible_unit || ':隐患 ' || id || ' 已逾期 ' || CAST(date_diff('day', deadline, $today) AS VARCHAR) || ' 天未整改'
                    WHEN rectified_on IS NOT NULL AND rectified_on <= $today AND rectified_on > deadline
                        THEN responsible_unit || ':隐患 ' || id || ' 逾期 ' || CAST(date_diff('day', deadline, rectified_on) AS VARCHAR) || ' 天后销号'
                    ELSE responsible_unit || ':隐患 ' || id || ' 将于 ' || strftime(deadline, '%Y-%m-%d') || ' 到期' END AS message,
               0 AS t
        FROM h
        WHERE (open_today AND deadline < $today)
           OR (rectified_on IS NOT NULL AND rectified_on <= $today AND rectified_on > deadline)
           OR (open_today AND deadline >= $today AND deadline <= $due)
    ),
    repeats AS (
        SELECT enterprise_id, count(*) AS n FROM hazards
        WHERE level = 'major' AND found_on > $year_ago AND found_on <= $today
        GROUP BY enterprise_id HAVING count(*) >= 2
    ),
    enterprise_decisions AS (
        SELECT e.id AS subject, e.name AS label, 'accountability' AS action, 'repeat_major_hazards' AS rule, '' AS evidence,
               e.name || ' 一年内发现重大隐患 ' || CAST(r.n AS VARCHAR) || ' 项' AS message, 1 AS t
        FROM enterprises e JOIN repeats r ON r.enterprise_id = e.id
    )
    SELECT subject, label, action, rule, evidence, message FROM (
        SELECT * FROM hazard_decisions UNION ALL SELECT * FROM enterprise_decisions
    ) ORDER BY t, subject
    """
    con.execute("COPY (%s) TO '%s' (FORMAT csv, HEADER true)" % (
        query.replace("$today", "DATE '%s'" % today.isoformat()).replace("$due", "DATE '%s'" % due.isoformat())
             .replace("$year_ago", "DATE '%s'" % year_ago.isoformat()), out))
    done = time.time()
    sys.stderr.write("LOAD_S=%.2f EVAL_S=%.2f\n" % (loaded - started, done - loaded))


main()
