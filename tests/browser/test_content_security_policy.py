"""The Content-Security-Policy (core.headers) in a real browser: what it refuses fails a browser test
(tests/conftest.py watches the console), the API docs pages still work under it, and the pages that
lost their inline styles still draw them from static/css and static/js."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import make_household
from tests.helpers import ROOT, login, screenshot, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot_path(name: str) -> Any:
    path = ROOT / "tests" / "artifacts" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def test_an_inline_script_or_style_is_refused_and_seen_by_the_fixture(page: Any, county: Any) -> None:
    page.goto(page.base_url + "/login/")
    assert page.csp_refusals == []
    page.evaluate(
        """() => {
          const box = document.createElement("div");
          box.innerHTML = '<p id="planted" style="color: rgb(255, 0, 0)">x</p>';
          document.body.appendChild(box);
          const script = document.createElement("script");
          script.textContent = "window.plantedRan = true";
          document.body.appendChild(script);
        }"""
    )
    wait_for(lambda: len(page.csp_refusals) >= 2, timeout=10)
    assert page.evaluate("() => window.plantedRan") is None  # the inline script did not run
    assert (
        page.evaluate("() => getComputedStyle(document.getElementById('planted')).color") != "rgb(255, 0, 0)"
    )
    assert any("script-src" in text for text in page.csp_refusals)
    assert any("style-src" in text for text in page.csp_refusals)
    page.csp_refusals.clear()  # planted on purpose: the fixture would fail the test otherwise


def test_swagger_ui_and_redoc_work_under_the_policy(page: Any, county: Any) -> None:
    login(page, "staff_a")
    page.goto(page.base_url + "/api/docs/")
    # The schema's operations, in a section per app (Swagger UI draws the first sections first).
    # (both libraries build the whole schema in the page: slow on a loaded machine, hence the minute)
    page.locator(".opblock-summary-path", has_text="/api/areas/areas/").first.wait_for(timeout=60000)
    assert page.locator(".opblock-tag", has_text="accounts").count() == 1
    assert page.evaluate("() => getComputedStyle(document.body).margin") == "0px"  # api-docs.css
    screenshot(page, "csp-swagger")
    assert page.csp_refusals == []
    page.goto(page.base_url + "/api/redoc/")
    page.get_by_role("heading", name="povertycase API").first.wait_for(timeout=60000)
    page.locator("[role=search] input, input[placeholder]").first.wait_for(timeout=60000)
    page.screenshot(path=str(screenshot_path("csp-redoc")))  # the viewport: the full page is very long
    # Redoc's attribution logo comes from cdn.redoc.ly: refused, as every outbound call should be (the
    # library hides the image when it fails). Nothing else may be refused.
    wait_for(lambda: page.csp_refusals, timeout=30)
    assert all("https://cdn.redoc.ly/" in text for text in page.csp_refusals), page.csp_refusals
    page.csp_refusals.clear()


def test_the_household_card_is_styled_from_the_stylesheet(page: Any, county: Any) -> None:
    household = make_household(county.village_a1, members=2)
    login(page, "staff_a")
    page.goto(page.base_url + f"/households/{household.pk}/card/")
    card = page.locator("[data-testid=household-card]")
    assert card.evaluate("el => getComputedStyle(el).borderTopColor") == "rgb(179, 38, 30)"  # --app-red
    assert card.evaluate("el => getComputedStyle(el).borderTopWidth") == "2px"
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("() => window.printed") == 1  # the Print button's listener (app.js)
    screenshot(page, "csp-household-card")
