"""A hang becomes a failure with a stack trace: per-test time limits (pyproject, tests/conftest.py) and a
statement timeout on the test database connection."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_a_runaway_query_is_cancelled_by_the_database_in_tests() -> None:
    # A query still running after pytest-timeout gave up would hold locks every later test waits for.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "1min"
