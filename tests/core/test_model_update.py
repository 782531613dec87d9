"""core.services.model_update: the one update path stamps updated_at, bumps the version with F() and
refuses a stale version or a changed condition."""

from __future__ import annotations

from typing import Any

import pytest

from core.exceptions import ConflictError
from core.services import model_update
from dashboards.models import ExitTarget
from dashboards.services import exit_target_set

pytestmark = pytest.mark.django_db


def test_an_update_stamps_updated_at_and_bumps_the_version(county: Any, days_pass: Any) -> None:
    # given
    target = exit_target_set(user=county.county_official, area=county.county, year=2025, people=10)
    before = target.updated_at
    days_pass(hours=2)

    # when
    model_update(target, fields={"people": 12}, expected_version=target.version)

    # then
    stored = ExitTarget.objects.get(pk=target.pk)
    assert stored.people == 12
    assert stored.version == 2
    assert stored.updated_at > before
    assert target.version == 2


def test_a_stale_version_or_a_changed_condition_is_a_conflict(county: Any) -> None:
    target = exit_target_set(user=county.county_official, area=county.county, year=2025, people=10)
    model_update(target, fields={"people": 11})
    with pytest.raises(ConflictError):
        model_update(target, fields={"people": 99}, expected_version=1)
    with pytest.raises(ConflictError):
        model_update(target, fields={"people": 99}, only_if={"people": 10})
    assert ExitTarget.objects.get(pk=target.pk).people == 11
