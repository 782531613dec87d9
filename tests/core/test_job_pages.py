"""Job pages lead somewhere and speak in words: the title is what the job does, a finished job's
message is its result (not the last township it went through), a snapshot links to its dashboard,
and `result["links"]` are shown."""

from __future__ import annotations

from typing import Any

import pytest

from core.choices import JobStatusChoices
from core.models import Job
from core.services import job_create
from dashboards.services import incidence_compute_request
from tests.factories import make_household, set_population

pytestmark = pytest.mark.django_db


def test_a_finished_snapshot_links_to_its_dashboard(
    county: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given
    set_population(county.village_a1, 2026, 1000)
    make_household(county.village_a1, members=2)
    with django_capture_on_commit_callbacks(execute=True):
        job = incidence_compute_request(user=county.county_official, area=county.county)
    job.refresh_from_db()
    assert job.status == JobStatusChoices.SUCCEEDED

    # when
    body = web(county.county_official).get(f"/jobs/{job.pk}/").content.decode()
    data = web(county.county_official).get(f"/jobs/{job.pk}/?format=json").json()

    # then
    assert '<h1 class="h4" data-testid="job-title">贫困发生率快照</h1>' in body
    assert "dashboards.incidence" not in body
    assert f'href="/dashboards/{county.county.code}/?as_of=' in body
    assert "临夏市数据看板" in body
    assert data["title"] == "贫困发生率快照"
    assert data["message"].startswith("截至")
    assert data["links"][0]["url"].startswith(f"/dashboards/{county.county.code}/")


def test_a_county_wide_job_does_not_report_a_township_as_its_message(
    county: Any, web: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from core.services import job_enqueue
    from funds.tasks import funds_ledger_check_task

    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(kind="funds.ledger_check", user=county.county_official, area=county.county)
        job_enqueue(job, funds_ledger_check_task)
    job.refresh_from_db()
    assert job.message in {county.town_a.name, county.town_b.name}  # the handler's last progress step

    body = web(county.county_official).get(f"/jobs/{job.pk}/").content.decode()

    assert "资金台账核对" in body
    assert "funds.ledger_check" not in body
    message = body[body.index("data-job-message>") :].split("<", 1)[0]
    assert "台账相符" in message
    assert county.town_a.name not in message
    assert county.town_b.name not in message
    assert 'href="/funds/reconciliation/"' in body


def test_a_running_jobs_progress_reads_in_words(county: Any, web: Any) -> None:
    job = job_create(kind="households.import", user=county.staff_a, area=county.town_a)
    Job.objects.filter(pk=job.pk).update(status=JobStatusChoices.RUNNING, message="importing")
    data = web(county.staff_a).get(f"/jobs/{job.pk}/?format=json").json()
    assert data["message"] == "正在写入农户…"
    assert data["title"] == "农户导入"

    Job.objects.filter(pk=job.pk).update(message=county.town_a.name, progress_done=1, progress_total=2)
    job = job_create(kind="funds.ledger_check", user=county.county_official, area=county.county)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatusChoices.RUNNING, message=county.town_a.name, progress_done=1, progress_total=3
    )
    data = web(county.county_official).get(f"/jobs/{job.pk}/?format=json").json()
    assert data["message"] == "正在核对折桥镇的项目…"


def test_result_links_are_shown_and_only_local(county: Any, web: Any) -> None:
    job = job_create(kind="households.import", user=county.staff_a, area=county.town_a)
    Job.objects.filter(pk=job.pk).update(
        status=JobStatusChoices.SUCCEEDED,
        result={  # as households.imports._write returns it
            "households_created": 2,
            "households_updated": 0,
            "members_created": 5,
            "members_updated": 0,
            "links": [
                {"label": "本次新增的农户", "url": "/households/?batch=1"},
                {"label": "外部", "url": "https://example.com/"},
            ],
        },
    )

    body = web(county.staff_a).get(f"/jobs/{job.pk}/").content.decode()

    assert '<a class="btn btn-sm btn-outline-primary" href="/households/?batch=1">本次新增的农户</a>' in body
    assert "example.com" not in body
    assert "新增 2 户，更新 0 户；新增 5 人，更新 0 人。" in body
