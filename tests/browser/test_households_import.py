"""A township clerk imports the village's roster in a real browser: the file with an unknown column is
refused by name, the corrected file imports, and the job page leads to the imported households."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from households.models import Household
from tests.helpers import login, screenshot
from tests.households.test_imports import _messy

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_imports_a_messy_roster_and_follows_the_job_to_the_households(
    page: Any, county: Any, tmp_path: Path
) -> None:
    # given: the roster as the clerk keeps it, with a 备注 column
    login(page, "staff_a")
    with_remarks, without = tmp_path / "折桥村花名册.xlsx", tmp_path / "折桥村花名册-改.xlsx"
    with_remarks.write_bytes(_messy(county, with_remarks=True))
    without.write_bytes(_messy(county, with_remarks=False))

    # when
    page.goto(page.base_url + "/households/import/")
    page.set_input_files("input[type=file]", str(with_remarks))
    page.click("form[enctype] button[type=submit]")

    # then: nothing imported; the page names the column and its row
    errors = page.locator("[data-testid=import-errors]")
    errors.wait_for()
    table = page.locator("table").inner_text()
    assert "备注" in table
    assert Household.objects.count() == 0
    screenshot(page, "households-import-refused")

    # when: the corrected file is uploaded
    page.goto(page.base_url + "/households/import/")
    page.set_input_files("input[type=file]", str(without))
    page.click("form[enctype] button[type=submit]")
    page.locator("[data-testid=import-result]").wait_for()
    screenshot(page, "households-import-done")

    # then: the job page leads to the households of the import
    page.click("[data-testid=job-links] a:has-text('本次导入的农户')")
    page.wait_for_url(lambda url: "import_job=" in url)
    assert "LX-0001" in page.content()
    assert Household.objects.get(number="LX-0001").members.count() == 2
