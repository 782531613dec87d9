"""The dashboards API: every figure, scoped, with bounded queries."""

from __future__ import annotations

from typing import Any

import pytest

from dashboards.models import IncidenceRecompute, IncidenceSnapshot

pytestmark = pytest.mark.django_db


def test_area_dashboard_returns_every_figure(county: Any, figures: Any, api: Any) -> None:
    # when
    data = api(county.county_official).get(f"/api/dashboards/areas/{county.county.code}/").json()

    # then
    assert data["as_of"] == "2024-12-31"
    assert data["summary"]["poor_people"] == 8
    assert data["summary"]["incidence"] == "0.40"
    assert [c["name"] for c in data["children"]] == ["枹罕镇", "折桥镇"]
    assert [t["poor_people"] for t in data["trend"]] == [3, 8]
    for key in (
        "village_classes",
        "village_exits",
        "ledger",
        "overdue",
        "rates",
        "coverage",
        "monitoring",
        "funds",
    ):
        assert key in data


def test_each_table_has_its_own_endpoint(county: Any, figures: Any, api: Any) -> None:
    client = api(county.county_official)
    table = client.get(
        f"/api/dashboards/areas/{county.county.code}/tables/children/", {"as_of": "2023-12-31"}
    )
    assert table.status_code == 200
    rows = {row[1]: row for row in table.json()["rows"]}
    assert rows["折桥镇"][4] == 3
    assert client.get(f"/api/dashboards/areas/{county.county.code}/tables/nope/").status_code == 400


def test_figures_list_is_scoped_and_filterable(county: Any, figures: Any, api: Any) -> None:
    # when
    rows = (
        api(county.staff_b).get("/api/dashboards/figures/", {"as_of": "2024-12-31", "page_size": 100}).json()
    )
    other = api(county.staff_b).get(f"/api/dashboards/areas/{county.town_a.code}/")

    # then
    assert {r["area_name"] for r in rows["results"]} == {"枹罕镇", "王坪村", "江牌村"}
    assert other.status_code == 404


def test_snapshots_start_jobs_and_refuse_a_frozen_date_in_the_callers_language(
    county: Any, figures: Any, api: Any
) -> None:
    client = api(county.county_official)
    refused = client.post("/api/dashboards/snapshots/", {"area": county.county.code, "as_of": "2024-12-31"})
    assert refused.status_code == 400
    assert "已冻结" in refused.json()["errors"]["as_of"][0]
    assert IncidenceSnapshot.objects.count() == 2
    forbidden = api(county.viewer).post("/api/dashboards/snapshots/", {"area": county.county.code})
    assert forbidden.status_code == 403


def test_recompute_through_the_api_keeps_the_reason(
    county: Any, figures: Any, api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    snapshot = IncidenceSnapshot.objects.get(as_of=figures.as_of)
    client = api(county.county_official)
    assert (
        client.post(f"/api/dashboards/snapshots/{snapshot.pk}/recompute/", {"reason": ""}).status_code == 400
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/dashboards/snapshots/{snapshot.pk}/recompute/", {"reason": "补录人口数据"}
        )
    assert response.status_code == 202
    assert IncidenceRecompute.objects.get().reason == "补录人口数据"


def test_an_overlong_recompute_reason_is_refused_not_cut(county: Any, figures: Any, api: Any) -> None:
    # the reason column holds 300 characters: 301 is a 400 naming the limit, and nothing is started
    snapshot = IncidenceSnapshot.objects.get(as_of=figures.as_of)
    response = api(county.county_official).post(
        f"/api/dashboards/snapshots/{snapshot.pk}/recompute/", {"reason": "补" * 301}
    )
    assert response.status_code == 400
    assert "300" in response.json()["errors"]["reason"][0]
    assert not IncidenceRecompute.objects.exists()


def test_api_lists_have_a_fixed_number_of_queries(
    county: Any, figures: Any, api: Any, django_assert_max_num_queries: Any
) -> None:
    client = api(county.county_official)
    with django_assert_max_num_queries(8):
        client.get("/api/dashboards/figures/", {"page_size": 100})
    with django_assert_max_num_queries(8):
        client.get("/api/dashboards/snapshots/")
    with django_assert_max_num_queries(40):
        client.get(f"/api/dashboards/areas/{county.county.code}/")


def test_a_recompute_shows_at_once(
    county: Any, figures: Any, api: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from households.choices import HouseholdStatusChoices
    from tests.factories import make_household

    # given: the county official has read the dashboard (now cached)
    client = api(county.county_official)
    assert client.get(f"/api/dashboards/areas/{county.county.code}/").json()["summary"]["poor_people"] == 8

    # when: a correction is recomputed into the frozen snapshot
    make_household(county.village_b2, status=HouseholdStatusChoices.REGISTERED, members=2)
    snapshot = IncidenceSnapshot.objects.get(as_of=figures.as_of)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/dashboards/snapshots/{snapshot.pk}/recompute/", {"reason": "补录漏登户"})

    # then
    assert client.get(f"/api/dashboards/areas/{county.county.code}/").json()["summary"]["poor_people"] == 10
