"""The schema works with PostgreSQL declarative partitioning by county (docs/scaling.md): the member
table moved into a table partitioned by LIST on the county code (the first 6 digits of the household's
village code), put in place under the table's own name, serves the incidence job and the registry's
member reads with the same answers, and a read that names the county reads that county's partition
only."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection

from areas.choices import AreaLevelChoices
from dashboards.choices import SnapshotStatusChoices
from dashboards.models import IncidenceFigure, IncidenceSnapshot
from dashboards.services import incidence_compute_county
from households.choices import HouseholdStatusChoices as S
from households.models import Member
from households.selectors import household_counts_by_status, household_detail, poor_people_in
from tests.factories import make_area, make_household, make_member, set_population

AS_OF = dt.date(2025, 12, 31)
YEAR = 2025


def members_partitioned_by_county(county_codes: list[str]) -> None:
    """Copy households_member into a table partitioned by county code and swap it in (inside the
    test's transaction, so it is undone after the test). A partitioned table's primary key must hold
    the partition key: (county_code, id)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE TABLE households_member_by_county (
                LIKE households_member INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                county_code varchar(6) NOT NULL
            ) PARTITION BY LIST (county_code);
            ALTER TABLE households_member_by_county ADD PRIMARY KEY (county_code, id);
            CREATE INDEX ON households_member_by_county (household_id);
            CREATE TABLE households_member_county_other PARTITION OF households_member_by_county DEFAULT;
            """
        )
        for code in county_codes:
            cursor.execute(
                f"CREATE TABLE households_member_county_{code} PARTITION OF households_member_by_county "
                f"FOR VALUES IN ('{code}')"
            )
        cursor.execute(
            """
            INSERT INTO households_member_by_county
            SELECT m.*, left(v.code, 6)
            FROM households_member m
            JOIN households_household h ON h.id = m.household_id
            JOIN areas_area v ON v.id = h.village_id;
            ALTER TABLE households_member RENAME TO households_member_unpartitioned;
            ALTER TABLE households_member_by_county RENAME TO households_member;
            ANALYZE households_member;
            """
        )


def partitions_read(sql: str, params: list[Any]) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    found: set[str] = set()

    def walk(node: dict[str, Any]) -> None:
        if "Relation Name" in node:
            found.add(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def registry_and_incidence_reads(county: Any, other_county: Any) -> dict[str, Any]:
    """The incidence job's figures for both counties and the registry's member reads."""
    figures = {}
    for area in (county.county, other_county):
        snapshot, _ = IncidenceSnapshot.objects.get_or_create(
            county=area,
            as_of=AS_OF,
            defaults={"population_year": YEAR, "status": SnapshotStatusChoices.COMPLETE},
        )
        incidence_compute_county(snapshot=snapshot)
        figures[area.code] = sorted(
            IncidenceFigure.objects.filter(snapshot=snapshot).values_list(
                "area__code",
                "poor_people",
                "poor_households",
                "exited_people",
                "returned_people",
                "monitored_people",
                "incidence",
            )
        )
    detail = household_detail(user=county.county_official, pk=county.late_household.pk)
    return {
        "figures": figures,
        "poor_people": {a.code: poor_people_in(a) for a in (county.county, county.town_a, other_county)},
        "by_status": household_counts_by_status(county.county),
        "detail_members": [m.name for m in detail.members.all()],
        "members_of_village": sorted(
            Member.objects.filter(household__village=county.village_b1).values_list("name", flat=True)
        ),
    }


@pytest.mark.django_db
def test_members_partitioned_by_county_serve_the_incidence_and_registry_reads(county: Any) -> None:
    # given: two counties, households of the first registered before and after the second's (so a
    # county's member ids are interleaved with another's), every status the incidence counts
    other_county = make_area("622902000000", "永靖县", AreaLevelChoices.COUNTY, county.prefecture)
    other_town = make_area("622902100000", "刘家峡镇", AreaLevelChoices.TOWNSHIP, other_county)
    other_village = make_area("622902100201", "白川村", AreaLevelChoices.VILLAGE, other_town)
    for village in (
        county.village_a1,
        county.village_a2,
        county.village_b1,
        county.village_b2,
        other_village,
    ):
        set_population(village, YEAR, 400)
    make_household(county.village_a1, status=S.REGISTERED, members=4)
    make_household(county.village_a2, status=S.EXITED, members=3)
    make_household(other_village, status=S.REGISTERED, members=5)
    make_household(other_village, status=S.MONITORING, members=2)
    make_household(county.village_b1, status=S.RETURNED, members=2)
    county.late_household = make_household(county.village_b2, status=S.REGISTERED, members=1)
    make_member(county.late_household, name="晚登记")
    before = registry_and_incidence_reads(county, other_county)
    assert before["poor_people"] == {"622901000000": 8, "622901103000": 4, "622902000000": 5}

    # when: the member table becomes a table partitioned by county
    members_partitioned_by_county(["622901", "622902"])

    # then: it is one, each member sits in its county's partition, and every read answers the same
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE relname = 'households_member'")
        assert cursor.fetchone()[0] == "p"
        cursor.execute(
            "SELECT tableoid::regclass::text, count(*) FROM households_member GROUP BY 1 ORDER BY 1"
        )
        assert cursor.fetchall() == [
            ("households_member_county_622901", 11),
            ("households_member_county_622902", 7),
        ]
    assert registry_and_incidence_reads(county, other_county) == before
    # a read that names its county reads that county's partition only
    assert partitions_read(
        "SELECT count(*) FROM households_member WHERE county_code = %s AND household_id > 0", ["622902"]
    ) == {"households_member_county_622902"}
