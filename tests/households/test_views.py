"""Pages: list with filters and search, detail, registration form, card, reveal, export."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from core import clock
from core.models import SensitiveAccess
from households.choices import HouseholdStatusChoices, PovertyCauseChoices, RelationChoices
from households.filters import HouseholdFilterSet
from households.models import Household, Member
from tests.factories import make_household

from .conftest import person

pytestmark = pytest.mark.django_db


def _post_members(members: list[dict[str, Any]], **household: Any) -> dict[str, Any]:
    data = {
        "members-TOTAL_FORMS": "6",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "20",
        **household,
    }
    for index in range(6):
        data[f"members-{index}-relation"] = RelationChoices.HEAD if index == 0 else ""
        data[f"members-{index}-schooling"] = "not_in_school"
        data[f"members-{index}-health"] = "healthy"
        data[f"members-{index}-labour_capacity"] = "ordinary"
        data[f"members-{index}-work_status"] = "none"
    for index, member in enumerate(members):
        for key, value in member.items():
            data[f"members-{index}-{key}"] = value.isoformat() if hasattr(value, "isoformat") else value
        data[f"members-{index}-medical_insurance"] = "on"
    return data


def test_register_page_creates_the_household_and_shows_it(county: Any, web: Any) -> None:
    # given
    client = web(county.staff_a)
    data = _post_members(
        [person(name="马海军"), person(RelationChoices.SPOUSE, name="苏桂英", female=True)],
        village=county.village_a1.pk,
        main_cause=PovertyCauseChoices.ILLNESS,
        attribute="ordinary",
    )

    # when
    response = client.post("/households/new/", data)

    # then
    household = Household.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/households/{household.pk}/"
    assert sorted(household.members.values_list("name", flat=True)) == ["苏桂英", "马海军"]
    # the untouched blank member cards are ignored, and the default blank relation does not count
    assert household.members.count() == 2


def test_register_page_shows_the_id_error_next_to_the_member_and_keeps_the_input(
    county: Any, web: Any
) -> None:
    # given
    bad = person(RelationChoices.SPOUSE, name="苏桂英", female=True)
    bad["id_number"] = bad["id_number"][:10] + "99" + bad["id_number"][12:]
    data = _post_members(
        [person(name="马海军"), bad], village=county.village_a1.pk, main_cause="illness", attribute="ordinary"
    )

    # when
    response = web(county.staff_a).post("/households/new/", data)

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="error-id_number"' in body
    assert "身份证" in body
    assert "马海军" in body  # nothing typed is lost
    assert Household.objects.count() == 0
    assert Member.objects.count() == 0


def test_list_filters_and_searches_within_the_users_area(county: Any, web: Any, register: Any) -> None:
    # given
    mine = register(members=[person(name="罗成龙")])
    register(members=[person(name="罗德福")], main_cause=PovertyCauseChoices.DISABILITY)
    make_household(county.village_b1)
    client = web(county.staff_a)

    # when
    by_name = client.get("/households/", {"q": "罗成"}).content.decode()
    by_cause = client.get("/households/", {"cause": "disability"}).content.decode()
    by_id = client.get("/households/", {"q": mine.head.id_number}).content.decode()
    everything = client.get("/households/").content.decode()

    # then
    assert "罗成龙" in by_name
    assert "罗德福" not in by_name
    assert "罗德福" in by_cause
    assert "罗成龙" not in by_cause
    assert mine.number in by_id
    assert county.village_b1.name not in everything.split('data-testid="household-table"')[1]
    assert mine.head.id_number not in everything  # masked in lists
    assert mine.head.id_number[:6] + "********" in everything


def test_list_page_and_export_run_a_fixed_number_of_queries(
    county: Any, web: Any, django_assert_max_num_queries: Any
) -> None:
    # given
    for _ in range(30):
        make_household(county.village_a1, members=3)
    client = web(county.staff_a)
    client.get("/households/")  # warm the session

    # then
    with django_assert_max_num_queries(9):
        response = client.get("/households/")
    assert response.content.decode().count("/households/") > 30
    with django_assert_max_num_queries(10):
        client.get("/households/export/")


def test_numbered_pages_walk_the_whole_list_with_its_count(county: Any, web: Any) -> None:
    for _ in range(55):
        make_household(county.village_a1)
    client = web(county.staff_a)

    first = client.get("/households/")
    second = client.get("/households/", {"page": 2})

    assert len(first.context["households"]) == 50
    assert len(second.context["households"]) == 5
    assert "共 55 户" in first.content.decode()
    assert 'href="?&page=2"' in first.content.decode()
    assert not second.context["page"].has_next
    assert {h.pk for h in first.context["households"]}.isdisjoint(
        {h.pk for h in second.context["households"]}
    )


def test_past_the_count_cap_pages_go_on_by_keyset(county: Any, web: Any, monkeypatch: Any) -> None:
    # given: a cap of 60 rows (10,000 in production) and 130 households
    monkeypatch.setattr("households.views.registry.LIST_COUNT_CAP", 60)
    for _ in range(130):
        make_household(county.village_a1)
    client = web(county.staff_a)

    # when: the last numbered page, then on by keyset
    first = client.get("/households/")
    last = client.get("/households/", {"page": 2})
    beyond = client.get(last.context["next_url"])

    # then: the count says "more than", and every household is reached once
    assert "超过 60 户" in first.content.decode()
    assert last.context["next_url"].endswith(f"before={last.context['households'][-1].pk}")
    seen = [h.pk for r in (first, last, beyond) for h in r.context["households"]]
    assert len(seen) == len(set(seen)) == 130
    assert not beyond.context["next_url"]


def test_columns_sort_and_the_status_filter_is_checkboxes(county: Any, web: Any) -> None:
    from tests.factories import make_member

    for name in ("王成", "阿依古丽", "丁学军"):
        household = make_household(county.village_a1, members=0)
        make_member(household, relation="head", name=name)
    body = web(county.staff_a).get("/households/", {"sort": "head"})
    heads = [h.head.name for h in body.context["households"]]
    assert heads == ["阿依古丽", "丁学军", "王成"]  # pinyin order (the stored pinyin keys)
    html = body.content.decode()
    assert 'type="checkbox" name="status" value="registered"' in html
    assert "---------" not in html
    assert ">全部</option>" in html


def test_detail_shows_members_panels_audit_link_and_is_404_outside(
    county: Any, web: Any, register: Any
) -> None:
    household = register()

    body = web(county.staff_a).get(household.get_absolute_url()).content.decode()
    outside = web(county.staff_b).get(household.get_absolute_url())

    assert household.head.name in body
    assert f"/audit/households/household/{household.pk}/" in body
    assert 'data-testid="procedure"' in body
    assert "附件" in body or "Attachments" in body
    assert outside.status_code == 404
    assert household.get_absolute_url() == f"/households/{household.pk}/"


def test_reveal_logs_every_full_id_view_and_is_refused_to_roles_without_it(
    county: Any, web: Any, register: Any
) -> None:
    # given
    member = register().head

    # when
    shown = web(county.staff_a).post(f"/households/members/{member.pk}/id-number/")
    refused = web(county.cadre_a).post(f"/households/members/{member.pk}/id-number/")

    # then
    assert shown.json() == {"id_number": member.id_number}
    assert refused.status_code == 403
    logged = SensitiveAccess.objects.get()
    assert (logged.user, logged.what, logged.object_id) == (county.staff_a, "full_id_number", str(member.pk))


def test_export_is_masked_for_roles_without_full_ids_and_logged_for_the_others(
    county: Any, web: Any, register: Any
) -> None:
    household = register()

    masked = web(county.viewer).get("/households/export/")
    rows = list(load_workbook(io.BytesIO(masked.content)).active.iter_rows(values_only=True))

    assert rows[0][0] == "户编号"
    assert rows[1][0] == household.number
    assert rows[1][4] == household.head.id_number[:6] + "********" + household.head.id_number[-4:]
    assert not SensitiveAccess.objects.exists()
    full = web(county.staff_a).get("/households/export/", {"status": HouseholdStatusChoices.CANDIDATE})
    full_rows = list(load_workbook(io.BytesIO(full.content)).active.iter_rows(values_only=True))
    assert full_rows[1][4] == household.head.id_number
    assert SensitiveAccess.objects.filter(what="export_full_id_numbers").count() == 1


def test_card_prints_the_household(county: Any, web: Any, register: Any) -> None:
    household = register()
    body = web(county.staff_a).get(f"/households/{household.pk}/card/").content.decode()
    assert 'data-testid="household-card"' in body
    assert household.number in body
    assert household.head.id_number not in body


def test_edit_page_shows_a_conflict_instead_of_overwriting(county: Any, web: Any, register: Any) -> None:
    # given: the form was read at version 1, then someone else saved
    household = register(address="一社")
    Household.objects.filter(pk=household.pk).update(version=2, address="二社")

    # when
    response = web(county.staff_a).post(
        f"/households/{household.pk}/edit/",
        {"address": "三社", "main_cause": "illness", "attribute": "ordinary", "version": 1},
    )

    # then
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    household.refresh_from_db()
    assert household.address == "二社"


def test_viewer_cannot_open_the_registration_form(county: Any, web: Any) -> None:
    assert web(county.viewer).get("/households/new/").status_code == 403


def test_duplicates_page_scans_as_a_job_and_records_reviews(
    county: Any,
    web: Any,
    register: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_max_num_queries: Any,
) -> None:
    # given: the same name and birth date in two townships
    import datetime as dt

    from core.choices import JobStatusChoices
    from core.models import Job
    from households.models import DuplicateCandidate

    birth = dt.date(1991, 6, 6)
    register(members=[person(name="杨春花", birth=birth, female=True)])
    other = register(
        county.village_b1, user=county.staff_b, members=[person(name="杨春花", birth=birth, female=True)]
    )
    client = web(county.staff_a)

    # when: the scan runs as a job (eagerly here), then the pair is reviewed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/households/duplicates/scan/")
    job = Job.objects.get()
    with django_assert_max_num_queries(10):
        page = client.get("/households/duplicates/").content.decode()
    pair = DuplicateCandidate.objects.get()
    refused = client.post(
        f"/households/duplicates/{pair.pk}/review/", {"status": "cleared", "review_note": ""}
    )
    client.post(
        f"/households/duplicates/{pair.pk}/review/", {"status": "cleared", "review_note": "不是同一人"}
    )

    # then
    assert response.status_code == 302
    assert (job.status, job.result) == (JobStatusChoices.SUCCEEDED, {"pairs_added": 1})
    assert "杨春花" in page
    assert "在其他乡镇" in page  # the other township's household is not linked or named
    assert other.number not in page
    assert refused.status_code == 302
    pair.refresh_from_db()
    assert (pair.status, pair.review_note) == ("cleared", "不是同一人")


def test_cross_check_page_uploads_and_reviews(
    county: Any, web: Any, register: Any, django_assert_max_num_queries: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from households.models import CrossCheckMatch

    household = register()
    client = web(county.staff_a)
    content = f"身份证号,登记内容\n{household.head.id_number},甘N12345\n".encode()

    response = client.post(
        "/households/cross-checks/",
        {
            "area": county.town_a.code,
            "source": "vehicles",
            "source_name": "县公安局交警大队",
            "file": SimpleUploadedFile("v.csv", content),
        },
    )
    with django_assert_max_num_queries(12):
        page = client.get(response["Location"]).content.decode()
    match = CrossCheckMatch.objects.get()
    client.post(
        f"/households/cross-checks/matches/{match.pk}/review/", {"status": "confirmed", "review_note": "属实"}
    )

    assert "甘N12345" in page
    match.refresh_from_db()
    assert (match.status, match.review_note) == ("confirmed", "属实")
    assert (
        web(county.cadre_a)
        .post(
            f"/households/cross-checks/matches/{match.pk}/review/", {"status": "cleared", "review_note": "x"}
        )
        .status_code
        == 403
    )
    match.refresh_from_db()
    assert match.status == "confirmed"


def test_procedure_is_signed_from_the_detail_page(county: Any, web: Any, register: Any) -> None:
    household = register()
    client = web(county.staff_a)
    client.post(f"/households/{household.pk}/identification/start/")
    procedure = household.procedures.get()

    client.post(
        f"/households/identification/{procedure.pk}/sign/",
        {"stage": "application", "decision": "pass", "comment": "申请"},
    )
    skipped = client.post(
        f"/households/identification/{procedure.pk}/sign/",
        {"stage": "public_notice", "decision": "pass"},
        follow=True,
    )

    assert procedure.steps.count() == 1
    assert "不能跳过环节" in skipped.content.decode()
    body = client.get(f"/households/{household.pk}/").content.decode()
    assert "入户调查和实地踏勘" in body  # the next stage


def test_a_newborn_joins_with_reason_and_date(county: Any, web: Any, register: Any) -> None:
    import datetime as dt

    household = register()
    baby = person("child", name="马小宝", birth=clock.today() - dt.timedelta(days=40))
    data = {
        **{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in baby.items() if k != "relation"},
        "schooling": "not_in_school",
        "health": "healthy",
        "labour_capacity": "none",
        "work_status": "none",
        "join_reason": "birth",
        "joined_on": baby["birth_date"].isoformat(),
    }
    data["relation"] = "grandchild"
    too_early = web(county.staff_a).post(
        f"/households/{household.pk}/members/new/", {**data, "joined_on": "2000-01-01"}
    )
    added = web(county.staff_a).post(f"/households/{household.pk}/members/new/", data)

    assert too_early.status_code == 200
    assert 'data-testid="error-joined_on"' in too_early.content.decode()
    assert added.status_code == 302
    period = household.membership_periods.get(member__name="马小宝")
    assert (period.join_reason, period.joined_on) == ("birth", baby["birth_date"])


def test_pages_are_available_in_english(county: Any, web: Any, register: Any) -> None:
    household = register()
    client = web(county.staff_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/households/"})

    listing = client.get("/households/").content.decode()
    detail = client.get(f"/households/{household.pk}/").content.decode()

    assert "Household registry" in listing
    assert "Identification procedure" in detail
    assert "Four-looks score sheet" in detail


@pytest.mark.parametrize(
    ("params", "label", "message"),
    [
        ("village", "村", "该村不在您的管辖范围内（或不存在）。"),
        ("within", "区域", "请选择您管辖范围内的区域。"),
        ("status", "状态", "bogus"),
    ],
)
def test_an_export_filtered_on_another_townships_area_is_refused_naming_the_filter(
    county: Any, web: Any, register: Any, params: str, label: str, message: str
) -> None:
    # given: a household of township A, and township B's village, code and an unknown status
    register()
    value = {
        "village": county.village_b1.pk,
        "within": county.town_b.code,
        "status": "bogus",
    }[params]

    # when: township A's staff export with that filter
    response = web(county.staff_a).get("/households/export/", {params: value})

    # then: a 400 page naming the filter and why, no spreadsheet of the whole township, nothing logged
    body = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "未能导出" in body
    assert f"<strong>{label}</strong>" in body
    assert message in body
    assert f'href="/households/?{params}=' in body  # back to the list with the same filter to fix it
    assert not SensitiveAccess.objects.exists()


def test_the_api_list_refuses_the_same_filter_with_the_same_message(county: Any, api: Any) -> None:
    response = api(county.staff_a).get("/api/households/households/", {"village": county.village_b1.pk})
    assert response.status_code == 400
    assert response.json()["errors"]["village"] == ["该村不在您的管辖范围内（或不存在）。"]


def test_a_foreign_village_is_still_refused_after_the_filter_class_built_its_fields(
    county: Any, api: Any, web: Any
) -> None:
    # given: something read the class's own filter fields (the label test does; django-filter then
    # caches each field on the class, and every later filterset copied the unnarrowed village choices)
    for name in ("township", "village"):
        assert HouseholdFilterSet.base_filters[name].field is not None

    # when: township A's staff filter on township B's village, in the API and in an export
    listed = api(county.staff_a).get("/api/households/households/", {"village": county.village_b1.pk})
    exported = web(county.staff_a).get("/households/export/", {"village": county.village_b1.pk})

    # then: both refuse it, as on a fresh process
    assert listed.status_code == 400, listed.content[:200]
    assert listed.json()["errors"]["village"] == ["该村不在您的管辖范围内（或不存在）。"]
    assert exported.status_code == 400


def test_an_export_filtered_within_the_users_area_still_exports_just_those_rows(
    county: Any, web: Any, register: Any
) -> None:
    # given: households in both villages of township A
    first = register()
    make_household(county.village_a2, members=1)

    # when
    response = web(county.staff_a).get("/households/export/", {"village": first.village_id})

    # then
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert response.status_code == 200
    assert [r[0] for r in rows[1:]] == [first.number]
