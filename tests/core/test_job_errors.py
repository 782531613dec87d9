"""A job that fails on a refused write shows its error without the refused values (an ID number in a
constraint's DETAIL), on its page as in the logs (core.log_filters)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction

from core.models import Job
from core.services import job_create, job_run
from tests.factories import make_household, make_member

pytestmark = pytest.mark.django_db


def test_a_failed_jobs_error_and_page_keep_no_id_number(county: Any, web: Any) -> None:
    # given: a job whose handler registers a person already registered (the unique ID number refuses it)
    household = make_household(county.village_a1)
    number = household.members.get().id_number
    job = job_create(kind="households.import", user=county.staff_a, area=county.town_a)

    def handler(job: Job) -> dict[str, Any]:
        with transaction.atomic():
            make_member(household, id_number=number)
        return {}

    # when
    with pytest.raises(IntegrityError):
        job_run(str(job.pk), handler)

    # then: the error names the constraint, not the number
    job.refresh_from_db()
    assert job.status == "failed"
    assert "id_number" in job.error
    assert number not in job.error
    for path in (
        f"/jobs/{job.pk}/",
        f"/jobs/{job.pk}/?format=json",
        f"/api/households/households/import/{job.pk}/",
    ):
        response = web(county.staff_a).get(path)
        assert response.status_code == 200, path
        assert number not in response.content.decode(), path
