"""Runs many scripts from `redline sql --dialect spark` in one Spark session, for SQLTests.

usage: run_spark.py JOBS
  JOBS  a JSON list of {"script": PATH, "data": FOLDER, "out": PATH, "parquet": bool, "folder": bool}
Each script runs through Scripts/redline-spark.py's own `run` (the driver users run), local[2], and
its decisions are written to `out` exactly as the driver prints them. With "parquet" the tables
are first written as Parquet folders (FOLDER-parquet/T/) and read from there; with "folder" the
decisions go through the driver's --output (Spark's CSV writer, part files), whose parts are
then joined into `out` in order. A job that fails writes its error to `out`.err instead.
Starting Spark takes seconds; one session serves every job.
"""
import json
import os
import sys
from importlib.machinery import SourceFileLoader

here = os.path.dirname(os.path.abspath(__file__))
driver = SourceFileLoader("redline_spark", os.path.join(here, "..", "..", "..", "Scripts", "redline-spark.py")).load_module()


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        jobs = json.load(f)
    spark = driver.session("local[2]", shuffle_partitions=4)
    for job in jobs:
        with open(job["script"], encoding="utf-8") as f:
            script = f.read()
        try:
            data = job["data"]
            if job.get("parquet"):
                driver.register(spark, data, script)
                for table, _ in driver.tables(script):
                    spark.table(driver.quote(table)).write.mode("overwrite").parquet(data + "-parquet/" + table)
                data = data + "-parquet"
            if job.get("folder"):
                driver.run(spark, script, data, output=job["out"] + ".parts")
                parts = sorted(p for p in os.listdir(job["out"] + ".parts") if p.startswith("part-"))
                with open(job["out"], "w", encoding="utf-8", newline="") as out:
                    for index, part in enumerate(parts):
                        with open(os.path.join(job["out"] + ".parts", part), encoding="utf-8", newline="") as f:
                            lines = f.read().split("\n", 1)
                        if index == 0:
                            out.write(lines[0] + "\n")
                        out.write(lines[1] if len(lines) > 1 else "")
                continue
            with open(job["out"], "w", encoding="utf-8", newline="") as out:
                driver.run(spark, script, data, out=out)
        except Exception as error:
            with open(job["out"] + ".err", "w", encoding="utf-8") as err:
                err.write(driver.message(error) + "\n")
    spark.stop()


main()
