"""Reconciliation: declared totals recorded against the ledger."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.roles import Capability
from areas.models import Area
from core.models import Job
from core.money import money_parse
from core.scoping import ensure_can
from core.services import job_create, job_enqueue

from ..models import (
    DeclaredPart,
    DeclaredTotal,
)

if TYPE_CHECKING:
    from accounts.models import User

# -- reconciliation --------------------------------------------------------------------------------


@transaction.atomic
def declared_total_record(
    *,
    area: Area,
    title: str,
    declared_amount: Any,
    parts: Sequence[tuple[str, Any]],
    user: User,
    year: int | None = None,
    source_document: str = "",
) -> DeclaredTotal:
    """Record a total as a document declares it, with the parts it says it is made of (kept as
    declared, even when they do not add up: that is what the reconciliation view is for)."""
    ensure_can(user, Capability.MANAGE_FUNDS, area=area)
    declared = money_parse(declared_amount, field_name="declared_amount")
    if not parts:
        raise ValidationError({"parts": _("Enter at least one part.")})
    parsed = [
        (label.strip(), money_parse(amount, field_name="parts", allow_negative=True))
        for label, amount in parts
    ]
    if any(not label for label, _amount in parsed):
        raise ValidationError({"parts": _("Every part needs a label.")})
    total = DeclaredTotal.objects.create(
        area=area, title=title.strip(), year=year, declared_amount=declared, source_document=source_document
    )
    DeclaredPart.objects.bulk_create(
        [
            DeclaredPart(declared_total=total, label=label, amount=amount, position=i)
            for i, (label, amount) in enumerate(parsed)
        ]
    )
    return total


@transaction.atomic
def ledger_check_start(*, county: Area | None, user: User) -> Job:
    """Queue the check of the county's ledger against its totals (a job)."""
    from ..tasks import funds_ledger_check_task

    ensure_can(user, Capability.RUN_JOBS)
    if county is None:
        raise ValidationError(_("The ledger check runs for a county; your area is not a county."))
    job = job_create(kind="funds.ledger_check", user=user, area=county)
    job_enqueue(job, funds_ledger_check_task)
    return job
