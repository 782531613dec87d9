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


NOW = {"version": "1", "created_at": "now()", "updated_at": "now()"}
ASSISTED = "('registered', 'returned', 'monitoring', 'exited')"


def fill_assistance(cursor, households: str, where: str, cadre: str) -> None:  # noqa: ANN001
    """Assistance in proportion to the households `households` (FROM ... h, joins allowed) and `where`
    select: for the assisted ones a pairing (97%) with the cadre `cadre` names, a plan for the year (6 in
    7), two visits in the last 90 days and a follow-up per third visit (half of them open); a complaint
    per 100 households (a third upheld, one in five naming no household) and a monitoring case per
    monitored household."""
    assisted = f"{households} WHERE ({where}) AND h.status IN {ASSISTED}"
    insert(
        cursor,
        "assistance_cadrepairing",
        {"household_id": "h.id", "cadre_id": cadre, "start": "'2020-01-01'", "created_at": "now()"},
        assisted + " AND h.id % 33 <> 0",
    )
    plan = {"household_id": "h.id", "year": "extract(year from current_date)::int", "goals": "'增收'"}
    insert(
        cursor,
        "assistance_assistanceplan",
        {**plan, "status": "'active'", **NOW},
        assisted + " AND h.id % 7 <> 0",
    )
    cursor.execute("SELECT coalesce(max(id), 0) FROM assistance_visit")
    last_visit = int(cursor.fetchone()[0])
    visit = {
        "household_id": "h.id",
        "visited_on": "current_date - (h.id * k % 90)::int",
        "findings": "'正常'",
    }
    insert(
        cursor,
        "assistance_visit",
        {**visit, "needs": "''", "cadre_id": cadre, "created_at": "now()"},
        f"{households} CROSS JOIN generate_series(1, 2) k WHERE ({where}) AND h.status IN {ASSISTED}",
    )
    follow_ups(cursor, after=last_visit)
    insert(
        cursor,
        "supervision_complaint",
        {
            "area_id": "h.village_id",
            "household_id": "CASE WHEN h.id % 5 = 0 THEN NULL ELSE h.id END",
            "kind": "(ARRAY['wrong_inclusion','wrong_exit','left_out'])[h.id % 3 + 1]",
            "channel": "'hotline'",
            "content": "'反映情况'",
            "received_on": "current_date - 30",
            "answer_deadline": "current_date - 15",
            "status": "(ARRAY['answered','received'])[h.id % 2 + 1]",
            "finding": "(ARRAY['upheld','not_upheld','partly'])[h.id % 3 + 1]",
            "answered_at": "now() - interval '10 days'",
            **NOW,
        },
        f"{households} WHERE ({where}) AND h.id % 100 = 0",
    )
    insert(
        cursor,
        "exits_monitoringcase",
        {
            "household_id": "h.id",
            "category": "'edge'",
            "source": "'rule'",
            "risks": "(ARRAY['{low_income}','{serious_illness,low_income}','{disaster}'])[h.id % 3 + 1]::varchar[]",
            "state": "'included'",
            "reported_on": "current_date - 60",
            "decision_due": "current_date - 45",
            **NOW,
        },
        f"{households} WHERE ({where}) AND h.status = 'monitoring'",
    )


def follow_ups(cursor, after: int = 0) -> None:  # noqa: ANN001
    """A follow-up for every third visit with an id above `after`, due 14 days later, half of them done."""
    insert(
        cursor,
        "assistance_followup",
        {
            "household_id": "v.household_id",
            "visit_id": "v.id",
            "description": "'送种苗'",
            "due_date": "v.visited_on + 14",
            "status": "(ARRAY['open','done'])[v.id % 2 + 1]",
            "done_on": "CASE WHEN v.id % 2 = 1 THEN v.visited_on + 10 END",
            **NOW,
        },
        f"FROM assistance_visit v WHERE v.id > {int(after)} AND v.id % 3 = 0",
    )
