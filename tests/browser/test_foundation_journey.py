"""A township staff member signs in and finds a Chinese interface scoped to their township."""

from typing import Any

import pytest

from tests.helpers import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_in_see_chinese_interface_and_switch_language(page: Any, county: Any) -> None:
    # when
    login(page, "staff_a")

    # then
    assert "欢迎" in page.content()
    page.click("text=行政区划")
    assert page.locator("[data-testid=area-table]").inner_text().count("折桥镇") >= 1
    assert "枹罕镇" not in page.locator("[data-testid=area-table]").inner_text()
    screenshot(page, "foundation-home-zh")

    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    assert "Administrative areas" in page.content()


def test_phone_layout_collapses_navigation(phone_page: Any, county: Any) -> None:
    login(phone_page, "staff_a")
    toggler = phone_page.locator(".navbar-toggler")
    assert toggler.is_visible()
    toggler.click()
    phone_page.locator("#mainnav").get_by_text("行政区划").wait_for()
    screenshot(phone_page, "foundation-phone-menu")
