"""Reads of supervision: lists, the ledger's overdue items, complaint rates and assessments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Count, F, Q, QuerySet

from areas.choices import LEVEL_PREFIX_LENGTH, AreaLevelChoices
from areas.models import Area
from core import clock
from core.filtering import filter_rows
from core.numbers import percent
from households.choices import POOR_STATUSES, HouseholdStatusChoices
from households.models import Household

from .choices import (
    ComplaintFindingChoices,
    ComplaintKindChoices,
    ComplaintStatusChoices,
    ProblemStatusChoices,
)
from .filters import ComplaintFilterSet, InspectionFilterSet, ProblemFilterSet
from .models import Complaint, Inspection, Problem, ProblemFollowUp

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

UPHELD = (ComplaintFindingChoices.UPHELD, ComplaintFindingChoices.PARTLY)


def assignable_people(user: User) -> QuerySet[Any]:
    """Active users working in the caller's areas (or in the caller's own areas): the only people a
    form or the API offers as responsible person or assignee, so nobody outside is named or probed."""
    from accounts.models import User

    if not getattr(user, "is_authenticated", False):
        return User.objects.none()
    visible = Area.objects.visible_to(user)
    return (
        User.objects.filter(Q(areas__in=visible) | Q(areas__in=user.areas.all()), is_active=True)
        .distinct()
        .order_by("username")
    )


def complainant_for(
    user: User | None, complaint: Complaint, *, request: HttpRequest | None = None
) -> dict[str, str]:
    """Who complained and how to reach them: in full for supervisors and the person assigned to answer
    (logged), masked for everyone else who can see the complaint (complainants are protected from
    retaliation). The rule is core.masking's declaration of the two fields."""
    from core.masking import shown

    detail = f"complainant {request.path}" if request is not None else "complainant"
    # one log row for the complaint: on the name, or on the contact when there is no name
    logged = "complainant" if complaint.complainant else "contact"
    return {
        name: shown(user, complaint, name, request=request, detail=detail, log=name == logged)
        for name in ("complainant", "contact")
    }


def inspection_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Inspection]:
    qs = (
        Inspection.objects.visible_to(user)
        .select_related("area", "created_by")
        .annotate(
            problem_count=Count("problems"),
            open_count=Count("problems", filter=~Q(problems__status=ProblemStatusChoices.CLOSED)),
        )
        .order_by("-inspected_on", "-id")
    )
    return filter_rows(InspectionFilterSet, filters, qs)


def problem_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Problem]:
    qs = (
        Problem.objects.visible_to(user)
        .select_related("area", "area__parent", "responsible_person", "inspection", "household")
        .annotate(follow_up_count=Count("follow_ups"))
        .order_by("deadline", "id")
    )
    return filter_rows(ProblemFilterSet, filters, qs)


def complaint_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Complaint]:
    qs = Complaint.objects.visible_to(user).select_related("area", "assigned_to", "household", "problem")
    return filter_rows(ComplaintFilterSet, filters, qs)


def follow_ups_of(problem: Problem) -> QuerySet[ProblemFollowUp]:
    return problem.follow_ups.select_related("recorded_by").order_by("recorded_at", "id")


def _overdue_q() -> Q:
    return Q(deadline__lt=clock.today()) & ~Q(status=ProblemStatusChoices.CLOSED)


def _ledger_counts() -> dict[str, Count]:
    """The rectification ledger's counts, as aggregates (one rule for the live summary and the
    dashboard's snapshot of it)."""
    return {
        "total": Count("id"),
        "open": Count("id", filter=~Q(status=ProblemStatusChoices.CLOSED)),
        "closed": Count("id", filter=Q(status=ProblemStatusChoices.CLOSED)),
        "overdue": Count("id", filter=_overdue_q()),
        "closed_on_time": Count(
            "id", filter=Q(status=ProblemStatusChoices.CLOSED, closed_at__date__lte=F("deadline"))
        ),
    }


def ledger_counts_by_area(*, area: Area) -> dict[int, dict[str, int]]:
    """The ledger's counts of the problems filed at each area under `area` (itself included), by
    area id, for the snapshot job: one grouped pass; callers add areas up to their parents."""
    counts = _ledger_counts()
    rows: Any = (
        Problem.objects.filter(area__code__startswith=area.prefix)
        .values("area_id")
        .annotate(**counts)
        .order_by()
    )
    return {row["area_id"]: {k: row[k] for k in counts} for row in rows}


def ledger_summary(*, user: User, area: Area) -> dict[str, Any]:
    """Counts of the rectification ledger under an area, and per child area."""
    qs = Problem.objects.visible_to(user).filter(area__code__startswith=area.prefix)
    totals = qs.aggregate(**_ledger_counts())
    children = []
    index = list(LEVEL_PREFIX_LENGTH).index(AreaLevelChoices(area.level))
    if index + 1 < len(LEVEL_PREFIX_LENGTH):
        length = list(LEVEL_PREFIX_LENGTH.values())[index + 1]
        per: dict[str, dict[str, int]] = defaultdict(lambda: {"open": 0, "overdue": 0, "closed": 0})
        today = clock.today()
        for code, status, deadline in qs.values_list("area__code", "status", "deadline"):
            bucket = per[code[:length]]
            if status == ProblemStatusChoices.CLOSED:
                bucket["closed"] += 1
            else:
                bucket["open"] += 1
                bucket["overdue"] += int(deadline < today)
        for child in Area.objects.filter(parent=area).order_by("code"):
            counts = per.get(child.code[:length], {"open": 0, "overdue": 0, "closed": 0})
            children.append({"code": child.code, "name": child.name, **counts})
    return {**totals, "children": children}


def overdue_problems(*, user: User, area: Area, limit: int = 50) -> QuerySet[Problem]:
    """The most overdue problems under an area (the dashboard's list). Without problem_list's count of
    follow-ups, which grouped every matching problem before the limit: this is a top-N read."""
    return (
        Problem.objects.visible_to(user)
        .filter(area__code__startswith=area.prefix)
        .filter(_overdue_q())
        .select_related("area", "responsible_person")
        .order_by("deadline", "id")[:limit]
    )


def complaint_rates(*, user: User, area: Area) -> dict[str, Any]:
    """The rates county assessments use, from upheld complaints (distinct households):

    - wrong-inclusion rate (错评率) = upheld 错评 / households registered poor (registered, returned,
      exited);
    - wrong-exit rate (错退率) = upheld 错退 / exited households;
    - left-out rate (漏评率) = upheld 漏评 / (registered households + upheld 漏评).
    """
    households = Household.objects.visible_to(user).filter(village__code__startswith=area.prefix)
    counts = households.aggregate(
        registered=Count("id", filter=Q(status__in=[*POOR_STATUSES, HouseholdStatusChoices.EXITED])),
        exited=Count("id", filter=Q(status=HouseholdStatusChoices.EXITED)),
    )
    complaints = Complaint.objects.visible_to(user).filter(area__code__startswith=area.prefix)
    # Upheld complaints per kind, each household once (complaints naming no household count one each).
    upheld = {
        row["kind"]: row["households"] + row["unnamed"]
        for row in complaints.filter(finding__in=UPHELD)
        .values("kind")
        .annotate(households=Count("household", distinct=True), unnamed=Count("id", filter=Q(household=None)))
        .order_by()
    }
    left_out = upheld.get(ComplaintKindChoices.LEFT_OUT, 0)
    wrong_inclusion = upheld.get(ComplaintKindChoices.WRONG_INCLUSION, 0)
    wrong_exit = upheld.get(ComplaintKindChoices.WRONG_EXIT, 0)
    answered = Q(status=ComplaintStatusChoices.ANSWERED)
    totals = complaints.aggregate(
        complaints=Count("id"),
        unanswered=Count("id", filter=~answered),
        answered_late=Count("id", filter=answered & Q(answered_at__date__gt=F("answer_deadline"))),
    )
    return {
        "registered_households": counts["registered"],
        "exited_households": counts["exited"],
        "left_out": left_out,
        "wrong_inclusion": wrong_inclusion,
        "wrong_exit": wrong_exit,
        "left_out_rate": percent(left_out, counts["registered"] + left_out),
        "wrong_inclusion_rate": percent(wrong_inclusion, counts["registered"]),
        "wrong_exit_rate": percent(wrong_exit, counts["exited"]),
        **totals,
    }


def _blank() -> dict[str, int]:
    return {
        "problems": 0,
        "closed": 0,
        "closed_on_time": 0,
        "overdue": 0,
        "follow_ups": 0,
        "complaints": 0,
        "complaints_answered": 0,
    }


def assessment(*, user: User, area: Area) -> dict[str, list[dict[str, Any]]]:
    """Assessment (考核) figures the supervision records support, per responsible person and per
    township: problems assigned, closed, closed on time, overdue, follow-ups recorded, complaints
    assigned and answered. Other apps add visits and verified exits where they provide them."""
    today = clock.today()
    problems = Problem.objects.visible_to(user).filter(area__code__startswith=area.prefix)
    people: dict[int, dict[str, Any]] = defaultdict(_blank)
    townships: dict[str, dict[str, Any]] = defaultdict(_blank)
    township_len = LEVEL_PREFIX_LENGTH[AreaLevelChoices.TOWNSHIP]
    rows = problems.values_list("responsible_person_id", "area__code", "status", "deadline", "closed_at")
    for person_id, code, status, deadline, closed_at in rows:
        for bucket in (people[person_id], townships[code[:township_len]]):
            bucket["problems"] += 1
            if status == ProblemStatusChoices.CLOSED:
                bucket["closed"] += 1
                # a closed problem has its closing instant (the close service sets both)
                bucket["closed_on_time"] += int(
                    closed_at is not None and clock.local_date(closed_at) <= deadline
                )
            elif deadline < today:
                bucket["overdue"] += 1
    follow_ups = (
        ProblemFollowUp.objects.visible_to(user)
        .filter(problem__area__code__startswith=area.prefix)
        .values("recorded_by_id", "problem__area__code")
        .annotate(n=Count("id"))
    )
    for counted in follow_ups:
        if counted["recorded_by_id"]:
            people[counted["recorded_by_id"]]["follow_ups"] += counted["n"]
        townships[counted["problem__area__code"][:township_len]]["follow_ups"] += counted["n"]
    complaints = (
        Complaint.objects.visible_to(user)
        .filter(area__code__startswith=area.prefix)
        .values_list("assigned_to_id", "area__code", "status")
    )
    for person_id, code, status in complaints:
        buckets = [townships[code[:township_len]]] + ([people[person_id]] if person_id else [])
        for bucket in buckets:
            bucket["complaints"] += 1
            bucket["complaints_answered"] += int(status == ComplaintStatusChoices.ANSWERED)
    from accounts.models import User

    users = User.objects.in_bulk(list(people))
    names = dict(
        Area.objects.filter(code__in=[c.ljust(12, "0") for c in townships]).values_list("code", "name")
    )
    person_rows = [
        {
            "user_id": pk,
            "name": users[pk].display_name if pk in users else "?",
            "unit": users[pk].unit if pk in users else "",
            **v,
        }
        for pk, v in people.items()
    ]
    township_rows = [
        {"code": code.ljust(12, "0"), "name": names.get(code.ljust(12, "0"), code), **v}
        for code, v in sorted(townships.items())
    ]
    for row in [*person_rows, *township_rows]:
        row["closure_rate"] = percent(row["closed"], row["problems"])
    person_rows.sort(key=lambda r: (-(r["overdue"]), r["name"]))
    return {"people": person_rows, "townships": township_rows}


def assessment_from_other_apps(*, user: User, area: Area, days: int = 365) -> dict[str, Any]:
    """What the assistance and exits records add to an assessment over the last `days` days: visits
    and follow-ups per work team and per cadre (assistance's selectors), exits verified per person
    and exits approved per township (exits' sign-off ledger). A section is None when its app is absent."""
    from importlib import import_module

    today = clock.today()
    start = today - dt.timedelta(days=days)
    result: dict[str, Any] = {"start": start, "end": today, "teams": None, "cadres": None, "exits": None}
    try:
        assistance = import_module("assistance.selectors")
    except ModuleNotFoundError:
        assistance = None
    if assistance is not None and hasattr(assistance, "work_counts_by_team"):
        result["teams"] = assistance.work_counts_by_team(area, start=start, end=today, today=today)
        result["cadres"] = assistance.work_counts_by_cadre(area, start=start, end=today, today=today)
    try:
        exits_models = import_module("exits.models")
        exits_choices = import_module("exits.choices")
    except ModuleNotFoundError:
        return result
    signoffs = exits_models.ExitSignoff.objects.visible_to(user).filter(
        procedure__household__village__code__startswith=area.prefix,
        to_state=exits_choices.ExitProcedureStateChoices.VERIFIED,
        signed_at__date__gte=start,
    )
    verified = {
        row["signed_by"]: row["n"] for row in signoffs.values("signed_by").annotate(n=Count("id")).order_by()
    }
    from accounts.models import User

    users = User.objects.in_bulk(list(verified))
    township_len = LEVEL_PREFIX_LENGTH[AreaLevelChoices.TOWNSHIP]
    approved: dict[str, int] = defaultdict(int)
    for code in (
        exits_models.ExitProcedure.objects.visible_to(user)
        .filter(
            household__village__code__startswith=area.prefix,
            state=exits_choices.ExitProcedureStateChoices.APPROVED,
            approved_on__gte=start,
        )
        .values_list("household__village__code", flat=True)
    ):
        approved[code[:township_len].ljust(12, "0")] += 1
    names = dict(Area.objects.filter(code__in=list(approved)).values_list("code", "name"))
    result["exits"] = {
        "verified_by_person": sorted(
            (
                {"name": users[pk].display_name if pk in users else "?", "verified": n}
                for pk, n in verified.items()
            ),
            key=lambda r: (-r["verified"], r["name"]),
        ),
        "approved_by_township": [
            {"code": code, "name": names.get(code, code), "approved": n}
            for code, n in sorted(approved.items())
        ],
    }
    return result


def household_supervision(*, household: Household, user: User) -> dict[str, Any]:
    """Problems and complaints about one household, for the panel on its page."""
    return {
        "problems": list(
            Problem.objects.visible_to(user)
            .filter(household=household)
            .select_related("responsible_person")
            .order_by("-created_at")[:20]
        ),
        "complaints": list(
            Complaint.objects.visible_to(user).filter(household=household).order_by("-received_on")[:20]
        ),
    }
