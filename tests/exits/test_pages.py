"""The exits pages: scoped, thin over the services, errors shown, lists without per-row queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from areas.models import PolicyValue
from areas.selectors import policy_get
from core import clock
from exits.choices import ExitProcedureStateChoices as S
from exits.choices import ExitStepChoices as E
from exits.choices import MonitoringCategoryChoices, MonitoringSourceChoices, RiskChoices
from exits.models import ExitProcedure
from exits.policy import POVERTY_LINE
from exits.services import (
    campaign_start,
    exit_flags_refresh_village,
    exit_procedure_propose,
    monitoring_case_report,
)
from households.choices import HouseholdStatusChoices, HousingSafetyChoices
from tests.exits.builders import YEAR, ready_household, set_line

pytestmark = pytest.mark.django_db


@pytest.fixture
def filled(county: Any) -> dict[str, Any]:
    set_line(county.county)
    procedures = [
        exit_procedure_propose(household=ready_household(county.village_a1), year=YEAR, user=county.staff_a)
        for _ in range(4)
    ]
    for _ in range(4):
        monitoring_case_report(
            household=ready_household(county.village_a2, status=HouseholdStatusChoices.EXITED),
            category=MonitoringCategoryChoices.UNSTABLE_EXITED,
            source=MonitoringSourceChoices.SELF_REPORT,
            risks=[RiskChoices.DISASTER],
            user=county.staff_a,
        )
    exit_flags_refresh_village(village=county.village_a1, year=YEAR)
    campaign = campaign_start(
        area=county.town_a,
        title="回头看",
        starts_on=dt.date(2026, 1, 1),
        due_on=dt.date(2026, 2, 1),
        user=county.county_official,
    )
    return {"procedures": procedures, "campaign": campaign}


def _more_rows(county: Any) -> None:
    for _ in range(4):
        exit_procedure_propose(household=ready_household(county.village_a1), year=YEAR, user=county.staff_a)
        monitoring_case_report(
            household=ready_household(county.village_a2, status=HouseholdStatusChoices.EXITED),
            category=MonitoringCategoryChoices.UNSTABLE_EXITED,
            source=MonitoringSourceChoices.SELF_REPORT,
            risks=[RiskChoices.DISASTER],
            user=county.staff_a,
        )
    exit_flags_refresh_village(village=county.village_a1, year=YEAR)
    campaign_start(
        area=county.town_a,
        title="再次回头看",
        starts_on=dt.date(2026, 3, 1),
        due_on=dt.date(2026, 4, 1),
        user=county.county_official,
    )


@pytest.mark.parametrize(
    "url", ["/exits/", "/exits/monitoring/", "/exits/screening/", "/exits/campaigns/", "/exits/villages/"]
)
def test_list_pages_do_not_query_per_row(
    county: Any, filled: dict, web: Any, django_assert_max_num_queries: Any, url: str
) -> None:
    # given: the page's query count with four rows of each kind
    client = web(county.county_official)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200

    # when: twice the rows
    _more_rows(county)

    # then: the same number of queries, and a pinned ceiling
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200
    assert len(before.captured_queries) <= 16


def test_campaign_page_query_count(
    county: Any, filled: dict, web: Any, django_assert_max_num_queries: Any
) -> None:
    client = web(county.county_official)
    url = f"/exits/campaigns/{filled['campaign'].pk}/"
    with django_assert_max_num_queries(20):
        body = client.get(url).content.decode()
    assert "折桥村" in body


def test_procedure_page_signs_the_next_step_and_shows_refusals(county: Any, filled: dict, web: Any) -> None:
    # given
    procedure = filled["procedures"][0]
    client = web(county.secretary_a1)

    # when: a step out of order, then the right one
    skipped = client.post(
        f"/exits/procedures/{procedure.pk}/sign/", {"step": E.NOTICE_START, "version": 1}, follow=True
    )
    signed = client.post(
        f"/exits/procedures/{procedure.pk}/sign/", {"step": E.VILLAGE_VERIFY, "version": 1}, follow=True
    )

    # then
    assert "不能跳过环节" in skipped.content.decode()  # the one refusal of every workflow
    assert "已签字" in signed.content.decode()
    procedure.refresh_from_db()
    assert procedure.state == S.VERIFIED
    assert procedure.signoffs.count() == 2


def test_monitoring_signs_on_its_own_url_and_the_detail_page_adds_measures(
    county: Any, filled: dict, web: Any
) -> None:
    # given: a reported case; the sign-off and the assistance are two actions, two URLs
    from exits.choices import MonitoringStateChoices as M
    from exits.choices import MonitoringStepChoices as MS
    from exits.models import MonitoringCase

    case = MonitoringCase.objects.order_by("pk").first()
    client = web(county.staff_a)

    # when: a step is signed on the sign URL, with the version the page showed
    signed = client.post(
        f"/exits/monitoring/{case.pk}/sign/",
        {"step": MS.VERIFY, "version": case.version, "comment": "户主签字同意"},
        follow=True,
    )
    stale = client.post(
        f"/exits/monitoring/{case.pk}/sign/",
        {"step": MS.VILLAGE_REVIEW, "version": case.version},
        follow=True,
    )

    # then
    assert "已签字" in signed.content.decode()
    assert "其他人已修改" in stale.content.decode()
    case.refresh_from_db()
    assert case.state == M.VERIFIED
    assert case.signoffs.count() == 1
    assert client.get(f"/exits/monitoring/{case.pk}/sign/").status_code == 405


def test_pages_are_scoped(county: Any, filled: dict, web: Any) -> None:
    procedure = filled["procedures"][0]
    client = web(county.staff_b)
    assert client.get(f"/exits/procedures/{procedure.pk}/").status_code == 404
    assert (
        client.post(f"/exits/procedures/{procedure.pk}/sign/", {"step": E.VILLAGE_VERIFY}).status_code == 404
    )
    assert "62290110320" not in client.get("/exits/").content.decode()
    assert client.get(f"/exits/campaigns/{filled['campaign'].pk}/").status_code == 404


def test_propose_from_the_household_panel_explains_refusal(county: Any, web: Any) -> None:
    set_line(county.county)
    household = ready_household(county.village_a1, housing_grade=HousingSafetyChoices.C)
    response = web(county.secretary_a1).post(
        f"/exits/households/{household.pk}/propose/", {"year": YEAR, "next": "/exits/"}, follow=True
    )
    assert "危房" in response.content.decode()
    assert ExitProcedure.objects.count() == 0


RULES = {
    "exits.notice_min_days": 8,
    "exits.village_exit_threshold": "2.00",
    "exits.western_exit_threshold": "3.00",
    "exits.monitoring_income_multiple": "1.50",
    "exits.monitoring_notice_min_days": 5,
    "exits.monitoring_deadline_days": 15,
    "exits.risk_stable_months": 6,
    "funds.notice_min_days": 7,  # the county official's page has the fund notice period too
}
BANDS = "exits-village_class_bands"  # the band rows' prefix on the policy page


def bands_post(*rows: tuple[Any, Any, Any, bool], initial: int = 0) -> dict[str, Any]:
    """The class-band formset's fields: (class, from, to below, remove) per row."""
    data: dict[str, Any] = {f"{BANDS}-TOTAL_FORMS": len(rows), f"{BANDS}-INITIAL_FORMS": initial}
    for i, (number, low, high, remove) in enumerate(rows):
        data |= {f"{BANDS}-{i}-number": number, f"{BANDS}-{i}-low": low, f"{BANDS}-{i}-high": high}
        if remove:
            data[f"{BANDS}-{i}-DELETE"] = "on"
    return data


LINE_FORM = POVERTY_LINE.name.replace(".", "-")  # the yearly form's prefix


def _rules(county: Any) -> dict[str, Any]:
    return {v.key: v.value for v in PolicyValue.objects.filter(area=county.county, key__startswith="exits.")}


def test_the_line_is_saved_on_the_policy_page_and_the_settings_page_shows_it(county: Any, web: Any) -> None:
    client = web(county.county_official)
    policy = f"/areas/{county.county.code}/policy/"
    line = {"key": POVERTY_LINE.name, f"{LINE_FORM}-year": YEAR, f"{LINE_FORM}-basis": "县扶贫办文件"}
    bad = client.post(f"{policy}year/", line | {f"{LINE_FORM}-{POVERTY_LINE.name}": "-5"})
    assert bad.status_code == 200
    assert not PolicyValue.objects.filter(key=POVERTY_LINE.name).exists()
    saved = client.post(f"{policy}year/", line | {f"{LINE_FORM}-{POVERTY_LINE.name}": "4100"})
    assert saved.status_code == 302
    assert policy_get(POVERTY_LINE, county.village_a1, year=YEAR) == 4100
    saved = client.post(policy, RULES | bands_post((1, "37.5", "", False)))
    assert saved.status_code == 302
    assert _rules(county)["exits.notice_min_days"] == 8
    page = client.get("/exits/settings/").content.decode()
    assert f'href="{policy}"' in page  # the rules are changed on the county's policy page
    assert "8" in page.split('data-testid="exit-rules"')[1].split("</dl>")[0]
    lines = page.split('data-testid="poverty-lines"')[1].split("</ul>")[0]
    assert f"{YEAR}: <strong>4,100.00</strong>" in lines
    assert "县扶贫办文件" in lines
    refused = web(county.staff_a).post(f"{policy}year/", line | {f"{LINE_FORM}-{POVERTY_LINE.name}": "1"})
    assert refused.status_code == 404  # a township's staff: the county's page is outside their area
    refused = web(county.viewer).post(f"{policy}year/", line | {f"{LINE_FORM}-{POVERTY_LINE.name}": "1"})
    assert refused.status_code == 403  # the prefecture's viewer reads it only
    assert policy_get(POVERTY_LINE, county.county, year=YEAR) == 4100


def test_village_classes_are_edited_row_by_row_not_as_json(county: Any, web: Any) -> None:
    client = web(county.county_official)
    policy = f"/areas/{county.county.code}/policy/"
    # given: the page shows the default classes as rows of a form, no JSON
    page = client.get(policy).content.decode()
    assert page.count('data-testid="band-row"') == 4  # three classes and an empty row to add one
    assert "[{" not in page
    assert f'name="{BANDS}-0-low" value="37.5"' in page

    # when: class 3 is removed, class 2 narrowed and a class 4 added in the empty row
    saved = client.post(
        policy,
        RULES
        | bands_post(
            (1, "37.5", "", False),
            (2, "30", "37.5", False),
            (3, "27", "31", True),
            (4, "20", "30", False),
            initial=3,
        ),
    )

    # then
    assert saved.status_code == 302
    assert _rules(county)["exits.village_class_bands"] == [
        {"class": 1, "min": "37.5", "max": None},
        {"class": 2, "min": "30", "max": "37.5"},
        {"class": 4, "min": "20", "max": "30"},
    ]


def test_wrong_village_classes_are_named_on_their_row(county: Any, web: Any) -> None:
    client = web(county.county_official)
    policy = f"/areas/{county.county.code}/policy/"
    inverted = client.post(policy, RULES | bands_post((1, "30", "20", False)))
    assert "类别上限必须高于下限" in inverted.content.decode()
    twice = client.post(policy, RULES | bands_post((1, "30", "", False), (1, "20", "30", False)))
    assert "每个类别编号只能出现一次" in twice.content.decode()
    none = client.post(policy, RULES | bands_post((1, "30", "", True), initial=1))
    assert "请至少填写一个贫困村类别" in none.content.decode()
    assert not PolicyValue.objects.exists()


def test_household_panel_offers_the_exit(county: Any, web: Any) -> None:
    from django.template import Context, Template
    from django.test import RequestFactory

    set_line(county.county)
    household = ready_household(county.village_a1)
    request = RequestFactory().get("/")
    request.user = county.secretary_a1
    html = Template("{% load povertycase %}{% record_panels household %}").render(
        Context({"household": household, "request": request})
    )
    assert 'data-testid="exits-panel"' in html
    assert 'data-testid="propose-exit-form"' in html
    assert str(clock.today().year) in html


def test_county_officials_keep_the_village_standards(county: Any, web: Any) -> None:
    from exits.models import VillageStandard

    client = web(county.county_official)
    client.post("/exits/settings/standards/", {"title": "通村道路硬化"})
    duplicate = client.post("/exits/settings/standards/", {"title": "通村道路硬化"}, follow=True)
    assert "已在清单中" in duplicate.content.decode()
    standard = VillageStandard.objects.get()
    assert standard.active
    client.post(f"/exits/settings/standards/{standard.pk}/retire/")
    standard.refresh_from_db()
    assert not standard.active
    web(county.staff_a).post("/exits/settings/standards/", {"title": "乡镇不能加"})
    assert VillageStandard.objects.count() == 1


def test_pages_are_available_in_english(county: Any, filled: dict, web: Any) -> None:
    client = web(county.county_official)
    client.post("/i18n/setlang/", {"language": "en", "next": "/exits/"})
    body = client.get(f"/exits/procedures/{filled['procedures'][0].pk}/").content.decode()
    assert "Exit conditions now" in body
    assert "Village committee and work team verification" in body


def test_the_signed_consent_scan_attaches_to_the_procedure(county: Any, filled: dict, web: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.choices import AttachmentKindChoices
    from core.models import Attachment

    procedure = filled["procedures"][0]
    url = f"/attachments/exits/exitprocedure/{procedure.pk}/upload/"
    scan = SimpleUploadedFile("consent.pdf", b"%PDF-1.4 signed consent", content_type="application/pdf")
    outsider = web(county.staff_b).post(url, {"file": scan, "kind": AttachmentKindChoices.SIGNED_FORM})
    assert outsider.status_code == 404
    scan.seek(0)
    web(county.secretary_a1).post(
        url, {"file": scan, "kind": AttachmentKindChoices.SIGNED_FORM, "next": "/exits/"}
    )
    attachment = Attachment.objects.get()
    assert (attachment.record, attachment.kind) == (procedure, AttachmentKindChoices.SIGNED_FORM)
    page = web(county.secretary_a1).get(f"/exits/procedures/{procedure.pk}/").content.decode()
    assert "consent.pdf" in page


def test_a_year_that_is_not_a_year_is_explained_and_writes_nothing(county: Any, web: Any) -> None:
    """`?year=abc` or a year out of range on the village pages shows the error instead of failing, and
    a proposal posted with it records nothing."""
    from exits.models import VillageExit, VillageStandard

    # given
    VillageStandard.objects.create(county=county.county, title="通村道路硬化", position=1)
    client = web(county.staff_a)
    propose_url = f"/exits/villages/{county.village_a1.code}/propose/"

    # when
    listing = client.get("/exits/villages/", {"year": "abc"}, follow=True)
    posted = {
        year: client.post(propose_url, {"year": year, f"met_{VillageStandard.objects.get().pk}": "on"})
        for year in ("abc", "99999")
    }

    # then
    assert listing.status_code == 200
    assert "请输入2000至2100之间的年度" in listing.content.decode()
    for response in posted.values():
        assert response.status_code == 200
        assert "请输入2000至2100之间的年度" in response.content.decode()
    assert not VillageExit.objects.exists()


def test_retiring_a_standard_that_is_not_a_number_is_not_found(county: Any, web: Any) -> None:
    from exits.models import VillageStandard

    # given
    standard = VillageStandard.objects.create(county=county.county, title="通村道路硬化", position=1)

    # when
    response = web(county.county_official).post("/exits/settings/standards/abc/retire/")

    # then
    assert response.status_code == 404
    standard.refresh_from_db()
    assert standard.active


def test_campaign_page_offers_the_check_only_to_who_can_check(county: Any, filled: dict, web: Any) -> None:
    """A county official follows the campaign (no empty check column); a cadre records the checks."""
    url = f"/exits/campaigns/{filled['campaign'].pk}/"

    official = web(county.county_official).get(url).content.decode()
    cadre = web(county.cadre_a).get(url).content.decode()

    assert "<th>核对项</th>" not in official
    assert "/complete/" not in official
    assert "<th>核对项</th>" in cadre
    assert "/complete/" in cadre


def test_county_exit_page_shows_zero_rates_and_checks_not_yet_done(county: Any, web: Any) -> None:
    """A wrong-exit rate of 0.00% is a figure, not a blank; a check not yet done says so (not "maybe")."""
    from decimal import Decimal

    from exits.services import county_exit_record

    # given
    county_exit_record(
        county=county.county,
        year=YEAR,
        wrong_exit_rate=Decimal("0.00"),
        missed_rate=Decimal("0.50"),
        user=county.county_official,
    )

    # when
    html = web(county.county_official).get("/exits/county/").content.decode()

    # then
    row = html[html.index('data-testid="county-exit-table"') :]
    assert '<td class="d-none d-md-table-cell">0.00</td>' in row
    assert row.count("尚未进行") == 2
    assert "可能" not in row


def test_a_village_code_that_cannot_be_one_is_not_found(county: Any, web: Any) -> None:
    client = web(county.staff_a)
    assert client.get("/exits/notice/abc/").status_code == 404
    assert client.get("/exits/villages/", {"area": "abc"}).status_code == 404
    # a NUL byte is refused before any view (core.inputs), a 400 rather than a server error
    assert client.get("/exits/notice/%00/").status_code == 400
    assert client.get("/exits/villages/", {"area": "\x00"}).status_code == 400
