"""Public notices (公告公示) of projects and payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.selectors import policy_get
from core.dates import business_date_errors
from core.masking import mask_name
from core.money import yuan_text
from core.scoping import ensure_can

from ..choices import (
    DisbursementKindChoices,
    NoticeKindChoices,
)
from ..models import (
    Notice,
    Project,
)
from ..notices import notice_text_problems
from ..policy import NOTICE_MIN_DAYS

if TYPE_CHECKING:
    from accounts.models import User

# -- public notices --------------------------------------------------------------------------------


def _period_problem(project: Project, days: int) -> str | None:
    """Why a notice of `days` days is too short for the project's county (None: long enough)."""
    least = policy_get(NOTICE_MIN_DAYS, project.area)
    if days >= least:
        return None
    return _("A fund notice stays up at least %(days)d days (the county's rule).") % {"days": least}


def _notice_check(title: str, body: str) -> None:
    problems = notice_text_problems(f"{title}\n{body}")
    if problems:
        raise ValidationError({"body": problems})


@transaction.atomic
def notice_publish(
    *,
    project: Project,
    kind: str,
    title: str,
    body: str,
    starts_on: dt.date,
    ends_on: dt.date,
    user: User,
) -> Notice:
    """Publish a notice text for at least the county's notice period (funds.policy); refused if it
    shows an ID number, phone, bank account or health detail."""
    ensure_can(user, Capability.PROPOSE, project)
    errors: dict[str, Any] = {}
    if not title.strip():
        errors["title"] = _("Enter a title.")
    if not body.strip():
        errors["body"] = _("Enter the text to publish.")
    if ends_on < starts_on:
        errors["ends_on"] = _("The notice period ends before it starts.")
    elif problem := _period_problem(project, (ends_on - starts_on).days + 1):
        errors["ends_on"] = problem
    business_date_errors(errors, starts_on=starts_on, ends_on=ends_on)
    if errors:
        raise ValidationError(errors)
    _notice_check(title, body)
    return Notice.objects.create(
        project=project,
        kind=kind,
        title=title.strip(),
        body=body.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        published_by=user,
    )


def notice_text_for_project(project: Project) -> tuple[str, str]:
    """The standard project notice (项目公示): what, where, how much, from which sources, who benefits."""
    villages = "、".join(v.name for v in project.villages.order_by("code"))
    sources = "；".join(
        f"{f.allocation.source.name}（{f.allocation.document_number}）{yuan_text(f.amount)}元"
        for f in project.fundings.select_related("allocation__source").order_by("pk")
    )
    households = project.households.count()
    title = _("Public notice of project: %(name)s") % {"name": project.name}
    lines = [
        _("Project: %(name)s") % {"name": project.name},
        _("Run by: %(area)s") % {"area": project.area.name},
        _("Category: %(category)s") % {"category": project.category.name},
        _("Year: %(year)s") % {"year": project.year},
        _("Budget: %(budget)s yuan") % {"budget": yuan_text(project.budget)},
    ]
    if villages:
        lines.append(_("Benefiting villages: %(villages)s") % {"villages": villages})
    if households:
        lines.append(_("Benefiting households: %(n)d") % {"n": households})
    if sources:
        lines.append(_("Funds: %(sources)s") % {"sources": sources})
    if project.description:
        lines.append(_("Content: %(text)s") % {"text": project.description})
    lines.append(
        _(
            "Anyone with an objection may report it to the county poverty alleviation office during the notice period."
        )
    )
    return str(title), "\n".join(str(line) for line in lines)


def notice_text_for_payments(project: Project) -> tuple[str, str]:
    """The payment notice (资金公示): each payment not reversed, payees who are households by masked name."""
    title = _("Public notice of payments: %(name)s") % {"name": project.name}
    lines = [_("Project: %(name)s") % {"name": project.name}]
    payments = (
        project.disbursements.filter(kind=DisbursementKindChoices.PAYMENT, reversal__isnull=True)
        .select_related("household__village", "household__head")
        .order_by("paid_on", "pk")
    )
    total = Decimal("0.00")
    for payment in payments:
        if payment.household is not None:
            head = payment.household.head
            who = f"{payment.household.village.name} {mask_name(head.name if head else '')}"
        else:
            who = payment.payee
        lines.append(f"{payment.paid_on:%Y年%m月%d日}　{who}　{yuan_text(payment.amount)}元")
        total += payment.amount
    lines.append(_("Total paid: %(total)s yuan") % {"total": yuan_text(total)})
    lines.append(
        _(
            "Anyone with an objection may report it to the county poverty alleviation office during the notice period."
        )
    )
    return str(title), "\n".join(str(line) for line in lines)


@transaction.atomic
def notice_publish_standard(
    *, project: Project, kind: str, starts_on: dt.date, days: int, user: User, extra_text: str = ""
) -> Notice:
    """Publish the standard project or payment notice for `days` days from `starts_on`."""
    if problem := _period_problem(project, days):
        raise ValidationError({"days": problem})
    if kind == NoticeKindChoices.PAYMENT:
        title, body = notice_text_for_payments(project)
    else:
        title, body = notice_text_for_project(project)
    if extra_text.strip():
        body = f"{body}\n{extra_text.strip()}"
    return notice_publish(
        project=project,
        kind=kind,
        title=title,
        body=body,
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days - 1),
        user=user,
    )
