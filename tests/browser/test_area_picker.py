"""The area picker in a browser: choosing a township loads its villages (served locally, in scope);
works on a phone."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.roles import RoleChoices
from tests.factories import make_household, make_user
from tests.helpers import login, screenshot, wait_in_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("fixture", ["page", "phone_page"])
def test_township_then_village_narrows_the_household_list(request: Any, county: Any, fixture: str) -> None:
    pg = request.getfixturevalue(fixture)
    here = make_household(county.village_a2)
    make_household(county.village_a1)
    make_household(county.village_b1)
    login(pg, "county_official")
    pg.goto(pg.base_url + "/households/")
    picker = pg.locator("[data-testid=area-picker]")
    assert picker.locator("select").count() == 1

    # when: a township is chosen, its villages come from the server
    with pg.expect_response(lambda r: "/areas/children/" in r.url):
        picker.locator("select").first.select_option(label="折桥镇")
    villages = picker.locator("select[data-level='1']")
    villages.wait_for()
    assert villages.locator("option").all_inner_texts() == ["全部（村）", "折桥村", "大庄村"]
    villages.select_option(label="大庄村")
    with pg.expect_navigation():
        pg.locator("[data-testid=filter-form] button[type=submit]").click()

    # then
    table = pg.locator("[data-testid=household-table]").inner_text()
    assert here.number in table
    assert "王坪村" not in table
    assert pg.locator("[data-testid=result-count]").inner_text() == "共 1 户"
    screenshot(pg, f"area-picker-{fixture}")


def test_a_county_user_picks_the_township_then_its_village_on_the_register_form(
    page: Any, county: Any
) -> None:
    # a registry clerk of the whole county: the register form's user who has several townships
    make_user(RoleChoices.TOWNSHIP_STAFF, county.county, username="county_clerk")
    login(page, "county_clerk")
    page.goto(page.base_url + "/households/new/")
    village = page.locator("#id_village")
    assert village.locator("option").all_inner_texts() == ["请先选择乡镇"]

    # when: the township is chosen, its villages come from the server (static script, no inline code)
    with page.expect_response(lambda r: "/areas/children/" in r.url):
        page.locator("[data-testid=village-picker-township]").select_option(label="折桥镇")
    # wait_in_page, not wait_for_function: that one evals its text when it has to poll, which the CSP
    # refuses (a failure only when the server is slow)
    wait_in_page(page, "() => document.querySelectorAll('#id_village option').length > 1")

    # then
    assert village.locator("option").all_inner_texts() == ["请选择村", "折桥村", "大庄村"]
    village.select_option(label="大庄村")
    assert village.input_value() == str(county.village_a2.pk)
    screenshot(page, "village-picker-register")


def test_a_county_user_stations_a_team_in_villages_chosen_township_first(page: Any, county: Any) -> None:
    from assistance.models import WorkTeam

    make_user(RoleChoices.TOWNSHIP_STAFF, county.county, username="county_clerk")
    login(page, "county_clerk")
    page.goto(page.base_url + "/assistance/teams/new/")
    villages = page.locator("#id_villages")
    assert villages.locator("option").count() == 0

    # when: the township is chosen, its villages load into the multiple menu (no placeholder to pick)
    with page.expect_response(lambda r: "/areas/children/" in r.url):
        page.locator("[data-testid=village-picker-township]").select_option(label="折桥镇")
    wait_in_page(page, "() => document.querySelectorAll('#id_villages option').length > 0")
    assert villages.locator("option").all_inner_texts() == ["折桥村", "大庄村"]
    villages.select_option(label=["折桥村", "大庄村"])
    page.fill("#id_name", "折桥镇驻村工作队")
    page.fill("#id_sending_unit", "临夏市教育局")
    page.fill("#id_term_start", "2025-04-01")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()

    # then: the team is stationed in both villages
    team = WorkTeam.objects.get(name="折桥镇驻村工作队")
    assert set(team.village_links.values_list("village__name", flat=True)) == {"折桥村", "大庄村"}
