"""The county project library (项目库): proposals, statuses, funding lines, linked measures,
and the positive and negative lists of project categories."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.money import money_parse, yuan_text
from core.procedures.workflow import Workflow, transition_map
from core.scoping import ensure_can, user_covers_area
from core.services import model_update
from households.models import Household

from ..choices import (
    FUNDABLE_STATUSES,
    ProjectStatusChoices,
    UseListChoices,
)
from ..models import (
    Allocation,
    Disbursement,
    Project,
    ProjectBeneficiary,
    ProjectCategory,
    ProjectFunding,
    ProjectMeasure,
    ProjectVillage,
)

if TYPE_CHECKING:
    from accounts.models import User
    from assistance.models import Measure

S = ProjectStatusChoices
# -- project library -------------------------------------------------------------------------------


def categories_for(area: Area) -> Any:
    """The positive and negative lists that apply to an area: those set on it or on any ancestor."""
    codes = [a.code for a in area.ancestors()]
    return ProjectCategory.objects.filter(area__code__in=codes)


def project_category_problems(
    *, category: ProjectCategory, area: Area, name: str, description: str
) -> list[str]:
    """Why this use of money is not allowed for a project in `area` (empty when it is)."""
    problems = []
    if not area.code.startswith(category.area.prefix):
        problems.append(_("This category does not belong to the lists of this county."))
    if category.list_kind != UseListChoices.POSITIVE:
        problems.append(
            _("“%(name)s” is on the negative list: poverty funds may not be used for it.")
            % {"name": category.name}
        )
    text = f"{name}\n{description}"
    for forbidden in categories_for(area).filter(list_kind=UseListChoices.NEGATIVE):
        hit = next((word for word in forbidden.keyword_list if word in text), None)
        if hit:
            problems.append(
                _("“%(word)s” marks a forbidden use (negative list: %(name)s).")
                % {"word": hit, "name": forbidden.name}
            )
    return problems


def _check_beneficiaries(
    area: Area, villages: Iterable[Area], households: Iterable[Household]
) -> dict[str, str]:
    errors: dict[str, str] = {}
    for village in villages:
        if village.level != AreaLevelChoices.VILLAGE or not village.code.startswith(area.prefix):
            errors["villages"] = _("Benefiting villages must be villages within %(area)s.") % {
                "area": area.name
            }
    for household in households:
        if not household.village.code.startswith(area.prefix):
            errors["households"] = _("Benefiting households must live within %(area)s.") % {"area": area.name}
    return errors


@transaction.atomic
def project_propose(
    *,
    area: Area,
    name: str,
    category: ProjectCategory,
    year: int,
    budget: Any,
    user: User,
    description: str = "",
    villages: Sequence[Area] = (),
    households: Sequence[Household] = (),
) -> Project:
    """Put a project into the library as proposed; a county official approves it."""
    ensure_can(user, Capability.PROPOSE, area=area)
    budget = money_parse(budget, field_name="budget")
    errors: dict[str, Any] = {}
    if area.level not in (AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP):
        errors["area"] = _("A project is run by a county or a township.")
    name = (name or "").strip()
    if not name:
        errors["name"] = _("Enter the project name.")
    problems = project_category_problems(category=category, area=area, name=name, description=description)
    if problems:
        errors["category"] = problems
    errors.update(_check_beneficiaries(area, villages, households))
    if errors:
        raise ValidationError(errors)
    project = Project.objects.create(
        area=area,
        name=name,
        category=category,
        description=description,
        year=year,
        budget=budget,
        proposed_by=user,
    )
    _beneficiaries_replace(project=project, villages=villages, households=households)
    return project


def _beneficiaries_replace(
    *, project: Project, villages: Sequence[Area], households: Sequence[Household]
) -> None:
    """Replace the lists of benefiting villages and households (the caller has checked them)."""
    ProjectVillage.objects.filter(project=project).exclude(village__in=villages).delete()
    ProjectVillage.objects.bulk_create(
        [ProjectVillage(project=project, village=v) for v in villages], ignore_conflicts=True
    )
    # Households already paid, or whose measure the project pays, stay beneficiaries.
    keep = (
        {h.pk for h in households}
        | set(
            Disbursement.objects.filter(project=project, household__isnull=False).values_list(
                "household_id", flat=True
            )
        )
        | set(ProjectMeasure.objects.filter(project=project).values_list("measure__household_id", flat=True))
    )
    ProjectBeneficiary.objects.filter(project=project).exclude(household_id__in=keep).delete()
    ProjectBeneficiary.objects.bulk_create(
        [ProjectBeneficiary(project=project, household=h) for h in households], ignore_conflicts=True
    )


@transaction.atomic
def project_update(
    *,
    project: Project,
    expected_version: int,
    user: User,
    villages: Sequence[Area] | None = None,
    households: Sequence[Household] | None = None,
    **fields: Any,
) -> Project:
    """Edit a project's description, budget, category and beneficiaries. Name and category are fixed
    once the project is approved; the budget never drops below what is already allocated."""
    ensure_can(user, Capability.PROPOSE, project)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    changes = {k: v for k, v in fields.items() if k in {"name", "description", "budget", "category", "year"}}
    errors: dict[str, Any] = {}
    if locked.status in (S.COMPLETED, S.ACCEPTED):
        raise ValidationError(_("A completed project can no longer be edited."))
    if locked.status not in (S.PROPOSED, S.REJECTED) and (
        changes.get("name", locked.name) != locked.name
        or changes.get("category", locked.category) != locked.category
    ):
        errors["category"] = _("Name and category are fixed once the project is approved.")
    if "budget" in changes:
        changes["budget"] = money_parse(changes["budget"], field_name="budget")
        if changes["budget"] < locked.allocated_total:
            errors["budget"] = _("%(allocated)s yuan is already allocated to this project.") % {
                "allocated": yuan_text(locked.allocated_total)
            }
    problems = project_category_problems(
        category=changes.get("category", locked.category),
        area=locked.area,
        name=changes.get("name", locked.name),
        description=changes.get("description", locked.description),
    )
    if problems:
        errors.setdefault("category", problems)
    errors.update(_check_beneficiaries(locked.area, villages or (), households or ()))
    if errors:
        raise ValidationError(errors)
    updated = model_update(locked, expected_version=expected_version, fields=changes)
    if villages is not None or households is not None:
        _beneficiaries_replace(
            project=updated,
            villages=villages if villages is not None else list(updated.villages.all()),
            households=households if households is not None else list(updated.households.all()),
        )
    return updated


# Which status may follow which (a transition per target status, with the statuses it may follow), and
# the capability each step needs: township staff propose, start and complete; county officials approve,
# reject and accept. The same declaration type as every procedure (core.procedures.workflow).
PROJECT_WORKFLOW = Workflow(
    name="project_lifecycle",
    model=Project,
    state_field="status",
    step_field="status",
    state_labels=S,
    step_labels=S,
    transitions={
        **transition_map(
            {S.APPROVED: {S.PROPOSED}, S.ACCEPTED: {S.COMPLETED}}, capability=Capability.APPROVE
        ),
        **transition_map(
            {S.REJECTED: {S.PROPOSED}},
            capability=Capability.APPROVE,
            comment_required=True,
            comment_message=gettext_lazy("Say why the project is rejected."),
        ),
        **transition_map(
            {S.PROPOSED: {S.REJECTED}, S.IN_PROGRESS: {S.APPROVED}, S.COMPLETED: {S.IN_PROGRESS}},
            capability=Capability.PROPOSE,
        ),
    },
)
PROJECT_TRANSITIONS = PROJECT_WORKFLOW.transitions


def project_next_statuses(project: Project, user: User) -> list[str]:
    """The steps this user may take on this project now (for buttons)."""
    return [
        status
        for status in PROJECT_WORKFLOW.next_steps(project)
        if user.has_capability(PROJECT_TRANSITIONS[status].capability)
        and user_covers_area(user, project.area)
    ]


@transaction.atomic
def project_transition(*, project: Project, to_status: str, user: User, note: str = "") -> Project:
    locked = Project.objects.select_for_update().select_related("category", "area").get(pk=project.pk)
    known = PROJECT_TRANSITIONS.get(to_status)
    ensure_can(user, known.capability if known else Capability.APPROVE, locked)
    rule = PROJECT_WORKFLOW.check(locked, to_status)
    if to_status == S.APPROVED:
        # The lists may have changed since the proposal: check again at approval.
        problems = project_category_problems(
            category=locked.category, area=locked.area, name=locked.name, description=locked.description
        )
        if problems:
            raise ValidationError({"category": problems})
    if rule.comment_required and not note.strip():
        raise ValidationError({"note": rule.comment_message})
    values: dict[str, Any] = {
        "status": to_status,
        "status_changed_at": clock.now(),
        "status_note": note[:300],
    }
    if to_status == S.APPROVED:
        values.update(approved_by=user, approved_at=clock.now())
    return model_update(locked, fields=values)


@transaction.atomic
def project_fund(*, project: Project, allocation: Allocation, amount: Any, user: User) -> ProjectFunding:
    """Assign money from an allocation to a project (its budget by source)."""
    ensure_can(user, Capability.MANAGE_FUNDS, project)
    ensure_can(user, Capability.MANAGE_FUNDS, allocation)
    amount = money_parse(amount)
    # Lock order: allocation, then project.
    allocation = Allocation.objects.select_for_update().get(pk=allocation.pk)
    project = Project.objects.select_for_update().select_related("area").get(pk=project.pk)
    if project.status not in FUNDABLE_STATUSES:
        raise ValidationError(_("Only an approved project can receive money."))
    if not project.area.code.startswith(allocation.county.prefix):
        raise ValidationError({"allocation": _("This allocation belongs to another county.")})
    if amount > allocation.unassigned:
        raise ValidationError(
            {
                "amount": _("Only %(left)s yuan of this allocation is still unassigned.")
                % {"left": yuan_text(allocation.unassigned)}
            }
        )
    if project.allocated_total + amount > project.budget:
        raise ValidationError(
            {
                "amount": _("The project's budget leaves room for %(left)s yuan more.")
                % {"left": yuan_text(project.budget - project.allocated_total)}
            }
        )
    funding, created = ProjectFunding.objects.select_for_update().get_or_create(
        project=project, allocation=allocation, defaults={"amount": amount, "assigned_by": user}
    )
    if not created:
        ProjectFunding.objects.filter(pk=funding.pk).update(amount=F("amount") + amount)
    funding.refresh_from_db()
    return funding


@transaction.atomic
def project_measure_link(*, project: Project, measure: Measure, user: User) -> ProjectMeasure:
    """Say that this project pays for a household's measure; the household becomes a beneficiary."""
    ensure_can(user, Capability.PROPOSE, project)
    ensure_can(user, Capability.VIEW, measure)
    if not measure.household.village.code.startswith(project.area.prefix):
        raise ValidationError({"measure": _("The measure's household lives outside the project's area.")})
    existing = ProjectMeasure.objects.filter(measure=measure).select_related("project__area").first()
    if existing is not None:
        if existing.project_id == project.pk:
            return existing
        if not user_covers_area(user, existing.project.area):
            # Do not name a project the user may not see.
            raise ValidationError({"measure": _("This measure is already paid by another project.")})
        raise ValidationError(
            {
                "measure": _("This measure is already paid by project “%(name)s”.")
                % {"name": existing.project.name}
            }
        )
    link = ProjectMeasure.objects.create(project=project, measure=measure, linked_by=user)
    ProjectBeneficiary.objects.get_or_create(project=project, household=measure.household)
    return link


# -- reference data: positive and negative lists ---------------------------------------------------


@transaction.atomic
def project_category_save(
    *,
    area: Area,
    code: str,
    name: str,
    list_kind: str,
    user: User,
    keywords: str = "",
    note: str = "",
    category: ProjectCategory | None = None,
) -> ProjectCategory:
    """Add or change an entry of a positive or negative list (administrators keep the lists)."""
    ensure_can(user, Capability.ADMINISTER, area=area)
    if list_kind not in UseListChoices.values:
        raise ValidationError({"list_kind": _("Choose the positive or the negative list.")})
    if not (code or "").strip() or not (name or "").strip():
        raise ValidationError({"name": _("Enter a code and a name.")})
    values = {
        "area": area,
        "code": code.strip(),
        "name": name.strip(),
        "list_kind": list_kind,
        "keywords": keywords,
        "note": note,
    }
    clash = ProjectCategory.objects.filter(area=area, code=values["code"])
    if category is not None:
        clash = clash.exclude(pk=category.pk)
    if clash.exists():
        raise ValidationError({"code": _("This list already has an entry with this code.")})
    if category is None:
        return ProjectCategory.objects.create(**values)
    ProjectCategory.objects.filter(pk=category.pk).update(**values)
    category.refresh_from_db()
    return category
