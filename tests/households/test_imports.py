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
    "姓名",
    "身份证号",
    "与户主关系",
    "性别",
    "出生日期",
    "医疗保险",
]


def household_rows(number: str, village: str, *, size: int = 2, address: str = "一社") -> list[list[Any]]:
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


def run_import(content: bytes, user: Any, *, migration: bool = False, chunk_size: int = 250) -> Job:
    """The import job as the worker runs it (stored file, job, handler), synchronously."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from core.services import job_create, job_run
    from households.tasks import IMPORT_KINDS, _import_handler

    stored = default_storage.save("imports/households/test.xlsx", ContentFile(content))
    job = job_create(
        kind=IMPORT_KINDS[1 if migration else 0],
        user=user,
        area=user.areas.order_by("code").first(),
        params={"file": stored, "chunk_size": chunk_size, "migration": migration},
    )
    job_run(str(job.pk), _import_handler)
    job.refresh_from_db()
    return job


def queue_import(county: Any, *, prefix: str, households: int, chunk_size: int = 10) -> Job:
    """An import of `households` two-person households queued for the worker, as the upload queues it."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.db import transaction

    from core.services import job_create, job_enqueue
    from households.tasks import IMPORT_KIND, households_import_task

    rows = []
    for n in range(households):
        rows += household_rows(f"{prefix}{n:04d}", county.village_a1.code, size=2)
    stored = default_storage.save(f"imports/households/{prefix}test.xlsx", ContentFile(xlsx(rows)))
    with transaction.atomic():
        job = job_create(
            kind=IMPORT_KIND,
            user=county.staff_a,
            area=county.town_a,
            params={"file": stored, "chunk_size": chunk_size},
        )
        job_enqueue(job, households_import_task)
    return job


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
    rows = household_rows("H-001", village, size=3) + household_rows("H-002", village)

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
    assert Household.objects.get(number="H-002").status == HouseholdStatusChoices.CANDIDATE
    assert not HouseholdStatusChange.objects.exists()  # new applicants: the procedure decides
    assert MembershipPeriod.objects.count() == 5
    assert [link["url"] for link in job.result["links"]] == [
        f"/households/?import_job={job.pk}",
        "/households/import/",
    ]
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
            existing.head.name,
            existing.head.id_number,
            "户主",
            "男",
            existing.head.birth_date,
            "是",
        ]
    ]
    bad = household_rows("H-BAD", county.village_a1.code)
    bad[1][8] = bad[1][8][:-1] + ("1" if bad[1][8][-1] != "1" else "2")  # row 4: wrong check digit
    bad[0][5] = "因穷"  # row 3: unknown cause
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
    rows[1][8], rows[1][11], rows[1][10] = elsewhere.id_number, elsewhere.birth_date, "男"
    other_village = register(county.village_a2)
    rows += household_rows(other_village.number, county.village_a1.code, size=1)
    two_heads = household_rows("H-2", county.village_a1.code)
    two_heads[1][9] = "户主"
    rows += two_heads

    # when
    job = run_import(xlsx(rows), county.staff_a)

    # then
    assert set(job.result["errors"]) == {"3:身份证号", "4:户编号", "5:与户主关系"}
    assert elsewhere.id_number not in str(job.result["errors"])  # masked
    assert Household.objects.filter(number="H-1").count() == 0


def test_villages_outside_the_users_area_are_refused(county: Any) -> None:
    job = run_import(xlsx(household_rows("H-1", county.village_b1.code)), county.staff_a)
    assert set(job.result["errors"]) == {"2:村代码", "3:村代码"}


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
    seen: list[int] = []

    job = Job.objects.create(kind="households.import", created_by=county.staff_a)
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    job.params = {
        "file": default_storage.save("imports/households/p.xlsx", ContentFile(xlsx(rows))),
        "chunk_size": 2,
    }
    imports.import_run(job, progress=lambda done=0, **kw: seen.append(done))

    assert seen[-3:] == [2, 4, 5]
    assert Household.objects.count() == 5


@pytest.mark.worker
def test_a_worker_killed_mid_import_is_redelivered_without_half_written_or_duplicated_rows(
    county: Any, celery_worker: Any
) -> None:
    # given: 400 households in chunks of 10, imported by a real worker
    job = queue_import(county, prefix="K-", households=400)

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
    born = rows[0][11]
    rows[0][11] = None
    job = run_import(xlsx(rows), county.staff_a)
    assert job.status == JobStatusChoices.SUCCEEDED, job.result
    assert Member.objects.get().birth_date == born


# -- clerks' spreadsheets ---------------------------------------------------------------------------


def _messy(county: Any, *, with_remarks: bool) -> bytes:
    """A roster as a township clerk keeps it: a merged title banner, 序号, padded and full-width headers,
    Chinese and slashed dates, full-width phone digits, and (optionally) a 备注 column."""
    head, spouse = person(birth=dt.date(1951, 3, 9)), person(female=True, birth=dt.date(1953, 11, 2))
    wb = Workbook()
    sheet = wb.active
    sheet.append(["临夏市折桥镇建档立卡户花名册"])
    sheet.merge_cells("A1:L1")
    headers = [
        "序号",
        " 户编号 ",
        "村代码",
        "联系电话",
        "户属性",
        "致贫原因",
        "户主姓名",
        "身份证号码",
        "与户主关系",
        "出生日期",
        "民　族",
        "医疗保险（是/否）",
    ]
    if with_remarks:
        headers.append("备注")
    sheet.append(headers)
    for index, (p, relation, born) in enumerate(
        [
            (
                head,
                "户主",
                f"{head['birth_date']:%Y}年{head['birth_date'].month}月{head['birth_date'].day}日",
            ),
            (spouse, "配偶", f"{spouse['birth_date']:%Y/%-m/%-d}"),
        ],
        start=1,
    ):
        row = [
            index,
            "LX-0001",
            county.village_a1.code,
            "１３８０９３１２３４５",
            "一般贫困户",
            "因病",
            p["name"],
            p["id_number"],
            relation,
            born,
            "回族",
            "是",
        ]
        if with_remarks:
            row.append("低保")
        sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_messy_clerk_spreadsheet_names_its_unknown_column_then_imports_once_it_is_removed(
    county: Any,
) -> None:
    # when: the roster still has its 备注 column
    refused = run_import(_messy(county, with_remarks=True), county.staff_a)

    # then: refused whole, naming the column on the header row (row 2, under the banner)
    assert refused.status == JobStatusChoices.FAILED
    assert list(refused.result["errors"]) == ["2:备注"]
    assert "备注" in refused.result["errors"]["2:备注"][0]
    assert not Household.objects.exists()

    # when: the column is removed
    job = run_import(_messy(county, with_remarks=False), county.staff_a)

    # then: everything else was read: padded and full-width headers, Chinese dates, full-width digits
    assert job.status == JobStatusChoices.SUCCEEDED, job.result
    household = Household.objects.get(number="LX-0001")
    assert household.phone == "13809312345"
    assert household.phone_key == "13809312345"
    members = {m.relation: m for m in household.members.all()}
    assert members["head"].birth_date == dt.date(1951, 3, 9)
    assert members["spouse"].birth_date == dt.date(1953, 11, 2)
    assert members["head"].ethnicity == members["spouse"].ethnicity == "回族"
    assert household.head == members["head"]


def test_an_id_number_stored_as_an_excel_number_says_so(county: Any) -> None:
    rows = household_rows("H-1", county.village_a1.code, size=1)
    rows[0][8] = int(rows[0][8][:17] + "0") if rows[0][8].endswith("X") else int(rows[0][8])

    job = run_import(xlsx(rows), county.staff_a)

    assert job.result["errors"]["2:身份证号"] == [
        "该单元格是数字格式，身份证号已丢失末几位，请设为文本后重新填写。"
    ]


@pytest.mark.parametrize("written", ["2023年5月1日", "2023/5/1", "2023.5.1", "2023-05-01", "20230501"])
def test_unambiguous_date_forms_are_read(written: str) -> None:
    from households.imports.columns import parse_date

    assert parse_date(written) == dt.date(2023, 5, 1)


def test_households_without_a_number_are_numbered_like_the_form(county: Any, register: Any) -> None:
    # given: a household already numbered by the form in the village, and two numberless ones
    existing = register()
    rows = household_rows("", county.village_a1.code, size=2) + household_rows(
        "", county.village_a1.code, size=1
    )

    # when
    job = run_import(xlsx(rows), county.staff_a)

    # then: the head's row opens a household, the rows after it join it, numbers follow the village's
    assert job.status == JobStatusChoices.SUCCEEDED, job.result
    sequence = int(existing.number[12:])
    new = Household.objects.exclude(pk=existing.pk).order_by("number")
    assert [h.number for h in new] == [f"{county.village_a1.code}{sequence + n:05d}" for n in (1, 2)]
    assert [h.members.count() for h in new] == [2, 1]


def test_new_applicants_cannot_bring_a_status(county: Any) -> None:
    rows = [[*r[:7], "贫困户", *r[7:]] for r in household_rows("H-1", county.village_a1.code)]

    job = run_import(xlsx(rows, headers=[*HEADERS[:7], "状态", *HEADERS[7:]]), county.staff_a)

    assert job.status == JobStatusChoices.FAILED
    assert list(job.result["errors"]) == ["1:状态"]
    assert not Household.objects.exists()


def test_a_registry_migration_keeps_status_with_its_history_and_is_audited_as_such(county: Any) -> None:
    # given: records of the previous system, one exited in 2019
    headers = [*HEADERS[:7], "识别年度", "状态", "状态日期", *HEADERS[7:]]
    registered = [
        [*r[:7], 2015, "贫困户", None, *r[7:]] for r in household_rows("M-1", county.village_a1.code)
    ]
    exited = [
        [*r[:7], 2014, "已脱贫", dt.date(2019, 11, 30), *r[7:]]
        for r in household_rows("M-2", county.village_a1.code)
    ]

    # when: township staff may not migrate; a system administrator may
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        imports.import_start(
            user=county.staff_a, upload=SimpleUploadedFile("a.xlsx", b"PK\x03\x04"), migration=True
        )
    job = run_import(xlsx(registered + exited, headers=headers), county.county_admin, migration=True)

    # then
    assert job.status == JobStatusChoices.SUCCEEDED, job.result
    one, two = Household.objects.get(number="M-1"), Household.objects.get(number="M-2")
    assert (one.status, two.status) == (HouseholdStatusChoices.REGISTERED, HouseholdStatusChoices.EXITED)
    history = list(
        HouseholdStatusChange.objects.filter(household=two)
        .order_by("effective_date")
        .values_list("from_status", "to_status", "effective_date", "source")
    )
    assert history == [
        ("candidate", "registered", dt.date(2014, 12, 1), f"migration:{job.pk}"),
        ("registered", "exited", dt.date(2019, 11, 30), f"migration:{job.pk}"),
    ]
    event = Household.pgh_event_model.objects.filter(number="M-1", pgh_label="insert").get()
    assert event.pgh_context.metadata["job"] == str(job.pk)
    assert event.pgh_context.metadata["user"] == county.county_admin.pk


def test_a_migration_needs_each_households_status(county: Any) -> None:
    headers = [*HEADERS[:7], "状态", *HEADERS[7:]]
    rows = [[*r[:7], None, *r[7:]] for r in household_rows("M-1", county.village_a1.code, size=1)]

    job = run_import(xlsx(rows, headers=headers), county.county_admin, migration=True)

    assert set(job.result["errors"]) == {"2:状态"}


def test_the_template_keeps_codes_as_text_offers_dropdowns_and_lists_the_users_villages(
    county: Any, web: Any
) -> None:
    content = web(county.staff_a).get("/households/import/template/").content
    wb = load_workbook(io.BytesIO(content))
    sheet = wb.worksheets[0]
    headers = [c.value for c in sheet[1]]
    for title in ("户编号", "村代码", "身份证号"):
        column = headers.index(title) + 1
        assert sheet.cell(2, column).number_format == "@", title
    validated = {str(rule.sqref).split(":")[0] for rule in sheet.data_validations.dataValidation}
    assert sheet.cell(2, headers.index("与户主关系") + 1).coordinate in validated
    villages = [tuple(r) for r in wb.worksheets[2].iter_rows(min_row=2, values_only=True)]
    assert ("折桥镇", "折桥村", county.village_a1.code) in villages
    assert all(code.startswith(county.town_a.code[:9]) for _t, _v, code in villages)  # only their own


# -- limits ----------------------------------------------------------------------------------------


def test_an_upload_over_the_size_limit_is_refused_and_not_kept(county: Any, web: Any, settings: Any) -> None:
    from django.core.files.storage import default_storage

    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    content = xlsx(household_rows("H-1", county.village_a1.code, size=30))
    stored = (
        default_storage.listdir("imports/households")[1]
        if default_storage.exists("imports/households")
        else []
    )
    stored = (
        default_storage.listdir("imports/households")[1]
        if default_storage.exists("imports/households")
        else []
    )

    response = web(county.staff_a).post(
        "/households/import/", {"file": SimpleUploadedFile("a.xlsx", content)}
    )

    assert response.status_code == 200
    assert "上限" in response.content.decode()
    assert not Job.objects.exists()
    assert default_storage.listdir("imports/households")[1] == stored


def _zip_with_large_text(size: int) -> bytes:
    """A small workbook whose shared-string table holds one `size`-character text (it compresses to almost
    nothing: what a zip bomb looks like)."""
    import zipfile

    wb = Workbook()
    wb.active.append(["户编号", "村代码"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z,
    ):
        for item in source.infolist():
            if item.filename != "xl/sharedStrings.xml":
                z.writestr(item, source.read(item))
        z.writestr(
            "xl/sharedStrings.xml",
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
            + "x" * size
            + "</t></si></sst>",
        )
    return out.getvalue()


def test_a_workbook_that_unpacks_too_large_is_refused_before_it_is_opened(
    county: Any, api: Any, settings: Any
) -> None:
    settings.IMPORT_MAX_SHARED_STRINGS_BYTES = 100_000
    content = _zip_with_large_text(2_000_000)
    assert len(content) < 50_000

    response = api(county.staff_a).post(
        "/api/households/households/import/",
        {"file": SimpleUploadedFile("a.xlsx", content)},
        format="multipart",
    )

    assert response.status_code == 400
    assert "上限" in str(response.json())
    assert not Job.objects.exists()

    settings.IMPORT_MAX_SHARED_STRINGS_BYTES = 10_000_000
    settings.IMPORT_MAX_UNCOMPRESSED_BYTES = 1_000_000
    response = api(county.staff_a).post(
        "/api/households/households/import/",
        {"file": SimpleUploadedFile("a.xlsx", content)},
        format="multipart",
    )
    assert response.status_code == 400
    assert "解压" in str(response.json())


def test_too_many_rows_refuse_the_file_and_write_nothing(county: Any, settings: Any) -> None:
    settings.IMPORT_MAX_ROWS = 5
    rows = []
    for n in range(3):
        rows += household_rows(f"H-{n}", county.village_a1.code)

    job = run_import(xlsx(rows), county.staff_a)

    assert job.status == JobStatusChoices.FAILED
    assert "5" in str(job.result["errors"])
    assert not Household.objects.exists()


def test_a_cell_over_the_length_limit_is_an_error_of_that_cell(county: Any, settings: Any) -> None:
    settings.IMPORT_MAX_CELL_CHARS = 50
    rows = household_rows("H-1", county.village_a1.code)
    rows[1][2] = "一" * 51

    job = run_import(xlsx(rows), county.staff_a)

    assert job.result["errors"] == {"3:家庭住址": ["该单元格有 51 个字符，上限为 50 个。"]}
    assert not Household.objects.exists()


def test_the_first_errors_are_kept_with_their_count_paged_in_page_and_api(
    county: Any, web: Any, api: Any, settings: Any
) -> None:
    # given: 30 households, each with a bad cause: 60 errors, 25 kept
    settings.IMPORT_MAX_ERRORS = 25
    rows = []
    for n in range(30):
        household = household_rows(f"H-{n:02d}", county.village_a1.code)
        for row in household:
            row[5] = "因穷"
        rows += household

    # when
    job = run_import(xlsx(rows), county.staff_a)

    # then
    assert job.result["error_count"] == 60
    assert sum(len(m) for m in job.result["errors"].values()) == 25
    assert "2:主要致贫原因" in job.result["errors"]  # the first rows' errors are the ones kept
    assert "30:主要致贫原因" not in job.result["errors"]
    body = (
        api(county.staff_a)
        .get(f"/api/households/households/import/{job.pk}/?errors_page=2&errors_page_size=10")
        .json()
    )
    assert body["errors_page"] == {"error_count": 60, "kept": 25, "page": 2, "pages": 3}
    assert len(body["result"]["errors"]) == 10
    page = web(county.staff_a).get(f"/households/import/{job.pk}/?page=1").content.decode()
    assert 'data-testid="errors-kept"' in page
    report = load_workbook(
        io.BytesIO(web(county.staff_a).get(f"/households/import/{job.pk}/errors/").content)
    ).active
    assert report.max_row == 61  # the report has every error


def test_the_uploaded_file_is_deleted_when_the_job_ends_and_its_hash_kept(
    county: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.storage import default_storage

    content = xlsx(household_rows("H-1", county.village_a1.code))
    job = upload(web(county.staff_a), content, django_capture_on_commit_callbacks)

    job.refresh_from_db()
    assert job.status == JobStatusChoices.SUCCEEDED
    assert not default_storage.exists(job.params["file"])
    import hashlib

    assert job.params["file_sha256"] == hashlib.sha256(content).hexdigest()
    assert ImportLedger.objects.filter(file_sha256=job.params["file_sha256"]).count() == 2


def test_a_finished_import_says_what_it_did_not_its_last_step(
    county: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given: an import of 2 households of 2 people, finished
    client = web(county.staff_a)
    rows = household_rows("H-101", county.village_a1.code) + household_rows("H-102", county.village_a1.code)
    job = upload(client, xlsx(rows), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == "succeeded"
    assert job.message  # the handler's last step, written while it ran

    # then: neither its page nor the start page shows that step as if it were still running
    page = client.get(f"/households/import/{job.pk}/").content.decode()
    start = client.get("/").content.decode()
    assert job.message not in page
    assert job.message not in start
    assert "新增 2 户，更新 0 户；新增 4 人，更新 0 人。" in page
    assert "新增 2 户，更新 0 户；新增 4 人，更新 0 人。" in start
