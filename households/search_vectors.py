"""The household's search vector: what a name search reads, one GIN index on the household table.

`Household.search_vector` holds, as tsvector lexemes, every current member's pinyin keys (`zhangsan`,
`zs`, ... from `Member.name_keys`), each member's name behind `#` (`#张三`), the village code behind
`@` (`@622922100200`), and each key and name again behind its township (`@622922100/zs`,
`@622922100/#张三`). A search is then one prefix match on one index of the table the page lists:
`search_vector @@ 'zs':*` for a county user, and for a township user `'@622922100/zs':*`, so the
township's matches are one prefix range of the index (its ~1,000 `zs` entries) instead of two big
prefix bitmaps intersected (every `zs*` of the county and the township's villages: 82-111 ms for the
township's `zs` at a million households, bench/search_bench.py). A village user adds the village,
`'@622922100/zs':* & '@622922100200':*`. The township lexemes double the vector's size.

The vector is kept by the database, whoever writes: statement-level triggers on the member table
(`MEMBER_TRIGGERS`, transition tables, so an import's INSERT ... SELECT of 250 households recomputes
them in one UPDATE) and a row trigger when a household changes village. All of them call the SQL
function `household_search_vector(household id, village id)` (migrations households 0008 and 0011),
the one definition of the vector; `household_search_vectors_refresh` runs it set-based for bulk loads
that write with triggers off (benchmarks), `household_search_vectors_backfill` in batches of
households for a migration that changes the definition.
"""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.db import connection, transaction

from areas.choices import LEVEL_PREFIX_LENGTH, AreaLevelChoices

_REFRESH = (
    "UPDATE households_household h SET search_vector = household_search_vector(h.id, h.village_id) "
    "WHERE h.id IN ({ids}); RETURN NULL;"
)

# Members whose name, keys or household changed: their old and new households are recomputed.
_CHANGED = (
    "SELECT n.household_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
    "WHERE o.name IS DISTINCT FROM n.name OR o.name_keys IS DISTINCT FROM n.name_keys "
    "OR o.household_id IS DISTINCT FROM n.household_id "
    "UNION SELECT o.household_id FROM new_rows n JOIN old_rows o ON o.id = n.id "
    "WHERE o.household_id IS DISTINCT FROM n.household_id"
)


def _after_statement(operation: Any, referencing: Any, ids: str) -> pgtrigger.Trigger:
    return pgtrigger.Trigger(
        name=f"search_vector_{str(operation).lower()}",
        level=pgtrigger.Statement,
        when=pgtrigger.After,
        operation=operation,
        referencing=referencing,
        func=_REFRESH.format(ids=ids),
    )


MEMBER_TRIGGERS = [
    _after_statement(
        pgtrigger.Insert, pgtrigger.Referencing(new="new_rows"), "SELECT household_id FROM new_rows"
    ),
    _after_statement(pgtrigger.Update, pgtrigger.Referencing(old="old_rows", new="new_rows"), _CHANGED),
    _after_statement(
        pgtrigger.Delete, pgtrigger.Referencing(old="old_rows"), "SELECT household_id FROM old_rows"
    ),
]

HOUSEHOLD_TRIGGERS = [
    pgtrigger.Trigger(
        name="search_vector_village",
        level=pgtrigger.Row,
        when=pgtrigger.Before,
        operation=pgtrigger.UpdateOf("village_id"),
        condition=pgtrigger.Q(old__village__df=pgtrigger.F("new__village")),
        func="NEW.search_vector := household_search_vector(NEW.id, NEW.village_id); RETURN NEW;",
    ),
]

# The township's code prefix: what the area lexemes of the keys carry (`@622922100/zs`).
TOWNSHIP_PREFIX = LEVEL_PREFIX_LENGTH[AreaLevelChoices.TOWNSHIP]

# The one definition (installed by migrations households 0008 and 0011; CREATE OR REPLACE keeps it
# current). NULL for a household without members: a name search never finds it, whatever its village.
VECTOR_FUNCTION = f"""
CREATE OR REPLACE FUNCTION household_search_vector(h_id bigint, v_id bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN count(*) = 0 THEN NULL ELSE
        array_to_tsvector(array_remove(array_agg(DISTINCT lexeme)
            || array_agg(DISTINCT '@' || left(a.code, {TOWNSHIP_PREFIX}) || '/' || lexeme)
            || ('@' || min(a.code)), NULL)) END
    FROM households_member m
    CROSS JOIN LATERAL unnest(string_to_array(btrim(m.name_keys), ' ') || ('#' || m.name)) AS lexeme
    LEFT JOIN areas_area a ON a.id = v_id
    WHERE m.household_id = h_id AND lexeme <> '' AND lexeme <> '#'
$$
"""  # noqa: S608 - the township's prefix length is a constant of code


def household_search_vectors_refresh(where: str = "TRUE", params: list[Any] | None = None) -> int:
    """Recompute the vectors of the households matching `where` (SQL on `h`), set-based. For loads
    written with triggers off and for the backfill; every ordinary write is kept by the triggers."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE households_household h SET search_vector = s.vector "  # noqa: S608 - `where` is code's SQL
            "FROM (SELECT h.id, household_search_vector(h.id, h.village_id) AS vector "
            f"FROM households_household h WHERE {where}) s "
            "WHERE h.id = s.id AND h.search_vector IS DISTINCT FROM s.vector",
            params or [],
        )
        return cursor.rowcount


BACKFILL_BATCH = 5000


def household_search_vectors_backfill(
    where: str = "TRUE", params: list[Any] | None = None, *, batch: int = BACKFILL_BATCH
) -> int:
    """`household_search_vectors_refresh` over the whole table in ranges of `batch` household ids, one
    transaction each (call it outside a transaction: a migration with `atomic = False`), so a million
    households are never one statement holding every row lock, and an interrupted run keeps the batches
    it committed. `where` (SQL on `h`) should also tell the rows already done apart cheaply, so that a
    rerun skips them without recomputing their vectors. Returns the number of rows updated."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM households_household")
        first, last = cursor.fetchone()
    if first is None:
        return 0
    updated = 0
    for start in range(first, last + 1, batch):
        with transaction.atomic():
            updated += household_search_vectors_refresh(
                f"h.id >= %s AND h.id < %s AND ({where})", [start, start + batch, *(params or [])]
            )
    return updated
