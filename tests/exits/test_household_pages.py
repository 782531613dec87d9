"""A household's monitoring report and return-to-poverty pages: refusals shown, nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages

from exits.models import ExitProcedure, MonitoringCase
from households.choices import HouseholdStatusChoices, HousingSafetyChoices
from tests.exits.builders import YEAR, ready_household, set_line

pytestmark = pytest.mark.django_db


def test_monitoring_report_page(county: Any, web: Any) -> None:
    household = ready_household(county.village_a1, status=HouseholdStatusChoices.EXITED)
    client = web(county.staff_a)
    url = f"/exits/households/{household.pk}/monitoring/"
    assert client.get(url).context["household"] == household
    report = {"category": "unstable_exited", "source": "self_report", "risks": ["disaster"]}

    missing = client.post(url, {**report, "risks": []})
    reported = client.post(url, report)
    again = client.post(url, report)

    assert missing.status_code == 200
    assert 'data-testid="error-risks"' in missing.content.decode()
    case = MonitoringCase.objects.get(household=household)
    assert reported["Location"] == f"/exits/monitoring/{case.pk}/"
    assert again.status_code == 200  # a second open case refused on the form
    assert 'data-testid="form-errors"' in again.content.decode()
    assert MonitoringCase.objects.filter(household=household).count() == 1


def test_return_to_poverty_button(county: Any, web: Any) -> None:
    exited = ready_household(county.village_a1, status=HouseholdStatusChoices.EXITED)
    registered = ready_household(county.village_a1)
    client = web(county.county_official)
    back = f"/households/{exited.pk}/"

    blank = client.post(f"/exits/households/{exited.pk}/return/", {"reason": " ", "next": back})
    refused = client.post(f"/exits/households/{registered.pk}/return/", {"reason": "因病", "next": back})
    done = client.post(
        f"/exits/households/{exited.pk}/return/", {"reason": "因病", "next": "https://evil.example/"}
    )

    assert (blank["Location"], refused["Location"]) == (back, back)
    assert done["Location"] == "/exits/"
    # the page was not drawn in between, so each answer's messages are still queued, in order
    assert [str(m) for m in get_messages(done.wsgi_request)] == [
        "请填写理由。",
        "只有已脱贫户或监测户才能标记为返贫。",
        f"农户{exited.number}已标记为返贫。",
    ]
    exited.refresh_from_db()
    registered.refresh_from_db()
    assert (exited.status, registered.status) == ("returned", "registered")
    assert client.get(f"/exits/households/{exited.pk}/return/").status_code == 405


def test_propose_button(county: Any, web: Any) -> None:
    set_line(county.county)
    ready = ready_household(county.village_a1)
    unsafe = ready_household(county.village_a1, housing_grade=HousingSafetyChoices.C)
    client = web(county.secretary_a1)
    back = f"/households/{ready.pk}/"

    bad_year = client.post(f"/exits/households/{ready.pk}/propose/", {"year": "x", "next": back})
    refused = client.post(f"/exits/households/{unsafe.pk}/propose/", {"year": YEAR, "next": back})
    proposed = client.post(f"/exits/households/{ready.pk}/propose/", {"year": YEAR, "next": back})

    procedure = ExitProcedure.objects.get()
    assert (bad_year["Location"], refused["Location"]) == (back, back)
    assert proposed["Location"] == f"/exits/procedures/{procedure.pk}/"
    said = [str(m) for m in get_messages(proposed.wsgi_request)]
    assert said[0] == "请输入整数。"
    assert said[1].startswith("住房安全有保障: 住房为C级危房")
    assert said[2:] == [f"已为农户{ready.number}提出退出。"]
