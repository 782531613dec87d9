"""Writes of supervision: inspections, problems and their rectification, complaints, escalation."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Capability, RoleChoices
from areas.models import Area
from areas.selectors import policy_get
from core import clock
from core.choices import AttachmentKindChoices
from core.dates import business_date_errors
from core.models import Attachment
from core.scoping import ensure_can, user_covers_area
from core.services import model_update, model_update_rows, notification_raise
from core.text import person_text_errors

from .choices import (
    ComplaintChannelChoices,
    ComplaintFindingChoices,
    ComplaintKindChoices,
    ComplaintStatusChoices,
    ProblemCategoryChoices,
    ProblemStatusChoices,
)
from .models import Complaint, Inspection, Problem, ProblemFollowUp
from .policy import ANSWER_DAYS

if TYPE_CHECKING:
    from households.models import Household


def answer_days(kind: str, area: Area) -> int:
    """Days allowed to answer a complaint of this kind received in `area` (the policy values
    supervision.answer_days_<kind>)."""
    return policy_get(ANSWER_DAYS[ComplaintKindChoices(kind)], area)


def _text(value: str | None) -> str:
    return (value or "").strip()


def _check_person(errors: dict[str, str], field: str, person: User | None, area: Area) -> None:
    if person is None:
        errors[field] = _("Choose the person responsible.")
    elif not person.is_active or not user_covers_area(person, area):
        errors[field] = _("%(name)s does not work in %(area)s; choose someone who does.") % {
            "name": person.display_name,
            "area": area.name,
        }


def _check_household(errors: dict[str, str], household: Household | None, area: Area) -> None:
    if household is not None and not household.village.code.startswith(area.prefix):
        errors["household"] = _("The household is not in %(area)s.") % {"area": area.name}


# -- inspections ---------------------------------------------------------------------------------


@transaction.atomic
def inspection_create(
    *, user: User, area: Area, title: str, inspected_on: dt.date, inspectors: str = "", summary: str = ""
) -> Inspection:
    ensure_can(user, Capability.SUPERVISE, area=area)
    errors = {}
    if not _text(title):
        errors["title"] = _("Give the inspection a title.")
    if inspected_on > clock.today():
        errors["inspected_on"] = _("The inspection date cannot be in the future.")
    if errors:
        raise ValidationError(errors)
    return Inspection.objects.create(
        area=area,
        title=_text(title),
        inspected_on=inspected_on,
        inspectors=_text(inspectors),
        summary=_text(summary),
        created_by=user,
    )


# -- problems (问题清单, 整改台账) ----------------------------------------------------------------


@transaction.atomic
def problem_create(
    *,
    user: User,
    area: Area,
    category: str,
    description: str,
    responsible_unit: str,
    responsible_person: User | None,
    deadline: dt.date,
    inspection: Inspection | None = None,
    household: Household | None = None,
) -> Problem:
    """List a problem with who must rectify it and by when."""
    ensure_can(user, Capability.SUPERVISE, area=area)
    errors: dict[str, str] = {}
    if category not in ProblemCategoryChoices.values:
        errors["category"] = _("Choose the problem category.")
    if not _text(description):
        errors["description"] = _("Describe the problem.")
    if not _text(responsible_unit):
        errors["responsible_unit"] = _("Name the unit responsible for the rectification.")
    if deadline < clock.today():
        errors["deadline"] = _("The deadline cannot be in the past.")
    if inspection is not None and not area.code.startswith(inspection.area.prefix):
        errors["area"] = _("The problem's area must lie within the inspected area %(area)s.") % {
            "area": inspection.area.name
        }
    _check_person(errors, "responsible_person", responsible_person, area)
    _check_household(errors, household, area)
    if errors:
        raise ValidationError(errors)
    assert responsible_person is not None  # noqa: S101  (_check_person refused a missing one)
    problem = Problem.objects.create(
        inspection=inspection,
        area=area,
        household=household,
        category=category,
        description=_text(description),
        responsible_unit=_text(responsible_unit),
        responsible_person=responsible_person,
        deadline=deadline,
        created_by=user,
    )
    notification_raise(
        user=responsible_person,
        key=f"supervision.problem.{problem.pk}.assigned",
        title=_("A problem to rectify by %(date)s") % {"date": deadline.isoformat()},
        body=problem.description[:300],
        url=reverse("supervision:problem", args=[problem.pk]),
    )
    return problem


@transaction.atomic
def problem_update(
    *,
    problem: Problem,
    user: User,
    expected_version: int,
    responsible_unit: str,
    responsible_person: User | None,
    deadline: dt.date,
    description: str,
) -> Problem:
    """Change who rectifies a problem, or its deadline; a stale version is a conflict."""
    ensure_can(user, Capability.SUPERVISE, problem)
    errors: dict[str, str] = {}
    if problem.status == ProblemStatusChoices.CLOSED:
        errors["deadline"] = _("A closed problem cannot be changed.")
    if not _text(description):
        errors["description"] = _("Describe the problem.")
    if not _text(responsible_unit):
        errors["responsible_unit"] = _("Name the unit responsible for the rectification.")
    if deadline != problem.deadline and deadline < clock.today():
        errors["deadline"] = _("The deadline cannot be in the past.")
    _check_person(errors, "responsible_person", responsible_person, problem.area)
    if errors:
        raise ValidationError(errors)
    fields: dict[str, Any] = {
        "responsible_unit": _text(responsible_unit),
        "responsible_person": responsible_person,
        "deadline": deadline,
        "description": _text(description),
    }
    if deadline > problem.deadline:
        fields["escalated_at"] = None  # a new deadline; overdue again only after it passes
    return model_update(problem, expected_version=expected_version, fields=fields)


def _may_work_on(user: User, problem: Problem) -> None:
    ensure_can(user, Capability.VIEW, problem)
    if problem.responsible_person_id != user.pk and not user.has_capability(Capability.SUPERVISE):
        raise PermissionDenied(_("Only the person responsible or a supervisor may record progress."))


@transaction.atomic
def problem_follow_up(*, problem: Problem, note: str, user: User) -> ProblemFollowUp:
    """Record rectification progress; the first follow-up moves the problem to "being rectified"."""
    _may_work_on(user, problem)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.status == ProblemStatusChoices.CLOSED:
        raise ValidationError({"note": _("The problem is closed; progress can no longer be added.")})
    if not _text(note):
        raise ValidationError({"note": _("Say what was done.")})
    follow_up = ProblemFollowUp.objects.create(problem=problem, note=_text(note), recorded_by=user)
    if problem.status == ProblemStatusChoices.OPEN:
        model_update(problem, fields={"status": ProblemStatusChoices.RECTIFYING})
    return follow_up


def problem_evidence(problem: Problem) -> QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(Problem),
        object_id=str(problem.pk),
        kind=AttachmentKindChoices.EVIDENCE,
    )


@transaction.atomic
def problem_close(*, problem: Problem, closure_note: str, user: User, expected_version: int) -> Problem:
    """Close a problem on evidence: a supervisor checks the rectification, and at least one evidence
    file (photo, scan) must be attached to the problem first."""
    ensure_can(user, Capability.SUPERVISE, problem)
    errors: dict[str, str] = {}
    if problem.status == ProblemStatusChoices.CLOSED:
        errors["closure_note"] = _("The problem is already closed.")
    if not _text(closure_note):
        errors["closure_note"] = _("Say how the problem was rectified.")
    if not problem_evidence(problem).exists():
        errors["evidence"] = _("Attach at least one evidence file (kind “Evidence”) before closing.")
    if errors:
        raise ValidationError(errors)
    return model_update(
        problem,
        expected_version=expected_version,
        fields={
            "status": ProblemStatusChoices.CLOSED,
            "closure_note": _text(closure_note),
            "closed_at": clock.now(),
            "closed_by": user,
        },
    )


# -- complaints ----------------------------------------------------------------------------------


@transaction.atomic
def complaint_receive(
    *,
    user: User,
    area: Area,
    kind: str,
    content: str,
    received_on: dt.date,
    channel: str = ComplaintChannelChoices.HOTLINE,
    complainant: str = "",
    contact: str = "",
    household: Household | None = None,
) -> Complaint:
    """Register a complaint; its answer deadline follows from its kind."""
    ensure_can(user, Capability.SUPERVISE, area=area)
    errors: dict[str, str] = {}
    if kind not in ComplaintKindChoices.values:
        errors["kind"] = _("Choose what the complaint is about.")
    if not _text(content):
        errors["content"] = _("Write down what the complainant said.")
    if received_on > clock.today():
        errors["received_on"] = _("The date received cannot be in the future.")
    business_date_errors(errors, received_on=received_on)
    person_text_errors(errors, complainant=complainant)
    _check_household(errors, household, area)
    if errors:
        raise ValidationError(errors)
    return Complaint.objects.create(
        area=area,
        household=household,
        kind=kind,
        channel=channel,
        complainant=_text(complainant),
        contact=_text(contact),
        content=_text(content),
        received_on=received_on,
        answer_deadline=received_on + dt.timedelta(days=answer_days(kind, area)),
        created_by=user,
    )


@transaction.atomic
def complaint_assign(
    *, complaint: Complaint, assignee: User | None, user: User, expected_version: int
) -> Complaint:
    ensure_can(user, Capability.SUPERVISE, complaint)
    errors: dict[str, str] = {}
    if complaint.status == ComplaintStatusChoices.ANSWERED:
        errors["assignee"] = _("The complaint has been answered already.")
    _check_person(errors, "assignee", assignee, complaint.area)
    if errors:
        raise ValidationError(errors)
    assert assignee is not None  # noqa: S101  (_check_person refused a missing one)
    complaint = model_update(
        complaint,
        expected_version=expected_version,
        fields={"assigned_to": assignee, "status": ComplaintStatusChoices.ASSIGNED},
    )
    notification_raise(
        user=assignee,
        key=f"supervision.complaint.{complaint.pk}.assigned.{assignee.pk}",
        title=_("A complaint to answer by %(date)s") % {"date": complaint.answer_deadline.isoformat()},
        body=complaint.content[:300],
        url=reverse("supervision:complaint", args=[complaint.pk]),
    )
    return complaint


@transaction.atomic
def complaint_answer(
    *, complaint: Complaint, answer: str, finding: str, user: User, expected_version: int
) -> Complaint:
    """Answer the complainant and record whether the complaint was upheld (this feeds the rates)."""
    ensure_can(user, Capability.VIEW, complaint)
    if complaint.assigned_to_id != user.pk and not user.has_capability(Capability.SUPERVISE):
        raise PermissionDenied(_("Only the person assigned or a supervisor may answer."))
    errors: dict[str, str] = {}
    if complaint.status == ComplaintStatusChoices.ANSWERED:
        errors["answer"] = _("The complaint has been answered already.")
    if not _text(answer):
        errors["answer"] = _("Write the answer given to the complainant.")
    if finding not in ComplaintFindingChoices.values:
        errors["finding"] = _("Say whether the complaint was upheld.")
    if errors:
        raise ValidationError(errors)
    return model_update(
        complaint,
        expected_version=expected_version,
        fields={
            "answer": _text(answer),
            "finding": finding,
            "status": ComplaintStatusChoices.ANSWERED,
            "answered_at": clock.now(),
        },
    )


@transaction.atomic
def complaint_open_problem(
    *,
    complaint: Complaint,
    user: User,
    category: str,
    responsible_unit: str,
    responsible_person: User | None,
    deadline: dt.date,
    description: str = "",
) -> Problem:
    """Turn a complaint into a problem in the rectification ledger (once)."""
    complaint = Complaint.objects.select_for_update().get(pk=complaint.pk)
    ensure_can(user, Capability.SUPERVISE, complaint)
    if complaint.problem_id:
        raise ValidationError({"complaint": _("This complaint has already opened a problem.")})
    problem = problem_create(
        user=user,
        area=complaint.area,
        household=complaint.household,
        category=category,
        description=_text(description) or complaint.content,
        responsible_unit=responsible_unit,
        responsible_person=responsible_person,
        deadline=deadline,
    )
    model_update(complaint, fields={"problem": problem})
    return problem


# -- escalation (beat job) -----------------------------------------------------------------------


def _supervisors_for(area: Area) -> list[User]:
    """County officials whose scope covers the area: overdue items go up to them."""
    users = User.objects.filter(is_active=True, role=RoleChoices.COUNTY_OFFICIAL).prefetch_related("areas")
    return [u for u in users if user_covers_area(u, area)]


def overdue_escalate(*, today: dt.date | None = None) -> dict[str, int]:
    """Mark overdue problems and unanswered complaints as escalated and remind the person responsible
    and the county officials above them. Each item is escalated once per deadline, so rerunning the
    job the same day (or after a crash) sends nothing twice."""
    today = today or clock.today()
    now = clock.now()
    counts = {"problems": 0, "complaints": 0}
    supervisors: dict[int, list[User]] = {}
    problems = Problem.objects.filter(
        escalated_at__isnull=True,
        deadline__lt=today,
        status__in=[ProblemStatusChoices.OPEN, ProblemStatusChoices.RECTIFYING],
    ).select_related("area", "responsible_person")
    for problem in problems.iterator(chunk_size=500):
        with transaction.atomic():
            if not model_update_rows(
                Problem.objects.filter(pk=problem.pk, escalated_at__isnull=True), fields={"escalated_at": now}
            ):
                continue
            url = reverse("supervision:problem", args=[problem.pk])
            title = _("Overdue rectification: deadline %(date)s passed") % {
                "date": problem.deadline.isoformat()
            }
            targets = [
                problem.responsible_person,
                *supervisors.setdefault(problem.area_id, _supervisors_for(problem.area)),
            ]
            for target in {t.pk: t for t in targets}.values():
                notification_raise(
                    user=target,
                    key=f"supervision.problem.{problem.pk}.overdue.{problem.deadline.isoformat()}",
                    title=title,
                    body=problem.description[:300],
                    url=url,
                )
            counts["problems"] += 1
    complaints = (
        Complaint.objects.filter(escalated_at__isnull=True, answer_deadline__lt=today)
        .exclude(status=ComplaintStatusChoices.ANSWERED)
        .select_related("area", "assigned_to")
    )
    for complaint in complaints.iterator(chunk_size=500):
        with transaction.atomic():
            if not model_update_rows(
                Complaint.objects.filter(pk=complaint.pk, escalated_at__isnull=True),
                fields={"escalated_at": now},
            ):
                continue
            targets = list(supervisors.setdefault(complaint.area_id, _supervisors_for(complaint.area)))
            if complaint.assigned_to is not None:
                targets.append(complaint.assigned_to)
            for target in {t.pk: t for t in targets}.values():
                notification_raise(
                    user=target,
                    key=f"supervision.complaint.{complaint.pk}.overdue",
                    title=_("Complaint not answered by %(date)s")
                    % {"date": complaint.answer_deadline.isoformat()},
                    body=complaint.content[:300],
                    url=reverse("supervision:complaint", args=[complaint.pk]),
                )
            counts["complaints"] += 1
    return counts
