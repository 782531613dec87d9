"""Migration exits 0006 moves each county's PovertyLine rows into the one policy store with their basis
and their audit trail, and back when reversed (the setter taken from the trail)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pghistory
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from areas.models import PolicyValue
from areas.selectors import policy_get
from core.audit import audit_events_for
from exits.policy import POVERTY_LINE

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("exits", "0005_field_labels")]
AFTER = [("exits", "0006_poverty_line_to_area_policy")]


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_the_lines_move_with_their_history_and_come_back(county: Any) -> None:
    try:
        # given: before the move, the county's lines of 2019 (set, then corrected) and 2020
        old = _migrate(BEFORE)
        PovertyLine = old.get_model("exits", "PovertyLine")
        with pghistory.context(user=county.county_official.pk):
            first = PovertyLine.objects.create(county_id=county.county.pk, year=2019, amount="3700.00")
            PovertyLine.objects.create(
                county_id=county.county.pk, year=2020, amount="4000.00", basis="国家扶贫标准（现价）"
            )
        with pghistory.context(user=county.county_admin.pk):
            PovertyLine.objects.filter(pk=first.pk).update(amount="3747.00", version=2)

        # when
        _migrate(AFTER)

        # then: the same lines are in force, with their basis and version, and nothing else was stored
        assert policy_get(POVERTY_LINE, county.village_a1, year=2019) == Decimal("3747.00")
        assert policy_get(POVERTY_LINE, county.village_a1, year=2020) == Decimal("4000.00")
        assert policy_get(POVERTY_LINE, county.village_a1, year=2021) is None
        rows = {row.year: row for row in PolicyValue.objects.filter(key=POVERTY_LINE.name)}
        assert sorted(rows) == [2019, 2020]
        assert (rows[2019].version, rows[2020].basis) == (2, "国家扶贫标准（现价）")
        # and: each row's history is the line's: who set and who corrected it, with the old value
        events = audit_events_for(rows[2019])
        assert [(e["user"], e["changes"]["value"][1]) for e in events] == [
            (county.county_admin, "3747.00"),
            (county.county_official, "3700.00"),
        ]
        assert [e["user"] for e in audit_events_for(rows[2020])] == [county.county_official]

        # when: reversed
        old = _migrate(BEFORE)

        # then: the lines are back, set by the last user their history names; the values gone
        lines = {line.year: line for line in old.get_model("exits", "PovertyLine").objects.order_by("year")}
        assert {year: line.amount for year, line in lines.items()} == {
            2019: Decimal("3747.00"),
            2020: Decimal("4000.00"),
        }
        assert lines[2019].set_by_id == county.county_admin.pk
        assert lines[2020].set_by_id == county.county_official.pk
        assert lines[2020].basis == "国家扶贫标准（现价）"
        assert not PolicyValue.objects.filter(key=POVERTY_LINE.name).exists()
    finally:
        _migrate(AFTER)
