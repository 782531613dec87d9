"""Name search: characters, full pinyin, initials, mixed, polyphone surnames and ID-number tails, through
the one FilterSet (page and API) and the pickers' API `q`."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from pghistory.models import Events

from accounts.roles import RoleChoices
from households.models import Household, Member
from households.search import (
    household_search_q,
    household_vector_query,
    member_search_keys_refresh,
    member_search_q,
    name_keys,
    search_scope,
)
from households.search_vectors import household_search_vectors_refresh
from households.selectors import household_list
from households.services import member_update
from tests.factories import make_household, make_member, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(county):
    """Households in one village whose members are named as the queries below expect."""
    h_zhang = make_household(county.village_a1, members=0)
    # born after 1983, when the code 622901 (Linxia city) came into use, so the service accepts the number
    zhang = make_member(h_zhang, relation="head", name="张三", birth_date=dt.date(1990, 5, 5))
    h_zhao = make_household(county.village_a1, members=0)
    make_member(h_zhao, relation="head", name="赵四")
    make_member(h_zhao, name="周思")  # initials zs too, in another household
    h_shan = make_household(county.village_a1, members=0)
    make_member(h_shan, relation="head", name="单雄信")
    h_zeng = make_household(county.village_a1, members=0)
    make_member(h_zeng, relation="head", name="曾国藩")
    h_xie = make_household(county.village_a1, members=0)
    make_member(h_xie, relation="head", name="解晓东")
    h_other = make_household(county.village_b1, members=0)  # another township
    make_member(h_other, relation="head", name="张三丰")
    return {
        "zhang": h_zhang,
        "zhang_member": zhang,
        "zhao": h_zhao,
        "shan": h_shan,
        "zeng": h_zeng,
        "xie": h_xie,
        "other": h_other,
    }


def found(user, q: str) -> set[int]:
    return set(household_list(user=user, filters={"q": q}).values_list("pk", flat=True))


def test_keys_cover_full_pinyin_initials_and_mixed():
    keys = name_keys("张三").split()
    assert set(keys) == {"zhangsan", "zhangs", "zsan", "zs"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("张三", {"zhang"}),
        ("张", {"zhang"}),
        ("zhangsan", {"zhang"}),
        ("zhang san", {"zhang"}),
        ("ZhangSan", {"zhang"}),
        ("zhangs", {"zhang"}),
        ("zsan", {"zhang"}),
        ("zs", {"zhang", "zhao"}),  # 张三 and 周思 (赵四's household)
        ("shanxiongxin", {"shan"}),  # 单 read as a surname
        ("danxiongxin", {"shan"}),  # and as typed by someone who reads it dan
        ("sxx", {"shan"}),
        ("zengguofan", {"zeng"}),
        ("zgf", {"zeng"}),
        ("xiexiaodong", {"xie"}),
        ("xxd", {"xie"}),
        ("wangwu", set()),
    ],
)
def test_each_query_form_finds_its_household(county, people, query, expected):
    # given households named as in the fixture, in the staff member's township
    # when the list is filtered by the query
    result = found(county.staff_a, query)
    # then exactly the expected households come back, and never the other township's 张三丰
    assert result == {people[key].pk for key in expected}
    assert people["other"].pk not in result


def test_last_digits_of_an_id_number(county, people):
    member = people["zhao"].members.get(name="赵四")
    for length in (4, 5, 6):
        assert found(county.staff_a, member.id_number[-length:]) >= {people["zhao"].pk}
    # the whole number finds it too, and a tail belonging to nobody finds nothing
    assert found(county.staff_a, member.id_number) == {people["zhao"].pk}
    taken = set(Member.objects.values_list("id_number", flat=True))
    free = next(f"{n:06d}" for n in range(1000000) if not any(x and x.endswith(f"{n:06d}") for x in taken))
    assert found(county.staff_a, free) == set()


def test_id_tail_with_check_character_x(county):
    household = make_household(county.village_a1, members=0)
    member = make_member(household, relation="head", name="李四")
    Member.objects.filter(pk=member.pk).update(id_number=member.id_number[:17] + "X")
    assert found(county.staff_a, member.id_number[-5:-1] + "x") == {household.pk}


def test_household_number_prefix_still_works(county, people):
    number = people["zeng"].number
    assert found(county.staff_a, number) == {people["zeng"].pk}


def test_renaming_a_member_updates_the_keys(county, people):
    # given 张三 is renamed 王五 through the service
    member = people["zhang_member"]
    member_update(member=member, user=county.staff_a, expected_version=member.version, name="王五")
    # then the new name is found by pinyin and the old one no longer is
    assert found(county.staff_a, "wangwu") == {people["zhang"].pk}
    assert people["zhang"].pk not in found(county.staff_a, "zhangsan")


def test_bulk_written_rows_are_refreshed_set_based(county, people):
    # given names changed with SQL, as a bulk import writes them
    household = people["zhang"]
    Member.objects.filter(household=household).update(name="曾小单")
    assert found(county.staff_a, "zengxiaodan") == set()  # the keys are stale
    # when the set-based refresh runs over the bulk-written rows
    updated = member_search_keys_refresh(Member.objects.filter(household=household))
    # then one UPDATE per batch made them searchable, and a second run finds nothing stale
    assert updated == 1
    assert found(county.staff_a, "zengxiaodan") == {household.pk}
    assert member_search_keys_refresh() == 0


def test_renaming_keys_alone_writes_no_audit_event(county, people):
    member = people["zhang_member"]
    before = Events.objects.tracks(member).count()
    Member.objects.filter(pk=member.pk).update(name_keys="", name_keyed=None)
    member_search_keys_refresh([member.pk])
    assert Events.objects.tracks(member).count() == before


def test_api_q_uses_the_same_search(county, people, api):
    response = api(county.staff_a).get("/api/households/households/", {"q": "zs"})
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {people["zhang"].pk, people["zhao"].pk}


def test_page_filter_uses_the_same_search(county, people, web):
    response = web(county.staff_a).get("/households/", {"q": "zengguofan"})
    assert response.status_code == 200
    assert people["zeng"].number in response.content.decode()
    assert people["zhang"].number not in response.content.decode()


def test_assistance_and_exit_lists_search_households_by_pinyin(county, people):
    from assistance.filters import FollowUpFilterSet, VisitFilterSet
    from assistance.models import FollowUp, Visit
    from assistance.services import visit_log
    from core import clock

    visit = visit_log(
        household=people["xie"],
        visited_on=clock.today(),
        findings="好",
        user=county.staff_a,
        follow_ups=[("修屋顶", clock.today())],
    )
    visit_log(household=people["zeng"], visited_on=clock.today(), findings="好", user=county.staff_a)
    visits = VisitFilterSet({"q": "xxd"}, queryset=Visit.objects.all()).qs
    assert list(visits) == [visit]
    follow_ups = FollowUpFilterSet({"q": "xiexiaodong"}, queryset=FollowUp.objects.all()).qs
    assert [f.visit_id for f in follow_ups] == [visit.pk]


@pytest.mark.parametrize(
    ("query", "index"),
    [("zs", "member_name_keys_trgm"), ("123456", "member_id_tail_idx"), ("张三", "member_name_pattern_idx")],
)
def test_search_reads_the_indexes(county, people, query, index):
    # On a table of a few rows every plan costs the same and the planner may take any index (PostgreSQL 18
    # scanned the unique ID index with a filter): give it 3,000 other members with statistics, and forbid
    # the sequential scan it would still prefer on a small table, to see that the search's index applies.
    sql, params = (
        Member.objects.filter(member_search_q(query)).order_by().values("pk").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO households_member (created_at, updated_at, version, name, id_number, relation, sex,
                 birth_date, ethnicity, education, schooling, health, labour_capacity, work_status,
                 medical_insurance, pension_insurance, phone, household_id, name_keys)
               SELECT created_at, updated_at, 0, '填充' || g, '9' || lpad(g::text, 17, '0'), relation, sex,
                 birth_date, ethnicity, education, schooling, health, labour_capacity, work_status,
                 medical_insurance, pension_insurance, phone, household_id, ' tianchong' || g
               FROM households_member, generate_series(1, 3000) AS g WHERE id = %s""",
            [people["zhang_member"].pk],
        )
        cursor.execute("ANALYZE households_member")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan, plan


def test_nightly_refresh_eagerly(county, people):
    from households.tasks import households_search_keys_refresh

    Member.objects.filter(pk=people["zhang_member"].pk).update(name="解小单")
    assert households_search_keys_refresh() == 1
    assert found(county.staff_a, "xiexiaodan") == {people["zhang"].pk}
    assert households_search_keys_refresh() == 0


@pytest.mark.django_db(transaction=True)
def test_nightly_refresh_on_a_real_worker(county, celery_worker):
    from households.tasks import households_search_keys_refresh
    from tests.helpers import wait_for

    household = make_household(county.village_a1, members=0)
    member = make_member(household, relation="head", name="张三")
    Member.objects.filter(pk=member.pk).update(name="曾二")  # written past the services
    households_search_keys_refresh.delay()
    wait_for(lambda: Member.objects.get(pk=member.pk).name_keyed == "曾二", timeout=60)
    assert " zenger" in Member.objects.get(pk=member.pk).name_keys


# -- the household's search vector (households.search_vectors) ------------------------------------------


def vector_of(household) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(tsvector_to_array(search_vector), '{}') FROM households_household WHERE id = %s",
            [household.pk],
        )
        return set(cursor.fetchone()[0]) if Household.objects.filter(pk=household.pk).exists() else set()


def test_the_vector_holds_keys_names_village_and_township_keys(county, people):
    keys = {"zhangsan", "zhangs", "zsan", "zs", "#张三"}
    # each key and name also behind the village's township, so a township's matches are one index range
    township = {f"@622901103/{key}" for key in keys}
    assert vector_of(people["zhang"]) == keys | township | {"@622901103201"}
    # a household without members has none: a name search never finds it
    assert vector_of(make_household(county.village_a1, members=0)) == set()


def test_the_database_keeps_the_vector_whoever_writes(county, people):
    zhang, zhao = people["zhang"], people["zhao"]
    # a member added with plain SQL (an import's INSERT ... SELECT) is in the vector at once
    new = make_member(zhao, name="李四")
    assert "#李四" in vector_of(zhao)
    # a member moved by an UPDATE leaves the old household's vector and enters the new one
    Member.objects.filter(pk=new.pk).update(household=zhang)
    assert "#李四" in vector_of(zhang)
    assert "#李四" not in vector_of(zhao)
    # an update of anything else recomputes nothing (and changes nothing)
    before = vector_of(zhang)
    Member.objects.filter(household=zhang).update(health="illness")
    assert vector_of(zhang) == before
    # a deleted member leaves it
    Member.objects.filter(pk=new.pk).delete()
    assert "#李四" not in vector_of(zhang)
    # a household moved to another village carries the new village code
    Household.objects.filter(pk=zhang.pk).update(village=county.village_b1)
    assert "@622901101201" in vector_of(zhang)
    assert "@622901103201" not in vector_of(zhang)


def test_a_vector_change_writes_no_household_audit_event(county, people):
    household = people["zhang"]
    before = Events.objects.tracks(household).count()
    make_member(household, name="王五")
    assert "#王五" in vector_of(household)
    assert Events.objects.tracks(household).count() == before


def test_the_bulk_refresh_restores_vectors_written_with_triggers_off(county, people):
    Household.objects.filter(pk=people["zhang"].pk).update(search_vector=None)  # as a load with triggers off
    assert found(county.staff_a, "zhangsan") == set()
    assert household_search_vectors_refresh() == 1
    assert found(county.staff_a, "zhangsan") == {people["zhang"].pk}
    assert household_search_vectors_refresh() == 0


def test_a_township_users_search_is_narrowed_inside_the_index(county, people):
    # the township user's query names their township; the county user's does not (it would read the county)
    assert "@622901103" in household_vector_query("zs", search_scope(county.staff_a))
    assert "@" not in household_vector_query("zs", search_scope(county.county_official))
    # and each finds what their scope holds: 张三丰 is in township b
    assert found(county.staff_a, "zs") == {people["zhang"].pk, people["zhao"].pk}
    assert found(county.county_official, "zs") == {people["zhang"].pk, people["zhao"].pk, people["other"].pk}


def test_a_superuser_with_a_township_area_still_searches_everything(county, people):
    admin = make_user(RoleChoices.TOWNSHIP_STAFF, county.village_a1.parent, username="root_with_area")
    admin.is_superuser = True
    assert search_scope(admin) == ()
    assert people["other"].pk in found(admin, "zsf")


def test_household_search_reads_the_vector_index(county, people):
    # On a table of a few rows the planner may take any index; without the sequential scan the name
    # search's only usable one is the vector's (a bitmap scan) (bench/search_bench.py shows the plans at a million)
    qs = (
        Household.objects.filter(household_search_q("zhangsan", scope=("622901103",))).order_by().values("pk")
    )
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "household_search_gin" in plan, plan
    assert [row["pk"] for row in qs] == [people["zhang"].pk]


def _zhangs(county, n: int) -> list[int]:
    """n households headed by a 张三 in one village, newest first."""
    ids = []
    for _ in range(n):
        household = make_household(county.village_a1, members=0)
        make_member(household, relation="head", name="张三")
        ids.append(household.pk)
    return sorted(ids, reverse=True)


def test_a_searched_api_page_reads_its_ids_first_and_walks_every_match_in_order(county, api):
    from django.test.utils import CaptureQueriesContext

    # given
    expected = _zhangs(county, 7)
    client = api(county.staff_a)

    # when: cursor pages of 3
    seen, heads, url = [], set(), "/api/households/households/?q=zhangsan&page_size=3"
    with CaptureQueriesContext(connection) as queries:
        while url:
            body = client.get(url).json()
            seen += [row["id"] for row in body["results"]]
            heads |= {row["head_name"] for row in body["results"]}
            url = body["next"]

    # then: every match once, newest first, with its head, as one query would give them
    assert seen == expected
    assert heads == {"张三"}
    one_query = Household.objects.visible_to(county.staff_a).filter(household_search_q("zhangsan"))
    assert list(one_query.order_by("-id").values_list("pk", flat=True)) == expected
    # each page is one statement: its ids cut (LIMIT 4) by the search alone in a subquery, the head
    # joined for those ids only, the search index not read a second time
    pages = [q["sql"] for q in queries.captured_queries if 'FROM "households_household"' in q["sql"]]
    assert len(pages) == 3
    for sql in pages:
        outer, inner = sql.split("IN (SELECT", 1)
        assert 'JOIN "households_member"' in outer
        assert "@@" not in outer
        assert "@@" in inner
        assert "LIMIT 4" in inner
        assert 'JOIN "households_member"' not in inner


def test_a_searched_list_page_slice_is_the_one_query_slice(county, web):
    # given
    expected = _zhangs(county, 5)
    qs = household_list(user=county.staff_a, filters={"q": "zs"}).order_by("-id")

    # then: the same rows in the same order, joined, as the single query without the keys first
    page = list(qs[1:4])
    assert [h.pk for h in page] == expected[1:4]
    assert [h.head.name for h in page] == ["张三"] * 3
    plain = Household.objects.visible_to(county.staff_a).filter(household_search_q("zs")).order_by("-id")
    assert [h.pk for h in page] == [h.pk for h in plain[1:4]]
    assert list(qs) == list(plain)
    # and the page itself shows them newest first
    body = web(county.staff_a).get("/households/", {"q": "zhangsan"}).content.decode()
    numbers = [Household.objects.get(pk=pk).number for pk in expected]
    assert [body.index(n) for n in numbers] == sorted(body.index(n) for n in numbers)


def test_a_page_filtered_across_members_is_read_in_one_query_as_before(county):
    from core.paging import keys_first, keys_first_query

    # given: a filter joining the members (to-many) would repeat rows in the keys-first outer query
    expected = _zhangs(county, 3)
    qs = keys_first(Household.objects.filter(members__name="张三").order_by("-id"))

    # then: it is read as the plain query is, the same rows once each
    assert "IN (SELECT" not in str(keys_first_query(qs[:2]).query)
    assert [h.pk for h in qs[:2]] == expected[:2]
