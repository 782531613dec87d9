"""Only services write: no view, API view or serializer, admin or task calls .save(), .update(),
.delete(), .create() or bulk_* on the models (docs/architecture.md, "Tools that hold the shape")."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ["core", "areas", "accounts", "households", "assistance", "funds", "exits", "supervision"]
APPS += ["dashboards", "fieldwork"]
# The callers: pages, the API (views and serializers), admin, Celery tasks.
CALLER_MODULES = {"views", "serializers", "admin", "tasks"}
CALLER_PACKAGES = {"views", "api", "admin"}
# Writes whatever the receiver (an instance, a manager, a queryset).
WRITES = {"save", "delete", "bulk_create", "bulk_update"}
# Writes when called on a manager or queryset (`dict.update()` and `serializer.create()` are not).
QUERYSET_WRITES = {"update", "create", "get_or_create", "update_or_create"}
QUERYSET_STEPS = {"objects", "filter", "exclude", "all", "select_for_update", "visible_to", "order_by"}
# Receivers that are not models: file storage and the cache keep their own .save()/.delete().
NOT_MODELS = {"default_storage", "storage", "cache", "session"}


def _chain(node: ast.expr) -> list[str]:
    """The names along a receiver: `Job.objects.filter(x=1)` is ["Job", "objects", "filter"]."""
    names = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Subscript):
            node = node.value
        else:
            if isinstance(node, ast.Name):
                names.append(node.id)
            return names[::-1]


def model_writes(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method, receiver = node.func.attr, _chain(node.func.value)
        if not receiver or receiver[-1] in NOT_MODELS or receiver[0] in NOT_MODELS:
            continue
        if method in WRITES or (method in QUERYSET_WRITES and QUERYSET_STEPS & set(receiver[1:])):
            where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
            found.append(f"{where}:{node.lineno}: {ast.unparse(node.func)}()")
    return found


def is_caller(parts: tuple[str, ...]) -> bool:
    """`parts` is a module's path inside its app: ("api", "views.py"), ("tasks.py",), ..."""
    if "migrations" in parts:
        return False
    return parts[-1].removesuffix(".py") in CALLER_MODULES or parts[0] in CALLER_PACKAGES


def caller_modules() -> Iterator[Path]:
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if is_caller(path.relative_to(ROOT / app).parts):
                yield path


def test_views_serializers_admin_and_tasks_leave_writes_to_services() -> None:
    # when
    found = [hit for path in caller_modules() for hit in model_writes(path)]

    # then
    assert found == [], "write through a service (<app>/services.py):\n" + "\n".join(found)


def test_the_guard_finds_planted_writes(tmp_path: Path) -> None:
    # given: a view with eight writes and five calls that only look like them
    planted = tmp_path / "views.py"
    planted.write_text(
        "def view(request, household, form, context, digest):\n"
        "    household.save()\n"
        "    household.members.first().delete()\n"
        "    Job.objects.filter(pk=1).update(status='done')\n"
        "    Job.objects.create(kind='x')\n"
        "    request.user.notifications.filter(read_at=None).update(read_at=1)\n"
        "    Notice.objects.visible_to(request.user)[0].save(update_fields=['x'])\n"
        "    Member.objects.bulk_create([])\n"
        "    Member.objects.bulk_update([], ['name'])\n"
        "    context.update({'a': 1})\n"
        "    digest.update(b'x')\n"
        "    default_storage.save('a', b'')\n"
        "    default_storage.delete('a')\n"
        "    cache.delete('k')\n"
    )

    # when
    found = model_writes(planted)

    # then: the eight writes, nothing else
    assert [hit.split(": ", 1)[1] for hit in found] == [
        "household.save()",
        "household.members.first().delete()",
        "Job.objects.filter(pk=1).update()",
        "Job.objects.create()",
        "request.user.notifications.filter(read_at=None).update()",
        "Notice.objects.visible_to(request.user)[0].save()",
        "Member.objects.bulk_create()",
        "Member.objects.bulk_update()",
    ]


def test_views_serializers_admin_and_tasks_are_the_callers() -> None:
    assert is_caller(("views.py",))
    assert is_caller(("views", "registry.py"))  # a views package, as the big apps will have
    assert is_caller(("api", "serializers.py"))
    assert is_caller(("admin.py",))
    assert is_caller(("tasks.py",))
    assert not is_caller(("services.py",))
    assert not is_caller(("services", "procedure.py"))
    assert not is_caller(("migrations", "0001_initial.py"))
    assert len(list(caller_modules())) > 40


# Jobs are started by services (`<thing>_start(...)`: the right checked, the job created and its task
# queued after commit), never by a page, an API view or the admin (docs/architecture.md, generic views).
JOB_STARTS = {"job_create", "job_enqueue", "delay", "apply_async", "send_task"}


def job_starts(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in JOB_STARTS:
                where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                found.append(f"{where}:{node.lineno}: {ast.unparse(node.func)}()")
    return found


def test_no_view_api_or_admin_starts_a_job_itself() -> None:
    # given: the pages, API modules and admin (tasks run jobs; they may queue their own chunks)
    modules = [path for path in caller_modules() if path.name != "tasks.py"]

    # when
    found = [hit for path in modules for hit in job_starts(path)]

    # then
    assert found == [], "start the job through a service (<thing>_start):\n" + "\n".join(found)


def test_the_job_start_guard_finds_a_planted_start(tmp_path: Path) -> None:
    planted = tmp_path / "views.py"
    planted.write_text(
        "def start(request):\n"
        "    job = job_create(kind='x', user=request.user)\n"
        "    job_enqueue(job, task)\n"
        "    task.delay(str(job.pk))\n"
        "    services.ledger_check_start(county=None, user=request.user)\n"
    )
    assert [hit.split(": ", 1)[1] for hit in job_starts(planted)] == [
        "job_create()",
        "job_enqueue()",
        "task.delay()",
    ]
