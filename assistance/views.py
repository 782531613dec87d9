"""Pages. Each view reads through a selector, writes through a service, and shows the service's
errors on the form; an out-of-area record is a 404 and a wrong role a 403 (core.scoping)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from areas.models import Area
from areas.selectors import areas_top_for
from core import clock
from core.exceptions import ConflictError
from core.forms import form_add_service_errors
from core.scoping import area_code_param, ensure_can, get_visible_or_404, user_covers_area
from households.models import Household

from . import selectors, services
from .filters import (
    AssistancePlanFilterSet,
    AssistedHouseholdFilterSet,
    CadreFilterSet,
    FollowUpFilterSet,
    MeasureFilterSet,
    VillagePlanFilterSet,
    VisitFilterSet,
    WorkTeamFilterSet,
)
from .forms import (
    CadreAssignForm,
    CadreEditForm,
    CadreForm,
    FollowUpCloseForm,
    MeasureForm,
    PlanForm,
    RemindersForm,
    TeamForm,
    TeamRotateForm,
    VillagePlanForm,
    VisitForm,
)
from .models import AssistancePlan, Cadre, CadrePairing, FollowUp, Measure, VillagePlan, Visit, WorkTeam

PAGE_SIZE = 50


def _page(request: HttpRequest, qs: Any) -> tuple[Any, str]:
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


def _visit_days(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days") or selectors.default_visit_days())
    except ValueError:
        days = selectors.default_visit_days()
    return min(max(days, 1), 366)


def _household(request: HttpRequest, pk: int) -> Household:
    return get_visible_or_404(
        Household.objects.select_related("village__parent", "head"), request.user, pk=pk
    )


def _save(form: Any, call: Any) -> Any:
    """Run a service call; on a rule or conflict error put the message on the form and return None."""
    try:
        return call()
    except ValidationError as exc:
        form_add_service_errors(form, exc)
    except ConflictError as exc:
        form.add_error(None, exc.message)
    return None


# -- coverage and households ----------------------------------------------------------------------


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    """Who is left out in the user's area (or a chosen area inside it)."""
    user = request.user
    code = request.GET.get("area")
    if code:
        area = get_visible_or_404(Area.objects.all(), user, code=area_code_param(code))
    else:
        area = areas_top_for(user).order_by("code").first()
    days = _visit_days(request)
    today = clock.today()
    data = selectors.coverage_for_area(area, today=today, visit_days=days) if area else None
    return render(
        request,
        "assistance/coverage.html",
        {
            "area": area,
            "coverage": data,
            "days": days,
            "today": today,
            "reminders_form": RemindersForm(initial={"visit_days": days}),
            "can_manage": user.has_capability(Capability.MANAGE_ASSISTANCE),
            "top_areas": list(areas_top_for(user).order_by("code")[:20]),
            "parent": area.parent if area and area.parent and user_covers_area(user, area.parent) else None,
        },
    )


@login_required
@require_POST
def reminders_run(request: HttpRequest) -> HttpResponse:
    area = get_visible_or_404(
        Area.objects.all(), request.user, code=area_code_param(request.POST.get("area"))
    )
    form = RemindersForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(f"{reverse('assistance:coverage')}?area={area.code}")
    try:
        job = services.reminders_job_start(
            area=area, visit_days=form.cleaned_data["visit_days"], user=request.user
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(f"{reverse('assistance:coverage')}?area={area.code}")
    return redirect("core:job", pk=job.pk)


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    days = _visit_days(request)
    qs = selectors.assisted_household_list(user=request.user, visit_days=days)
    own = Cadre.objects.filter(user=request.user).first()
    filters = request.GET
    if not filters and own is not None and own.pairings.filter(end__isnull=True).exists():
        filters = {"cadre": own.pk}  # a cadre starts from the households paired with them (结对户)
    filterset = AssistedHouseholdFilterSet(filters or None, queryset=qs)
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/household_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "querystring_without_page": query,
            "days": days,
            "own_cadre": own,
            "showing_own": own is not None and str(filters.get("cadre", "")) == str(own.pk),
        },
    )


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    summary = selectors.household_assistance(household, visits=20)
    summary["can_manage"] = request.user.has_capability(Capability.MANAGE_ASSISTANCE)
    summary["can_visit"] = request.user.has_capability(Capability.LOG_VISIT)
    return render(request, "assistance/household_detail.html", {"household": household, "a": summary})


# -- visits ---------------------------------------------------------------------------------------


@login_required
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    ensure_can(request.user, Capability.LOG_VISIT, household)
    open_follow_ups = list(household.follow_ups.filter(status="open").order_by("due_date"))
    form = VisitForm(request.POST or None, request.FILES or None, open_follow_ups=open_follow_ups)
    if request.method == "POST" and form.is_valid():
        visit = _save(
            form,
            lambda: services.visit_log(
                household=household,
                visited_on=form.cleaned_data["visited_on"],
                findings=form.cleaned_data["findings"],
                needs=form.cleaned_data["needs"],
                follow_ups=form.follow_ups(),
                done_follow_ups=[int(x) for x in form.cleaned_data.get("done_follow_ups") or []],
                photos=form.cleaned_data["photos"],
                user=request.user,
            ),
        )
        if visit is not None:
            messages.success(request, _("Visit saved."))
            return redirect("assistance:household", pk=household.pk)
    return render(request, "assistance/visit_form.html", {"form": form, "household": household})


@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    filterset = VisitFilterSet(request.GET or None, queryset=selectors.visit_list(user=request.user))
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/visit_list.html",
        {"filter": filterset, "page_obj": page, "querystring_without_page": query},
    )


@login_required
def visit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_visible_or_404(
        Visit.objects.select_related("household__village", "household__head", "visitor", "cadre", "team"),
        request.user,
        pk=pk,
    )
    return render(
        request,
        "assistance/visit_detail.html",
        {"visit": visit, "follow_ups": visit.follow_ups.all(), "closed": visit.follow_ups_closed.all()},
    )


# -- follow-ups -----------------------------------------------------------------------------------


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    filters = request.GET.copy() if request.GET else {"status": "open"}
    filterset = FollowUpFilterSet(filters, queryset=selectors.follow_up_list(user=request.user))
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/follow_up_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "querystring_without_page": query,
            "today": clock.today(),
        },
    )


@login_required
def follow_up_close(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_visible_or_404(FollowUp.objects.select_related("household", "visit"), request.user, pk=pk)
    ensure_can(request.user, Capability.LOG_VISIT, follow_up)
    form = FollowUpCloseForm(
        request.POST or None,
        initial={"done_on": clock.today(), "version": follow_up.version, "status": "done"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        closed = _save(
            form,
            lambda: services.follow_up_close(
                follow_up=follow_up,
                expected_version=data["version"],
                status=data["status"],
                done_on=data["done_on"],
                outcome=data["outcome"],
                user=request.user,
            ),
        )
        if closed is not None:
            messages.success(request, _("Follow-up closed."))
            return redirect("assistance:household", pk=follow_up.household_id)
    return render(request, "assistance/follow_up_close.html", {"form": form, "follow_up": follow_up})


# -- cadres and pairings --------------------------------------------------------------------------


@login_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    filterset = CadreFilterSet(request.GET or None, queryset=selectors.cadre_list(user=request.user))
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/cadre_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "querystring_without_page": query,
            "can_manage": request.user.has_capability(Capability.MANAGE_ASSISTANCE),
        },
    )


@login_required
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A cadre is visible where registered, and also to whoever sees a household the cadre helps (a
    # village's first secretary opening a township cadre); the lists below stay scoped to the user.
    helping = CadrePairing.objects.visible_to(request.user).filter(cadre_id=pk).exists()
    cadres = Cadre.objects.select_related("area", "user")
    cadre = cadres.filter(pk=pk).first() if helping else get_visible_or_404(cadres, request.user, pk=pk)
    pairings = selectors.pairing_list(user=request.user, filters={"cadre": cadre.pk}).order_by(
        "end", "-start"
    )
    visits = selectors.visit_list(user=request.user, filters={"cadre": cadre.pk})[:20]
    teams = (
        cadre.teams.filter(team__in=WorkTeam.objects.visible_to(request.user))
        .select_related("team")
        .order_by("-team__term_start")
    )
    return render(
        request,
        "assistance/cadre_detail.html",
        {
            "cadre": cadre,
            "pairings": pairings,
            "visits": visits,
            "memberships": teams,
            "can_manage": request.user.has_capability(Capability.MANAGE_ASSISTANCE)
            and Cadre.objects.visible_to(request.user).filter(pk=cadre.pk).exists(),
        },
    )


@login_required
def cadre_new(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE)
    form = CadreForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        cadre = _save(form, lambda: services.cadre_create(**form.cleaned_data, user=request.user))
        if cadre is not None:
            messages.success(request, _("Cadre registered."))
            return redirect("assistance:cadre", pk=cadre.pk)
    return render(request, "assistance/form.html", {"form": form, "title": _("Register a responsible cadre")})


@login_required
def cadre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = get_visible_or_404(Cadre.objects.all(), request.user, pk=pk)
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE, cadre)
    initial = {f: getattr(cadre, f) for f in ("name", "unit", "position", "phone", "is_active", "version")}
    form = CadreEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        saved = _save(
            form,
            lambda: services.cadre_update(cadre=cadre, expected_version=version, user=request.user, **data),
        )
        if saved is not None:
            messages.success(request, _("Cadre saved."))
            return redirect("assistance:cadre", pk=cadre.pk)
    return render(
        request,
        "assistance/form.html",
        {"form": form, "title": _("Edit cadre: %(name)s") % {"name": cadre.name}},
    )


@login_required
def cadre_assign(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE, household)
    form = CadreAssignForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        pairing = _save(
            form,
            lambda: services.cadre_assign(
                household=household,
                cadre=form.cleaned_data["cadre"],
                start=form.cleaned_data["start"],
                user=request.user,
            ),
        )
        if pairing is not None:
            messages.success(request, _("Responsible cadre assigned."))
            return redirect("assistance:household", pk=household.pk)
    current = selectors.active_cadre_for(household)
    return render(
        request,
        "assistance/form.html",
        {
            "form": form,
            "household": household,
            "title": _("Assign a responsible cadre"),
            "intro": _(
                "Current cadre: %(name)s. The current pairing ends on the new start date and stays in the history."
            )
            % {"name": current}
            if current
            else "",
        },
    )


# -- work teams -----------------------------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    filters = request.GET.copy() if request.GET else {"status": "active"}
    filterset = WorkTeamFilterSet(filters, queryset=selectors.team_list(user=request.user))
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/team_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "querystring_without_page": query,
            "can_manage": request.user.has_capability(Capability.MANAGE_ASSISTANCE),
        },
    )


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_visible_or_404(selectors.team_list(user=request.user), request.user, pk=pk)
    chain = selectors.team_history(team)
    visible = set(
        WorkTeam.objects.visible_to(request.user)
        .filter(pk__in=[t.pk for t in chain])
        .values_list("pk", flat=True)
    )
    history = [t for t in chain if t.pk in visible]
    return render(
        request,
        "assistance/team_detail.html",
        {
            "team": team,
            "history": history,
            "first_secretary": selectors.first_secretary_of(team),
            "can_manage": request.user.has_capability(Capability.MANAGE_ASSISTANCE),
        },
    )


@login_required
def team_new(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE)
    form = TeamForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        team = _save(form, lambda: services.team_create(**form.cleaned_data, user=request.user))
        if team is not None:
            messages.success(request, _("Work team stationed."))
            return redirect("assistance:team", pk=team.pk)
    return render(request, "assistance/form.html", {"form": form, "title": _("Station a work team")})


@login_required
def team_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_visible_or_404(WorkTeam.objects.all(), request.user, pk=pk)
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE, team)
    form = TeamRotateForm(
        request.POST or None,
        user=request.user,
        initial={
            "version": team.version,
            "term_start": clock.today(),
            "sending_unit": team.sending_unit,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        successor = _save(
            form, lambda: services.team_rotate(team=team, expected_version=version, user=request.user, **data)
        )
        if successor is not None:
            messages.success(request, _("Rotation recorded: the new team has taken over."))
            return redirect("assistance:team", pk=successor.pk)
    return render(
        request,
        "assistance/form.html",
        {
            "form": form,
            "title": _("Rotate the team: %(name)s") % {"name": team.name},
            "intro": _(
                "The current team hands over its villages on the start date of the new term and stays in the history."
            ),
        },
    )


# -- plans and measures ---------------------------------------------------------------------------


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE, household)
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or clock.today().year)
    except ValueError:
        year = clock.today().year
    plan = AssistancePlan.objects.filter(household=household, year=year).first()
    form = PlanForm(request.POST or None, instance=plan, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = _save(
            form,
            lambda: services.plan_save(
                household=household,
                year=data["year"],
                goals=data["goals"],
                status=data["status"],
                expected_version=data.get("version") if plan else None,
                user=request.user,
            ),
        )
        if saved is not None:
            messages.success(request, _("Plan saved."))
            return redirect("assistance:household", pk=household.pk)
    return render(
        request,
        "assistance/form.html",
        {"form": form, "household": household, "title": _("Household assistance plan")},
    )


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    filters = request.GET.copy() if request.GET else {"year": clock.today().year}
    filterset = AssistancePlanFilterSet(filters, queryset=selectors.plan_list(user=request.user))
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/plan_list.html",
        {"filter": filterset, "page_obj": page, "querystring_without_page": query},
    )


@login_required
def measure_list(request: HttpRequest) -> HttpResponse:
    filterset = MeasureFilterSet(request.GET or None, queryset=selectors.measure_list(user=request.user))
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/measure_list.html",
        {"filter": filterset, "page_obj": page, "querystring_without_page": query},
    )


def _measure_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = {k: v for k, v in data.items() if k != "version"}
    fields["category"] = fields.get("category") or None
    return fields


@login_required
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE, household)
    form = MeasureForm(request.POST or None, household=household)
    if request.method == "POST" and form.is_valid():
        measure = _save(
            form,
            lambda: services.measure_create(
                household=household, user=request.user, **_measure_fields(form.cleaned_data)
            ),
        )
        if measure is not None:
            messages.success(request, _("Measure added."))
            return redirect("assistance:household", pk=household.pk)
    return render(
        request, "assistance/form.html", {"form": form, "household": household, "title": _("Add a measure")}
    )


@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_visible_or_404(Measure.objects.select_related("household"), request.user, pk=pk)
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE, measure)
    household = measure.household
    form = MeasureForm(request.POST or None, instance=Measure.objects.get(pk=measure.pk), household=household)
    if request.method == "POST" and form.is_valid():
        version = form.cleaned_data.get("version") or 0
        saved = _save(
            form,
            lambda: services.measure_update(
                measure=measure,
                expected_version=version,
                user=request.user,
                **_measure_fields(form.cleaned_data),
            ),
        )
        if saved is not None:
            messages.success(request, _("Measure saved."))
            return redirect("assistance:household", pk=household.pk)
    return render(
        request, "assistance/form.html", {"form": form, "household": household, "title": _("Edit measure")}
    )


@login_required
def village_plan_list(request: HttpRequest) -> HttpResponse:
    filterset = VillagePlanFilterSet(
        request.GET or None, queryset=selectors.village_plan_list(user=request.user)
    )
    page, query = _page(request, filterset.qs)
    return render(
        request,
        "assistance/village_plan_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "querystring_without_page": query,
            "can_manage": request.user.has_capability(Capability.MANAGE_ASSISTANCE),
        },
    )


@login_required
def village_plan_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    ensure_can(request.user, Capability.MANAGE_ASSISTANCE)
    plan = get_visible_or_404(VillagePlan.objects.all(), request.user, pk=pk) if pk else None
    form = VillagePlanForm(
        request.POST or None, instance=plan, user=request.user, initial={"year": clock.today().year}
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        if plan is not None:
            data["village"], data["year"] = plan.village, plan.year
        saved = _save(
            form,
            lambda: services.village_plan_save(
                user=request.user, expected_version=version if plan else None, **data
            ),
        )
        if saved is not None:
            messages.success(request, _("Village plan saved."))
            return redirect("assistance:village-plans")
    return render(request, "assistance/form.html", {"form": form, "title": _("Village plan")})
