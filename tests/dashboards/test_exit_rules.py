"""The dashboards ask exits for the exit threshold and the village classes (one rule, the county's
settings), and read the other apps' figures as any caller does: a failure there is an error, not a
section quietly shown as not available."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction

from dashboards.selectors import exit_threshold, village_classes
from tests.factories import set_policy


def _classes(county: Any, figures: Any) -> dict[str, int]:
    return {row["class"]: row["villages"] for row in village_classes(county.county, figures.as_of)}


def test_the_county_s_village_bands_decide_the_dashboard_classes(county: Any, figures: Any) -> None:
    # given: the fixture's villages are all under Guizhou's class 3 (a1 0.3%; a2 and b2 none poor: exited,
    # monitored; b1 has no population figure)
    assert (_classes(county, figures)["other"], _classes(county, figures)["unknown"]) == (3, 1)

    # when: the county sets bands of its own on its exit settings
    set_policy(
        county.county,
        {
            "exits.village_class_bands": [
                {"class": 1, "min": "0.5", "max": None},
                {"class": 2, "min": "0.25", "max": "0.5"},
            ],
            "exits.village_exit_threshold": "0.40",
        },
    )

    # then: the dashboard counts by them, and its threshold is the county's
    classes = _classes(county, figures)
    assert (classes["class_1"], classes["class_2"], classes["other"], classes["unknown"]) == (0, 1, 2, 1)
    assert exit_threshold(county.county) == Decimal("0.40")


def test_a_failing_section_of_another_app_is_an_error_not_a_blank(
    county: Any, figures: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: the funds figures fail (a bug, a database error) while the job computes the sections
    from dashboards.models import SectionSnapshot
    from dashboards.snapshots import compute

    before = list(SectionSnapshot.objects.values_list("pk", "computed_at"))

    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("funds report failed")

    monkeypatch.setattr(compute, "execution_by_area", broken)

    # then: the job's county fails with it (logged, shown on the job page), not a section quietly
    # blank, and the county's earlier figures stay as they were
    with pytest.raises(RuntimeError, match="funds report failed"), transaction.atomic():
        compute.sections_compute_county(county=county.county)
    assert list(SectionSnapshot.objects.values_list("pk", "computed_at")) == before
