"""Dashboard pages: drill-down, scope, exports, snapshots."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from dashboards.models import IncidenceRecompute, IncidenceSnapshot

pytestmark = pytest.mark.django_db


def test_county_dashboard_shows_townships_with_drill_down(county: Any, figures: Any, web: Any) -> None:
    # when
    response = web(county.county_official).get(f"/dashboards/{county.county.code}/")

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="drill-{county.town_a.code}"' in body
    assert "折桥镇" in body
    assert "枹罕镇" in body
    assert "2024-12-31" in body
    assert "echarts.min.js" in body


def test_township_dashboard_lists_its_villages(county: Any, figures: Any, web: Any) -> None:
    # when
    body = web(county.county_official).get(f"/dashboards/{county.town_b.code}/").content.decode()

    # then
    assert "王坪村" in body
    assert "江牌村" in body
    assert "折桥村" not in body


def test_township_staff_cannot_open_another_township(county: Any, figures: Any, web: Any) -> None:
    # when
    own = web(county.staff_b).get(f"/dashboards/{county.town_b.code}/")
    other = web(county.staff_b).get(f"/dashboards/{county.town_a.code}/")
    export = web(county.staff_b).get(f"/dashboards/{county.town_a.code}/export/children.xlsx")

    # then
    assert own.status_code == 200
    assert other.status_code == 404
    assert export.status_code == 404


def test_the_dashboard_index_opens_the_users_area(county: Any, figures: Any, web: Any) -> None:
    response = web(county.staff_a).get("/dashboards/")
    assert response.status_code == 302
    assert response["Location"] == f"/dashboards/{county.town_a.code}/"


def test_children_export_holds_the_tables_figures(county: Any, figures: Any, web: Any) -> None:
    # when
    response = web(county.county_official).get(f"/dashboards/{county.county.code}/export/children.xlsx")

    # then
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2:5] == ("农村户籍人口", "贫困户数", "贫困人口")
    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["折桥镇"][2:5] == (1400, 1, 3)
    assert by_name["枹罕镇"][2:5] == (600, 1, 5)


def test_trend_export_has_one_row_per_snapshot(county: Any, figures: Any, web: Any) -> None:
    response = web(county.county_official).get(f"/dashboards/{county.county.code}/export/trend.xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[0].date() for row in rows[1:]] == [figures.earlier, figures.as_of]
    assert [row[3] for row in rows[1:]] == [3, 8]


def test_an_older_snapshot_can_be_chosen(county: Any, figures: Any, web: Any) -> None:
    body = (
        web(county.county_official)
        .get(f"/dashboards/{county.county.code}/?as_of=2023-12-31")
        .content.decode()
    )
    assert 'value="2023-12-31" selected' in body


def test_unknown_export_is_404(county: Any, figures: Any, web: Any) -> None:
    assert (
        web(county.county_official).get(f"/dashboards/{county.county.code}/export/nope.xlsx").status_code
        == 404
    )


def test_compute_form_refuses_a_frozen_date_and_changes_nothing(county: Any, figures: Any, web: Any) -> None:
    # given
    snapshots = IncidenceSnapshot.objects.count()

    # when
    response = web(county.county_official).post(
        "/dashboards/snapshots/", {"area": county.county.pk, "as_of": "2024-12-31"}
    )

    # then
    assert response.status_code == 200
    assert "已冻结" in response.content.decode()
    assert IncidenceSnapshot.objects.count() == snapshots


def test_recompute_without_reason_shows_the_error(county: Any, figures: Any, web: Any) -> None:
    snapshot = IncidenceSnapshot.objects.get(as_of=figures.as_of)
    response = web(county.county_official).post(f"/dashboards/snapshots/{snapshot.pk}/", {"reason": ""})
    assert response.status_code == 200
    assert 'data-testid="error-reason"' in response.content.decode()
    assert IncidenceRecompute.objects.count() == 0


def test_recompute_with_reason_is_recorded(
    county: Any, figures: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    snapshot = IncidenceSnapshot.objects.get(as_of=figures.as_of)
    with django_capture_on_commit_callbacks(execute=True):
        response = web(county.county_official).post(
            f"/dashboards/snapshots/{snapshot.pk}/", {"reason": "更正人口数据"}
        )
    assert response.status_code == 302
    recompute = IncidenceRecompute.objects.get()
    assert recompute.after is not None
    assert recompute.after["poor_people"] == recompute.before["poor_people"] == 8
    body = web(county.county_official).get(f"/dashboards/snapshots/{snapshot.pk}/").content.decode()
    assert "更正人口数据" in body


def test_dashboard_page_query_count_is_bounded(
    county: Any, figures: Any, web: Any, django_assert_max_num_queries: Any
) -> None:
    # given: nothing cached (the live sections are cached per scope and area for a few minutes)
    from django.core.cache import cache

    cache.clear()
    client = web(county.county_official)
    with django_assert_max_num_queries(38):
        client.get(f"/dashboards/{county.county.code}/")
    with django_assert_max_num_queries(15):
        client.get("/dashboards/snapshots/")


def test_the_dashboard_is_available_in_english(county: Any, figures: Any, web: Any) -> None:
    client = web(county.county_official)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get(f"/dashboards/{county.county.code}/").content.decode()
    assert "Poverty incidence" in body
    assert "Download table (xlsx)" in body
    assert "贫困发生率" not in body


def test_a_dashboard_cached_in_chinese_is_not_served_in_english(county: Any, figures: Any, web: Any) -> None:
    # given: the dashboard was opened (and cached) in Chinese
    client = web(county.county_official)
    chinese = client.get(f"/dashboards/{county.county.code}/").content.decode()

    # when: the same user switches to English
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/dashboards/{county.county.code}/").content.decode()

    # then: the cached labels and headers (village classes, coverage) follow the language
    assert "Class 1 (deep poverty)" not in chinese
    assert "Class 1 (deep poverty)" in english
    assert "Assisted households" in english


def test_an_export_for_a_date_that_is_not_one_is_refused_not_the_latest(
    county: Any, figures: Any, web: Any
) -> None:
    # when
    response = web(county.county_official).get(
        f"/dashboards/{county.county.code}/export/children.xlsx", {"as_of": "2024-13-45"}
    )

    # then: a 400 page naming the date, with the way back to the dashboard
    body = response.content.decode()
    assert response.status_code == 400
    assert "未能导出" in body
    assert "<strong>快照日期</strong>" in body
    assert "“2024-13-45”不是日期" in body
    assert f'href="/dashboards/{county.county.code}/"' in body


def test_the_api_table_refuses_a_date_that_is_not_one(county: Any, figures: Any, api: Any) -> None:
    # when
    client = api(county.county_official)
    table = client.get(f"/api/dashboards/areas/{county.county.code}/tables/children/", {"as_of": "soon"})
    whole = client.get(f"/api/dashboards/areas/{county.county.code}/", {"as_of": "soon"})
    other = client.get(f"/api/dashboards/areas/{county.town_a.code}/tables/children/")

    # then
    assert (table.status_code, whole.status_code, other.status_code) == (400, 400, 200)
    assert table.json()["errors"]["as_of"] == ["“soon”不是日期，请按 2024-12-31 的格式填写。"]


def test_an_export_of_another_townships_area_stays_a_404(county: Any, figures: Any, api: Any) -> None:
    response = api(county.staff_b).get(f"/api/dashboards/areas/{county.town_a.code}/tables/children/")
    assert response.status_code == 404


def test_the_funds_table_names_the_year_it_adds_up(county: Any, figures: Any, web: Any) -> None:
    # the funds overview adds up every year unless asked: the dashboard's figures (the snapshot's) say theirs
    from core import clock

    body = web(county.county_official).get(f"/dashboards/{county.county.code}/").content.decode()
    assert f"资金来源（{clock.today().year} 年度下达资金）" in body
