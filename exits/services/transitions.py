"""The exit and monitoring procedures as transition maps, and the checks shared by their steps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from accounts.roles import Capability
from core.scoping import ensure_can

from ..choices import (
    EXIT_FINAL_STATES,
    ExitProcedureStateChoices,
    ExitStepChoices,
    MonitoringStateChoices,
    MonitoringStepChoices,
)
from ..models import (
    ExitProcedure,
    MonitoringCase,
)

S = ExitProcedureStateChoices
E = ExitStepChoices
M = MonitoringStateChoices
MS = MonitoringStepChoices


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str
    capability: str
    comment_required: bool = False


_OPEN_EXIT = frozenset(set(S.values) - set(EXIT_FINAL_STATES))

# The household exit procedure: which step may follow which state, and who signs it.
EXIT_TRANSITIONS: dict[str, Transition] = {
    E.VILLAGE_VERIFY: Transition(
        frozenset({S.PROPOSED, S.SENT_BACK}), S.VERIFIED, Capability.SIGN_VILLAGE_STEP
    ),
    E.DEMOCRATIC_REVIEW: Transition(frozenset({S.VERIFIED}), S.REVIEWED, Capability.SIGN_VILLAGE_STEP),
    E.HOUSEHOLD_CONSENT: Transition(
        frozenset({S.REVIEWED}), S.CONSENTED, Capability.SIGN_VILLAGE_STEP, comment_required=True
    ),
    E.NOTICE_START: Transition(frozenset({S.CONSENTED}), S.IN_NOTICE, Capability.SIGN_VILLAGE_STEP),
    E.NOTICE_CLOSE: Transition(frozenset({S.IN_NOTICE}), S.NOTICE_CLOSED, Capability.SIGN_VILLAGE_STEP),
    E.TOWNSHIP_REVIEW: Transition(
        frozenset({S.NOTICE_CLOSED}), S.TOWNSHIP_REVIEWED, Capability.SIGN_TOWNSHIP_STEP
    ),
    E.COUNTY_APPROVE: Transition(frozenset({S.TOWNSHIP_REVIEWED}), S.APPROVED, Capability.APPROVE),
    E.COUNTY_REFUSE: Transition(
        frozenset({S.TOWNSHIP_REVIEWED}), S.SENT_BACK, Capability.APPROVE, comment_required=True
    ),
    E.SEND_BACK: Transition(
        frozenset({S.IN_NOTICE, S.NOTICE_CLOSED, S.TOWNSHIP_REVIEWED}),
        S.SENT_BACK,
        Capability.SIGN_TOWNSHIP_STEP,
        comment_required=True,
    ),
    E.WITHDRAW: Transition(_OPEN_EXIT, S.WITHDRAWN, Capability.PROPOSE, comment_required=True),
}

# The monitoring procedure (防返贫监测): verification with consent, review, notice, township and county.
MONITORING_TRANSITIONS: dict[str, Transition] = {
    MS.VERIFY: Transition(
        frozenset({M.REPORTED}), M.VERIFIED, Capability.SIGN_VILLAGE_STEP, comment_required=True
    ),
    MS.VILLAGE_REVIEW: Transition(frozenset({M.VERIFIED}), M.REVIEWED, Capability.SIGN_VILLAGE_STEP),
    MS.NOTICE_START: Transition(frozenset({M.REVIEWED}), M.IN_NOTICE, Capability.SIGN_VILLAGE_STEP),
    MS.TOWNSHIP_REVIEW: Transition(
        frozenset({M.IN_NOTICE}), M.TOWNSHIP_REVIEWED, Capability.SIGN_TOWNSHIP_STEP
    ),
    MS.COUNTY_INCLUDE: Transition(frozenset({M.TOWNSHIP_REVIEWED}), M.INCLUDED, Capability.APPROVE),
    MS.COUNTY_REJECT: Transition(
        frozenset({M.REPORTED, M.VERIFIED, M.REVIEWED, M.IN_NOTICE, M.TOWNSHIP_REVIEWED}),
        M.NOT_INCLUDED,
        Capability.APPROVE,
        comment_required=True,
    ),
    MS.REMOVE_RISK: Transition(
        frozenset({M.INCLUDED}), M.RISK_REMOVED, Capability.APPROVE, comment_required=True
    ),
}


def exit_can_transition(procedure: ExitProcedure, step: str) -> bool:
    rule = EXIT_TRANSITIONS.get(step)
    return rule is not None and procedure.state in rule.sources


def monitoring_can_transition(case: MonitoringCase, step: str) -> bool:
    rule = MONITORING_TRANSITIONS.get(step)
    return rule is not None and case.state in rule.sources


def exit_next_steps(procedure: ExitProcedure) -> list[str]:
    return [step for step in EXIT_TRANSITIONS if exit_can_transition(procedure, step)]


def monitoring_next_steps(case: MonitoringCase) -> list[str]:
    return [step for step in MONITORING_TRANSITIONS if monitoring_can_transition(case, step)]


def _step_refused(state_label: str, step_label: str, allowed: list[str], labels: Any) -> ValidationError:
    return ValidationError(
        {
            "step": _("“%(step)s” cannot be signed while the procedure is “%(state)s”. Next: %(next)s.")
            % {
                "step": step_label,
                "state": state_label,
                "next": "、".join(str(labels(s).label) for s in allowed) or _("nothing"),
            }
        }
    )


def _ensure_any(user: Any, capabilities: tuple[str, ...], obj: Any) -> None:
    ensure_can(user, Capability.VIEW, obj)  # scope first: 404 out of area
    if not any(user.has_capability(c) for c in capabilities):
        raise PermissionDenied(_("Your role does not allow this action."))


def _check_year(year: Any) -> None:
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Enter a year between 2000 and 2100.")})
