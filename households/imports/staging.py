"""The import's database side: rows are loaded with COPY into a temporary staging table, checked
with set-based SQL (duplicates in the file and against the registry, villages, heads), then moved into
the registry with INSERT ... SELECT, a chunk of households per transaction together with its ledger
rows (file hash + row key, unique). Memory is bounded by the chunk, not by the file.

The session is the job's: the staging tables are TEMPORARY (dropped at the end, and gone with the
connection if the worker dies; the redelivered job stages the file again and the ledger skips the
chunks already written).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from core import clock
from core.audit import audit_context_apply
from core.masking import masked

from ..choices import HouseholdStatusChoices, MembershipChangeReasonChoices, RelationChoices
from ..fields import HOUSEHOLD_FIELDS, MEMBER_SHEET_FIELDS
from ..models import Household, Member

S = HouseholdStatusChoices

ROW_COLUMNS: tuple[tuple[str, str], ...] = (
    ("row", "integer"),
    ("hkey", "text"),
    ("number", "text"),
    ("village_code", "text"),
    ("address", "text"),
    ("phone", "text"),
    ("phone_key", "text"),
    ("attribute", "text"),
    ("main_cause", "text"),
    ("secondary_causes", "text[]"),
    ("typology", "text"),
    ("year_identified", "integer"),
    ("status", "text"),
    ("status_since", "date"),
    ("name", "text"),
    ("id_number", "text"),
    ("relation", "text"),
    ("sex", "text"),
    ("birth_date", "date"),
    ("ethnicity", "text"),
    ("education", "text"),
    ("schooling", "text"),
    ("health", "text"),
    ("labour_capacity", "text"),
    ("work_status", "text"),
    ("medical_insurance", "boolean"),
    ("pension_insurance", "boolean"),
    ("name_keys", "text"),  # pinyin search keys (households.search), computed as the row is read
    ("name_keyed", "text"),
    ("member_id", "bigint"),  # drawn when the row's chunk is written
)
ROW_KEYS = [name for name, _type in ROW_COLUMNS]


def staging_create() -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind in ROW_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_rows, import_households, import_errors")
        cursor.execute(f"CREATE TEMPORARY TABLE import_rows ({columns})")
        cursor.execute("CREATE TEMPORARY TABLE import_errors (row integer, col text, message text)")


def staging_drop() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_rows, import_households, import_errors")


def copy_rows(rows: Iterable[dict[str, Any]]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY import_rows ({', '.join(ROW_KEYS)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row.get(key) for key in ROW_KEYS])


def copy_errors(errors: Iterable[tuple[int, str, str]]) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy("COPY import_errors (row, col, message) FROM STDIN") as copy,
    ):
        for error in errors:
            copy.write_row(error)


def _add_errors(sql: str, params: list[Any], column: str, message: Any) -> None:
    """Insert an error for each row the query returns as (row, value): message % {"v": value, ...}."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    copy_errors((row, column, message(*rest)) for row, *rest in found)


def checks_run(*, labels: dict[str, str], villages_refused: dict[str, str], migration: bool) -> None:
    """The set-based checks; each adds its errors to import_errors."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX ON import_rows (id_number)")
        cursor.execute("CREATE INDEX ON import_rows (hkey)")
        cursor.execute("ANALYZE import_rows")
    _add_errors(
        "SELECT row, first FROM (SELECT row, min(row) OVER (PARTITION BY id_number) AS first FROM import_rows "
        "WHERE id_number IS NOT NULL) t WHERE row > first",
        [],
        labels["id_number"],
        lambda first: _("The same ID number is also on row %(r)d.") % {"r": first},
    )
    for code, message in villages_refused.items():
        _add_errors(
            "SELECT row FROM import_rows WHERE village_code = %s",
            [code],
            labels["village_code"],
            lambda m=message: m,
        )
    _add_errors(
        "SELECT row, first_row, hkey FROM (SELECT row, hkey, village_code, "
        "first_value(village_code) OVER w AS first_code, first_value(row) OVER w AS first_row "
        "FROM import_rows WHERE hkey IS NOT NULL WINDOW w AS (PARTITION BY hkey ORDER BY row)) t "
        "WHERE village_code IS DISTINCT FROM first_code",
        [],
        labels["village_code"],
        lambda first, key: _("Row %(r)d puts household %(n)s in another village.") % {"r": first, "n": key},
    )
    _add_errors(
        "SELECT min(row), coalesce(min(number), '#' || min(row)), count(*) FILTER (WHERE relation = %s) "
        "FROM import_rows WHERE hkey IS NOT NULL GROUP BY hkey "
        "HAVING count(*) FILTER (WHERE relation = %s) <> 1 AND count(*) FILTER (WHERE relation IS NULL) = 0",
        [RelationChoices.HEAD, RelationChoices.HEAD],
        labels["relation"],
        lambda key, heads: (
            _("Household %(n)s must have exactly one head (it has %(k)d).") % {"n": key, "k": heads}
        ),
    )
    # Against the registry.
    _add_errors(
        "SELECT DISTINCT ON (s.number) s.row, s.number FROM import_rows s "
        "JOIN households_household h ON h.number = s.number JOIN areas_area a ON a.id = h.village_id "
        "WHERE a.code IS DISTINCT FROM s.village_code ORDER BY s.number, s.row",
        [],
        labels["number"],
        lambda number: (
            _("Household number %(n)s is already used by a household in another village.") % {"n": number}
        ),
    )
    _add_errors(
        f"""WITH target AS ({_TARGETS_SQL})
        SELECT s.row, m.id_number FROM import_rows s JOIN households_member m ON m.id_number = s.id_number
        LEFT JOIN target t ON t.hkey = s.hkey
        WHERE m.household_id IS DISTINCT FROM t.household_id""",
        [RelationChoices.HEAD, RelationChoices.HEAD],
        labels["id_number"],
        lambda number: (
            _(
                "A person with ID number %(id)s is already registered in another household. "
                "Ask the township office to move them instead of registering them twice."
            )
            % {"id": masked(Member, "id_number", number)}
        ),
    )
    if migration:
        _add_errors(
            "SELECT row FROM import_rows WHERE status IS NULL AND hkey IS NOT NULL",
            [],
            labels["status"],
            lambda: _("A registry migration needs each household's status."),
        )


# The household each staged household key stands for: by number, or (numberless rows) the household of
# the head's registered person.
_TARGETS_SQL = """
    SELECT DISTINCT ON (s.hkey) s.hkey, coalesce(h.id, m.household_id) AS household_id
    FROM import_rows s
    LEFT JOIN households_household h ON h.number = s.number
    LEFT JOIN households_member m ON s.number IS NULL AND s.relation = %s AND m.id_number = s.id_number
    WHERE s.hkey IS NOT NULL
    ORDER BY s.hkey, (s.relation = %s) DESC, s.row
"""


def errors_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM import_errors")
        return int(cursor.fetchone()[0])


def errors_iter(limit: int | None = None) -> Iterator[tuple[int, str, str]]:
    sql = "SELECT row, col, message FROM import_errors ORDER BY row, col, message"
    with connection.cursor() as cursor:
        cursor.execute(sql + (" LIMIT %s" if limit else ""), [limit] if limit else [])
        while batch := cursor.fetchmany(5000):
            yield from batch


# -- writing --------------------------------------------------------------------------------------


def plan_households(*, file_sha256: str, chunk_size: int) -> tuple[int, int]:
    """One row per household of the file (its first row's fields), with its target household and chunk;
    households whose rows the ledger already holds for this file are left out. (to write, skipped)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE TEMPORARY TABLE import_households AS
            WITH target AS ({_TARGETS_SQL}),
            firsts AS (
                SELECT DISTINCT ON (s.hkey) s.*, a.id AS village_id FROM import_rows s
                JOIN areas_area a ON a.code = s.village_code ORDER BY s.hkey, s.row
            ),
            done AS (
                SELECT s.hkey FROM import_rows s
                LEFT JOIN households_importledger l ON l.file_sha256 = %s AND l.row_key = s.hkey || '/' || s.id_number
                GROUP BY s.hkey HAVING bool_and(l.id IS NOT NULL)
            )
            SELECT f.*, t.household_id, f.hkey IN (SELECT hkey FROM done) AS done,
                   (dense_rank() OVER (ORDER BY f.village_code, f.hkey) - 1) / %s AS chunk
            FROM firsts f JOIN target t USING (hkey)""",
            [RelationChoices.HEAD, RelationChoices.HEAD, file_sha256, chunk_size],
        )
        cursor.execute("SELECT count(*) FROM import_households WHERE done")
        skipped = cursor.fetchone()[0]
        cursor.execute("DELETE FROM import_households WHERE done")
        cursor.execute("ALTER TABLE import_households ADD COLUMN created boolean NOT NULL DEFAULT false")
        cursor.execute("CREATE INDEX ON import_households (chunk)")
        cursor.execute("CREATE INDEX ON import_households (hkey)")
        cursor.execute("ANALYZE import_households")
        cursor.execute("SELECT count(*) FROM import_households")
        return cursor.fetchone()[0], skipped


def chunks() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT chunk FROM import_households ORDER BY chunk")
        return [row[0] for row in cursor.fetchall()]


def _insert_sql(model: type[models.Model], given: dict[str, Any]) -> tuple[str, str, list[Any]]:
    """Column list, SELECT expressions and their params for an INSERT ... SELECT into `model`.

    `given` maps a column to an SQL expression, or to (expression, params); every other column gets its
    model default (auto_now columns the clock's now), so a new model field cannot be forgotten here.
    """
    columns: list[str] = []
    exprs: list[str] = []
    params: list[Any] = []
    for field in model._meta.concrete_fields:
        column = cast(str, field.column)  # concrete: never None (django-stubs types it optional)
        if field.primary_key and column not in given:
            continue
        columns.append(column)
        if column in given:
            expr, values = given[column] if isinstance(given[column], tuple) else (given[column], [])
            exprs.append(expr)
            params.extend(values)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            exprs.append("%s")
            params.append(clock.now())
        elif field.null and not field.has_default():
            exprs.append("NULL")
        else:
            exprs.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    return ", ".join(columns), ", ".join(exprs), params


def _member_defaults() -> dict[str, Any]:
    return {cast(str, f.column): f.get_default() for f in Member._meta.concrete_fields if f.has_default()}


@transaction.atomic
def chunk_write(
    chunk: int, *, file_sha256: str, job_id: Any, user_id: int | None, migration: bool, source: str
) -> dict[str, int]:
    now, today = clock.now(), clock.today()
    with connection.cursor() as cursor:
        audit_context_apply(cursor)
        cursor.execute(
            "SELECT h.id FROM households_household h JOIN import_households c ON c.household_id = h.id "
            "WHERE c.chunk = %s ORDER BY h.id FOR UPDATE OF h",
            [chunk],
        )
        updated = len(cursor.fetchall())
        sets = ", ".join(f"{f} = coalesce(c.{f}, h.{f})" for f in HOUSEHOLD_FIELDS)
        cursor.execute(
            f"UPDATE households_household h SET {sets}, phone_key = coalesce(c.phone_key, h.phone_key), "
            "version = h.version + 1, updated_at = %s FROM import_households c WHERE c.chunk = %s AND h.id = c.household_id",
            [now, chunk],
        )
        cursor.execute(
            "UPDATE import_households SET created = household_id IS NULL WHERE chunk = %s", [chunk]
        )
        _number_new_households(cursor, chunk)
        # Ids drawn ahead, so households are inserted with their head and members with their household
        # in one statement each (the foreign keys are checked at commit): no second, audited UPDATE.
        cursor.execute(
            "UPDATE import_households SET household_id = nextval(pg_get_serial_sequence('households_household', 'id')) "
            "WHERE chunk = %s AND created",
            [chunk],
        )
        cursor.execute(
            "UPDATE import_rows s SET member_id = m.id FROM import_households c, households_member m "
            "WHERE c.chunk = %s AND c.hkey = s.hkey AND m.id_number = s.id_number",
            [chunk],
        )
        cursor.execute(
            "UPDATE import_rows s SET member_id = nextval(pg_get_serial_sequence('households_member', 'id')) "
            "FROM import_households c WHERE c.chunk = %s AND c.hkey = s.hkey AND s.member_id IS NULL",
            [chunk],
        )
        head = f"(SELECT s.member_id FROM import_rows s WHERE s.hkey = c.hkey AND s.relation = '{RelationChoices.HEAD}' LIMIT 1)"
        columns, exprs, params = _insert_sql(
            Household,
            {
                "id": "c.household_id",
                "village_id": "c.village_id",
                "number": "c.number",
                "head_id": head,
                "address": "coalesce(c.address, '')",
                "phone": "coalesce(c.phone, '')",
                "phone_key": "coalesce(c.phone_key, '')",
                "attribute": (
                    "coalesce(c.attribute, %s)",
                    [Household._meta.get_field("attribute").get_default()],
                ),
                "main_cause": "c.main_cause",
                "secondary_causes": "coalesce(c.secondary_causes, '{}')",
                "typology": "coalesce(c.typology, '')",
                "year_identified": "c.year_identified",
                "status": "c.status" if migration else ("%s", [S.CANDIDATE]),
                "status_changed_at": ("%s", [now]),
            },
        )
        cursor.execute(
            f"INSERT INTO households_household ({columns}) SELECT {exprs} FROM import_households c "
            "WHERE c.chunk = %s AND c.created ORDER BY c.household_id",
            [*params, chunk],
        )
        created = cursor.rowcount
        if migration:
            _migration_history(cursor, chunk, now=now, today=today, user_id=user_id, source=source)
        members_updated = _members_update(cursor, chunk, now)
        members_created = _members_insert(cursor, chunk, today)
        cursor.execute(
            f"UPDATE households_household h SET head_id = {head} FROM import_households c "
            f"WHERE c.chunk = %s AND NOT c.created AND h.id = c.household_id AND h.head_id IS DISTINCT FROM {head}",
            [chunk],
        )
        cursor.execute(
            "INSERT INTO households_importledger (file_sha256, row_key, household_id, job_id, imported_at) "
            "SELECT %s, s.hkey || '/' || s.id_number, c.household_id, %s, %s FROM import_rows s "
            "JOIN import_households c ON c.hkey = s.hkey WHERE c.chunk = %s ON CONFLICT DO NOTHING",
            [file_sha256, job_id, now, chunk],
        )
    return {
        "households_created": created,
        "households_updated": updated,
        "members_created": members_created,
        "members_updated": members_updated,
    }


def _number_new_households(cursor: Any, chunk: int) -> None:
    """Numberless households get `<village code><5 digits>` after the village's highest, as the form does
    (villages locked in code order so two imports cannot draw the same number)."""
    cursor.execute(
        "SELECT a.id FROM areas_area a JOIN import_households c ON c.village_id = a.id "
        "WHERE c.chunk = %s AND c.household_id IS NULL AND c.number IS NULL ORDER BY a.code FOR UPDATE OF a",
        [chunk],
    )
    if not cursor.fetchall():
        return
    cursor.execute(
        r"""WITH todo AS (
                SELECT c.hkey, a.code, c.village_id,
                       row_number() OVER (PARTITION BY c.village_id ORDER BY c.row) AS rn
                FROM import_households c JOIN areas_area a ON a.id = c.village_id
                WHERE c.chunk = %s AND c.household_id IS NULL AND c.number IS NULL
            ),
            top AS (
                SELECT h.village_id, max(substr(h.number, 13)::int) AS last FROM households_household h
                WHERE h.village_id IN (SELECT village_id FROM todo) AND h.number ~ '^\d{17}$'
                  AND substr(h.number, 1, 12) = (SELECT code FROM areas_area WHERE id = h.village_id)
                GROUP BY h.village_id
            )
            UPDATE import_households c SET number = t.code || lpad((coalesce(top.last, 0) + t.rn)::text, 5, '0')
            FROM todo t LEFT JOIN top ON top.village_id = t.village_id WHERE c.hkey = t.hkey""",
        [chunk],
    )


def _migration_history(
    cursor: Any, chunk: int, *, now: dt.datetime, today: dt.date, user_id: int | None, source: str
) -> None:
    """The status history of households migrated from the previous system: registered in their year
    identified, then (if they moved on) their present status from its date."""
    reason = _("Migrated from the previous registry system")
    registered_on = "make_date(coalesce(c.year_identified, extract(year FROM %s::date)::int), 12, 1)"
    cursor.execute(
        f"""INSERT INTO households_householdstatuschange
            (household_id, from_status, to_status, changed_at, effective_date, changed_by_id, reason, source)
        SELECT c.household_id, %s, CASE WHEN c.status = %s THEN %s ELSE %s END, %s,
               least({registered_on}, coalesce(c.status_since, %s)), %s, %s, %s
        FROM import_households c
        WHERE c.chunk = %s AND c.created AND c.status <> %s""",
        [
            S.CANDIDATE,
            S.REJECTED,
            S.REJECTED,
            S.REGISTERED,
            now,
            today,
            today,
            user_id,
            reason,
            source,
            chunk,
            S.CANDIDATE,
        ],
    )
    cursor.execute(
        """INSERT INTO households_householdstatuschange
            (household_id, from_status, to_status, changed_at, effective_date, changed_by_id, reason, source)
        SELECT c.household_id, %s, c.status, %s, coalesce(c.status_since, %s), %s, %s, %s
        FROM import_households c
        WHERE c.chunk = %s AND c.created AND c.status NOT IN (%s, %s, %s)""",
        [
            S.REGISTERED,
            now,
            today,
            user_id,
            reason,
            source,
            chunk,
            S.CANDIDATE,
            S.REJECTED,
            S.REGISTERED,
        ],
    )


def _members_update(cursor: Any, chunk: int, now: dt.datetime) -> int:
    sets = ", ".join(f"{f} = coalesce(s.{f}, m.{f})" for f in MEMBER_SHEET_FIELDS)
    keys = (
        "name_keys = CASE WHEN s.name_keyed IS DISTINCT FROM m.name_keyed THEN s.name_keys ELSE m.name_keys END, "
        "name_keyed = coalesce(s.name_keyed, m.name_keyed)"
    )
    cursor.execute(
        f"UPDATE households_member m SET {sets}, {keys}, version = m.version + 1, updated_at = %s "
        "FROM import_rows s JOIN import_households c ON c.hkey = s.hkey "
        "WHERE c.chunk = %s AND m.id_number = s.id_number",
        [now, chunk],
    )
    return int(cursor.rowcount)


def _members_insert(cursor: Any, chunk: int, today: dt.date) -> int:
    defaults = _member_defaults()
    given: dict[str, Any] = {
        "id": "s.member_id",
        "household_id": "c.household_id",
        "name": "s.name",
        "name_keys": "coalesce(s.name_keys, '')",
        "name_keyed": "s.name_keyed",
        "id_number": "s.id_number",
        "relation": "s.relation",
        "sex": "s.sex",
        "birth_date": "s.birth_date",
    }
    for name in MEMBER_SHEET_FIELDS:
        if name not in given:
            given[name] = (f"coalesce(s.{name}, %s)", [defaults.get(name, "")])
    columns, exprs, params = _insert_sql(Member, given)
    cursor.execute(
        f"""WITH created AS (
            INSERT INTO households_member ({columns})
            SELECT {exprs} FROM import_rows s JOIN import_households c ON c.hkey = s.hkey
            WHERE c.chunk = %s AND NOT EXISTS (SELECT 1 FROM households_member m WHERE m.id_number = s.id_number)
            ORDER BY s.row
            RETURNING id, household_id, relation
        )
        INSERT INTO households_membershipperiod (member_id, household_id, relation, joined_on, join_reason, left_on, leave_reason)
        SELECT id, household_id, relation, %s, %s, NULL, '' FROM created""",
        [*params, chunk, today, MembershipChangeReasonChoices.REGISTRATION],
    )
    return int(cursor.rowcount)
