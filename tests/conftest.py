"""Fixtures shared by the whole suite. Tests run against a real PostgreSQL (DATABASE_URL, or the
embedded server dev.py starts); Celery runs eagerly unless a test asks for `celery_worker`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.factories import build_county
from tests.helpers import SUITE_INSTANT

ROOT = Path(__file__).resolve().parent.parent


# -- the clock -------------------------------------------------------------------------------------
# Every test starts at one instant, the clock ticking from there (faketime-style): the instant the run
# started, or POVERTYCASE_FREEZE_AT (ISO with offset, e.g. 2026-11-30T00:30+08:00). .ci/run runs the
# `dates` tests again under boundary instants this way. The real worker's tasks start at the same
# instant (tests/celery_worker_main.py). A test that needs a particular moment moves the clock itself
# with the `time_machine` fixture, or lets days pass with `days_pass`.
os.environ["POVERTYCASE_FREEZE_AT"] = SUITE_INSTANT.isoformat()
# Where the running test's real start time is written, so the real worker's tasks read the clock the
# test reads (the instant plus the real time since the test started) instead of the bare instant: a
# second worker taking over a killed one's job would otherwise see the first one's heartbeat in its future.
CLOCK_FILE = Path(
    os.environ.setdefault("POVERTYCASE_CLOCK_FILE", str(ROOT / ".local" / f"clock-{os.getpid()}"))
)
CLOCK_FILE.parent.mkdir(exist_ok=True)


@pytest.hookimpl(trylast=True)  # after -k/-m deselection, so the first test that runs gets the long limit
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Browser and worker tests wait on other processes: a longer limit than pyproject's 120 s. The first
    # test that needs the database also creates it (every migration): it gets 15 minutes.
    database_created = False
    for item in items:
        if not database_created and "django_db_setup" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.timeout(900))
            database_created = True
        elif item.get_closest_marker("timeout") is None and (
            item.get_closest_marker("browser") or item.get_closest_marker("worker")
        ):
            item.add_marker(pytest.mark.timeout(300))


@pytest.fixture(autouse=True, scope="session")
def _versioned_writes_guard() -> Iterator[None]:
    """Versioned rows change only through core.services.model_update (tests/versioned_writes.py)."""
    from tests.versioned_writes import guard_installed

    with guard_installed():
        yield


@pytest.fixture(autouse=True)
def _suite_clock() -> Iterator[None]:
    import time_machine

    CLOCK_FILE.write_text(repr(time.monotonic()))  # machine-wide, and no traveller moves it
    with time_machine.travel(SUITE_INSTANT, tick=True):
        yield


@pytest.fixture
def days_pass(time_machine: Any) -> Any:
    """Time passes in the county: `days_pass(7)` moves the clock seven days on (`hours=` for less)."""
    import datetime as dt

    from core import clock

    time_machine.move_to(clock.now(), tick=True)

    def advance(days: float = 0, **delta: float) -> None:
        time_machine.shift(dt.timedelta(days=days, **delta))

    return advance


@pytest.fixture
def county(db: Any) -> SimpleNamespace:
    return SimpleNamespace(**build_county())


@pytest.fixture
def api() -> Any:
    def client_for(user: Any) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def web(client: Any) -> Any:
    def client_for(user: Any) -> Any:
        client.force_login(user)
        return client

    return client_for


class Worker:
    """A real `celery worker` process on its own queues, reading the test database."""

    def __init__(self, queue: str, env: dict[str, str]) -> None:
        self.queue = queue
        self.env = env
        self.process: subprocess.Popen | None = None
        self.log_path = ROOT / ".local" / f"worker-{queue}.log"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.celery_worker_main",
                "-A",
                "povertycase",
                # no -Q: the worker consumes every queue of settings (the default and each workload's, all
                # named after CELERY_TASK_DEFAULT_QUEUE), as `dev.py up`'s worker does
                "worker",
                "--pool",
                "solo",
                "-l",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{self.queue}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if b"ready." in self.log_path.read_bytes():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"worker exited: {self.log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        raise RuntimeError(f"worker did not start: {self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        """SIGKILL: the worker dies mid-job without acknowledging its message."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@pytest.fixture
def celery_worker(transactional_db: Any, settings: Any) -> Iterator[Worker]:
    """Send tasks to a real worker process instead of running them eagerly.

    In CI the broker is the machine's Redis (REDIS_URL); on a machine without Redis, dev.py points
    the broker at a folder, which the worker shares. A fresh default queue name per test (the workload
    queues are named after it) keeps parallel runs apart.
    """
    from povertycase.celery import app as celery_app

    if os.environ.get("CI") and not (os.environ.get("REDIS_URL") or "").startswith("redis://"):
        pytest.fail("CI must run the worker tests against Redis: set REDIS_URL")
    queue = f"test-{uuid.uuid4().hex[:10]}"
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "povertycase.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": "5",
        # a killed worker's job shows as stalled after 3 s (a live one beats every second)
        "JOB_HEARTBEAT_INTERVAL": "1",
        "JOB_HEARTBEAT_TIMEOUT": "3",
        # look for messages of a killed worker every second (kombu's default is about every 100 s)
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "DATABASE_URL": _database_url(db),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    settings.JOB_HEARTBEAT_TIMEOUT = 3
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    worker = Worker(queue, env)
    worker.start()
    try:
        yield worker
    finally:
        worker.stop()
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous


def _database_url(db: dict[str, Any]) -> str:
    from urllib.parse import quote

    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    user = quote(db.get("USER") or "postgres", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


# -- browser ---------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Chromium is not installed: apt-get install chromium fonts-noto-cjk to run browser tests")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in the test thread
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield instance
        instance.close()


def _browser_at_suite_time(context: Any) -> None:
    # The browser's clock agrees with the server's frozen one (and ticks from it), as a phone's clock
    # agrees with the county's: otherwise, under POVERTYCASE_FREEZE_AT, every record the offline app
    # makes would be dated days away from the server's today.
    from core import clock

    context.clock.install(time=clock.now())


def _watch_policy(context: Any) -> list[str]:
    """What the Content-Security-Policy refused on any page of the context, as Chromium logs it on the
    console ("Refused to … because it violates the following Content Security Policy directive")."""
    refused: list[str] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{message.page.url if message.page else '?'}: {message.text}")

    context.on("console", on_console)
    return refused


def _fail_on_refusals(pg: Any) -> None:
    if pg.csp_refusals:
        pytest.fail(
            "the page broke the Content-Security-Policy (core.headers):\n" + "\n".join(pg.csp_refusals)
        )


def _page_in(context: Any, live_server: Any) -> Any:
    _browser_at_suite_time(context)
    refusals = _watch_policy(context)
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url
    pg.csp_refusals = refusals  # a test that plants a refusal on purpose empties this list
    return pg


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    pg = _page_in(context, live_server)
    yield pg
    context.close()
    _fail_on_refusals(pg)


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        locale="zh-CN",
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    pg = _page_in(context, live_server)
    yield pg
    context.close()
    _fail_on_refusals(pg)


def pytest_unconfigure(config: pytest.Config) -> None:
    CLOCK_FILE.unlink(missing_ok=True)
