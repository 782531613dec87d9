"""The search vector's keys behind their township (`@622901103/zs`): a township or village user's name
search is one prefix range of the index, and finds only its own area's households whatever the scoping
after it; the lexemes follow a household to another village and a member to another household; the
migration that added them backfills in batches and skips what it already did."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.db import connection

from accounts.roles import RoleChoices
from core import clock
from households.choices import RelationChoices
from households.models import Household
from households.search import household_search_q, household_vector_query, search_scope
from households.search_vectors import household_search_vectors_backfill
from households.selectors import household_list
from households.services import member_move
from tests.factories import make_area, make_household, make_member, make_user

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("households.migrations.0011_search_vector_township_keys")


@pytest.fixture
def zhangs(county):
    """A household with a 张三 in each village of both townships."""
    homes = {}
    for key in ("village_a1", "village_a2", "village_b1", "village_b2"):
        homes[key] = make_household(getattr(county, key), members=0)
        make_member(homes[key], relation="head", name="张三", birth_date=dt.date(1990, 5, 5))
    return homes


def matched(q: str, scope: tuple[str, ...]) -> set[int]:
    """Households the index query alone matches, without the user's scoping after it."""
    return set(Household.objects.filter(household_search_q(q, scope=scope)).values_list("pk", flat=True))


def vector_of(household) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(tsvector_to_array(search_vector), '{}') FROM households_household WHERE id = %s",
            [household.pk],
        )
        return set(cursor.fetchone()[0])


@pytest.mark.parametrize("q", ["zs", "zhangsan", "zhang san", "zhangs", "张三", "张"])
def test_a_township_users_index_query_matches_only_its_township(county, zhangs, q):
    township_a = search_scope(county.staff_a)
    assert township_a == ("622901103",)
    # the query is the township's own range of the index, not the key and the township apart
    assert household_vector_query(q, township_a).startswith("'@622901103/")
    # matched by the index query alone: the two households of township a, none of township b
    assert matched(q, township_a) == {zhangs["village_a1"].pk, zhangs["village_a2"].pk}
    assert matched(q, search_scope(county.staff_b)) == {zhangs["village_b1"].pk, zhangs["village_b2"].pk}
    # and what the users' lists show agrees
    listed = set(household_list(user=county.staff_a, filters={"q": q}).values_list("pk", flat=True))
    assert listed == {zhangs["village_a1"].pk, zhangs["village_a2"].pk}


def test_a_village_users_index_query_matches_only_its_village(county, zhangs):
    village = search_scope(county.secretary_a1)
    assert village == ("622901103201",)
    assert matched("zs", village) == {zhangs["village_a1"].pk}
    assert matched("张三", village) == {zhangs["village_a1"].pk}


def test_a_scope_of_two_townships_matches_both_and_nothing_else(county, zhangs):
    town_c = make_area("622901104000", "新集镇", "township", county.county)
    village_c = make_area("622901104201", "新集村", "village", town_c)
    elsewhere = make_household(village_c, members=0)
    make_member(elsewhere, relation="head", name="张三", birth_date=dt.date(1991, 5, 5))
    scope = ("622901101", "622901103201")  # township b and one village of township a
    assert matched("zs", scope) == {zhangs["village_b1"].pk, zhangs["village_b2"].pk, zhangs["village_a1"].pk}


def test_a_household_moved_to_another_village_gets_its_keys_recomputed(county, zhangs):
    household = zhangs["village_a1"]
    # moved to a village of the other township (an area correction saved through the model)
    household.village = county.village_b1
    household.save()
    vector = vector_of(household)
    assert {"@622901101/zs", "@622901101/#张三", "@622901101201"} <= vector
    assert not any(lexeme.startswith("@622901103") for lexeme in vector)
    # found by the new township's users, no longer by the old one's, even before their scoping
    assert household.pk in matched("zs", search_scope(county.staff_b))
    assert household.pk not in matched("zs", search_scope(county.staff_a))
    assert household.pk not in matched("zhangsan", search_scope(county.secretary_a1))
    assert household.pk in set(
        household_list(user=county.staff_b, filters={"q": "zhangsan"}).values_list("pk", flat=True)
    )


def test_a_member_moved_to_another_townships_household_takes_its_keys_along(county):
    old_home = make_household(county.village_a1, members=0)
    make_member(old_home, relation="head", name="王五")
    mover = make_member(old_home, relation="child", name="曾小单", birth_date=dt.date(1995, 5, 5))
    new_home = make_household(county.village_b2, members=0)
    make_member(new_home, relation="head", name="王六")
    clerk = make_user(RoleChoices.TOWNSHIP_STAFF, county.village_a1.parent, county.village_b1.parent)
    member_move(
        member=mover,
        to_household=new_home,
        user=clerk,
        moved_on=clock.today(),
        reason="marriage",
        relation=RelationChoices.SPOUSE,
    )
    assert "@622901101/zengxiaodan" in vector_of(new_home)
    assert not any("zengxiaodan" in lexeme for lexeme in vector_of(old_home))
    assert matched("zxd", search_scope(county.staff_b)) == {new_home.pk}
    assert matched("zxd", search_scope(county.staff_a)) == set()


# -- the migration's backfill (households 0011) -----------------------------------------------------


def _as_before_0011(households) -> None:
    """Vectors as the definition of migration 0008 made them: without the township lexemes."""
    with connection.cursor() as cursor:
        for household in households:
            cursor.execute(
                "UPDATE households_household SET search_vector = array_to_tsvector(ARRAY("
                "SELECT l FROM unnest(tsvector_to_array(search_vector)) l WHERE l NOT LIKE '@%%/%%')) "
                "WHERE id = %s",
                [household.pk],
            )


def test_the_backfill_is_batched_resumable_and_fine_on_an_empty_table(county):
    # nothing to do on an empty registry (the test database): no batch at all
    assert not Household.objects.exists()
    assert household_search_vectors_backfill(MIGRATION.NOT_DONE, batch=2) == 0
    # given five households, three of them with vectors from before the migration and one without members
    homes = [make_household(county.village_a1, members=0) for _ in range(5)]
    for home in homes[:4]:
        make_member(home, relation="head", name="张三")
    _as_before_0011(homes[:3])
    assert matched("zs", ("622901103",)) == {homes[3].pk}
    # when the backfill runs in batches of two ids
    updated = household_search_vectors_backfill(MIGRATION.NOT_DONE, batch=2)
    # then exactly the three old vectors were rewritten and every household is found by its township
    assert updated == 3
    assert matched("zs", ("622901103",)) == {home.pk for home in homes[:4]}
    assert vector_of(homes[4]) == set()
    # and a rerun (a resumed migration) finds nothing left to recompute
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM households_household h WHERE " + MIGRATION.NOT_DONE.replace("%%", "%")  # noqa: S608
        )
        assert cursor.fetchone()[0] == 0
    assert household_search_vectors_backfill(MIGRATION.NOT_DONE, batch=2) == 0


def test_the_migration_reversed_restores_the_vectors_of_before(county, zhangs):
    # the old definition back (DDL is transactional: the test's rollback restores the current one)
    with connection.cursor() as cursor:
        cursor.execute(MIGRATION.VECTOR_FUNCTION_0008)
    assert household_search_vectors_backfill(MIGRATION.NOT_UNDONE, batch=2) == 4
    assert vector_of(zhangs["village_a1"]) == {"zhangsan", "zhangs", "zsan", "zs", "#张三", "@622901103201"}
    assert household_search_vectors_backfill(MIGRATION.NOT_UNDONE, batch=2) == 0


def test_a_township_search_reads_the_index_once_whatever_the_villages(county, zhangs):
    # The planner cannot know the township's lexemes imply the scope's villages: it estimated ~2 rows a
    # village and repeated the index scan for each village (bench/search_bench.py). The matches are read
    # once (an InitPlan) and the page's rows probed by id; the county-wide search is the plain match.
    township = household_search_q("zs", scope=search_scope(county.staff_a))
    sql = str(Household.objects.filter(township).query)
    assert "= ANY(ARRAY(SELECT" in sql
    assert "ANY(ARRAY" not in str(Household.objects.filter(household_search_q("zs")).query)
    qs = household_list(user=county.staff_a, filters={"q": "zs"}).order_by("-id").values("pk")
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "InitPlan" in plan, plan
    assert "household_search_gin" in plan, plan
    assert [row["pk"] for row in qs] == sorted(
        [zhangs["village_a1"].pk, zhangs["village_a2"].pk], reverse=True
    )
