"""A DuckDB connection for the benchmark scripts, with `--threads N` taken out of their
arguments (the number of threads DuckDB may use; all cores when absent)."""
import duckdb


def connect(args):
    """Removes `--threads N` from `args` (a list, changed in place) and connects."""
    threads = None
    if "--threads" in args:
        k = args.index("--threads")
        threads = int(args[k + 1])
        del args[k:k + 2]
    con = duckdb.connect()
    if threads:
        con.execute("SET threads = %d" % threads)
    return con
