"""The county's policy page: every policy value in force, where it comes from, and a form for those the
user may set there; scoped (another county's administrator gets 404) and audited."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.roles import RoleChoices
from areas.choices import AreaLevelChoices
from areas.models import PolicyValue
from areas.policy import policy_keys
from core.audit import audit_events_for
from households.selectors import policy_for
from tests.factories import make_area, make_user, set_policy

pytestmark = pytest.mark.django_db


def _form(page: str) -> str:
    return page.split('data-testid="policy-form"')[1].split("</form>")[0]


def _everything(county: Any, **changes: Any) -> dict[str, Any]:
    """The fields of the page as the county administrator sees it, unchanged but for `changes`."""
    values: dict[str, Any] = {}
    for key in policy_keys():
        if key.yearly:
            continue  # set a year at a time, in a form of its own
        if key.name == "exits.village_class_bands":
            prefix = "exits-village_class_bands"
            values |= {f"{prefix}-TOTAL_FORMS": len(key.default), f"{prefix}-INITIAL_FORMS": len(key.default)}
            for i, band in enumerate(key.default):
                values |= {f"{prefix}-{i}-number": band["class"], f"{prefix}-{i}-low": band["min"]}
                values[f"{prefix}-{i}-high"] = band["max"] or ""
        else:
            values[key.name] = key.default
    return values | changes


def test_the_county_administrator_sets_a_value_and_it_is_audited(county: Any, web: Any) -> None:
    client = web(county.county_admin)
    url = f"/areas/{county.county.code}/policy/"

    # given: the page shows every declared value, each the documented default
    page = client.get(url).content.decode()
    assert page.count('data-testid="policy-row"') == len([k for k in policy_keys() if not k.yearly])
    assert "政策参数" in page
    assert "默认值" in page

    # when: the notice minimum is changed and nothing else
    saved = client.post(url, _everything(county, **{"households.notice_min_days": 10}))

    # then: only the changed value is stored on the county, by the administrator, and it is in force
    assert saved.status_code == 302
    row = PolicyValue.objects.get()
    assert (row.area, row.key, row.value) == (county.county, "households.notice_min_days", 10)
    assert audit_events_for(row)[0]["user"] == county.county_admin
    assert policy_for(county.village_b2).notice_min_days == 10
    page = client.get(url).content.decode()
    assert "本区域" in page  # where the value comes from


def test_a_wrong_value_is_named_and_nothing_is_saved(county: Any, web: Any) -> None:
    client = web(county.county_admin)
    url = f"/areas/{county.county.code}/policy/"
    weights = {f"households.weight_{look}": "0" for look in ("housing", "grain", "labour", "students")}
    page = client.post(url, _everything(county, **weights)).content.decode()
    assert "各项权重之和为零" in page
    page = client.post(url, _everything(county, **{"assistance.visit_days": "0"})).content.decode()
    assert 'data-testid="policy-form"' in page
    assert not PolicyValue.objects.exists()


def test_a_township_overrides_the_county_and_can_go_back(county: Any, web: Any) -> None:
    set_policy(county.county, {"households.notice_min_days": 9})
    client = web(county.county_admin)
    url = f"/areas/{county.town_a.code}/policy/"

    # the township's page: its values in force come from the county, and only the keys a township may
    # set are fields (the visit window and the exit rules are a county's)
    form = _form(client.get(url).content.decode())
    assert 'name="households.notice_min_days"' in form
    assert 'name="assistance.visit_days"' not in form
    assert 'name="exits.notice_min_days"' not in form

    township = {key.name: key.default for key in policy_keys() if key.settable_at(AreaLevelChoices.TOWNSHIP)}
    assert client.post(url, township | {"households.notice_min_days": 12}).status_code == 302
    assert policy_for(county.village_a1).notice_min_days == 12
    assert policy_for(county.village_b1).notice_min_days == 9
    assert county.town_a.name in client.get(f"/areas/{county.county.code}/policy/").content.decode()

    row = PolicyValue.objects.get(area=county.town_a)
    back = township | {"households.notice_min_days": 12, "households.notice_min_days:inherit": "on"}
    assert client.post(url, back | {"versions": f'{{"{row.key}": {row.version}}}'}).status_code == 302
    assert policy_for(county.village_a1).notice_min_days == 9


def test_another_county_s_administrator_gets_404_and_a_viewer_reads_only(county: Any, web: Any) -> None:
    other_county = make_area("622921000000", "临夏县", AreaLevelChoices.COUNTY, county.prefecture)
    other_admin = make_user(RoleChoices.SYSTEM_ADMIN, other_county, username="other_admin")
    url = f"/areas/{county.county.code}/policy/"

    assert web(other_admin).get(url).status_code == 404
    assert (
        web(other_admin).post(url, _everything(county, **{"households.notice_min_days": 3})).status_code
        == 404
    )
    assert web(other_admin).get(f"/areas/{county.village_a1.code}/policy/").status_code == 404

    viewer_page = web(county.viewer).get(url)
    assert viewer_page.status_code == 200
    form = _form(viewer_page.content.decode())
    assert not any(f'name="{key.name}"' in form for key in policy_keys())
    assert 'data-testid="policy-save"' not in form
    assert web(county.viewer).post(url, _everything(county)).status_code == 403
    assert not PolicyValue.objects.exists()


def test_the_policy_menu_address_opens_the_user_s_county(county: Any, web: Any) -> None:
    assert (
        web(county.county_admin).get("/areas/policy/")["Location"] == f"/areas/{county.county.code}/policy/"
    )
    # a township's staff: their township's page (the county's is outside their scope)
    assert web(county.staff_a).get("/areas/policy/")["Location"] == f"/areas/{county.town_a.code}/policy/"
    assert web(county.staff_a).get(f"/areas/{county.county.code}/policy/").status_code == 404
