"""Pages: errors shown without losing anything, scope, query counts, the household panel, the
reconciliation view and the public lookup."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.test import Client, RequestFactory

from core import clock
from core.models import SensitiveAccess
from funds.choices import ProjectStatusChoices
from funds.demo import _seed_declared_totals
from funds.models import Allocation, Disbursement, Project
from funds.services import declared_total_record, disbursement_record, disbursement_reverse

pytestmark = pytest.mark.django_db
COUNTY_CODE = "622901000000"


def _pay(money: Any, amount: str, key: str, paid_on: Any = None, **extra: Any) -> Disbursement:
    return disbursement_record(
        funding=money.funding,
        amount=amount,
        paid_on=paid_on or money.today,
        voucher_number=f"记-{key}",
        payee="合作社",
        idempotency_key=key,
        user=money.official,
        **extra,
    )


def test_recording_a_payment_from_the_page_is_idempotent(money: Any, web: Any) -> None:
    # given
    client = web(money.official)
    form = client.get(f"/funds/payments/new/?project={money.project.pk}").content.decode()
    assert 'name="idempotency_key"' in form
    data = {
        "funding": money.funding.pk,
        "amount": "2500.00",
        "paid_on": "2024-06-01",
        "voucher_number": "记-2024-0009",
        "payee": "合作社",
        "idempotency_key": "page-key-1",
    }
    # when: the user double-clicks
    first = client.post("/funds/payments/new/", data)
    second = client.post("/funds/payments/new/", data)
    # then
    assert first.status_code == second.status_code == 302
    assert Disbursement.objects.count() == 1
    assert Project.objects.get(pk=money.project.pk).paid_total == Decimal("2500.00")


def test_an_overpayment_shows_the_error_and_keeps_the_input(money: Any, web: Any) -> None:
    # when
    response = web(money.official).post(
        "/funds/payments/new/",
        {
            "funding": money.funding.pk,
            "amount": "100000.01",
            "paid_on": "2024-06-01",
            "voucher_number": "记-2024-0010",
            "payee": "合作社",
            "idempotency_key": "page-key-2",
        },
    )
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-amount"' in body
    assert "100,000.00" in body
    assert 'value="记-2024-0010"' in body
    assert Disbursement.objects.count() == 0


def test_allocation_form_refuses_a_bad_amount_in_chinese(money: Any, web: Any) -> None:
    response = web(money.official).post(
        "/funds/allocations/new/",
        {
            "source": money.source.pk,
            "year": 2024,
            "document_number": "X",
            "document_date": "2024-01-01",
            "amount": "12.345",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-amount"' in body
    assert "确认小数不超过 2 位" in body
    assert Allocation.objects.count() == 1


def test_reversal_from_the_page(money: Any, web: Any) -> None:
    payment = _pay(money, "700.00", "r1")
    client = web(money.official)
    detail = client.get(f"/funds/payments/{payment.pk}/").content.decode()
    key = detail.split('name="idempotency_key" value="')[1].split('"')[0]
    client.post(f"/funds/payments/{payment.pk}/reverse/", {"reason": "录错", "idempotency_key": key})
    client.post(f"/funds/payments/{payment.pk}/reverse/", {"reason": "录错", "idempotency_key": key})
    assert Disbursement.objects.count() == 2
    assert Project.objects.get(pk=money.project.pk).paid_total == Decimal("0.00")


def test_a_stale_project_edit_shows_the_conflict_and_keeps_the_first_change(
    county: Any, money: Any, web: Any
) -> None:
    # given: a proposed project, opened for editing by two people at version 1
    from funds.services import project_propose

    project = project_propose(
        area=county.town_a,
        name="大庄村花椒",
        category=money.positive,
        year=2024,
        budget="5000.00",
        user=county.staff_a,
    )
    url = f"/funds/projects/{project.pk}/edit/"
    form = {
        "name": project.name,
        "category": money.positive.pk,
        "year": 2024,
        "villages": [],
        "household_numbers": "",
        "version": project.version,
    }
    client = web(county.staff_a)
    # when: the first saves a new budget, the second saves another budget on the old version
    first = client.post(url, {**form, "budget": "6000.00", "description": "第一次"})
    second = client.post(url, {**form, "budget": "7000.00", "description": "第二次"})
    # then
    assert first.status_code == 302
    assert second.status_code == 200
    assert "changed by someone else" in second.content.decode()
    project.refresh_from_db()
    assert (project.budget, project.description, project.version) == (Decimal("6000.00"), "第一次", 2)


def test_pages_are_scoped(county: Any, money: Any, web: Any) -> None:
    payment = _pay(money, "1.00", "s1")
    client = web(county.staff_b)
    assert client.get(f"/funds/projects/{money.project.pk}/").status_code == 404
    assert client.get(f"/funds/payments/{payment.pk}/").status_code == 404
    assert client.get(f"/funds/allocations/{money.allocation.pk}/").status_code == 404
    assert client.get("/funds/payments/new/").status_code == 403


def test_every_record_with_a_page_links_to_it_and_the_page_is_scoped(
    county: Any, money: Any, web: Any
) -> None:
    # given: one record of each kind that has a detail page
    from funds.choices import NoticeKindChoices
    from funds.models import Notice
    from funds.services import notice_publish_standard

    payment = _pay(money, "1.00", "u1")
    notice = notice_publish_standard(
        project=money.project,
        kind=NoticeKindChoices.PROJECT,
        starts_on=money.today,
        days=7,
        user=county.staff_a,
    )
    records = [money.allocation, money.project, payment, notice]
    urls = [record.get_absolute_url() for record in records]
    # when: the official opens each page; then another township's staff try the same addresses
    official = web(county.county_official)
    seen = {url: official.get(url) for url in urls}
    outsider = web(county.staff_b)
    hidden = {url: outsider.get(url).status_code for url in urls}
    # then: each page names its record inside the area and is 404 outside it
    for record, url in zip(records, urls, strict=True):
        label = getattr(record, "document_number", None) or getattr(record, "voucher_number", None)
        label = label or getattr(record, "title", None) or record.name
        assert seen[url].status_code == 200, url
        assert label in seen[url].content.decode(), url
    assert set(hidden.values()) == {404}
    assert {type(r) for r in records} == {Allocation, Project, Disbursement, Notice}


def test_township_staff_see_their_project_and_can_propose(county: Any, money: Any, web: Any) -> None:
    client = web(county.staff_a)
    page = client.get(f"/funds/projects/{money.project.pk}/").content.decode()
    assert money.project.name in page
    response = client.post(
        "/funds/projects/new/",
        {
            "area": county.town_a.pk,
            "name": "大庄村花椒",
            "category": money.positive.pk,
            "year": 2024,
            "budget": "9000.00",
        },
    )
    assert response.status_code == 302
    assert Project.objects.filter(name="大庄村花椒", status=ProjectStatusChoices.PROPOSED).exists()


@pytest.mark.parametrize(
    "url",
    [
        "/funds/",
        "/funds/projects/",
        "/funds/payments/",
        "/funds/allocations/",
        "/funds/notices/",
        "/funds/reports/?by=project",
        "/funds/reconciliation/",
        "/funds/sources/",
        f"/funds/projects/?within={COUNTY_CODE}",
        "/funds/public/notices/",
        "/funds/reports/?by=township",
        "/funds/reports/?by=source",
        "/funds/reports/?by=level",
        "/funds/reports/?by=year",
        "/funds/projects/{project}/",
        "/funds/projects/{project}/measures/",
        "/funds/payments/new/?project={project}",
        "/funds/allocations/{allocation}/",
    ],
)
def test_list_pages_do_not_query_per_row(
    money: Any, web: Any, django_assert_max_num_queries: Any, url: str
) -> None:

    from funds.choices import NoticeKindChoices
    from funds.services import notice_publish_standard

    for i in range(20):
        _pay(money, "10.00", f"q{i}", household=money.household)
        notice_publish_standard(
            project=money.project,
            kind=NoticeKindChoices.PAYMENT,
            starts_on=clock.today(),
            days=7,
            user=money.official,
        )
    _seed_declared_totals(money.project.area.parent)
    url = url.format(project=money.project.pk, allocation=money.allocation.pk)
    client = web(money.official)
    # 16, and the area picker's menus (the user's areas, the chosen area and its ancestors)
    with django_assert_max_num_queries(18):
        response = client.get(url)
    assert response.status_code == 200


def test_reconciliation_page_shows_the_planted_mismatch(county: Any, web: Any) -> None:
    # given
    _seed_declared_totals(county.county)
    declared_total_record(
        area=county.county,
        title="计划外测试",
        declared_amount="10.00",
        parts=[("甲", "10.00")],
        user=county.county_official,
    )
    # when
    body = web(county.county_official).get("/funds/reconciliation/").content.decode()
    # then
    assert 'data-testid="mismatch-alert"' in body
    assert body.count('class="table-warning" data-testid="declared-row"') == 1
    plain = body.replace(",", "")  # grouping depends on the language
    assert "39856.84" in plain
    assert "39886.84" in plain
    assert "30.00" in plain
    # another city's figures (Jincheng's 2017 report) are not Linxia's to reconcile
    assert "晋城市" not in body


def test_household_panel_shows_what_the_household_received(county: Any, money: Any) -> None:
    # given
    _pay(money, "1500.00", "h1", household=money.household)
    wrong = _pay(money, "99.00", "h2", household=money.household)
    disbursement_reverse(disbursement=wrong, reason="错", user=money.official)
    request = RequestFactory().get("/")
    request.user = county.staff_a
    # when
    html = Template("{% load povertycase %}{% record_panels h %}").render(
        Context({"h": money.household, "request": request})
    )
    # then
    assert 'data-testid="funds-panel"' in html
    assert "1500.00" in html.replace(",", "")
    assert "-99.00" in html


def test_the_household_panel_reads_its_payments_in_one_query(
    county: Any, money: Any, django_assert_num_queries: Any
) -> None:
    # given: twenty payments to the household
    for i in range(20):
        _pay(money, "10.00", f"n{i}", household=money.household)
    template = Template('{% include "funds/_household_panel.html" %}')
    # when / then
    with django_assert_num_queries(1):
        html = template.render(Context({"record": money.household, "user": county.staff_a}))
    assert html.count("/funds/payments/") == 20


def test_a_household_sees_payments_from_a_county_wide_project_without_a_link_to_it(
    county: Any, money: Any, api: Any, web: Any
) -> None:
    # given: a county-wide project (outside township A's scope) pays a household of township A
    import datetime as dt

    from funds.services import allocation_record, project_fund, project_propose, project_transition

    official = county.county_official
    allocation = allocation_record(
        county=county.county,
        source=money.source,
        year=2024,
        document_number="县财〔2024〕9号",
        document_date=dt.date(2024, 3, 2),
        amount="5000.00",
        user=official,
    )
    wide = project_propose(
        area=county.county,
        name="全县危房改造补助",
        category=money.positive,
        year=2024,
        budget="5000.00",
        households=[money.household],
        user=official,
    )
    wide = project_transition(project=wide, to_status=ProjectStatusChoices.APPROVED, user=official)
    line = project_fund(project=wide, allocation=allocation, amount="5000.00", user=official)
    disbursement_record(
        funding=line,
        amount="3000.00",
        paid_on=money.today,
        voucher_number="县-1",
        payee="户主",
        household=money.household,
        idempotency_key="wide-1",
        user=official,
    )
    _pay(money, "1500.00", "h1", household=money.household)
    request = RequestFactory().get("/")
    request.user = county.staff_a
    # when: township A's staff open the household's panel and the API
    html = Template("{% load povertycase %}{% record_panels h %}").render(
        Context({"h": money.household, "request": request})
    )
    body = api(county.staff_a).get(f"/api/funds/households/{money.household.pk}/receipts/").json()
    # then: the whole 4,500.00, the county project named but not linked (its page is outside the scope)
    assert "4,500.00" in html
    assert "全县危房改造补助" in html
    assert f"/funds/projects/{wide.pk}/" not in html
    assert f"/funds/projects/{money.project.pk}/" in html
    assert body["total"] == "4500.00"
    assert web(county.staff_a).get(f"/funds/projects/{wide.pk}/").status_code == 404


def test_public_lookup_page_masks_logs_and_limits(money: Any) -> None:
    # given
    head = money.household.head
    _pay(money, "2000.00", "p1", household=money.household)
    client = Client()
    # when
    found = client.post("/funds/public/lookup/", {"id_number": head.id_number, "name": head.name})
    # then
    body = found.content.decode()
    assert found.status_code == 200
    assert 'data-testid="lookup-result"' in body
    assert "2000.00" in body.replace(",", "")
    assert head.id_number not in body
    assert money.household.number not in body
    assert SensitiveAccess.objects.filter(what="funds.public_lookup").count() == 1
    # and: the page shares the API's rate limit (5 per minute in tests)
    statuses = [
        client.post("/funds/public/lookup/", {"id_number": "x", "name": "y"}).status_code for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]
    # and: every attempt is logged, the refused one too
    logged = SensitiveAccess.objects.filter(what="funds.public_lookup")
    assert logged.count() == 6
    assert list(logged.filter(detail__startswith="refused").values_list("ip_address", flat=True)) == [
        "127.0.0.1"
    ]


def test_public_notice_board_needs_no_login(county: Any, money: Any) -> None:

    from funds.choices import NoticeKindChoices
    from funds.services import notice_publish_standard

    notice_publish_standard(
        project=money.project,
        kind=NoticeKindChoices.PROJECT,
        starts_on=clock.today(),
        days=7,
        user=county.staff_a,
    )
    body = Client().get("/funds/public/notices/").content.decode()
    assert money.project.name in body


def test_a_declared_total_in_wan_is_recorded_and_its_mismatch_shown(county: Any, web: Any) -> None:
    # given: the Linxia figures as the report prints them, in 万元
    client = web(county.county_official)
    # when
    response = client.post(
        "/funds/reconciliation/new/",
        {
            "title": "临夏市财政专项扶贫资金",
            "year": 2018,
            "unit": "wan",
            "declared_amount": "39856.84",
            "parts": "中央和省级 23,571.04\n州级：608.8\n市级 15707",
        },
    )
    # then: stored exactly in yuan, and the reconciliation shows the 30 万元 gap
    assert response.status_code == 302
    from funds.models import DeclaredTotal

    total = DeclaredTotal.objects.get()
    assert total.declared_amount == Decimal("398568400.00")
    assert sorted(p.amount for p in total.parts.all()) == [
        Decimal("6088000.00"),
        Decimal("157070000.00"),
        Decimal("235710400.00"),
    ]
    body = client.get("/funds/reconciliation/").content.decode().replace(",", "")
    assert 'data-testid="mismatch-alert"' in body
    assert "30.00" in body


def test_a_declared_total_with_a_bad_line_names_the_line_and_stores_nothing(county: Any, web: Any) -> None:
    response = web(county.county_official).post(
        "/funds/reconciliation/new/",
        {"title": "T", "unit": "yuan", "declared_amount": "10", "parts": "甲 5\n乙 五元"},
    )
    from funds.models import DeclaredTotal

    assert response.status_code == 200
    assert "Line 2" in response.content.decode()
    assert DeclaredTotal.objects.count() == 0


def test_a_declared_part_finer_than_a_fen_is_refused_by_the_money_reader(county: Any, web: Any) -> None:
    # 1.2345678 万元 is 12,345.678 yuan: core.money.money_parse refuses a thousandth of a yuan
    response = web(county.county_official).post(
        "/funds/reconciliation/new/",
        {"title": "T", "unit": "wan", "declared_amount": "2", "parts": "甲 1.2345678\n乙 0.7654322"},
    )
    from funds.models import DeclaredTotal

    assert response.status_code == 200
    assert 'data-testid="error-parts"' in response.content.decode()
    assert DeclaredTotal.objects.count() == 0


def test_the_overview_speaks_chinese_by_default_and_english_on_request(money: Any, client: Any) -> None:
    client.force_login(money.official)
    chinese = client.get("/funds/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    english = client.get("/funds/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "拨付率" in chinese
    assert "资金使用" in chinese
    assert "Execution rate" in english
    assert "Execution rate" not in chinese


def test_the_notice_page_publishes_and_refuses_personal_details_with_the_reason(
    county: Any, money: Any, web: Any
) -> None:
    # given
    from funds.choices import NoticeKindChoices
    from funds.models import Notice

    client = web(county.staff_a)
    url = f"/funds/projects/{money.project.pk}/notice/"
    form = {"kind": NoticeKindChoices.PROJECT, "starts_on": "2024-06-01", "days": 7}
    # when
    refused = client.post(url, {**form, "extra_text": "联系人电话 139 1234 5678"})
    published = client.post(url, {**form, "extra_text": "欢迎监督"})
    # then: the refusal names the problem and stores nothing; the clean text is published for 7 days
    assert refused.status_code == 200
    assert "phone number" in refused.content.decode()
    notice = Notice.objects.get()
    assert published.url == notice.get_absolute_url()
    assert "欢迎监督" in notice.body
    assert (notice.starts_on.isoformat(), notice.ends_on.isoformat()) == ("2024-06-01", "2024-06-07")


def test_assigning_more_than_the_allocation_holds_is_refused_on_the_page(
    county: Any, money: Any, web: Any
) -> None:
    # given: a second approved project, and the allocation already fully assigned to the first
    from funds.services import project_propose, project_transition

    other = project_propose(
        area=county.town_a,
        name="折桥村道路",
        category=money.positive,
        year=2024,
        budget="5000.00",
        user=county.staff_a,
    )
    other = project_transition(project=other, to_status=ProjectStatusChoices.APPROVED, user=money.official)
    # when
    response = web(money.official).post(
        f"/funds/projects/{other.pk}/fund/", {"allocation": money.allocation.pk, "amount": "10.00"}
    )
    # then
    assert response.status_code == 200
    assert "Only 0.00 yuan of this allocation is still unassigned." in response.content.decode()
    other.refresh_from_db()
    money.allocation.refresh_from_db()
    assert (other.allocated_total, money.allocation.assigned_total) == (Decimal("0.00"), Decimal("100000.00"))


def test_a_fund_source_is_added_on_the_page_and_a_second_with_the_same_name_refused(
    county: Any, money: Any, web: Any
) -> None:
    from funds.choices import FundKindChoices, FundLevelChoices
    from funds.models import FundSource

    client = web(money.official)
    form = {"area": county.county.pk, "level": FundLevelChoices.PROVINCIAL, "kind": FundKindChoices.SECTOR}
    # when
    added = client.post("/funds/sources/", {**form, "name": "省级行业扶贫资金"})
    again = client.post("/funds/sources/", {**form, "name": "省级行业扶贫资金"})
    # then
    assert added.status_code == 302
    assert again.status_code == 200
    assert "already has a fund source with this name" in again.content.decode()
    assert FundSource.objects.filter(name="省级行业扶贫资金").count() == 1


def test_the_overview_says_which_years_it_adds_up_and_on_what_basis(money: Any, client: Any) -> None:
    # given: money allocated and assigned in 2024; two payments, the later one recorded first
    _pay(money, "300.00", "9月", paid_on=dt.date(2024, 9, 1))
    _pay(money, "200.00", "5月", paid_on=dt.date(2024, 5, 1))
    client.force_login(money.official)

    # when: the overview over all years, then one year
    every = client.get("/funds/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    one = client.get("/funds/?year=2024", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    other = client.get("/funds/?year=2025", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    # then: each says its years and basis; the two tables' totals are named apart
    assert "所有年度累计（2024—2024 年）" in every
    assert "数据看板显示的是本年度数据" in every
    assert "2024 年度：按资金来源统计的是 2024 年度下达到本县的资金批次" in one
    assert "2025 年度" in other
    assert 'data-testid="total-allocated">10.00<' in every
    assert 'data-testid="total-allocated">0.00<' in other
    source, township = every.split('data-testid="source-table"')[1].split('data-testid="township-table"')
    assert "下达资金（万元）" in source
    assert "安排到项目" not in source
    assert "安排到项目（万元）" in township
    # and the latest payments read in the order they were paid
    assert every.index("记-9月") < every.index("记-5月")


def test_the_project_category_filter_offers_no_prohibited_use(money: Any, web: Any) -> None:
    body = web(money.official).get("/funds/projects/").content.decode()
    select = body[body.index('name="category"') :].split("</select>", 1)[0]
    assert money.positive.name in select
    assert money.negative.name not in select
