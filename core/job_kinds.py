"""What each kind of job is called and where its result leads, in words (core.Job keeps only the
kind code, e.g. `dashboards.incidence`). Apps register their kinds in AppConfig.ready().

A job page shows the title, a summary of the finished job in the reader's language (not the last
progress message, which for a county-wide job is the last township it went through), and links: the
kind's own (a snapshot's dashboard) followed by any the handler put in `job.result["links"]`
(a list of {"label", "url"}; the import fills it with the households it created and updated).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from core.users import User


@dataclass(frozen=True)
class JobKind:
    kind: str
    title: str | Promise
    # The finished job in one sentence, from its result (None: the generic "Done." / the error).
    summary: Callable[[Any], str] | None = None
    # Where a finished job leads: [{"label", "url"}], from its params and result.
    links: Callable[[Any], list[dict[str, str]]] | None = None
    # Words for the progress messages the handler writes as codes ("importing" -> 正在导入).
    messages: dict[str, str | Promise] | None = None
    # Progress messages written after a step are the area just done (a township): the words around it.
    progress: str | Promise = ""
    # Besides its creator, who may read a job of this kind (its page, progress, errors and result):
    # users of the job's area whose role holds this capability (accounts.roles.Capability).
    supervised_by: str = "administer"


_KINDS: dict[str, JobKind] = {}


def register(*kinds: JobKind) -> None:
    for kind in kinds:
        _KINDS[kind.kind] = kind


def kinds_supervised_by(user: User) -> list[str]:
    """The job kinds whose jobs in their scope `user` may read without having started them."""
    return [code for code, kind in _KINDS.items() if user.has_capability(kind.supervised_by)]


def kind_of(job: Any) -> JobKind | None:
    return _KINDS.get(job.kind)


def job_title(job: Any) -> str:
    kind = kind_of(job)
    return str(kind.title) if kind else _("Background job")


def job_message(job: Any) -> str:
    """The line under the progress bar, in words."""
    from .choices import JobStatusChoices

    kind = kind_of(job)
    if job.status == JobStatusChoices.SUCCEEDED:
        if kind and kind.summary:
            return kind.summary(job)
        return _("Done.")
    if job.status == JobStatusChoices.FAILED:
        return _("The job stopped; the reason is below.")
    message = job.message or ""
    if not message:
        return _("Waiting for a worker…") if job.status == JobStatusChoices.QUEUED else _("Working…")
    if kind and kind.messages and message in kind.messages:
        return str(kind.messages[message])
    # Handlers write the area they are on after each step (done >= 1); the first message is words.
    if kind and kind.progress and job.progress_done:
        return str(kind.progress) % {"where": message}
    return message


def job_links(job: Any) -> list[dict[str, str]]:
    from .choices import JobStatusChoices

    links: list[dict[str, str]] = []
    kind = kind_of(job)
    if job.status == JobStatusChoices.SUCCEEDED and kind and kind.links:
        links.extend(kind.links(job))
    extra = (job.result or {}).get("links") if isinstance(job.result, dict) else None
    if isinstance(extra, list):
        links.extend(
            {"label": str(link["label"]), "url": str(link["url"])}
            for link in extra
            if isinstance(link, dict) and link.get("label") and str(link.get("url", "")).startswith("/")
        )
    return links
