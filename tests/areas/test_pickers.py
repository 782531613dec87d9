"""One area picker for every list: township first, its villages loaded on demand, never an area
outside the user's scope, and never a 12-digit code to type."""

from __future__ import annotations

import re
from typing import Any

import pytest

from accounts.roles import RoleChoices
from areas.choices import AreaLevelChoices
from tests.factories import make_area, make_household, make_user

pytestmark = pytest.mark.django_db


def menus(body: str) -> list[list[str]]:
    """The picker's menus on a page: the option names of each select."""
    picker = body[body.index('data-testid="area-picker"') :]
    picker = picker[: picker.index("</div>")]
    return [re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', s) for s in picker.split("<select")[1:]]


def test_a_county_user_picks_a_township_then_its_villages(county: Any, web: Any) -> None:
    client = web(county.county_official)

    first = client.get("/households/").content.decode()
    assert menus(first) == [["枹罕镇", "折桥镇"]]  # no village until a township is chosen
    assert "代码" not in first[first.index('data-testid="filter-form"') : first.index("</form>")]

    chosen = client.get("/households/", {"within": county.town_a.code}).content.decode()
    assert menus(chosen) == [["枹罕镇", "折桥镇"], ["折桥村", "大庄村"]]
    assert f'value="{county.town_a.code}" selected' in chosen


def test_the_list_is_narrowed_to_the_chosen_village(county: Any, web: Any) -> None:
    here = make_household(county.village_a1)
    there = make_household(county.village_a2)
    response = web(county.county_official).get(
        "/households/", {"within": [county.town_a.code, county.village_a1.code]}
    )
    numbers = {h.number for h in response.context["households"]}
    assert here.number in numbers
    assert there.number not in numbers


def test_a_village_left_from_another_township_is_ignored(county: Any, web: Any) -> None:
    # sent without JavaScript: the township changed, the old village menu came along
    make_household(county.village_a2)
    response = web(county.county_official).get(
        "/households/", {"within": [county.town_a.code, county.village_b1.code]}
    )
    assert {h.village_id for h in response.context["households"]} == {county.village_a2.pk}


def test_children_are_served_within_the_users_scope_only(county: Any, web: Any) -> None:
    official = web(county.county_official).get("/areas/children/", {"parent": county.town_a.code}).json()
    assert [c["name"] for c in official["children"]] == ["折桥村", "大庄村"]
    assert official["level_label"] == "村"
    assert official["all_label"] == "全部（村）"

    assert web(county.staff_b).get("/areas/children/", {"parent": county.town_a.code}).status_code == 404
    secretary = web(county.secretary_a1)
    assert secretary.get("/areas/children/", {"parent": county.town_a.code}).status_code == 404
    assert secretary.get("/areas/children/", {"parent": "62290110320'"}).status_code == 404


def test_a_user_of_one_village_has_nothing_to_pick(county: Any, web: Any) -> None:
    body = web(county.secretary_a1).get("/households/").content.decode()
    assert 'data-testid="area-picker"' not in body


def test_a_foreign_or_unknown_area_is_a_clear_400_in_the_api(county: Any, api: Any) -> None:
    client = api(county.staff_a)
    for code in (county.village_b1.code, "999999999999"):
        for url in ("/api/households/households/", "/api/assistance/visits/", "/api/supervision/problems/"):
            response = client.get(url, {"within": code})
            assert response.status_code == 400, (url, response.content)
            assert response.json()["errors"]["within"] == ["请选择您管辖范围内的区域。"]
    ok = client.get("/api/households/households/", {"within": county.village_a1.code})
    assert ok.status_code == 200


def test_a_province_user_is_never_sent_every_village(county: Any, web: Any) -> None:
    # given: a province user and a second county with 40 villages
    other = make_area("622921000000", "临夏县", AreaLevelChoices.COUNTY, county.prefecture)
    town = make_area("622921100000", "韩集镇", AreaLevelChoices.TOWNSHIP, other)
    for n in range(40):
        make_area(f"622921100{n + 200:03d}", f"{n}号村", AreaLevelChoices.VILLAGE, town)
    user = make_user(RoleChoices.OVERSIGHT, county.province)

    body = web(user).get("/households/").content.decode()

    assert menus(body) == [["临夏回族自治州"]]
    assert "号村" not in body
