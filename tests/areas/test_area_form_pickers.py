"""Forms that name villages or an area choose them township first (areas.pickers): a work team's and a
project's villages (VillagesPickerWidget), and the one area of a cadre, a cross-check, an inspection, a
problem, a complaint or a 回头看 campaign (AreaChoiceField: the chain of menus). No form sends every
village in scope, and villages of the same name are told apart by their township."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from accounts.roles import RoleChoices
from assistance.models import Cadre, WorkTeam
from core import clock
from funds.models import Project
from supervision.models import Problem
from tests.factories import make_area, make_user
from tests.funds.conftest import build_money

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(county: Any) -> Any:
    """A clerk of the whole county, with a 折桥村 in each township (one is 枹罕镇's)."""
    county.village_b3 = make_area("622901101203", "折桥村", "village", county.town_b)
    return make_user(RoleChoices.TOWNSHIP_STAFF, county.county, username="county_clerk")


@pytest.fixture
def money(county: Any) -> Any:
    return build_money(county)


def _villages_picker(body: str) -> dict[str, list[str]]:
    """What the villages picker shows: ticked villages, the township menu, the villages offered."""
    html = body[body.index('data-testid="villages-picker"') :]
    html = html[: html.index('<div class="form-text">')]
    selects = dict.fromkeys(("township", "village"), "")
    for select in re.findall(r"<select[^>]*>.*?</select>", html, re.S):
        selects["township" if "data-township" in select else "village"] = select

    def options(select: str) -> list[str]:
        return re.findall(r'<option value="[^"]+"[^>]*>([^<]+)</option>', select)

    return {
        "chosen": re.findall(r'<label class="form-check-label"[^>]*>([^<]+)</label>', html),
        "townships": options(selects["township"]),
        "villages": options(selects["village"]),
    }


def _area_menus(body: str) -> list[tuple[list[str], str]]:
    """The area chain's menus: (options, the selected option) each."""
    html = body[body.index('data-testid="area-picker"') :]
    html = html[: html.index("</div>")]
    menus = []
    for select in re.findall(r"<select[^>]*>.*?</select>", html, re.S):
        names = re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)
        chosen = re.findall(r'<option value="\d+" selected>([^<]+)</option>', select)
        menus.append((names, chosen[0] if chosen else ""))
    return menus


def _team(**extra: Any) -> dict[str, Any]:
    return {"name": "驻村工作队", "sending_unit": "临夏市教育局", "term_start": "2025-04-01", **extra}


def test_the_work_team_form_sends_no_village_before_a_township_is_chosen(clerk: Any, web: Any) -> None:
    body = web(clerk).get("/assistance/teams/new/").content.decode()
    assert _villages_picker(body) == {"chosen": [], "townships": ["枹罕镇", "折桥镇"], "villages": []}
    assert "请先选择乡镇" in body


def test_a_team_of_two_townships_villages_keeps_the_first_while_the_second_is_chosen(
    county: Any, clerk: Any, web: Any
) -> None:
    client = web(clerk)
    # when: 折桥镇's 折桥村 is ticked, then 枹罕镇 chosen as township, and the form comes back (for
    # a missing name)
    back = client.post(
        "/assistance/teams/new/",
        _team(name="", villages=[county.village_a1.pk], villages__township=county.town_b.code),
    )
    # then: the ticked village stays, named with its township, and the newly chosen township's villages
    # are offered (枹罕镇's own 折桥村 among them)
    assert back.status_code == 200
    assert _villages_picker(back.content.decode()) == {
        "chosen": ["折桥村 · 折桥镇"],
        "townships": ["枹罕镇", "折桥镇"],
        "villages": ["王坪村", "江牌村", "折桥村"],
    }

    # when: saved with one village of each township
    saved = client.post(
        "/assistance/teams/new/", _team(villages=[county.village_a1.pk, county.village_b3.pk])
    )

    # then: the team is stationed in both 折桥村, each of its own township
    assert saved.status_code == 302
    team = WorkTeam.objects.get(name="驻村工作队")
    assert sorted(team.village_links.values_list("village__parent__name", "village__name")) == [
        ("折桥镇", "折桥村"),
        ("枹罕镇", "折桥村"),
    ]


def test_a_team_without_villages_is_told_so_with_the_picker_outlined(clerk: Any, web: Any) -> None:
    body = web(clerk).post("/assistance/teams/new/", _team()).content.decode()
    assert 'data-testid="error-villages"' in body
    assert 'aria-invalid="true" aria-describedby="id_villages-errors"' in body
    assert WorkTeam.objects.count() == 0


def test_a_foreign_village_is_refused_by_the_team_form(county: Any, web: Any) -> None:
    body = web(county.staff_a).post("/assistance/teams/new/", _team(villages=[county.village_b1.pk]))
    assert 'data-testid="error-villages"' in body.content.decode()
    assert WorkTeam.objects.count() == 0


def test_a_township_user_is_offered_their_villages_at_once(county: Any, web: Any) -> None:
    body = web(county.staff_a).get("/assistance/teams/new/").content.decode()
    assert _villages_picker(body) == {"chosen": [], "townships": [], "villages": ["折桥村", "大庄村"]}


def test_the_project_form_names_its_villages_with_their_townships(
    county: Any, clerk: Any, money: Any, web: Any
) -> None:
    client = web(clerk)
    body = client.get("/funds/projects/new/").content.decode()
    assert _villages_picker(body)["villages"] == []

    created = client.post(
        "/funds/projects/new/",
        {
            "area": county.county.pk,
            "name": "两个折桥村的道路",
            "category": money.positive.pk,
            "year": 2025,
            "budget": "90000.00",
            "villages": [county.village_a1.pk, county.village_b3.pk],
            "household_numbers": "",
        },
    )
    assert created.status_code == 302, created.content.decode()[:3000]
    project = Project.objects.get(name="两个折桥村的道路")
    assert set(project.villages.all()) == {county.village_a1, county.village_b3}

    edit = client.get(f"/funds/projects/{project.pk}/edit/").content.decode()
    assert _villages_picker(edit) == {
        "chosen": ["折桥村 · 枹罕镇", "折桥村 · 折桥镇"],
        "townships": ["枹罕镇", "折桥镇"],
        "villages": [],
    }


def test_an_area_form_opens_on_the_users_area_and_takes_the_deepest_menu_chosen(
    county: Any, web: Any
) -> None:
    client = web(county.staff_a)
    body = client.get("/assistance/cadres/new/").content.decode()
    # the township user's own township, chosen, and its villages offered: no list of every area
    assert _area_menus(body) == [(["折桥镇"], "折桥镇"), (["折桥村", "大庄村"], "")]
    assert "下一级留“全部”即为上一级的整个区域" in body

    # when: the menus are sent as the page sends them (each menu's code)
    created = client.post(
        "/assistance/cadres/new/",
        {"name": "祁文静", "unit": "临夏市教育局", "area": [county.town_a.code, county.village_a2.code]},
    )

    # then
    assert created.status_code == 302
    assert Cadre.objects.get(name="祁文静").area == county.village_a2


def test_an_area_outside_the_users_is_a_clear_error(county: Any, web: Any) -> None:
    body = web(county.staff_a).post(
        "/assistance/cadres/new/", {"name": "祁文静", "unit": "临夏市教育局", "area": county.village_b1.code}
    )
    assert 'data-testid="error-area"' in body.content.decode()
    assert not Cadre.objects.filter(name="祁文静").exists()


def test_a_county_user_names_a_problems_village_through_its_township(county: Any, web: Any) -> None:
    client = web(county.county_official)
    body = client.get("/supervision/problems/new/").content.decode()
    assert _area_menus(body) == [(["临夏市"], "临夏市"), (["枹罕镇", "折桥镇"], "")]

    response = client.post(
        "/supervision/problems/new/",
        {
            "area": [county.county.code, county.town_a.code, county.village_a2.code],
            "category": "funds",
            "description": "资金未公示",
            "responsible_unit": "镇政府",
            "responsible_person": county.staff_a.pk,
            "deadline": (clock.today() + dt.timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Problem.objects.get().area == county.village_a2


def test_the_campaign_form_and_the_cross_check_form_use_the_area_chain(county: Any, web: Any) -> None:
    county_body = web(county.county_official).get("/exits/campaigns/").content.decode()
    assert _area_menus(county_body)[0] == (["临夏市"], "临夏市")
    clerk_body = web(county.staff_a).get("/households/cross-checks/").content.decode()
    assert _area_menus(clerk_body) == [(["折桥镇"], "折桥镇"), (["折桥村", "大庄村"], "")]


def test_cadres_of_one_name_and_unit_are_told_apart_by_position_in_the_team_form(
    county: Any, web: Any
) -> None:
    for position in ("科员", "科长"):
        Cadre.objects.create(name="孔丽娟", unit="临夏市民政局", position=position, area=county.town_a)
    body = web(county.staff_a).get("/assistance/teams/new/").content.decode()
    assert "孔丽娟（临夏市民政局 科员 · 折桥镇）" in body
    assert "孔丽娟（临夏市民政局 科长 · 折桥镇）" in body
