"""Village menus of forms (areas.pickers.VillagePickerWidget): a county user chooses the township
first and is sent only its villages; a township user gets their villages at once, a first secretary
their own; villages of the same name are told apart by the township chosen."""

from __future__ import annotations

import re
from typing import Any

import pytest

from accounts.roles import RoleChoices
from tests.factories import make_area, make_user
from tests.households.conftest import person
from tests.households.test_views import _post_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(county: Any) -> Any:
    """A registry clerk of the whole county (the register form's county-wide user)."""
    return make_user(RoleChoices.TOWNSHIP_STAFF, county.county, username="county_clerk")


def _picker(body: str) -> tuple[list[str], list[str]]:
    """(township names, village names) offered by the page's village picker."""
    html = body[body.index('data-testid="village-picker"') :]
    html = html[: html.index("</div>")]
    menus = {"township": "", "village": ""}
    for select in re.findall(r"<select[^>]*>.*?</select>", html, re.S):
        menus["township" if "data-township" in select else "village"] = select
    names = {k: re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', v) for k, v in menus.items()}
    return names["township"], names["village"]


def test_a_county_user_chooses_the_township_before_any_village_is_sent(clerk: Any, web: Any) -> None:
    body = web(clerk).get("/households/new/").content.decode()
    townships, villages = _picker(body)
    assert townships == ["枹罕镇", "折桥镇"]
    assert villages == []
    assert "请先选择乡镇" in body


def test_the_form_comes_back_with_the_chosen_townships_villages_without_javascript(
    county: Any, clerk: Any, web: Any
) -> None:
    # given: a village of the same name in the other township
    make_area("622901101203", "折桥村", "village", county.town_b)
    data = _post_members([person(name="马海军")], main_cause="illness", attribute="ordinary")
    data["village__township"] = county.town_b.code

    # when: saved with the township chosen and no village
    response = web(clerk).post("/households/new/", data)

    # then: the form is back, the township kept, its villages offered (one 折桥村: 枹罕镇's)
    assert response.status_code == 200
    townships, villages = _picker(response.content.decode())
    assert villages == ["王坪村", "江牌村", "折桥村"]
    assert 'value="622901101000" selected' in response.content.decode()
    assert "error-village" in response.content.decode()


def test_a_township_user_gets_their_villages_and_a_secretary_their_own(county: Any, web: Any) -> None:
    assert _picker(web(county.staff_a).get("/households/new/").content.decode()) == ([], ["折桥村", "大庄村"])
    body = web(county.secretary_a1).get("/assistance/village-plans/new/").content.decode()
    assert _picker(body) == ([], ["折桥村"])


def test_a_chosen_village_comes_back_selected_under_its_township(county: Any, clerk: Any, web: Any) -> None:
    data = _post_members([person(name="马海军")], main_cause="illness", attribute="ordinary")
    data["village"] = county.village_b1.pk
    data["address"] = "x" * 500  # too long: the form comes back
    body = web(clerk).post("/households/new/", data).content.decode()
    assert _picker(body) == (["枹罕镇", "折桥镇"], ["王坪村", "江牌村"])
    assert f'value="{county.village_b1.pk}" selected' in body


def test_the_village_plan_form_uses_the_picker(county: Any, web: Any) -> None:
    body = web(county.county_official).get("/assistance/village-plans/new/").content.decode()
    assert _picker(body) == (["枹罕镇", "折桥镇"], [])


def test_children_carry_the_ids_the_village_menus_post(county: Any, web: Any) -> None:
    children = web(county.county_official).get("/areas/children/", {"parent": county.town_a.code}).json()
    assert [c["id"] for c in children["children"]] == [county.village_a1.pk, county.village_a2.pk]
