"""The main menu fits: at 1280-1440 px every entry is one line and the menu one row; on a phone it
collapses behind the menu button and each entry is still one line."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEASURE = """() => Array.from(document.querySelectorAll('[data-testid=main-nav] .app-menu > .nav-item > .nav-link'))
  .filter(a => a.offsetParent !== null)
  .map(a => { const r = a.getBoundingClientRect(); const s = getComputedStyle(a);
    return {text: a.textContent.trim(), top: Math.round(r.top), height: r.height,
            line: parseFloat(s.lineHeight) + parseFloat(s.paddingTop) + parseFloat(s.paddingBottom)}; })"""


@pytest.mark.parametrize("width", [1280, 1366, 1440])
@pytest.mark.parametrize("username", ["county_admin", "staff_a"])
def test_menu_fits_one_line_per_entry(page: Any, county: Any, width: int, username: str) -> None:
    # given a role with every entry (the administrator) or the township's ten pages
    page.set_viewport_size({"width": width, "height": 900})
    login(page, username)

    # when
    entries = page.evaluate(MEASURE)

    # then
    assert len(entries) >= 9, entries
    for entry in entries:
        assert entry["height"] <= entry["line"] + 1, f"{entry['text']} wraps at {width} px: {entry}"
    assert len({e["top"] for e in entries}) == 1, f"the menu takes more than one row at {width} px: {entries}"
    if width == 1366:
        screenshot(page, f"menu-{username}-1366")


def test_phone_menu_opens_with_one_line_entries(phone_page: Any, county: Any) -> None:
    login(phone_page, "county_admin")
    assert phone_page.locator("#mainnav").is_hidden()

    phone_page.locator(".navbar-toggler").click()
    phone_page.locator("#mainnav").get_by_text("脱贫退出").wait_for()

    entries = phone_page.evaluate(MEASURE)
    assert len(entries) >= 9
    for entry in entries:
        assert entry["height"] <= entry["line"] + 1, entry
    phone_page.locator("#mainnav").get_by_text("脱贫退出").click()
    phone_page.locator("#mainnav").get_by_text("防返贫监测").wait_for()
    screenshot(phone_page, "menu-phone-open")
