"""The exits API: the same services behind scoped endpoints, errors in the caller's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from areas.models import PolicyValue
from core.choices import JobStatusChoices
from core.models import Job
from exits.choices import (
    ExitConditionChoices,
    MonitoringCategoryChoices,
    MonitoringSourceChoices,
    RiskChoices,
)
from exits.choices import ExitProcedureStateChoices as S
from exits.choices import ExitStepChoices as E
from exits.models import ExitProcedure, ExitSignoff
from exits.policy import POVERTY_LINE
from exits.services import exit_procedure_propose
from households.choices import HouseholdStatusChoices
from tests.exits.builders import YEAR, ready_household, set_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(county: Any) -> Any:
    set_line(county.county)
    return ready_household(county.village_a1)


def test_propose_and_sign_through_the_api(county: Any, household: Any, api: Any) -> None:
    # when
    created = api(county.secretary_a1).post(
        "/api/exits/procedures/", {"household": household.pk, "year": YEAR}, format="json"
    )
    pk = created.json()["id"]
    signed = api(county.secretary_a1).post(
        f"/api/exits/procedures/{pk}/sign/", {"step": E.VILLAGE_VERIFY, "version": 1}, format="json"
    )

    # then
    assert created.status_code == 201
    assert signed.status_code == 200
    body = signed.json()
    assert body["state"] == S.VERIFIED
    assert [s["step"] for s in body["signoffs"]] == [E.PROPOSE, E.VILLAGE_VERIFY]
    assert body["next_steps"] == [E.DEMOCRATIC_REVIEW, E.WITHDRAW]


def test_wrong_role_is_403_out_of_area_404_and_nothing_changes(county: Any, household: Any, api: Any) -> None:
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    wrong_role = api(county.county_official).post(
        f"/api/exits/procedures/{procedure.pk}/sign/", {"step": E.VILLAGE_VERIFY}
    )
    out_of_area = api(county.staff_b).post(
        f"/api/exits/procedures/{procedure.pk}/sign/", {"step": E.VILLAGE_VERIFY}
    )
    skipped = api(county.secretary_a1).post(
        f"/api/exits/procedures/{procedure.pk}/sign/",
        {"step": E.NOTICE_START},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert wrong_role.status_code == 403
    assert out_of_area.status_code == 404
    assert skipped.status_code == 400
    assert set(skipped.json()) == {"detail", "code", "errors"}
    assert "step" in skipped.json()["errors"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in skipped.json()["detail"])
    procedure.refresh_from_db()
    assert (procedure.state, procedure.signoffs.count()) == (S.PROPOSED, 1)


def test_a_client_cannot_date_a_signoff(county: Any, household: Any, api: Any) -> None:
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    response = api(county.secretary_a1).post(
        f"/api/exits/procedures/{procedure.pk}/sign/",
        {"step": E.VILLAGE_VERIFY, "signed_at": "2020-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert "signed_at" in response.json()["errors"]
    assert ExitSignoff.objects.filter(procedure=procedure).count() == 1


def test_stale_version_is_409(county: Any, household: Any, api: Any) -> None:
    procedure = exit_procedure_propose(household=household, year=YEAR, user=county.secretary_a1)
    client = api(county.secretary_a1)
    assert (
        client.post(
            f"/api/exits/procedures/{procedure.pk}/sign/", {"step": E.VILLAGE_VERIFY, "version": 1}
        ).status_code
        == 200
    )
    stale = client.post(
        f"/api/exits/procedures/{procedure.pk}/sign/", {"step": E.DEMOCRATIC_REVIEW, "version": 1}
    )
    assert stale.status_code == 409
    assert ExitProcedure.objects.get(pk=procedure.pk).state == S.VERIFIED


def test_eligibility_endpoint_explains(county: Any, api: Any) -> None:
    set_line(county.county)
    household = ready_household(county.village_a1, safe_drinking_water=False)
    body = api(county.staff_a).get(f"/api/exits/eligibility/{household.pk}/", {"year": YEAR}).json()
    assert body["eligible"] is False
    assert [c["code"] for c in body["checks"] if not c["passed"]] == [ExitConditionChoices.WATER]
    assert body["poverty_line"] == "4000.00"
    assert (
        api(county.staff_b).get(f"/api/exits/eligibility/{household.pk}/", {"year": YEAR}).status_code == 404
    )
    assert api(county.staff_a).get(f"/api/exits/eligibility/{household.pk}/").status_code == 400


def test_poverty_line_is_set_by_county_officials_on_the_county_policy(county: Any, api: Any) -> None:
    # the poverty line is the yearly policy value exits.poverty_line (the /poverty-lines/ list is gone)
    url = f"/api/areas/areas/{county.county.code}/policy/"
    payload = {"year": YEAR, "values": {POVERTY_LINE.name: "4100.00"}, "basis": "县扶贫办文件"}
    assert api(county.viewer).patch(url, payload, format="json").status_code == 403  # reads only
    assert api(county.staff_a).patch(url, payload, format="json").status_code == 404  # a township's
    bad = api(county.county_official).patch(
        url, {**payload, "values": {POVERTY_LINE.name: "-1"}}, format="json"
    )
    assert bad.status_code == 400
    assert POVERTY_LINE.name in bad.json()["errors"]
    no_year = api(county.county_official).patch(url, {"values": {POVERTY_LINE.name: "4100"}}, format="json")
    assert no_year.status_code == 400
    assert not PolicyValue.objects.filter(key=POVERTY_LINE.name).exists()
    created = api(county.county_official).patch(url, payload, format="json")
    assert created.status_code == 200
    [line] = [v for v in created.json()["values"] if v["key"] == POVERTY_LINE.name]
    assert (line["year"], line["value"], line["source"], line["basis"]) == (
        YEAR,
        "4100.00",
        county.county.code,
        "县扶贫办文件",
    )
    household = ready_household(county.village_a1)
    eligibility = api(county.staff_a).get(f"/api/exits/eligibility/{household.pk}/", {"year": YEAR})
    assert eligibility.json()["poverty_line"] == "4100.00"
    assert api(county.staff_a).get("/api/exits/poverty-lines/").status_code == 404


def test_settings_patch_with_version(county: Any, api: Any) -> None:
    # the exit rules are policy values of the county (areas.policy), changed through the area's policy
    row = PolicyValue.objects.create(area=county.county, key="exits.notice_min_days", value=7)
    client = api(county.county_official)
    url = f"/api/areas/areas/{county.county.code}/policy/"
    ok = client.patch(url, {"values": {"exits.notice_min_days": 9}, "versions": {row.key: 1}}, format="json")
    stale = client.patch(
        url, {"values": {"exits.notice_min_days": 5}, "versions": {row.key: 1}}, format="json"
    )
    assert ok.status_code == 200
    rules = {value["key"]: value for value in ok.json()["values"]}
    assert rules["exits.notice_min_days"] == {
        "key": "exits.notice_min_days",
        "year": None,
        "value": 9,
        "default": 7,
        "source": county.county.code,
        "basis": "",
        "version": 2,
    }
    assert stale.status_code == 409
    bad = client.patch(url, {"values": {"exits.monitoring_deadline_days": 0}}, format="json")
    assert bad.status_code == 400
    assert "exits.monitoring_deadline_days" in bad.json()["errors"]
    refused = client.patch(url, {"values": {"households.notice_min_days": 9}}, format="json")
    assert refused.status_code == 403  # the registry's policy is the administrator's
    row.refresh_from_db()
    assert row.value == 9


def test_screening_endpoint_starts_a_job(
    county: Any, household: Any, api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api(county.county_official).post(
            "/api/exits/flags/screen/", {"area_code": county.county.code, "year": YEAR}
        )
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["job"])
    assert job.status == JobStatusChoices.SUCCEEDED
    assert response.json()["url"] == f"/jobs/{job.pk}/?format=json"
    flags = api(county.staff_a).get("/api/exits/flags/", {"eligible": "true"}).json()["results"]
    assert [f["household"] for f in flags] == [household.pk]
    assert (
        api(county.secretary_a1)
        .post("/api/exits/flags/screen/", {"area_code": county.county.code, "year": YEAR})
        .status_code
        == 403
    )


def test_monitoring_report_and_objection_through_the_api(county: Any, api: Any) -> None:
    set_line(county.county)
    exited = ready_household(county.village_a1, status=HouseholdStatusChoices.EXITED)
    created = api(county.secretary_a1).post(
        "/api/exits/monitoring/",
        {
            "household": exited.pk,
            "category": MonitoringCategoryChoices.UNSTABLE_EXITED,
            "source": MonitoringSourceChoices.CADRE_VISIT,
            "risks": [RiskChoices.DISASTER],
        },
        format="json",
    )
    assert created.status_code == 201
    bad = api(county.secretary_a1).post(
        "/api/exits/monitoring/",
        {
            "household": exited.pk,
            "category": MonitoringCategoryChoices.EDGE,
            "source": MonitoringSourceChoices.RULE,
            "risks": [],
        },
        format="json",
    )
    assert bad.status_code == 400


def _rows(county: Any, n: int) -> None:
    from exits.services import (
        campaign_start,
        county_exit_record,
        exit_flags_refresh_village,
        exit_objection_record,
        monitoring_case_report,
        village_exit_propose,
    )

    for _ in range(n):
        procedure = exit_procedure_propose(
            household=ready_household(county.village_a1), year=YEAR, user=county.staff_a
        )
        ExitProcedure.objects.filter(pk=procedure.pk).update(state=S.IN_NOTICE)
        exit_objection_record(procedure=procedure, content="有意见", user=county.staff_a)
        monitoring_case_report(
            household=ready_household(county.village_a2, status=HouseholdStatusChoices.EXITED),
            category=MonitoringCategoryChoices.UNSTABLE_EXITED,
            source=MonitoringSourceChoices.SELF_REPORT,
            risks=[RiskChoices.DISASTER],
            user=county.staff_a,
        )
    exit_flags_refresh_village(village=county.village_a1, year=YEAR)
    campaign_start(
        area=county.town_a,
        title="x",
        starts_on=dt.date(2026, 1, 1),
        due_on=dt.date(2026, 2, 1),
        user=county.county_official,
    )
    year = YEAR - 10 - ExitProcedure.objects.count()
    village_exit_propose(village=county.village_b1, year=year, checks={}, user=county.county_official)
    county_exit_record(county=county.county, year=year, user=county.county_official)
    set_line(county.county, year=year)


@pytest.mark.parametrize(
    "url",
    [
        "/api/exits/procedures/",
        "/api/exits/flags/",
        "/api/exits/monitoring/",
        "/api/exits/check-tasks/",
        "/api/exits/campaigns/",
        "/api/exits/village-exits/",
        "/api/exits/county-exits/",
        "/api/exits/objections/",
    ],
)
def test_list_endpoints_do_not_query_per_row(
    county: Any, api: Any, django_assert_max_num_queries: Any, url: str
) -> None:
    # given: the query count with a few rows of each kind
    set_line(county.county)
    _rows(county, 2)
    client = api(county.county_official)
    first = client.get(url, {"page_size": 500})
    with CaptureQueriesContext(connection) as few:
        assert client.get(url, {"page_size": 500}).status_code == 200

    # when: more rows
    _rows(county, 3)

    # then: no more queries, and a pinned ceiling
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"page_size": 500})
    assert len(response.json()["results"]) >= len(first.json()["results"])
    assert len(few.captured_queries) <= 6


def test_village_exit_checks_are_typed_and_bad_ones_write_nothing(county: Any, api: Any) -> None:
    """A standard that is not a number is a field error (not a server error) and records nothing; "met"
    sent as the text "false" is false."""
    from exits.models import VillageExit, VillageStandard, VillageStandardCheck

    # given
    standard = VillageStandard.objects.create(county=county.county, title="通村道路硬化", position=1)
    client = api(county.staff_a)
    body = {"village_code": county.village_a1.code, "year": YEAR}

    # when
    bad = client.post(
        "/api/exits/village-exits/", {**body, "checks": [{"standard": "abc", "met": True}]}, format="json"
    )
    nothing_written = not VillageExit.objects.exists()
    good = client.post(
        "/api/exits/village-exits/",
        {**body, "checks": [{"standard": standard.pk, "met": "false", "note": "未硬化"}]},
        format="json",
    )

    # then
    assert bad.status_code == 400
    assert bad.json()["errors"] == {"checks[0].standard": ["请填写合法的整数值。"]}
    assert nothing_written
    assert good.status_code == 201
    check = VillageStandardCheck.objects.get()
    assert (check.met, check.note) == (False, "未硬化")
