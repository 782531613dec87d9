"""Yearly policy values (areas.policy, `yearly=True`): the poverty line and any rule set per year, in
the one store with the one rule: the most specific area's value for exactly the year asked; a year
nobody set has the default (for the line: none), never an earlier year's. The year a reader asks for
is the county's, from core.clock."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from accounts.roles import RoleChoices
from areas.choices import AreaLevelChoices
from areas.models import PolicyValue
from areas.policy import _REGISTRY, IntKey
from areas.selectors import policy_for_areas, policy_get, policy_years
from areas.services import policy_set
from core import clock
from core.audit import audit_events_for
from core.exceptions import ConflictError
from exits.policy import POVERTY_LINE
from exits.templatetags.exits_tags import exits_household_panel
from households.choices import HouseholdStatusChoices
from tests.exits.builders import ready_household, set_line
from tests.factories import make_area, make_user, set_policy
from tests.helpers import county_time

pytestmark = pytest.mark.django_db

LINE = POVERTY_LINE.name
PREFIX = LINE.replace(".", "-")  # the page's form for the line


def _line(area: Any, year: int) -> Decimal | None:
    return policy_get(POVERTY_LINE, area, year=year)


def test_the_line_is_the_year_s_own_from_the_most_specific_area(county: Any) -> None:
    # given: the province's lines for 2019 and 2020 (2,300 yuan at 2010 prices, at each year's prices),
    # the county's own for 2019 (above the province's) and 2021
    set_policy(county.province, {LINE: "3747"}, year=2019)
    set_policy(county.province, {LINE: "4000"}, year=2020)
    for year, amount in ((2019, "3800"), (2021, "4100")):
        policy_set(area=county.county, user=county.county_official, year=year, values={LINE: amount})

    # then: the county's value wins in its year, the province's holds where the county set none
    assert _line(county.village_a1, 2019) == Decimal("3800.00")
    assert _line(county.village_a1, 2020) == Decimal("4000.00")
    assert _line(county.village_a1, 2021) == Decimal("4100.00")
    assert _line(county.prefecture, 2019) == Decimal("3747.00")  # above the county: the province's
    # and: no year borrows another's, before or after
    assert _line(county.village_a1, 2018) is None
    assert _line(county.village_a1, 2022) is None
    assert _line(None, 2021) is None
    # and: the many-areas reader agrees with the one-area reader
    villages = [county.village_a1, county.village_b2, county.prefecture]
    for year in (2018, 2019, 2020, 2021, 2022):
        assert policy_for_areas(POVERTY_LINE, villages, year=year) == {
            v.code: _line(v, year) for v in villages
        }
    # and: year by year as the county's pages show it, latest first, with where each comes from
    shown = [(f.year, f.value, f.source) for f in policy_years(county.village_b1, POVERTY_LINE)]
    assert shown == [
        (2021, Decimal("4100.00"), county.county.code),
        (2020, Decimal("4000.00"), county.province.code),
        (2019, Decimal("3800.00"), county.county.code),
    ]


def test_a_yearly_value_is_read_and_set_for_a_year_and_only_it(county: Any) -> None:
    with pytest.raises(ValueError, match="yearly"):
        policy_get(POVERTY_LINE, county.county)
    with pytest.raises(ValidationError) as no_year:
        policy_set(area=county.county, user=county.county_official, values={LINE: "4000"})
    with pytest.raises(ValidationError) as not_yearly:
        policy_set(
            area=county.county, user=county.county_official, year=2020, values={"exits.notice_min_days": 9}
        )
    with pytest.raises(ValidationError) as out_of_bounds:
        policy_set(area=county.county, user=county.county_official, year=1999, values={LINE: "4000"})
    with pytest.raises(ValidationError) as township:
        policy_set(area=county.town_a, user=county.county_official, year=2020, values={LINE: "4000"})
    with pytest.raises(ValidationError) as zero:
        policy_set(area=county.county, user=county.county_official, year=2020, values={LINE: "0"})
    assert list(no_year.value.message_dict) == [LINE]
    assert list(not_yearly.value.message_dict) == ["exits.notice_min_days"]
    assert list(out_of_bounds.value.message_dict) == ["year"]
    assert list(township.value.message_dict) == [LINE]  # the line is a county's (or a province's)
    assert list(zero.value.message_dict) == [LINE]
    assert not PolicyValue.objects.exists()


@pytest.fixture
def village_yearly() -> Iterator[IntKey]:
    """A yearly key any area may set (the line is a county's), declared for the test only."""
    key = IntKey("households.test_yearly_days", "test", default=7, maximum=99, yearly=True)
    _REGISTRY.keys[key.name] = key
    yield key
    del _REGISTRY.keys[key.name]


def test_a_township_s_value_of_a_year_wins_over_the_county_s_that_year_only(
    county: Any, village_yearly: IntKey
) -> None:
    # given: the county sets 2020 and 2021, township A 2020 only
    admin, name = county.county_admin, village_yearly.name
    policy_set(area=county.county, user=admin, year=2020, values={name: 10})
    policy_set(area=county.county, user=admin, year=2021, values={name: 11})
    policy_set(area=county.town_a, user=admin, year=2020, values={name: 15})

    # then: township A's villages read its 2020 value, and the county's 2021 one (the township's
    # 2020 value is not carried into 2021); township B's read the county's
    assert policy_get(village_yearly, county.village_a1, year=2020) == 15
    assert policy_get(village_yearly, county.village_a1, year=2021) == 11
    assert policy_get(village_yearly, county.village_b1, year=2020) == 10
    assert policy_get(village_yearly, county.village_a1, year=2022) == 7  # the declared default
    assert policy_get(village_yearly, county.village_a1, year=2022) == village_yearly.default

    # when: the township lets its 2020 value go (naming a stale version first)
    row = PolicyValue.objects.get(area=county.town_a, key=name, year=2020)
    with pytest.raises(ConflictError):
        policy_set(area=county.town_a, user=admin, year=2020, inherit=[name], versions={name: 7})
    policy_set(area=county.town_a, user=admin, year=2020, inherit=[name], versions={name: row.version})

    # then: the county's 2020 value holds there too
    assert policy_get(village_yearly, county.village_a1, year=2020) == 10


@pytest.mark.parametrize(
    ("local", "year"),
    [
        ((2020, 12, 31, 23, 59), 2020),  # 15:59 UTC
        ((2021, 1, 1, 0, 0), 2021),  # still 2020-12-31 in UTC: the county's midnight turns the year
        ((2024, 2, 29, 12, 0), 2024),  # leap day: in its year like any other
        ((2024, 12, 31, 23, 59), 2024),  # the last minute of a leap year
    ],
)
def test_the_year_in_force_is_the_county_s(
    county: Any, web: Any, time_machine: Any, local: tuple[int, ...], year: int
) -> None:
    # given: a line for each year around the instant
    for line_year, amount in ((2020, "4000"), (2021, "4100"), (2024, "4500"), (2025, "4600")):
        set_line(county.county, Decimal(amount), year=line_year)
    household = ready_household(county.village_a1, status=HouseholdStatusChoices.REGISTERED)

    # when: the clock reads the county's wall-clock instant
    time_machine.move_to(county_time(*local), tick=False)

    # then: the household's exit check uses that year's line, and the policy page marks that year
    assert clock.this_year(county.village_a1) == year
    panel = exits_household_panel({"user": county.county_official}, household)["panel"]
    assert (panel["year"], panel["eligibility"].line) == (year, _line(county.village_a1, year))
    page = web(county.county_official).get(f"/areas/{county.county.code}/policy/").content.decode()
    assert page.count('data-current="true"') == 1
    assert f'data-year="{year}" data-current="true"' in page
    assert 'data-testid="policy-year-missing"' not in page


def test_the_page_says_when_this_year_has_no_line(county: Any, web: Any, time_machine: Any) -> None:
    set_line(county.county, Decimal("4000"), year=2020)
    time_machine.move_to(county_time(2021, 1, 1, 0, 0), tick=False)  # 2020-12-31 16:00 UTC

    page = web(county.viewer).get(f"/areas/{county.town_a.code}/policy/").content.decode()

    missing = page.split('data-testid="policy-year-missing"')[1].split("</div>")[0]
    assert "2021" in missing
    assert 'data-current="true"' not in page


def test_the_county_official_sets_a_year_on_the_page_and_it_is_audited(county: Any, web: Any) -> None:
    client = web(county.county_official)
    url = f"/areas/{county.county.code}/policy/"
    form = {"key": LINE, f"{PREFIX}-year": 2020, f"{PREFIX}-basis": "国家扶贫标准（现价）"}

    # the page has a form for the line
    page = client.get(url).content.decode()
    assert 'data-testid="policy-year-form"' in page
    assert f'name="{PREFIX}-{LINE}"' in page
    assert f'name="{PREFIX}-year" value="{clock.this_year(county.county)}"' in page  # this year offered

    # a wrong amount is named on the field and nothing is saved
    bad = client.post(f"{url}year/", form | {f"{PREFIX}-{LINE}": "4000.123"})
    assert bad.status_code == 200
    assert f'data-testid="error-{LINE}"' in bad.content.decode()
    empty = client.post(f"{url}year/", form | {f"{PREFIX}-{LINE}": ""})
    assert f'data-testid="error-{LINE}"' in empty.content.decode()
    assert not PolicyValue.objects.exists()

    # set, then corrected: one row for the year, each change audited with who made it
    assert client.post(f"{url}year/", form | {f"{PREFIX}-{LINE}": "3990"}).status_code == 302
    assert client.post(f"{url}year/", form | {f"{PREFIX}-{LINE}": "4000"}).status_code == 302
    row = PolicyValue.objects.get()
    assert (row.area, row.key, row.year, row.value, row.basis, row.version) == (
        county.county,
        LINE,
        2020,
        "4000.00",
        "国家扶贫标准（现价）",
        2,
    )
    events = audit_events_for(row)
    assert [e["user"] for e in events] == [county.county_official, county.county_official]
    shown = client.get(url).content.decode().split('data-year="2020"')[1].split("</tr>")[0]
    assert "4,000.00" in shown
    assert "国家扶贫标准（现价）" in shown

    # removed with a stale version: refused, kept; with the version read: gone (and audited)
    remove = {"key": LINE, f"{PREFIX}-year": 2020, f"{PREFIX}-remove": "on"}
    stale = client.post(f"{url}year/", remove | {f"{PREFIX}-version": 1})
    assert stale.status_code == 200
    assert PolicyValue.objects.filter(pk=row.pk).exists()
    assert client.post(f"{url}year/", remove | {f"{PREFIX}-version": 2}).status_code == 302
    assert not PolicyValue.objects.exists()
    assert _line(county.village_a1, 2020) is None


def test_another_county_cannot_read_or_set_the_line_and_a_viewer_reads_it(
    county: Any, web: Any, api: Any
) -> None:
    set_line(county.county, Decimal("4000"), year=2020)
    other = make_area("622921000000", "临夏县", AreaLevelChoices.COUNTY, county.prefecture)
    other_official = make_user(RoleChoices.COUNTY_OFFICIAL, other, username="other_official")
    url = f"/areas/{county.county.code}/policy/"
    form = {"key": LINE, f"{PREFIX}-year": 2020, f"{PREFIX}-{LINE}": "1"}

    # another county's official: 404 on the page, the form and the API, and nothing changes
    assert web(other_official).get(url).status_code == 404
    assert web(other_official).post(f"{url}year/", form).status_code == 404
    endpoint = f"/api/areas/areas/{county.county.code}/policy/"
    assert api(other_official).get(endpoint).status_code == 404
    patch = {"year": 2020, "values": {LINE: "1"}}
    assert api(other_official).patch(endpoint, patch, format="json").status_code == 404
    # the prefecture's viewer: reads the years, has no form, is refused a change
    page = web(county.viewer).get(url).content.decode()
    assert 'data-year="2020"' in page
    assert 'data-testid="policy-year-form"' not in page
    assert web(county.viewer).post(f"{url}year/", form).status_code == 403
    assert api(county.viewer).patch(endpoint, patch, format="json").status_code == 403
    assert _line(county.county, 2020) == Decimal("4000.00")


def test_the_api_lists_the_years_and_sets_one(county: Any, api: Any) -> None:
    set_policy(county.province, {LINE: "3747"}, year=2019)
    client = api(county.county_official)
    endpoint = f"/api/areas/areas/{county.county.code}/policy/"

    # when: the county sets its 2020 line with the document it follows
    body = {"year": 2020, "values": {LINE: "4000.00"}, "basis": "县扶贫办文件"}
    answer = client.patch(endpoint, body, format="json")

    # then: the answer lists the line once per year in force here, where each comes from
    assert answer.status_code == 200
    lines = [
        (v["year"], v["value"], v["source"], v["basis"], v["version"])
        for v in answer.json()["values"]
        if v["key"] == LINE
    ]
    assert lines == [
        (2020, "4000.00", county.county.code, "县扶贫办文件", 1),
        (2019, "3747.00", county.province.code, "", None),
    ]
    assert client.get(endpoint).json() == answer.json()
    # and: a float is refused, naming the key
    floating = client.patch(endpoint, {"year": 2021, "values": {LINE: 4100.5}}, format="json")
    assert floating.status_code == 400
    assert LINE in floating.json()["errors"]
    assert _line(county.county, 2021) is None


@pytest.mark.django_db(transaction=True)
def test_two_officials_setting_the_same_new_year_at_once_leave_one_row(county: Any) -> None:
    from tests.helpers import at_once

    # when: both set the county's 2020 line, nobody having set it before
    amounts = ["4000.00", "4100.00"]
    outcomes = at_once(
        2,
        lambda i: policy_set(
            area=county.county, user=county.county_official, year=2020, values={LINE: amounts[i]}
        ),
    )

    # then: neither fails on the unique constraint; one row, holding one of the two amounts
    assert [o for o in outcomes if isinstance(o, Exception)] == []
    [row] = PolicyValue.objects.filter(key=LINE, year=2020)
    assert row.value in amounts
    assert row.version == 2  # the second change updated the first one's row
