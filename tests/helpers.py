"""Helpers for tests: polling for another process's work, and browser steps."""

from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _suite_instant() -> dt.datetime:
    given = os.environ.get("POVERTYCASE_FREEZE_AT")
    if not given:
        from core import clock

        return clock.now()
    instant = dt.datetime.fromisoformat(given)
    if instant.tzinfo is None:
        raise ValueError("POVERTYCASE_FREEZE_AT needs an offset, e.g. 2026-11-30T00:30+08:00")
    return instant


# The instant every test starts at (tests/conftest.py); fixed for the whole run, so module-level dates
# such as tests.exits.builders.YEAR agree with the clock the tests see.
SUITE_INSTANT = _suite_instant()


def county_time(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    """A wall-clock instant in the demo counties' zone (Asia/Shanghai), for `time_machine.move_to`."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def wait_for(predicate: Any, timeout: float = 60.0, interval: float = 0.2) -> Any:
    """Poll until predicate() is truthy (for work done by another process)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def wait_in_page(pg: Any, script: str, arg: Any = None, timeout: float = 15.0) -> Any:
    """Poll a function in the page (`"() => …"` or `"n => …"` with arg) until it returns something
    truthy. Playwright's wait_for_function evals its text in the page, which the Content-Security-Policy
    refuses (no 'unsafe-eval'); page.evaluate does not eval."""
    from playwright.sync_api import Error

    def attempt() -> Any:
        try:
            return pg.evaluate(script, arg)
        except Error as exc:  # the page was navigating or reloading: try again
            if "context was destroyed" in str(exc) or "navigat" in str(exc):
                return None
            raise

    return wait_for(attempt, timeout=timeout, interval=0.1)


def login(pg: Any, username: str, password: str = "pw-123456-test") -> None:
    pg.goto(pg.base_url + "/login/")
    pg.fill("#id_username", username)
    pg.fill("#id_password", password)
    pg.click("button[type=submit]")
    pg.wait_for_url(lambda url: "/login/" not in url)


def screenshot(pg: Any, name: str) -> Path:
    path = ROOT / "tests" / "artifacts" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(path), full_page=True)
    return path


def at_once(count: int, call: Any, timeout: float = 30.0) -> list[Any]:
    """Run `call(index)` in `count` threads released together (each thread its own database connection);
    returns each call's result, or the exception it raised."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(count)
    outcomes: list[Any] = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = call(index)
        except Exception as exc:  # the caller asserts on it
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a request never finished (deadlock?)"
    return outcomes


def pages_hiding(client: Any, paths: list[str], values: list[str], read: Any = None) -> int:
    """GET each path; a page that opens (200) must contain none of `values`, one that does not must be
    a redirect, refusal or not-found. Returns how many opened (so a test can insist some did)."""
    opened = 0
    for path in paths:
        response = client.get(path)
        if response.status_code != 200:
            assert response.status_code in (302, 403, 404), path
            continue
        opened += 1
        text = read(response) if read else response.content.decode()
        for value in values:
            assert value not in text, (path, value)
    return opened
