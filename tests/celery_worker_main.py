"""`python -m tests.celery_worker_main -A povertycase worker ...`: the tests' real Celery worker.

With POVERTYCASE_FREEZE_AT set (see tests/conftest.py), every task reads the clock of the test that is
running in the pytest process: the instant plus the real time since that test started (its real start is
in POVERTYCASE_CLOCK_FILE; without the file, the bare instant), ticking from there. So two workers, one
taking over a job the other was killed in, agree on when its heartbeat was. The worker's own bookkeeping
between tasks keeps the real time.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path
from typing import Any


def _freeze_each_task(instant: dt.datetime) -> None:
    import time_machine
    from celery.signals import task_postrun, task_prerun

    running: list[Any] = []

    clock_file = os.environ.get("POVERTYCASE_CLOCK_FILE")

    def _test_elapsed() -> dt.timedelta:
        # CLOCK_MONOTONIC is one clock for every process of the machine, and no traveller moves it.
        try:
            started = float(Path(clock_file).read_text()) if clock_file else None
        except (OSError, ValueError):
            started = None
        return dt.timedelta(seconds=max(0.0, time.monotonic() - started)) if started else dt.timedelta(0)

    @task_prerun.connect(weak=False)
    def _start(**_: Any) -> None:
        traveller = time_machine.travel(instant + _test_elapsed(), tick=True)
        traveller.start()
        running.append(traveller)

    @task_postrun.connect(weak=False)
    def _stop(**_: Any) -> None:
        while running:
            running.pop().stop()


def main() -> None:
    if freeze := os.environ.get("POVERTYCASE_FREEZE_AT"):
        _freeze_each_task(dt.datetime.fromisoformat(freeze))
    from celery.__main__ import main as celery_main

    sys.argv = ["celery", *sys.argv[1:]]
    celery_main()


if __name__ == "__main__":
    main()
