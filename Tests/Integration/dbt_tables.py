#!/usr/bin/env python3
"""Prints each table and view a dbt build made, its row count and a digest of its rows
(sorted, so the order rows were written in does not matter), one per line:

    dbt_tables.py duckdb PATH            # a DuckDB database file
    dbt_tables.py postgres PORT DBNAME   # a database of the local server (scripts/postgres-server)

Two builds made the same tables when the outputs are equal."""
import hashlib
import subprocess
import sys


def digest(rows):
    lines = sorted("|".join("" if v is None else str(v) for v in row) for row in rows)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def duckdb_tables(path):
    import duckdb
    con = duckdb.connect(path, read_only=True)
    names = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = 'main' "
        "and table_name <> 'flaky_attempts' order by 1").fetchall()]
    return [(name, con.execute(f'select * from "{name}"').fetchall()) for name in names]


def postgres_tables(port, dbname):
    def psql(sql):
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", port, "-U", "postgres", "-d", dbname,
                              "-X", "-q", "-t", "-A", "-F", "\t", "-c", sql],
                             check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines() if line]
    names = [r[0] for r in psql("select table_name from information_schema.tables where table_schema = 'public' "
                                "and table_name <> 'flaky_attempts' order by 1")]
    return [(name, psql(f'select * from "{name}"')) for name in names]


def normal(value):
    """A value as both warehouses print it: numbers without trailing zeros."""
    text = str(value)
    try:
        number = float(text)
        return repr(round(number, 6))
    except ValueError:
        return text


if __name__ == "__main__":
    kind = sys.argv[1]
    tables = duckdb_tables(sys.argv[2]) if kind == "duckdb" else postgres_tables(sys.argv[2], sys.argv[3])
    for name, rows in tables:
        print(name, len(rows), digest([[normal(v) for v in row] for row in rows]))
