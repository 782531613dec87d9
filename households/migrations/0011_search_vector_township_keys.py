"""The search vector's keys and names also behind their township (`@622922100/zs`), so a township
user's name search is one prefix range of the GIN index (households.search_vectors).

Not atomic: the function is replaced first, then the vectors are recomputed in batches of household
ids, one transaction each, so a million households are never one statement (row locks, a timeout, one
rollback losing everything). Resumable: a rerun after an interruption recomputes only the households
whose vector has no lexeme of its own township yet (a cheap test on the stored vector), so the batches
already committed are read but not recomputed. Until it ends, the code before this change keeps
finding everything (its `'@622922100':*` also matches the new lexemes); the new code needs it done.
Cost at 1,000,000 households: see bench/README.md (search_bench.py).
"""

from django.db import migrations

from households.search_vectors import VECTOR_FUNCTION

# The definition before this migration (0008's), restored when it is reversed.
VECTOR_FUNCTION_0008 = """
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

# Households still without their township's lexemes: a vector that does not match its own township's
# prefix (`'@622922100/':*`), or none although the household has members.
NOT_DONE = (
    "(h.search_vector IS NULL AND EXISTS (SELECT 1 FROM households_member m WHERE m.household_id = h.id)) "
    "OR NOT h.search_vector @@ (SELECT ('''@' || left(a.code, 9) || '/'':*')::tsquery "
    "FROM areas_area a WHERE a.id = h.village_id)"
)
# Reversed: households whose vector still has them.
NOT_UNDONE = "h.search_vector::text LIKE '%%''@_________/%%'"


def backfill(apps, schema_editor):
    from households.search_vectors import household_search_vectors_backfill

    household_search_vectors_backfill(NOT_DONE)


def unbackfill(apps, schema_editor):
    from households.search_vectors import household_search_vectors_backfill

    household_search_vectors_backfill(NOT_UNDONE)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("households", "0010_field_labels"),
    ]

    # Reversed, the operations run last to first: the old function is back before the vectors are
    # recomputed with it.
    operations = [
        migrations.RunPython(migrations.RunPython.noop, unbackfill),
        migrations.RunSQL(VECTOR_FUNCTION, VECTOR_FUNCTION_0008),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
