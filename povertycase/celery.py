"""The Celery app. Tasks live in each app's tasks.py; periodic jobs in each app's BEAT_SCHEDULE."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.local")

app = Celery("povertycase")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
