"""`python -m tests.celery_worker_main -A povertycase worker ...`: the tests' real Celery worker.

With POVERTYCASE_FREEZE_AT set (see tests/conftest.py), every task starts at that instant, the clock
ticking from there, as every test in the pytest process does; the worker's own bookkeeping between tasks
keeps the real time.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import Any


def _freeze_each_task(instant: dt.datetime) -> None:
    import time_machine
    from celery.signals import task_postrun, task_prerun

    running: list[Any] = []

    @task_prerun.connect(weak=False)
    def _start(**_: Any) -> None:
        traveller = time_machine.travel(instant, tick=True)
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
