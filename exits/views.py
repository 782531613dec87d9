"""Pages for exits and monitoring. Thin: they read through selectors and write through services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.exceptions import ConflictError
from core.forms import form_add_service_errors
from core.models import Job
from core.scoping import area_code_param, get_visible_or_404
from households.models import Household

from . import selectors, services
from .choices import (
    AreaExitStateChoices,
    CheckTaskStateChoices,
    ExitConditionChoices,
    ExitProcedureStateChoices,
    ExitStepChoices,
    MonitoringStepChoices,
    ObjectionStatusChoices,
)
from .filters import (
    CampaignFilterSet,
    CheckTaskFilterSet,
    ExitFlagFilterSet,
    ExitProcedureFilterSet,
    MonitoringCaseFilterSet,
)
from .forms import (
    AssistanceForm,
    CampaignForm,
    CheckTaskForm,
    CountyExitForm,
    ExitSettingsForm,
    MonitoringReportForm,
    ObjectionDecideForm,
    ObjectionForm,
    PovertyLineForm,
    ProposeForm,
    ReasonForm,
    ScreeningForm,
    SignForm,
    band_formset,
)
from .models import (
    CheckTask,
    ExitObjection,
    ExitProcedure,
    ExitSettings,
    MonitoringCase,
    VillageExit,
    VillageStandard,
)
from .tasks import SCREENING_KIND

PAGE_SIZE = 50


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _querystring(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _back(request: HttpRequest, default: str) -> str:
    """The page to return to: the posted `next` if it is on this site, else `default`."""
    from django.urls import reverse
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _year(raw: str | None) -> tuple[int, str]:
    """The year a page was asked for (this year when none), and an error when it is not a year."""
    this_year = clock.today().year
    if not raw:
        return this_year, ""
    try:
        year = int(raw)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        return this_year, _("Enter a year between 2000 and 2100.")
    return year, ""


def _areas_for(user: Any, levels: tuple[str, ...]) -> list[Area]:
    return list(Area.objects.visible_to(user).filter(level__in=levels).order_by("code")[:300])


def _home_county(user: Any) -> Area | None:
    return selectors.home_county(user)


# -- household exit procedures ----------------------------------------------------------------------


@login_required
def procedure_list(request: HttpRequest) -> HttpResponse:
    filterset = ExitProcedureFilterSet(request.GET, queryset=selectors.exit_procedure_list(user=request.user))
    return render(
        request,
        "exits/procedure_list.html",
        {
            "filter": filterset,
            "page_obj": _page(request, filterset.qs),
            "querystring_without_page": _querystring(request),
        },
    )


@login_required
def procedure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_visible_or_404(
        ExitProcedure.objects.select_related(
            "household", "household__village", "household__head", "proposed_by"
        ),
        request.user,
        pk=pk,
    )
    signoffs = procedure.signoffs.select_related("signed_by")
    objections = procedure.objections.select_related("decided_by")
    next_steps = [
        {
            "step": step,
            "label": ExitStepChoices(step).label,
            "allowed": request.user.has_capability(services.EXIT_TRANSITIONS[step].capability),
            "comment_required": services.EXIT_TRANSITIONS[step].comment_required,
            "negative": step
            in (ExitStepChoices.WITHDRAW, ExitStepChoices.SEND_BACK, ExitStepChoices.COUNTY_REFUSE),
        }
        for step in services.exit_next_steps(procedure)
    ]
    return render(
        request,
        "exits/procedure_detail.html",
        {
            "procedure": procedure,
            "household": procedure.household,
            "signoffs": signoffs,
            "objections": objections,
            "next_steps": next_steps,
            "eligibility": selectors.exit_eligibility(procedure.household, procedure.year)
            if procedure.is_open
            else None,
            "settings": selectors.exit_settings_for(procedure.household.village),
            "objection_form": ObjectionForm(),
            "decide_form": ObjectionDecideForm(),
            "can_record_objection": request.user.has_capability(Capability.SIGN_VILLAGE_STEP)
            and procedure.state == ExitProcedureStateChoices.IN_NOTICE,
            "can_decide_objection": request.user.has_capability(Capability.SIGN_TOWNSHIP_STEP),
            "open_status": ObjectionStatusChoices.OPEN,
        },
    )


@login_required
@require_POST
def procedure_propose(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.select_related("village"), request.user, pk=household_pk)
    form = ProposeForm(request.POST)
    back = _back(request, "exits:procedures")
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(back)
    try:
        procedure = services.exit_procedure_propose(
            household=household,
            year=form.cleaned_data["year"],
            comment=form.cleaned_data["comment"],
            user=request.user,
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
        return redirect(back)
    messages.success(request, _("Exit proposed for household %(number)s.") % {"number": household.number})
    return redirect("exits:procedure", pk=procedure.pk)


@login_required
@require_POST
def procedure_sign(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_visible_or_404(ExitProcedure.objects.all(), request.user, pk=pk)
    form = SignForm(request.POST)
    if form.is_valid():
        try:
            services.exit_procedure_sign(
                procedure=procedure,
                step=form.cleaned_data["step"],
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
                user=request.user,
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        except ConflictError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Signed: %(step)s.") % {"step": ExitStepChoices(form.cleaned_data["step"]).label}
            )
    return redirect("exits:procedure", pk=pk)


@login_required
@require_POST
def objection_record(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_visible_or_404(ExitProcedure.objects.all(), request.user, pk=pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        try:
            services.exit_objection_record(procedure=procedure, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("Objection recorded."))
    else:
        messages.error(request, _("Write down the objection."))
    return redirect("exits:procedure", pk=pk)


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_visible_or_404(ExitObjection.objects.all(), request.user, pk=pk)
    form = ObjectionDecideForm(request.POST)
    if form.is_valid():
        try:
            services.exit_objection_decide(objection=objection, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("Objection decided."))
    else:
        messages.error(request, _("Give the reason for the decision."))
    return redirect("exits:procedure", pk=objection.procedure_id)


@login_required
@require_POST
def household_return(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.all(), request.user, pk=household_pk)
    form = ReasonForm(request.POST)
    back = _back(request, "exits:procedures")
    if form.is_valid():
        try:
            services.household_return_to_poverty(
                household=household, reason=form.cleaned_data["reason"], user=request.user
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(
                request, _("Household %(number)s returned to poverty.") % {"number": household.number}
            )
    else:
        messages.error(request, _("Give the reason."))
    return redirect(back)


@login_required
def public_notice(request: HttpRequest, code: str) -> HttpResponse:
    village = get_visible_or_404(
        Area.objects.filter(level=AreaLevelChoices.VILLAGE), request.user, code=area_code_param(code)
    )
    rows = selectors.public_notice_rows(user=request.user, village=village)
    return render(
        request,
        "exits/public_notice.html",
        {"village": village, "ancestors": village.ancestors(), "today": clock.today(), **rows},
    )


# -- screening --------------------------------------------------------------------------------------


@login_required
def screening(request: HttpRequest) -> HttpResponse:
    areas = _areas_for(request.user, (AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP))
    form = ScreeningForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        area = get_visible_or_404(Area.objects.all(), request.user, code=form.cleaned_data["area"])
        try:
            with transaction.atomic():
                job = services.exit_screening_start(
                    area=area, year=form.cleaned_data["year"], user=request.user
                )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            return redirect("core:job", pk=job.pk)
    filterset = ExitFlagFilterSet(request.GET, queryset=selectors.exit_flag_list(user=request.user))
    last_job = (
        Job.objects.readable_by(request.user).filter(kind=SCREENING_KIND).order_by("-created_at").first()
    )
    return render(
        request,
        "exits/screening.html",
        {
            "last_job": last_job,
            "form": form,
            "can_run": request.user.has_capability(Capability.RUN_JOBS),
            "filter": filterset,
            "page_obj": _page(request, filterset.qs),
            "querystring_without_page": _querystring(request),
            "conditions": ExitConditionChoices,
        },
    )


# -- village and county exit ------------------------------------------------------------------------


@login_required
def villages(request: HttpRequest) -> HttpResponse:
    year, year_error = _year(request.GET.get("year"))
    if year_error:
        messages.error(request, year_error)
    tops = list(request.user.areas.all().order_by("code")) if not request.user.is_superuser else []
    area = None
    if request.GET.get("area"):
        area = get_visible_or_404(Area.objects.all(), request.user, code=area_code_param(request.GET["area"]))
    elif tops:
        area = tops[0]
    rows = selectors.village_rows(user=request.user, area=area, year=year) if area else []
    return render(
        request,
        "exits/villages.html",
        {
            "rows": rows,
            "area": area,
            "year": year,
            "areas": _areas_for(request.user, (AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP)),
            "settings": selectors.exit_settings_for(area) if area else None,
            "can_propose": request.user.has_capability(Capability.PROPOSE),
        },
    )


@login_required
def village_exit_propose(request: HttpRequest, code: str) -> HttpResponse:
    village = get_visible_or_404(
        Area.objects.filter(level=AreaLevelChoices.VILLAGE), request.user, code=area_code_param(code)
    )
    year, year_error = _year(request.POST.get("year") or request.GET.get("year"))
    standards = list(selectors.village_standards_for(village))
    check = selectors.area_exit_check(village, year)
    errors: list[str] = [year_error] if year_error else []
    if request.method == "POST" and not errors:
        checks = {
            s.pk: (request.POST.get(f"met_{s.pk}") == "on", request.POST.get(f"note_{s.pk}", ""))
            for s in standards
        }
        try:
            row = services.village_exit_propose(village=village, year=year, checks=checks, user=request.user)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Village exit proposed."))
            return redirect("exits:village-exit", pk=row.pk)
    return render(
        request,
        "exits/village_exit_propose.html",
        {"village": village, "year": year, "standards": standards, "check": check, "errors": errors},
    )


@login_required
def village_exit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_visible_or_404(
        VillageExit.objects.select_related("village", "proposed_by", "decided_by"), request.user, pk=pk
    )
    if request.method == "POST":
        try:
            services.village_exit_decide(
                village_exit=row,
                approve=request.POST.get("approve") == "1",
                note=request.POST.get("note", ""),
                user=request.user,
            )
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("exits:village-exit", pk=pk)
    return render(
        request,
        "exits/village_exit_detail.html",
        {
            "row": row,
            "checks": row.checks.select_related("standard"),
            "live": selectors.area_exit_check(row.village, row.year),
            "can_decide": request.user.has_capability(Capability.APPROVE),
            "proposed": AreaExitStateChoices.PROPOSED,
        },
    )


@login_required
def county_exit(request: HttpRequest) -> HttpResponse:
    county = _home_county(request.user)
    form = CountyExitForm(request.POST or None)
    if request.method == "POST" and county is not None and form.is_valid():
        try:
            services.county_exit_record(county=county, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("County exit check recorded."))
            return redirect("exits:county")
    year = clock.today().year
    return render(
        request,
        "exits/county_exit.html",
        {
            "county": county,
            "form": form,
            "rows": selectors.county_exit_list(user=request.user),
            "live": selectors.area_exit_check(county, year) if county else None,
            "year": year,
            "can_record": request.user.has_capability(Capability.APPROVE),
        },
    )


# -- settings ---------------------------------------------------------------------------------------


@login_required
def exit_settings(request: HttpRequest) -> HttpResponse:
    county = _home_county(request.user)
    if county is None:
        raise PermissionDenied(_("Your account covers no county."))
    can_edit = request.user.has_capability(Capability.APPROVE) and county.code.startswith(
        tuple(request.user.scope_prefixes) or ("-",)
    )
    stored = ExitSettings.objects.filter(county=county).first() or ExitSettings(county=county)
    settings_form = ExitSettingsForm(instance=stored, initial={"version": stored.version})
    bands = band_formset(bands=stored.village_class_bands)
    line_form = PovertyLineForm()
    if request.method == "POST" and can_edit:
        try:
            if request.POST.get("form") == "standard":
                services.village_standard_add(
                    county=county, title=request.POST.get("title", ""), user=request.user
                )
                messages.success(request, _("Standard added."))
                return redirect("exits:settings")
            if request.POST.get("form") == "retire":
                standard_pk = request.POST.get("standard", "")
                standard = get_visible_or_404(
                    VillageStandard.objects.all(),
                    request.user,
                    pk=int(standard_pk) if standard_pk.isdigit() else 0,
                )
                services.village_standard_retire(standard=standard, user=request.user)
                messages.success(request, _("Standard retired."))
                return redirect("exits:settings")
            if request.POST.get("form") == "line":
                line_form = PovertyLineForm(request.POST)
                if line_form.is_valid():
                    services.poverty_line_set(county=county, user=request.user, **line_form.cleaned_data)
                    messages.success(request, _("Poverty line saved."))
                    return redirect("exits:settings")
            else:
                settings_form = ExitSettingsForm(request.POST, instance=ExitSettings(county=county))
                bands = band_formset(request.POST, bands=stored.village_class_bands)
                if settings_form.is_valid() and bands.is_valid():
                    data = dict(settings_form.cleaned_data)
                    version = data.pop("version", None)
                    services.exit_settings_update(
                        county=county,
                        user=request.user,
                        expected_version=version,
                        village_class_bands=bands.bands(),
                        **data,
                    )
                    messages.success(request, _("Settings saved."))
                    return redirect("exits:settings")
        except ValidationError as exc:
            if request.POST.get("form") in ("standard", "retire"):
                _errors_to_messages(request, exc)
            else:
                form_add_service_errors(
                    line_form if request.POST.get("form") == "line" else settings_form, exc
                )
        except ConflictError as exc:
            settings_form.add_error(None, exc.message)
    return render(
        request,
        "exits/settings.html",
        {
            "county": county,
            "lines": selectors.poverty_line_list(user=request.user).filter(county=county),
            "settings_form": settings_form,
            "line_form": line_form,
            "can_edit": can_edit,
            "standards": selectors.village_standards_for(county),
            "bands": bands,
            "stored_bands": stored.village_class_bands,
        },
    )


# -- monitoring -------------------------------------------------------------------------------------


@login_required
def monitoring_list(request: HttpRequest) -> HttpResponse:
    filterset = MonitoringCaseFilterSet(
        request.GET, queryset=selectors.monitoring_case_list(user=request.user)
    )
    page = _page(request, filterset.qs)
    today = clock.today()
    for case in page:
        case.overdue = selectors.monitoring_overdue(case, today)
    return render(
        request,
        "exits/monitoring_list.html",
        {"filter": filterset, "page_obj": page, "querystring_without_page": _querystring(request)},
    )


@login_required
def monitoring_report(request: HttpRequest, household_pk: int) -> HttpResponse:
    household = get_visible_or_404(
        Household.objects.select_related("village", "head"), request.user, pk=household_pk
    )
    form = MonitoringReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.monitoring_case_report(
                household=household, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(request, _("Monitoring object reported."))
            return redirect("exits:monitoring-detail", pk=case.pk)
    return render(request, "exits/monitoring_report.html", {"household": household, "form": form})


@login_required
def monitoring_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = get_visible_or_404(
        MonitoringCase.objects.select_related(
            "household", "household__village", "household__head", "reported_by"
        ),
        request.user,
        pk=pk,
    )
    if request.method == "POST":
        form = SignForm(request.POST) if request.POST.get("step") else AssistanceForm(request.POST)
        if form.is_valid():
            try:
                if isinstance(form, SignForm):
                    services.monitoring_case_sign(
                        case=case,
                        step=form.cleaned_data["step"],
                        comment=form.cleaned_data["comment"],
                        expected_version=form.cleaned_data["version"],
                        user=request.user,
                    )
                else:
                    services.monitoring_assistance_add(case=case, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _errors_to_messages(request, exc)
            except ConflictError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Saved."))
        else:
            messages.error(request, _("Check the form."))
        return redirect("exits:monitoring-detail", pk=pk)
    next_steps = [
        {
            "step": step,
            "label": MonitoringStepChoices(step).label,
            "allowed": request.user.has_capability(services.MONITORING_TRANSITIONS[step].capability),
            "comment_required": services.MONITORING_TRANSITIONS[step].comment_required,
            "negative": step == MonitoringStepChoices.COUNTY_REJECT,
        }
        for step in services.monitoring_next_steps(case)
    ]
    return render(
        request,
        "exits/monitoring_detail.html",
        {
            "case": case,
            "household": case.household,
            "signoffs": case.signoffs.select_related("signed_by"),
            "assistance": case.assistance.all(),
            "next_steps": next_steps,
            "overdue": selectors.monitoring_overdue(case),
            "assistance_form": AssistanceForm(),
            "can_assist": request.user.has_capability(Capability.MANAGE_ASSISTANCE) and case.is_open,
            "settings": selectors.exit_settings_for(case.household.village),
        },
    )


# -- campaigns --------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    areas = _areas_for(
        request.user, (AreaLevelChoices.COUNTY, AreaLevelChoices.TOWNSHIP, AreaLevelChoices.VILLAGE)
    )
    form = CampaignForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        area = get_visible_or_404(Area.objects.all(), request.user, code=form.cleaned_data["area"])
        data = {k: v for k, v in form.cleaned_data.items() if k != "area"}
        try:
            campaign = services.campaign_start(area=area, user=request.user, **data)
        except ValidationError as exc:
            form_add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Campaign started with %(n)d check tasks.") % {"n": campaign.task_count}
            )
            return redirect("exits:campaign", pk=campaign.pk)
    filterset = CampaignFilterSet(request.GET, queryset=selectors.campaign_list(user=request.user))
    return render(
        request,
        "exits/campaign_list.html",
        {
            "filter": filterset,
            "page_obj": _page(request, filterset.qs),
            "querystring_without_page": _querystring(request),
            "form": form,
            "can_start": request.user.has_capability(Capability.APPROVE),
        },
    )


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_for(user=request.user, pk=pk)
    params = request.GET.copy()
    params.setdefault("state", CheckTaskStateChoices.PENDING)
    filterset = CheckTaskFilterSet(
        params, queryset=selectors.check_task_list(user=request.user).filter(campaign=campaign)
    )
    return render(
        request,
        "exits/campaign_detail.html",
        {
            "campaign": campaign,
            "progress": selectors.campaign_progress(campaign, user=request.user),
            "filter": filterset,
            "page_obj": _page(request, filterset.qs),
            "querystring_without_page": _querystring(request),
            "task_form": CheckTaskForm(),
            "can_check": request.user.has_capability(Capability.LOG_VISIT),
            "states": CheckTaskStateChoices,
        },
    )


@login_required
@require_POST
def check_task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_visible_or_404(CheckTask.objects.all(), request.user, pk=pk)
    form = CheckTaskForm(request.POST)
    form.is_valid()
    try:
        services.check_task_complete(
            task=task,
            state=request.POST.get("state", ""),
            findings=form.cleaned_data.get("findings", ""),
            user=request.user,
        )
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Check recorded."))
    return redirect(_back(request, "exits:campaigns"))
