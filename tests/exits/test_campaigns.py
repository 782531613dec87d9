"""Re-verification campaigns (回头看): one check task per household in scope, progress by village and
cadre."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from assistance.models import Cadre, CadrePairing
from exits.choices import CheckTaskStateChoices
from exits.models import Campaign, CheckTask
from exits.selectors import campaign_progress
from exits.services import campaign_start, check_task_complete
from households.choices import HouseholdStatusChoices
from tests.factories import make_household

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

START, DUE = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


@pytest.fixture
def registry(county: Any) -> dict[str, Any]:
    a1 = [make_household(county.village_a1) for _ in range(3)]
    a2 = [make_household(county.village_a2, status=HouseholdStatusChoices.EXITED)]
    make_household(county.village_a2, status=HouseholdStatusChoices.CANDIDATE)  # not yet registered: no task
    b1 = [make_household(county.village_b1)]
    cadre = Cadre.objects.create(name="赵干部", unit="县农业局", area=county.town_a)
    for household in a1[:2]:
        CadrePairing.objects.create(household=household, cadre=cadre, start=dt.date(2025, 1, 1))
    return {"a1": a1, "a2": a2, "b1": b1, "cadre": cadre}


def test_a_campaign_creates_one_task_per_household_in_scope(county: Any, registry: dict) -> None:
    # when
    campaign = campaign_start(
        area=county.town_a, title="春季攻势回头看", starts_on=START, due_on=DUE, user=county.county_official
    )

    # then
    tasks = CheckTask.objects.filter(campaign=campaign)
    assert campaign.task_count == tasks.count() == 4
    assert set(tasks.values_list("household_id", flat=True)) == {
        h.pk for h in registry["a1"] + registry["a2"]
    }
    assert tasks.filter(cadre=registry["cadre"]).count() == 2


def test_progress_by_village_and_cadre(county: Any, registry: dict) -> None:
    # given
    campaign = campaign_start(
        area=county.town_a, title="回头看", starts_on=START, due_on=DUE, user=county.county_official
    )
    first, second = CheckTask.objects.filter(campaign=campaign, cadre=registry["cadre"])

    # when
    check_task_complete(task=first, state=CheckTaskStateChoices.CONFIRMED, user=county.secretary_a1)
    check_task_complete(
        task=second, state=CheckTaskStateChoices.PROBLEM, findings="人口信息有误", user=county.secretary_a1
    )
    progress = campaign_progress(campaign, user=county.county_official)

    # then
    villages = {
        r["household__village__name"]: (r["total"], r["done"], r["problems"], r["percent"])
        for r in progress["by_village"]
    }
    assert villages == {"折桥村": (3, 2, 1, 66), "大庄村": (1, 0, 0, 0)}
    cadres = {r["cadre__name"]: (r["total"], r["done"], r["problems"]) for r in progress["by_cadre"]}
    assert cadres == {"赵干部": (2, 2, 1), None: (2, 0, 0)}


def test_bad_input_is_refused(county: Any, registry: dict) -> None:
    with pytest.raises(ValidationError) as refused:
        campaign_start(
            area=county.town_a, title=" ", starts_on=DUE, due_on=START, user=county.county_official
        )
    assert set(refused.value.message_dict) == {"title", "due_on"}
    with pytest.raises(PermissionDenied):
        campaign_start(area=county.town_a, title="x", starts_on=START, due_on=DUE, user=county.staff_a)
    with pytest.raises(Http404):
        campaign_start(area=county.county, title="x", starts_on=START, due_on=DUE, user=county.staff_a)
    assert Campaign.objects.count() == 0
    assert CheckTask.objects.count() == 0

    campaign = campaign_start(
        area=county.town_a, title="x", starts_on=START, due_on=DUE, user=county.county_official
    )
    task = CheckTask.objects.filter(campaign=campaign).first()
    with pytest.raises(ValidationError):
        check_task_complete(
            task=task, state=CheckTaskStateChoices.PROBLEM, findings="", user=county.secretary_a1
        )
    with pytest.raises(ValidationError):
        check_task_complete(task=task, state=CheckTaskStateChoices.PENDING, user=county.secretary_a1)
    task.refresh_from_db()
    assert task.state == CheckTaskStateChoices.PENDING


def test_the_campaign_page_searches_id_numbers_as_its_reader_may_see_them(
    county: Any, registry: dict, web: Any
) -> None:
    # households.search reads the page's user: the county official (full ID numbers) finds a household by
    # the last 6 characters of a member's number; a cadre, who sees 622901********1234, by the last 4 only.
    household = make_household(county.village_a1, members=1)
    campaign = campaign_start(
        area=county.town_a, title="春季攻势回头看", starts_on=START, due_on=DUE, user=county.county_official
    )
    number = household.members.get().id_number

    def listed(user: Any, term: str) -> bool:
        page = web(user).get(f"/exits/campaigns/{campaign.pk}/", {"q": term, "state": ""})
        assert page.status_code == 200
        return household.number in page.content.decode()

    assert listed(county.county_official, number[-6:])
    assert not listed(county.cadre_a, number[-6:])
