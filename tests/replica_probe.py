"""`python -m tests.replica_probe`: the read-replica test's second process (tests/core/test_replicas.py).

It runs the project against a real primary (DATABASE_URL) and its streaming standby
(DATABASE_REPLICA_URLS), both started by tests/pg_streaming.py, through Django's whole request stack
(test client, middleware, router), and prints what it saw as one JSON line for the test to judge:
which server each page's queries ran on, and what the page showed.
"""

from __future__ import annotations

import json
import os
import re
import time
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.test")

import django  # noqa: E402

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402

setup_test_environment()  # the test client's host, as under pytest

from django.db import connections, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import translation  # noqa: E402

from core.replicas import PIN_COOKIE, PrimaryReplicaRouter, replica_reads  # noqa: E402
from households.choices import PovertyCauseChoices  # noqa: E402
from households.models import Household  # noqa: E402
from tests.factories import build_county, make_household  # noqa: E402

REPLICA = "replica1"


def in_recovery(alias: str) -> bool:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        return bool(cursor.fetchone()[0])


def wait_replayed(timeout: float = 20) -> None:
    """Until the standby has replayed everything the primary wrote so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.1)
    raise RuntimeError("the standby did not catch up")


def replay(paused: bool) -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")


def household_queries(captured: CaptureQueriesContext) -> int:
    return sum('"households_household"' in q["sql"] for q in captured.captured_queries)


def cause_cell(body: str, label: str) -> bool:
    return re.search(rf"<td[^>]*>\s*{re.escape(label)}\s*</td>", body) is not None


def get(client: Client, path: str) -> dict[str, Any]:
    """One GET through the whole stack, with the household queries each server ran."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(path)
    body = response.content.decode()
    return {
        "status": response.status_code,
        "primary_household_queries": household_queries(primary),
        "replica_household_queries": household_queries(replica),
        "illness": cause_cell(body, ILLNESS),
        "disability": cause_cell(body, DISABILITY),
        "pinned": PIN_COOKIE in response.cookies,
    }


with translation.override("zh-hans"):
    ILLNESS = str(PovertyCauseChoices.ILLNESS.label)
    DISABILITY = str(PovertyCauseChoices.DISABILITY.label)


def main() -> None:
    seen: dict[str, Any] = {
        "primary_in_recovery": in_recovery("default"),
        "replica_in_recovery": in_recovery(REPLICA),
    }
    county = build_county()
    household = make_household(county["village_a1"], main_cause=PovertyCauseChoices.ILLNESS)
    wait_replayed()

    # The router itself: a block that may read a standby reads it until it writes, then reads the
    # primary; inside an atomic block it reads the primary.
    router = PrimaryReplicaRouter()
    with replica_reads() as alias:
        seen["block_replica"] = alias
        seen["block_read"] = router.db_for_read(Household)
        with transaction.atomic():
            seen["block_read_in_atomic"] = router.db_for_read(Household)
        seen["block_read_in_recovery"] = in_recovery(router.db_for_read(Household))
        Household.objects.filter(pk=household.pk).update(address="replica probe")
        seen["block_read_after_write"] = router.db_for_read(Household)
    seen["outside_block_read"] = router.db_for_read(Household)
    wait_replayed()

    official = Client()
    official.force_login(county["staff_a"])
    seen["list"] = get(official, "/households/")
    seen["detail_page_replica_queries"] = get(official, f"/households/{household.pk}/")[
        "replica_household_queries"
    ]

    # The standby stops replaying: what the primary writes now, only the primary shows.
    replay(paused=True)
    household.refresh_from_db()
    edit = official.post(
        f"/households/{household.pk}/edit/",
        {
            "address": "三社",
            "main_cause": PovertyCauseChoices.DISABILITY,
            "attribute": household.attribute,
            "version": household.version,
        },
    )
    seen["edit_status"] = edit.status_code
    seen["edit_pinned"] = PIN_COOKIE in edit.cookies
    seen["list_after_edit"] = get(official, "/households/")
    # another browser of the same official, which wrote nothing: the (lagging) standby serves it
    other = Client()
    other.force_login(county["staff_a"])
    seen["other_browser_lagging"] = get(other, "/households/")
    replay(paused=False)
    wait_replayed()
    seen["other_browser_caught_up"] = get(other, "/households/")
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
