"""Read replicas (core/replicas.py) against a real streaming standby: a primary and its standby on
loopback (tests/pg_streaming.py), the project run against both in a second process
(tests/replica_probe.py). Never skipped: a machine that cannot start them fails the test."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from core.replicas import PrimaryReplicaRouter, ReplicaReadsMiddleware, replica_reads
from households.models import Household
from tests.pg_streaming import StreamingPair

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def streaming_pair(django_db_setup: Any) -> Iterator[StreamingPair]:
    from tests.conftest import _database_url

    pair = StreamingPair()
    try:
        pair.start(_database_url(settings.DATABASES["default"]))  # the migrated test database
        yield pair
    finally:
        pair.stop()


@pytest.mark.django_db  # the test database must exist: the primary starts as a copy of it
@pytest.mark.timeout(180)
def test_list_pages_read_the_standby_and_a_write_is_read_back_from_the_primary(
    streaming_pair: StreamingPair,
) -> None:
    # given: the project run against a primary and its streaming standby
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "povertycase.settings.test",
        "DATABASE_URL": streaming_pair.primary_url,
        "DATABASE_REPLICA_URLS": streaming_pair.replica_url,
    }
    env.pop("POVERTYCASE_FREEZE_AT", None)

    # when
    done = subprocess.run(
        [sys.executable, "-m", "tests.replica_probe"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    # then
    assert done.returncode == 0, done.stderr[-4000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert (seen["primary_in_recovery"], seen["replica_in_recovery"]) == (False, True)
    # a block that may read a standby: reads it (a server in recovery), but not in an atomic block,
    # and not after it wrote; outside it, the primary
    assert seen["block_replica"] == seen["block_read"] == "replica1"
    assert seen["block_read_in_recovery"] is True
    assert (
        seen["block_read_in_atomic"]
        == seen["block_read_after_write"]
        == seen["outside_block_read"]
        == "default"
    )
    # the list page's households come from the standby, none from the primary; a page that is not
    # a read-only one reads the primary
    listing = seen["list"]
    assert listing["status"] == 200
    assert listing["illness"]
    assert not listing["pinned"]
    assert listing["replica_household_queries"] > 0
    assert listing["primary_household_queries"] == 0
    assert seen["detail_page_replica_queries"] == 0
    # with the standby's replay paused, an edit redirects to a list that shows it: read from the primary
    assert seen["edit_status"] == 302
    assert seen["edit_pinned"]
    after = seen["list_after_edit"]
    assert after["disability"]
    assert not after["illness"]
    assert after["primary_household_queries"] > 0
    assert after["replica_household_queries"] == 0
    # another browser reads the standby: still the old value while it lags, the new one once replayed
    lagging, caught_up = seen["other_browser_lagging"], seen["other_browser_caught_up"]
    assert lagging["illness"]
    assert not lagging["disability"]
    assert lagging["replica_household_queries"] > 0
    assert caught_up["disability"]
    assert caught_up["replica_household_queries"] > 0


def test_without_replicas_everything_reads_the_primary(settings: Any, rf: Any) -> None:
    # given: no DATABASE_REPLICA_URLS (the default)
    assert settings.DATABASE_REPLICAS == []
    router = PrimaryReplicaRouter()

    # then: a block that asks for a standby has none, and a page's reads stay on the primary
    with replica_reads() as alias:
        assert alias is None
        assert router.db_for_read(Household) == "default"
    response = ReplicaReadsMiddleware(lambda request: router.db_for_read(Household))(rf.get("/households/"))
    assert response == "default"
