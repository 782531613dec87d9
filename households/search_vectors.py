"""The household's search vector: what a name search reads, one GIN index on the household table.

`Household.search_vector` holds, as tsvector lexemes, every current member's pinyin keys (`zhangsan`,
`zs`, ... from `Member.name_keys`), each member's name behind `#` (`#张三`) and the village code behind
`@` (`@622922100200`). A search is then one prefix match on one index of the table the page lists:
`search_vector @@ 'zs':*`, and for a township or village user `'zs':* & '@622922100':*`, so the
user's area is applied inside the index scan instead of walking a county's households (the measured
58x of `zs` for a township user) or fetching thousands of members one by one and their households
after them (zhangsan, 张三 at 5-9x). See bench/search_bench.py.

The vector is kept by the database, whoever writes: statement-level triggers on the member table
(`MEMBER_TRIGGERS`, transition tables, so an import's INSERT ... SELECT of 250 households recomputes
them in one UPDATE) and a row trigger when a household changes village. All of them call the SQL
function `household_search_vector(household id, village id)` (migration households 0008), the one
definition of the vector; `household_search_vectors_refresh` runs it set-based for bulk loads that
write with triggers off (benchmarks) and for the backfill.
"""

from __future__ import annotations

from typing import Any

import pgtrigger
from django.db import connection

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

# The one definition (installed by migration households 0008; CREATE OR REPLACE keeps it current).
# NULL for a household without members: a name search never finds it, whatever its village.
VECTOR_FUNCTION = """
CREATE OR REPLACE FUNCTION household_search_vector(h_id bigint, v_id bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN count(*) = 0 THEN NULL ELSE
        array_to_tsvector(array_agg(DISTINCT lexeme)
            || ARRAY(SELECT '@' || a.code FROM areas_area a WHERE a.id = v_id)) END
    FROM households_member m,
         LATERAL unnest(string_to_array(btrim(m.name_keys), ' ') || ('#' || m.name)) AS lexeme
    WHERE m.household_id = h_id AND lexeme <> '' AND lexeme <> '#'
$$
"""


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
