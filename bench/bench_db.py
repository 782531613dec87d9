"""What the benchmarks share: their own database, and INSERT ... SELECT that fills required columns.

The scripts run as `python bench/<name>.py`, so this folder is on sys.path: `from bench_db import ...`.
"""

from __future__ import annotations

import os


def ensure_database() -> None:
    """Create the database DATABASE_URL names when it does not exist yet."""
    import psycopg

    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def filler(cursor, table: str, given: dict[str, str]) -> tuple[str, str]:  # noqa: ANN001
    """Column list and SELECT expressions for `table`, filling required columns we do not name."""
    cursor.execute(
        "SELECT column_name, data_type, is_nullable, column_default, is_identity "
        "FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    columns, values = [], []
    for name, data_type, nullable, default, identity in cursor.fetchall():
        if name in given:
            columns.append(name)
            values.append(given[name])
        elif nullable == "NO" and default is None and identity != "YES":
            columns.append(name)
            values.append(
                {
                    "boolean": "false",
                    "ARRAY": "'{}'",
                    "timestamp with time zone": "now()",
                    "date": "current_date",
                }.get(data_type, "0" if "int" in data_type or data_type == "numeric" else "''")
            )
    return ", ".join(columns), ", ".join(values)


def insert(cursor, table: str, given: dict[str, str], source: str) -> None:  # noqa: ANN001
    columns, values = filler(cursor, table, given)
    cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {values} {source}")  # noqa: S608
