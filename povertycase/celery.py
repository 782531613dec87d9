"""The Celery app. Tasks live in each app's tasks.py; periodic jobs in each app's BEAT_SCHEDULE."""

import os
from fnmatch import fnmatchcase
from typing import Any

from celery import Celery
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.local")

app = Celery("povertycase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def workload_queues(default_queue: str) -> dict[str, str]:
    """Each workload of settings.TASK_WORKLOADS and the name of its queue, `<default queue>.<workload>`."""
    from django.conf import settings

    return {workload: f"{default_queue}.{workload}" for workload in settings.TASK_WORKLOADS}


def route_by_workload(
    name: str, args: Any, kwargs: Any, options: Any, task: Any = None, **kw: Any
) -> dict | None:
    """Celery router (settings.CELERY_TASK_ROUTES): the queue of the task's workload, or None (the default
    queue). The default queue is read when the task is sent, so a renamed one (tests) renames them all."""
    from django.conf import settings

    queues = workload_queues(app.conf.task_default_queue)
    for workload, patterns in settings.TASK_WORKLOADS.items():
        if any(fnmatchcase(name, pattern) for pattern in patterns):
            return {"queue": queues[workload]}
    return None


@app.on_after_configure.connect
def _every_queue(sender: Celery, source: Any, **kwargs: object) -> None:
    # A worker started without -Q consumes every queue listed here (dev.py up, the tests' worker); the
    # production workers each name theirs (docker-compose.yml).
    # Each queue has its own direct exchange and routing key, as Celery declares a queue it creates on
    # the fly: a bare Queue(name) would take the default queue's exchange and key, and a task sent to the
    # default queue would then be delivered to every queue bound with that key (once per queue).
    default = source.task_default_queue
    if not source.task_queues:
        source.task_queues = [
            Queue(name, Exchange(name, type="direct"), routing_key=name)
            for name in (default, *workload_queues(default).values())
        ]


@app.on_after_finalize.connect
def _collect_beat_schedules(sender: Celery, **kwargs: object) -> None:
    # Each app may declare BEAT_SCHEDULE in its tasks module; merging here keeps the schedule next to
    # the task it runs instead of in one long settings dict.
    from importlib import import_module

    from django.apps import apps

    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.tasks")
        except ModuleNotFoundError:
            continue
        sender.conf.beat_schedule.update(getattr(module, "BEAT_SCHEDULE", {}))


def longest_task_time_limit(celery: Celery) -> int:
    """The largest hard time limit of any registered task (or the default limit)."""
    default = celery.conf.task_time_limit or 0
    limits = [
        getattr(task, "time_limit", None) or default
        for name, task in celery.tasks.items()
        if not name.startswith("celery.")
    ]
    return int(max([default, *limits]))


@app.on_after_finalize.connect
def _visibility_timeout(sender: Celery, **kwargs: object) -> None:
    options = sender.conf.broker_transport_options
    if options is not None and "visibility_timeout" in options and not options["visibility_timeout"]:
        options["visibility_timeout"] = longest_task_time_limit(sender) + 300
