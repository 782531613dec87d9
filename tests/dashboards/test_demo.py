"""The demo county: snapshots with a history, and the pages and assessment built from every app."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from accounts.models import User
from areas.models import Area
from dashboards.models import IncidenceFigure, IncidenceSnapshot
from dashboards.selectors import area_figures, children_figures, snapshot_dates
from supervision.selectors import assessment_from_other_apps

pytestmark = pytest.mark.django_db


def test_demo_county_dashboards_add_up_and_pages_render(web: Any) -> None:
    # given
    call_command("seed_demo", "--households", "300", "--seed", "7", verbosity=0)
    county = Area.objects.get(code="622901000000")
    official = User.objects.get(username="county")

    # when
    dates = snapshot_dates(county)

    # then: four year-ends of history, each adding up from villages to the county
    assert len(dates) == 4
    assert IncidenceSnapshot.objects.count() == 4
    for as_of in dates:
        whole = area_figures(county, as_of)
        assert whole is not None
        assert whole["poor_people"] == sum(c["poor_people"] for c in children_figures(county, as_of))
        villages = IncidenceFigure.objects.filter(as_of=as_of, level="village")
        assert whole["population"] == sum(v.population for v in villages)
    trend = [area_figures(county, d)["poor_people"] for d in sorted(dates)]
    assert trend == sorted(trend, reverse=True)  # fewer poor people every year

    client = web(official)
    assert client.get(f"/dashboards/{county.code}/").status_code == 200
    # the sections too, from the demo's records: the ledger and funds are those of the live selectors
    from core import clock
    from dashboards.snapshots.read import sections
    from funds.choices import ReportGroupingChoices
    from funds.selectors import execution_report
    from supervision.selectors import ledger_summary

    today = clock.today(county)
    got = sections(county, today)
    assert got["sections_as_of"] == today
    assert got["ledger"] == ledger_summary(user=official, area=county)
    live = execution_report(user=official, by=ReportGroupingChoices.SOURCE, year=today.year)
    assert got["funds"]["rows"] == [[r.label, r.allocated_wan, r.paid_wan, r.rate] for r in live]
    assert got["coverage"]["rows"][0][1] > 0
    page = client.get(f"/supervision/assessment/?area={county.code}").content.decode()
    assert 'data-testid="assessment-teams"' in page
    other = assessment_from_other_apps(user=official, area=county)
    assert other["teams"] is not None
    assert sum(t.visits for t in other["teams"]) > 0
