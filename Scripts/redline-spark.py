#!/usr/bin/env python3
"""Runs a policy compiled by `redline sql --dialect spark` in Spark, over CSV or Parquet tables.

usage: redline-spark.py SCRIPT --data DIR [--format auto|csv|parquet] [--master URL]
                        [--output DIR] [--shuffle-partitions N] [--multiline] [--driver-memory 4g]
                        [--cache] [--timings]
   or: spark-submit [spark options] redline-spark.py SCRIPT --data DIR …

  SCRIPT  the compiled script (`redline sql RULES --dialect spark --as-of DATE --output SCRIPT`)
  --data  where the tables are: DIR/T.csv, DIR/T.parquet or a folder DIR/T/ of part files for
          each table T the policy declares (the script's `-- reads T (...)` lines name them and
          their columns). DIR may be any URI Spark reads (hdfs://, s3a://).
  --format  csv or parquet (auto: by the file names; a folder of .parquet parts is Parquet)
  --master  Spark's master (local[2], yarn, spark://host:7077); by default spark-submit's, or
          local[*] when run directly
  --multiline  CSV values may hold line breaks: each file is then read by one task (without
          it, files are split between tasks, and a record broken by a line break stops the run)
  --output  write the decisions with Spark's CSV writer into this folder, part files in the
          report's order, as the cluster computes them. Without it the decisions are printed on
          standard output exactly as `redline run --format csv` prints them.

Columns are read by name (other columns are ignored) and converted to the declared types with
ANSI casts: a value that is not of its column's type stops the run with Spark's error, as a bad
cell stops `redline run`; nothing is read as missing that was not empty. CSV is read as
`redline sql` expects it: a header line, UTF-8, RFC 4180 quotes, ISO dates, true/false.
"""
import argparse
import os
import re
import sys

READS = re.compile(r"^-- reads (\S+) \((.*)\)$")


def tables(script):
    """The tables a script reads: [(name, [(column, type)])], from its `-- reads` lines."""
    found = []
    for line in script.splitlines():
        match = READS.match(line)
        if match:
            columns = [tuple(part.rsplit(" ", 1)) for part in match.group(2).split(", ")]
            found.append((match.group(1), columns))
    return found


def statements(script):
    """The script's statements before its query (settings, `CACHE TABLE …`), and its query: the
    script ends each with a semicolon at the end of a line, and comments are whole lines."""
    text = "\n".join(line for line in script.splitlines() if not line.startswith("--"))
    parts = [part.strip() for part in re.split(r";\n", text.strip() + "\n") if part.strip()]
    if parts and parts[-1].endswith(";"):
        parts[-1] = parts[-1][:-1]
    return parts[:-1], parts[-1] if parts else ""


def quote(name):
    return "`" + name.replace("`", "``") + "`"


def source(spark, data, table, kind):
    """Where a table's data is, and its format: DATA/T.csv, DATA/T.parquet or a folder DATA/T/
    (Parquet if it holds .parquet part files), on any file system Spark reads."""
    jvm, conf = spark._jvm, spark._jsc.hadoopConfiguration()

    def status(location):
        path = jvm.org.apache.hadoop.fs.Path(location)
        files = path.getFileSystem(conf)
        return (files, path) if files.exists(path) else None

    base = data.rstrip("/") + "/" + table
    for candidate, found in ((base + ".csv", "csv"), (base + ".parquet", "parquet")):
        if kind in ("auto", found) and status(candidate):
            return candidate, found
    folder = status(base)
    if folder and folder[0].getFileStatus(folder[1]).isDirectory():
        if kind != "auto":
            return base, kind
        names = [entry.getPath().getName() for entry in folder[0].listStatus(folder[1])]
        return base, "parquet" if any(name.endswith(".parquet") for name in names) else "csv"
    raise SystemExit("redline-spark: no data for table %s in %s (expected %s.csv, %s.parquet or a folder %s/)"
                     % (table, data, table, table, table))


def register(spark, data, script, kind="auto", multiline=False, cache=False):
    from pyspark import StorageLevel
    """Each table the script reads, as a temporary view of its declared columns and types.
    CSV is read line by line, so that Spark splits a large file between tasks; a quoted value
    holding a line break then makes its record malformed, which stops the run (FAILFAST), and
    --multiline reads such files (one task per file)."""
    for table, columns in tables(script):
        path, found = source(spark, data, table, kind)
        if found == "csv":
            frame = (spark.read.option("header", True).option("multiLine", multiline).option("quote", '"')
                     .option("escape", '"').option("mode", "FAILFAST").option("encoding", "UTF-8").csv(path))
        else:
            frame = spark.read.parquet(path)
        present = set(frame.columns)
        missing = [name for name, _ in columns if name not in present]
        if missing:
            raise SystemExit("redline-spark: table %s (%s) has no column %s" % (table, path, ", ".join(missing)))
        frame = frame.selectExpr(*["CAST(%s AS %s) AS %s" % (quote(name), kind_, quote(name)) for name, kind_ in columns])
        # With --cache, kept once read (in memory, spilling to disk): the query reads some tables
        # several times, and each reading of a CSV file parses it again (Parquet is cheap to read).
        if cache:
            frame.persist(StorageLevel.MEMORY_AND_DISK)
        frame.createOrReplaceTempView(quote(table))


class DataProblem(Exception):
    """Data the compiled SQL cannot decide on as the interpreter would."""


def looks_like_formula(text):
    """As Redline's CSV report: starts with =, +, -, @, tab or CR, and is not a plain number."""
    if not text or text[0] not in "=+-@\t\r":
        return False
    if text[0] in "=@\t\r":
        return True
    rest = text[1:]
    digits = sum(c.isascii() and c.isdigit() for c in rest)
    points = rest.count(".")
    return any(not (c.isascii() and c.isdigit()) and c != "." for c in rest) or digits == 0 or points > 1


def field(value):
    """One CSV field as `redline run --format csv` writes it."""
    text = "" if value is None else str(value)
    guard = "'" if looks_like_formula(text) else ""
    if any(c in text for c in ',"\n\r'):
        return '"' + guard + text.replace('"', '""') + '"'
    return guard + text


def run(spark, script, data, kind="auto", output=None, out=sys.stdout, multiline=False, cache=False, timings=False):
    """Registers the tables, runs the settings and the query; prints or writes the decisions.
    With `timings`, the seconds of each step go to standard error."""
    import time
    spent = {"read": 0.0, "checks": 0.0, "truths": 0.0, "details and report": 0.0}
    started = time.time()
    settings, query = statements(script)
    register(spark, data, script, kind, multiline, cache)
    spent["read"] = time.time() - started
    for setting in settings:
        started = time.time()
        result = spark.sql(setting)
        step = "checks" if "redline_problem" in result.columns else "truths"
        # The script's data checks: a row is what a load would refuse (a repeated key, a
        # reference naming no row), which the query assumes away.
        if "redline_problem" in result.columns:
            problem = result.first()
            if problem is not None:
                raise DataProblem(problem[0])
        spent[step] += time.time() - started
    started = time.time()
    frame = spark.sql(query)
    if output:
        # Spark's writer trims spaces unless told not to; quotes are doubled as RFC 4180 says.
        (frame.write.mode("errorifexists").option("header", True).option("quote", '"').option("escape", '"')
         .option("ignoreLeadingWhiteSpace", False).option("ignoreTrailingWhiteSpace", False).csv(output))
    else:
        out.write(",".join(frame.columns) + "\n")
        # Collected whole: iterating partition by partition would run a job for each of them.
        for row in frame.collect():
            out.write(",".join(field(v) for v in row) + "\n")
    spent["details and report"] = time.time() - started
    if timings:
        sys.stderr.write("redline-spark: " + ", ".join("%s %.1f s" % item for item in spent.items()) + "\n")


def session(master=None, shuffle_partitions=None, driver_memory=None):
    from pyspark.sql import SparkSession
    import logging
    logging.getLogger("pyspark").setLevel(logging.CRITICAL)
    logging.getLogger("SQLQueryContextLogger").setLevel(logging.CRITICAL)
    builder = (SparkSession.builder.appName("redline").config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false"))
    if master:
        builder = builder.master(master)
    elif "SPARK_ENV_LOADED" not in os.environ and "PYSPARK_GATEWAY_PORT" not in os.environ:
        builder = builder.master("local[*]")
    if shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    if driver_memory:
        builder = builder.config("spark.driver.memory", driver_memory)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("OFF")
    return spark


def message(error):
    """The line of a Spark error that says what went wrong (`[CAST_INVALID_INPUT] The value …`)."""
    text = str(error)
    for line in text.splitlines():
        match = re.search(r"\[([A-Z][A-Z_.]+)\] .*", line)
        if match and "MULTIPLE_FAILURES" not in match.group(1):
            return match.group(0).strip()
    return text.strip().split("\n")[0]


def main(argv=None, spark=None, out=sys.stdout):
    parser = argparse.ArgumentParser(prog="redline-spark.py", description=__doc__.split("\n")[0])
    parser.add_argument("script")
    parser.add_argument("--data", required=True)
    parser.add_argument("--format", default="auto", choices=["auto", "csv", "parquet"])
    parser.add_argument("--master")
    parser.add_argument("--output")
    parser.add_argument("--shuffle-partitions", type=int)
    parser.add_argument("--timings", action="store_true", help="print the seconds of each step on standard error")
    parser.add_argument("--cache", action="store_true", help="keep each table in memory once read (CSV read once, not once per use)")
    parser.add_argument("--driver-memory", help="the driver's memory (local mode: all of Spark's), e.g. 4g")
    parser.add_argument("--multiline", action="store_true",
                        help="CSV values may hold line breaks (quoted): read each file in one task")
    args = parser.parse_args(argv)
    with open(args.script, encoding="utf-8") as f:
        script = f.read()
    if "compiled for spark" not in script.split("\n", 1)[0]:
        raise SystemExit("redline-spark: %s is not a script from `redline sql --dialect spark`" % args.script)
    spark = spark or session(args.master, args.shuffle_partitions, args.driver_memory)
    run(spark, script, args.data, args.format, args.output, out, args.multiline, args.cache, args.timings)


if __name__ == "__main__":
    try:
        main()
    except BrokenPipeError:
        sys.exit(0)
    except DataProblem as problem:
        sys.stderr.write("redline-spark: %s\n" % problem)
        sys.exit(1)
    except Exception as error:  # Spark's own errors: one line, exit 1
        sys.stderr.write("redline-spark: %s\n" % message(error))
        sys.exit(1)
