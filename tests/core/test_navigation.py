"""The menu: one entry per section, the active entry is the section the page is in."""

from __future__ import annotations

import re
from typing import Any

import pytest

from accounts.roles import RoleChoices
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def active_entries(body: str) -> list[str]:
    menu = body[body.index('data-testid="main-nav"') : body.index("</nav>")]
    return re.findall(r'class="(?:nav-link|dropdown-item)(?: dropdown-toggle)? active"[^>]*>([^<]+)<', menu)


@pytest.mark.parametrize(
    ("path", "active"),
    [
        ("/", ["我的工作"]),
        ("/exits/", ["脱贫退出", "贫困户退出"]),
        ("/exits/screening/", ["脱贫退出", "贫困户退出"]),
        ("/exits/monitoring/", ["脱贫退出", "防返贫监测"]),
        ("/exits/campaigns/", ["脱贫退出", "回头看"]),
        ("/assistance/", ["帮扶", "覆盖情况"]),
        ("/assistance/visits/", ["帮扶", "走访"]),
        ("/assistance/follow-ups/", ["帮扶", "走访"]),
        ("/households/", ["农户"]),
        ("/funds/", ["资金项目"]),
    ],
)
def test_the_active_entry_is_the_section_of_the_page(
    county: Any, web: Any, path: str, active: list[str]
) -> None:
    # when
    body = web(county.staff_a).get(path).content.decode()

    # then: one section lit (a group and its page), not every entry sharing the path's first characters
    assert active_entries(body) == active


def test_pages_of_a_group_are_one_menu_entry(county: Any, web: Any) -> None:
    body = web(county.staff_a).get("/").content.decode()
    menu = body[body.index('data-testid="main-nav"') : body.index("</nav>")]
    top = re.findall(r'<li class="nav-item(?: dropdown)?">\s*<a class="nav-link[^"]*"[^>]*>([^<]+)<', menu)
    assert top[:8] == ["我的工作", "数据看板", "农户", "帮扶", "资金项目", "脱贫退出", "督导", "行政区划"]


def test_a_group_with_one_page_for_the_role_is_that_page(county: Any, web: Any) -> None:
    viewer = make_user(RoleChoices.OVERSIGHT, county.county)
    body = web(viewer).get("/").content.decode()
    assert "走访" not in body[body.index('data-testid="main-nav"') : body.index("</nav>")]
    assert 'href="/assistance/"' in body


def test_the_language_menu_names_each_language_in_itself(county: Any, web: Any) -> None:
    body = web(county.staff_a).get("/").content.decode()
    assert ">English</option>" in body
    assert "英语" not in body
    assert ">简体中文</option>" in body


def test_one_product_name(county: Any, web: Any, client: Any) -> None:
    login_page = client.get("/login/").content.decode()
    home = web(county.staff_a).get("/").content.decode()
    for body in (login_page, home):
        assert "精准扶贫管理系统" in body
        assert "精准扶贫业务管理系统" not in body
