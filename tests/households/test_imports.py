"""Excel import: template, all-or-nothing validation with row/column errors, idempotent re-import,
progress, and a worker killed mid-import."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from core.choices import JobStatusChoices
from core.models import Job
from households import imports
from households.choices import HouseholdStatusChoices
from households.models import Household, HouseholdStatusChange, ImportLedger, Member, MembershipPeriod
from tests.helpers import wait_for

from .conftest import person

pytestmark = pytest.mark.django_db
HEADERS = [
    "户编号",
    "村代码",
    "家庭住址",
    "联系电话",
    "户属性",
    "主要致贫原因",
    "其他致贫原因",
    "状态",
    "姓名",
    "身份证号",
    "与户主关系",
    "性别",
    "出生日期",
    "医疗保险",
]


def household_rows(
    number: str, village: str, *, size: int = 2, address: str = "一社", status: str = ""
) -> list[list[Any]]:
    rows = []
    for index in range(size):
        p = person(female=index == 1)
        rows.append(
            [
                number,
                village,
                address,
                "13809312345",
                "一般贫困户",
                "因病",
                "缺技术、缺资金",
                status,
                p["name"],
                p["id_number"],
                "户主" if index == 0 else "配偶" if index == 1 else "子女",
                "女" if index == 1 else "男",
                p["birth_date"],
                "是",
            ]
        )
    return rows


def xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(client: Any, content: bytes, capture: Any) -> Job:
    with capture(execute=True):
        response = client.post("/households/import/", {"file": SimpleUploadedFile("村台账.xlsx", content)})
    assert response.status_code == 302, response.content.decode()[:500]
    return Job.objects.get(pk=response["Location"].rstrip("/").split("/")[-1])


def test_template_has_chinese_headers_and_allowed_values(county: Any, web: Any) -> None:
    response = web(county.staff_a).get("/households/import/template/")
    wb = load_workbook(io.BytesIO(response.content))
    headers = [c.value for c in wb.worksheets[0][1]]
    assert headers[:3] == ["户编号", "村代码", "家庭住址"]
    assert "身份证号" in headers
    assert "因病" in str([c.value for c in wb.worksheets[1]["C"]])


def test_a_valid_file_imports_households_members_and_statuses(
    county: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    village = county.village_a1.code
    rows = household_rows("H-001", village, size=3) + household_rows("H-002", village, status="贫困户")

    # when
    job = upload(web(county.staff_a), xlsx(rows), django_capture_on_commit_callbacks)

    # then
    job.refresh_from_db()
    assert job.status == JobStatusChoices.SUCCEEDED, job.result
    assert job.result["households_created"] == 2
    assert job.result["members_created"] == 5
    assert (job.progress_done, job.progress_total) == (2, 2)
    first = Household.objects.get(number="H-001")
    assert first.members.count() == 3
    assert first.head.relation == "head"
    assert first.secondary_causes == ["skills", "capital"]
    assert first.status == HouseholdStatusChoices.CANDIDATE
    registered = Household.objects.get(number="H-002")
    assert registered.status == HouseholdStatusChoices.REGISTERED
    assert (
        HouseholdStatusChange.objects.get(household=registered).to_status == HouseholdStatusChoices.REGISTERED
    )
    assert MembershipPeriod.objects.count() == 5
    assert ImportLedger.objects.count() == 5


def test_a_file_with_one_bad_row_changes_nothing_and_names_row_and_column(
    county: Any, web: Any, django_capture_on_commit_callbacks: Any, register: Any
) -> None:
    # given: a registered household, and a file that would update it plus a new one with two bad cells
    existing = register(address="老地址")
    good = [
        [
            existing.number,
            county.village_a1.code,
            "新地址",
            "",
            "一般贫困户",
            "因病",
            "",
            "",
            existing.head.name,
            existing.head.id_number,
            "户主",
            "男",
            existing.head.birth_date,
            "是",
        ]
    ]
    bad = household_rows("H-BAD", county.village_a1.code)
    bad[1][9] = bad[1][9][:-1] + ("1" if bad[1][9][-1] != "1" else "2")  # row 3: wrong check digit
    bad[0][5] = "因穷"  # row 2: unknown cause
    client = web(county.staff_a)
    before = (Household.objects.count(), Member.objects.count())

    # when
    job = upload(client, xlsx(good + bad), django_capture_on_commit_callbacks)

    # then: the job failed, nothing changed, and each error names its row and column
    job.refresh_from_db()
    assert job.status == JobStatusChoices.FAILED
    assert (Household.objects.count(), Member.objects.count()) == before
    existing.refresh_from_db()
    assert existing.address == "老地址"
    assert not ImportLedger.objects.exists()
    errors = job.result["errors"]
    assert set(errors) == {"3:主要致贫原因", "4:身份证号"}
    page = client.get(f"/households/import/{job.pk}/").content.decode()
    assert "因穷" in page
    assert "校验位" in page
    report = load_workbook(io.BytesIO(client.get(f"/households/import/{job.pk}/errors/").content)).active
    cells = [tuple(r) for r in report.iter_rows(values_only=True)]
    assert cells[0] == ("行号", "列", "问题")
    assert [(r[0], r[1]) for r in cells[1:]] == [(3, "主要致贫原因"), (4, "身份证号")]


def test_rows_are_checked_against_the_registry_and_each_other(county: Any, register: Any) -> None:
    # given: a person registered in another household, a number used in another village, two heads
    elsewhere = register(county.village_b1, user=county.staff_b).head
    rows = household_rows("H-1", county.village_a1.code)
    rows[1][9], rows[1][12], rows[1][11] = elsewhere.id_number, elsewhere.birth_date, "男"
    other_village = register(county.village_a2)
    rows += household_rows(other_village.number, county.village_a1.code, size=1)
    two_heads = household_rows("H-2", county.village_a1.code)
    two_heads[1][10] = "户主"
    rows += two_heads

    # when
    plan = imports.validate(xlsx(rows), user=county.staff_a)

    # then
    assert set(plan.errors) == {"3:身份证号", "4:户编号", "5:与户主关系"}
    assert elsewhere.id_number not in str(plan.errors)  # masked


def test_villages_outside_the_users_area_are_refused(county: Any) -> None:
    plan = imports.validate(xlsx(household_rows("H-1", county.village_b1.code)), user=county.staff_a)
    assert set(plan.errors) == {"2:村代码", "3:村代码"}


def test_missing_columns_are_named(county: Any, web: Any, django_capture_on_commit_callbacks: Any) -> None:
    job = upload(
        web(county.staff_a), xlsx([["x"]], headers=["户编号", "姓名"]), django_capture_on_commit_callbacks
    )
    job.refresh_from_db()
    assert job.status == JobStatusChoices.FAILED
    assert "1:身份证号" in job.result["errors"]


def test_reimporting_the_same_file_updates_instead_of_duplicating(
    county: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    client = web(county.staff_a)
    rows = household_rows("H-001", county.village_a1.code) + household_rows("H-002", county.village_a2.code)
    content = xlsx(rows)  # built once: openpyxl stamps the time, so a rebuilt file is another file
    upload(client, content, django_capture_on_commit_callbacks)
    counts = (Household.objects.count(), Member.objects.count(), MembershipPeriod.objects.count())

    # when: the same file again, then a corrected file (new address, one more child)
    again = upload(client, content, django_capture_on_commit_callbacks)
    corrected = [r[:2] + ["二社"] + r[3:] for r in rows]
    child = household_rows("H-001", county.village_a1.code, size=3)[2]
    corrected.append(child[:2] + ["二社"] + child[3:])
    updated = upload(client, xlsx(corrected), django_capture_on_commit_callbacks)

    # then
    again.refresh_from_db()
    updated.refresh_from_db()
    assert again.result["skipped"] == 2
    assert (again.result["households_created"], again.result["members_created"]) == (0, 0)
    assert (updated.result["households_updated"], updated.result["members_created"]) == (2, 1)
    assert (Household.objects.count(), Member.objects.count(), MembershipPeriod.objects.count()) == (
        counts[0],
        counts[1] + 1,
        counts[2] + 1,
    )
    first = Household.objects.get(number="H-001")
    assert first.address == "二社"
    assert first.version == 2


def test_progress_is_reported_per_chunk(county: Any) -> None:
    rows = []
    for n in range(5):
        rows += household_rows(f"H-{n}", county.village_a1.code, size=1)
    plan = imports.validate(xlsx(rows), user=county.staff_a)
    seen: list[int] = []

    imports.apply(plan, user=county.staff_a, chunk_size=2, progress=seen.append)

    assert seen == [2, 4, 5]
    assert Household.objects.count() == 5


@pytest.mark.worker
def test_a_worker_killed_mid_import_is_redelivered_without_half_written_or_duplicated_rows(
    county: Any, celery_worker: Any
) -> None:
    # given: 400 households in chunks of 10, imported by a real worker
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction

    from core.services import job_create, job_enqueue
    from households.tasks import IMPORT_KIND, households_import_task

    rows = []
    for n in range(400):
        rows += household_rows(f"K-{n:04d}", county.village_a1.code, size=2)
    stored = default_storage.save("imports/households/kill-test.xlsx", ContentFile(xlsx(rows)))
    with transaction.atomic():
        job = job_create(
            kind=IMPORT_KIND,
            user=county.staff_a,
            area=county.town_a,
            params={"file": stored, "chunk_size": 10},
        )
        job_enqueue(job, households_import_task)

    # when: the worker dies (SIGKILL) after some chunks are in, and a new worker starts
    wait_for(lambda: Job.objects.get(pk=job.pk).progress_done >= 20, timeout=90, interval=0.05)
    celery_worker.kill()
    partial = Household.objects.filter(number__startswith="K-").count()
    assert 0 < partial < 400
    assert (
        Member.objects.filter(household__number__startswith="K-").count() == partial * 2
    )  # whole chunks only
    # the broker itself hands the unacknowledged message to the new worker once it is older than the
    # visibility timeout (5 s in the worker tests; kombu looks every second there)
    celery_worker.start()
    finished = wait_for(
        lambda: (
            (j := Job.objects.get(pk=job.pk)).status in (JobStatusChoices.SUCCEEDED, JobStatusChoices.FAILED)
            and j
        ),
        timeout=30,
    )

    # then
    assert finished.status == JobStatusChoices.SUCCEEDED, finished.error
    assert finished.attempts == 2
    assert Household.objects.filter(number__startswith="K-").count() == 400
    assert Member.objects.filter(household__number__startswith="K-").count() == 800
    assert MembershipPeriod.objects.filter(household__number__startswith="K-").count() == 800
    assert ImportLedger.objects.count() == 800
    assert Household.objects.filter(number__startswith="K-", head__isnull=True).count() == 0
    assert finished.result["skipped"] >= partial


def test_a_birth_date_can_be_left_empty(county: Any) -> None:
    rows = household_rows("H-1", county.village_a1.code, size=1)
    rows[0][12] = None
    plan = imports.validate(xlsx(rows), user=county.staff_a)
    assert not plan.errors
    assert isinstance(plan.members["H-1"][0]["birth_date"], dt.date)
