from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from areas.models import Area, AreaPopulation
from areas.selectors import rural_population
from areas.services import areas_import, read_area_rows
from core.choices import JobStatusChoices
from core.models import Job
from tests.helpers import wait_for

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "areas" / "data" / "linxia_622901.csv"

GOOD = (
    "code,name,level,parent_code,rural_population\n"
    "620000000000,甘肃省,province,,\n"
    "622900000000,临夏回族自治州,prefecture,620000000000,\n"
    "622901000000,临夏市,county,622900000000,\n"
    "622901103000,折桥镇,township,622901000000,\n"
    "622901103201,折桥村,village,622901103000,1500\n"
    "622901103202,大庄村,village,622901103000,0\n"
)


def test_shipped_linxia_tree_loads(tmp_path: Path) -> None:
    call_command("load_areas", str(DATA))
    county = Area.objects.get(code="622901000000")
    assert county.name == "临夏市"
    assert Area.objects.filter(level="township", parent=county).count() == 11
    assert [a.name for a in Area.objects.get(code="622901100201").ancestors()] == [
        "甘肃省",
        "临夏回族自治州",
        "临夏市",
        "城郊镇",
        "堡子村",
    ]


def test_population_rolls_up_from_villages(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text(GOOD, encoding="utf-8")
    areas_import(rows=read_area_rows(path), user=None, population_year=2020)
    assert rural_population(Area.objects.get(code="622901000000"), 2020) == 1500
    assert AreaPopulation.objects.count() == 2


def test_reimport_updates_instead_of_duplicating(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text(GOOD, encoding="utf-8")
    areas_import(rows=read_area_rows(path), user=None)
    path.write_text(GOOD.replace("大庄村", "大庄新村"), encoding="utf-8")
    result = areas_import(rows=read_area_rows(path), user=None)
    assert (result.created, result.updated) == (0, 1)
    assert Area.objects.count() == 6


def test_a_bad_row_names_the_row_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    bad = GOOD + "62290110320,短码村,village,622901103000,\n622901101201,错挂村,village,622901103000,\n"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        areas_import(rows=read_area_rows(path), user=None)
    messages = info.value.messages
    assert any("Row 8" in m or "第 8 行" in m or "8" in m for m in messages)
    assert len(messages) == 2
    assert Area.objects.count() == 0


def test_import_page_runs_a_job_and_reports_errors(
    county: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = web(county.county_admin)
    upload = SimpleUploadedFile("areas.csv", b"code,name,level,parent_code\n123,x,village,1\n")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/areas/import/", {"file": upload})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.status == JobStatusChoices.FAILED
    assert "12" in job.error
    status = client.get(f"/jobs/{job.pk}/?format=json").json()
    assert status["status"] == "failed"
    assert status["finished"]


def test_import_page_is_for_administrators_only(county: Any, web: Any) -> None:
    assert web(county.staff_a).get("/areas/import/").status_code == 403


@pytest.mark.worker
def test_import_job_runs_in_a_real_worker(celery_worker: Any, county: Any, web: Any) -> None:
    client = web(county.county_admin)
    csv = GOOD.replace("大庄村", "新建村").replace("622901103202", "622901103299")
    client.post(
        "/areas/import/", {"file": SimpleUploadedFile("areas.csv", csv.encode()), "population_year": 2021}
    )
    job = Job.objects.get()

    wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, timeout=60)

    job.refresh_from_db()
    assert job.status == JobStatusChoices.SUCCEEDED, job.error
    assert job.result == {"created": 1, "updated": 0, "populations": 2}
    assert Area.objects.filter(code="622901103299", name="新建村").exists()
    assert job.attempts == 1


def _import_as(client: Any, csv_text: str, django_capture_on_commit_callbacks: Any, **extra: Any) -> Job:
    upload = SimpleUploadedFile("areas.csv", csv_text.encode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/areas/import/", {"file": upload, **extra})
    return Job.objects.get()


def test_a_county_administrator_cannot_rename_or_add_areas_outside_the_county(
    county: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # A scoped administrator's file changes areas of their own scope only (core.scoping): renaming the
    # prefecture or opening a village in a neighbouring county is refused, naming the row; nothing written.
    neighbour = Area.objects.create(
        code="622921000000", name="临夏县", level="county", parent=county.prefecture
    )
    town = Area.objects.create(code="622921100000", name="城关镇", level="township", parent=neighbour)
    csv_text = (
        "code,name,level,parent_code,rural_population\n"
        "622900000000,改名州,prefecture,620000000000,\n"
        "622921100201,新村,village,622921100000,\n"
        "622901103201,折桥村,village,622901103000,1200\n"
    )

    job = _import_as(
        web(county.county_admin), csv_text, django_capture_on_commit_callbacks, population_year=2021
    )

    assert job.status == JobStatusChoices.FAILED
    assert "622900000000" in job.error
    assert "622921100201" in job.error
    assert "622901103201" not in job.error  # the county's own village is the administrator's
    assert Area.objects.get(pk=county.prefecture.pk).name == "临夏回族自治州"
    assert not Area.objects.filter(code="622921100201").exists()
    assert town.children.count() == 0
    assert not AreaPopulation.objects.exists()


def test_an_unchanged_row_outside_the_county_is_not_refused(
    county: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # The shipped files carry the province and prefecture rows: unchanged, they are no write.
    job = _import_as(
        web(county.county_admin),
        GOOD.replace("大庄村", "大庄新村"),
        django_capture_on_commit_callbacks,
    )
    assert job.status == JobStatusChoices.SUCCEEDED, job.error
    assert job.result == {"created": 0, "updated": 1, "populations": 0}


def test_a_population_that_is_not_a_number_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text(GOOD.replace(",1500\n", ",一千五\n"), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        areas_import(rows=read_area_rows(path), population_year=2020, user=None)
    assert any("6" in m and "一千五" in m for m in info.value.messages)
    assert Area.objects.count() == 0


def test_the_area_file_is_bounded_like_the_registry_import(
    county: Any, web: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # settings IMPORT_MAX_*: the upload's size on the form, rows and cell length in the reader
    settings.LANGUAGE_CODE = "en"
    client = web(county.county_admin)
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    response = client.post("/areas/import/", {"file": SimpleUploadedFile("areas.csv", GOOD.encode())})
    assert response.status_code == 200
    assert "limit" in response.content.decode()
    assert not Job.objects.exists()

    settings.IMPORT_MAX_UPLOAD_BYTES = 1048576
    settings.IMPORT_MAX_ROWS = 3
    job = _import_as(client, GOOD, django_capture_on_commit_callbacks)
    assert job.status == JobStatusChoices.FAILED
    assert "3 rows" in job.error
    Job.objects.all().delete()

    settings.IMPORT_MAX_ROWS = 100
    settings.IMPORT_MAX_CELL_CHARS = 10
    job = _import_as(client, GOOD, django_capture_on_commit_callbacks)
    assert job.status == JobStatusChoices.FAILED
    assert "10" in job.error
    assert Area.objects.filter(code="622901103201", name="折桥村").exists()
