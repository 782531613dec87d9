"""The one engine that moves a procedure on: lock the row, check the version and the transition, the
signer's role and level, the comment and the guards; write the insert-only sign-off; run the effects;
write the new state through core.services.model_update. The shared rules (notice period, open
objections, one level per signer) live here once, with one message each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from core import clock
from core.exceptions import ConflictError
from core.scoping import ensure_can
from core.services import model_update

from .choices import ObjectionStatusChoices, StepDecisionChoices
from .workflow import Transition, Workflow

if TYPE_CHECKING:
    from core.users import User

PASS = StepDecisionChoices.PASS
REJECT = StepDecisionChoices.REJECT


@dataclass
class Advance:
    """One step being taken: what guards and effects see. Effects add columns to `fields`."""

    workflow: Workflow
    obj: Any  # the locked record
    step: str
    rule: Transition
    user: User
    comment: str
    decision: str
    today: dt.date
    now: dt.datetime
    from_state: str
    params: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    signoff: models.Model | None = None

    @property
    def rejecting(self) -> bool:
        return self.decision == REJECT

    @property
    def target(self) -> str:
        return self.rule.reject_target if self.rejecting else self.rule.target

    def refuse(self, message: Any) -> ValidationError:
        return ValidationError({self.workflow.step_field: message})


@transaction.atomic
def procedure_advance(
    workflow: Workflow,
    *,
    obj: Any,
    step: str,
    user: User,
    comment: str = "",
    decision: str = PASS,
    expected_version: int | None = None,
    params: dict[str, Any] | None = None,
) -> Advance:
    """Take `step` on `obj` as `user`. Raises PermissionDenied/Http404 (role, scope), ConflictError
    (stale version) or ValidationError (order, comment, level, guards); writes nothing then."""
    rule = workflow.rule(step)
    ensure_can(user, rule.capability, obj)
    rows = workflow.model._default_manager.select_for_update().select_related(*workflow.select_related)
    locked = rows.get(pk=obj.pk)
    if expected_version is not None and getattr(locked, "version", None) != expected_version:
        raise ConflictError()
    workflow.check(locked, step)
    if decision not in (PASS, REJECT) or (decision == REJECT and not rule.reject_target):
        raise ValidationError({"decision": _("Choose pass or reject.")})
    comment = (comment or "").strip()
    if (rule.comment_required or decision == REJECT) and not comment:
        raise ValidationError({"comment": rule.comment_message or _("Give the reason.")})
    advance = Advance(
        workflow=workflow,
        obj=locked,
        step=step,
        rule=rule,
        user=user,
        comment=comment,
        decision=decision,
        today=clock.today(),
        now=clock.now(),
        from_state=workflow.state(locked),
        params=dict(params or {}),
    )
    _check_signed_in_order(advance)
    signer_one_level_check(advance)
    if not advance.rejecting:
        for guard in (*workflow.guards, *rule.guards):
            guard(advance)
    advance.signoff = _signoff_write(advance)
    if workflow.state_values:
        advance.fields.update(workflow.state_values(advance.target, advance))
    else:
        advance.fields[workflow.state_field] = advance.target
    for effect in rule.reject_effects if advance.rejecting else rule.effects:
        effect(advance)
    model_update(locked, fields=advance.fields)
    return advance


def _signoffs(advance: Advance) -> models.QuerySet[models.Model]:
    rows: models.QuerySet[models.Model] = getattr(advance.obj, advance.workflow.signoffs).all()
    return rows


def _check_signed_in_order(advance: Advance) -> None:
    last = _signoffs(advance).order_by("-signed_at").values_list("signed_at", flat=True).first()
    if last is not None and advance.now < last:
        raise ValidationError(_("A step cannot be signed before the previous one."))


def signer_one_level_check(advance: Advance) -> None:
    """A person signs one level of a case: whoever signed at the village may not also sign for the
    township or the county (and so on), even when their role could."""
    level = advance.rule.level
    if not level:
        return
    workflow = advance.workflow
    signed = _signoffs(advance).filter(signed_by=advance.user).values_list(workflow.signoff_step, flat=True)
    if any(workflow.level_of(s) not in ("", level) for s in signed):
        raise advance.refuse(
            _("You have signed another level of this case; this step must be signed by someone else.")
        )


def _signoff_write(advance: Advance) -> models.Model:
    workflow = advance.workflow
    assert workflow.signoff_model is not None, f"{workflow.name} has no sign-off model"  # noqa: S101
    extra = workflow.signoff_values(advance) if workflow.signoff_values else {}
    return workflow.signoff_model._default_manager.create(
        **{workflow.signoff_parent: advance.obj, workflow.signoff_step: advance.step},
        signed_by=advance.user,
        role=advance.user.role,
        signed_at=advance.now,
        comment=advance.comment,
        **extra,
    )


# -- the shared rules ---------------------------------------------------------------------------------


def notice_period_check(*, started_on: dt.date | None, min_days: int, today: dt.date, field: str) -> None:
    """The one "the public notice was up long enough" rule (公示期), with one message."""
    shown = (today - started_on).days if started_on else 0
    if shown < min_days:
        raise ValidationError(
            {
                field: _(
                    "The public notice has been up %(shown)d days; it must stay up at least %(min)d days "
                    "(until %(until)s)."
                )
                % {
                    "shown": shown,
                    "min": min_days,
                    "until": (started_on or today) + dt.timedelta(days=min_days),
                }
            }
        )


def notice_ends_on(started_on: dt.date | None, min_days: int) -> dt.date | None:
    return started_on + dt.timedelta(days=min_days) if started_on else None


def open_objections_check(advance: Advance, objections: str = "objections") -> None:
    """No public notice closes while an objection heard during it is undecided."""
    if getattr(advance.obj, objections).filter(status=ObjectionStatusChoices.OPEN).exists():
        raise advance.refuse(_("Decide the open objections before closing the notice."))


# -- objections heard during the notice ---------------------------------------------------------------


def notice_objection_record(
    model: type[models.Model],
    *,
    procedure: Any,
    user: User,
    raised_on: dt.date,
    content: str,
    raised_by: str = "",
) -> Any:
    """Write an objection (a NoticeObjectionBase) against a procedure whose notice is up."""
    if not (content or "").strip():
        raise ValidationError({"content": _("Write down what the objection says.")})
    return model._default_manager.create(
        procedure=procedure,
        raised_on=raised_on,
        raised_by=(raised_by or "")[:60],
        content=content.strip(),
        recorded_by=user,
    )


@transaction.atomic
def notice_objection_decide(
    objection: Any, *, upheld: bool, reason: str, user: User, reason_field: str = "reason"
) -> Any:
    """Decide an objection once (upheld or dismissed, with the reason); the row is versioned."""
    locked = type(objection)._default_manager.select_for_update().get(pk=objection.pk)
    if locked.status != ObjectionStatusChoices.OPEN:
        raise ValidationError({"objection": _("This objection has already been decided.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({reason_field: _("Give the reason for the decision.")})
    return model_update(
        locked,
        expected_version=locked.version,
        fields={
            "status": ObjectionStatusChoices.UPHELD if upheld else ObjectionStatusChoices.DISMISSED,
            "decided_by": user,
            "decided_at": clock.now(),
            "decision_reason": reason,
        },
    )
