"""The audit triggers never raise and catch an error per row: every session carries the settings they
read (core.audit.audit_session_defaults), so an audited bulk write stays linear in its size.

The two library functions that read the settings are replaced, inside the test's transaction, by
copies whose exception handlers count what they catch; the counter must stay at zero.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from pghistory.models import Context

from core.audit import audit_context, audit_context_apply
from households.models import Household

COUNT = (
    "PERFORM set_config('audit_test.caught', "
    "(coalesce(nullif(current_setting('audit_test.caught', true), ''), '0')::int + 1)::text, true);"
)


@pytest.fixture
def caught() -> Any:
    """A function returning how many errors the trigger helpers caught so far in this transaction."""
    with connection.cursor() as cursor:
        for name in ("_pgtrigger_should_ignore", "_pgh_attach_context"):
            cursor.execute("SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE proname = %s", [name])
            (definition,) = cursor.fetchone()
            assert "EXCEPTION WHEN OTHERS THEN" in definition
            cursor.execute(
                definition.replace("EXCEPTION WHEN OTHERS THEN", f"EXCEPTION WHEN OTHERS THEN {COUNT}")
            )

    def count() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(nullif(current_setting('audit_test.caught', true), ''), '0')::int"
            )
            return cursor.fetchone()[0]

    return count


def _households(village: Any, n: int, prefix: str) -> list[Household]:
    return Household.objects.bulk_create(
        [Household(village=village, number=f"{prefix}{i:06d}", main_cause="illness") for i in range(n)]
    )


def test_an_audited_bulk_insert_outside_any_request_or_job_catches_nothing(county: Any, caught: Any) -> None:
    # when: 300 audited rows written by plain code (a command, a shell, a beat task)
    _households(county.village_a1, 300, "A")

    # then: no trigger caught an error, and the events name the process
    assert caught() == 0
    event = Household.pgh_event_model.objects.filter(number="A000000").get()
    assert "process" in event.pgh_context.metadata


def test_a_jobs_bulk_insert_and_copy_catch_nothing_and_carry_the_jobs_context(
    county: Any, caught: Any
) -> None:
    # when: a job writes with the ORM, then with COPY after setting its context once
    with audit_context(county.staff_a, job="job-1"):
        _households(county.village_a1, 200, "J")
        with connection.cursor() as cursor:
            audit_context_apply(cursor)
            with cursor.cursor.copy(
                "COPY households_household (village_id, number, main_cause, status, address, phone, "
                "phone_key, attribute, secondary_causes, typology, version, status_changed_at, created_at, "
                "updated_at) FROM STDIN"
            ) as copy:
                for i in range(200):
                    copy.write_row(
                        [
                            county.village_a1.pk,
                            f"C{i:06d}",
                            "illness",
                            "candidate",
                            "",
                            "",
                            "",
                            "ordinary",
                            "{}",
                            "",
                            1,
                            "2024-01-01",
                            "2024-01-01",
                            "2024-01-01",
                        ]
                    )

    # then
    assert caught() == 0
    contexts = set(
        Household.pgh_event_model.objects.filter(number__regex=r"^[JC]").values_list("pgh_context", flat=True)
    )
    assert len(contexts) == 1
    assert Context.objects.get(pk=contexts.pop()).metadata["job"] == "job-1"


def test_the_counter_sees_what_an_unset_setting_costs(county: Any, caught: Any) -> None:
    # given: a session whose context setting is blank, as it was before the session defaults
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pghistory.context_id', '', true)")

    # when
    _households(county.village_a1, 50, "U")

    # then: one caught error per row
    assert caught() == 50
