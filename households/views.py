"""Pages for township staff. Each view parses a form, calls one service or selector, and renders."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.forms import Form
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.choices import JobStatusChoices
from core.exceptions import ConflictError
from core.forms import form_error_summary
from core.models import Job
from core.paging import capped_page
from core.scoping import ensure_can, get_visible_or_404
from core.selectors import job_readable_or_404
from core.services import job_can_requeue, job_create, job_enqueue, sensitive_access_log

from . import imports, services
from .choices import PovertyCauseChoices, ProcedureStatusChoices, RelationChoices, ReviewStatusChoices
from .filters import CrossCheckMatchFilterSet, DuplicateCandidateFilterSet, HouseholdFilterSet
from .forms import (
    ConditionsForm,
    CrossCheckForm,
    FourLooksForm,
    HouseholdForm,
    ImportForm,
    IncomeForm,
    MemberAddForm,
    MemberForm,
    MemberFormSet,
    MemberLeaveForm,
    MemberMoveForm,
    ObjectionForm,
    ObjectionResolveForm,
    ReviewForm,
    SignStepForm,
)
from .models import (
    CrossCheckMatch,
    DuplicateCandidate,
    Household,
    IdentificationProcedure,
    Member,
    NoticeObjection,
)
from .selectors import (
    cross_check_batches,
    cross_check_match_list,
    duplicate_list,
    household_procedures,
    policy_for,
)
from .selectors import (
    household_detail as household_detail_selector,
)
from .selectors import (
    household_list as household_list_selector,
)
from .tasks import DUPLICATES_KIND, IMPORT_KINDS, households_duplicates_task

PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def form_errors(form: Form, exc: ValidationError) -> None:
    """Put a service's field errors next to the form's fields (others on top of the form)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def member_count_subquery() -> Subquery:
    return Subquery(
        Member.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(c=Count("*"))
        .values("c"),
        output_field=IntegerField(),
    )


# -- list, detail, card ---------------------------------------------------------------------------


LIST_COUNT_CAP = 10000
# Columns the list sorts by (?sort=head, ?sort=-village ...): newest first otherwise.
LIST_SORTS = {
    "number": "number",
    # names in pinyin order (阿, 丁, 何, 王) by their stored pinyin keys: the same on every server,
    # with or without ICU collations
    "head": "head__name_keys",
    "village": "village__code",
    "members": "member_count",
    "status": "status",
}


@login_required
def household_list(request: HttpRequest) -> HttpResponse:
    """50 a page with a result count that stops at 10,000 (core.paging), page numbers, a jump and
    sortable columns; past the count's cap, newest-first pages go on by keyset (`before=<id>`)."""
    filters = request.GET.copy()
    legacy = _legacy_area_filters(request, filters)
    if legacy is not None:
        return legacy
    before = filters.pop("before", [None])[-1]
    page = filters.pop("page", [1])[-1]
    sort = filters.pop("sort", [""])[-1]
    key = sort.lstrip("-")
    qs = household_list_selector(user=request.user, filters=filters).annotate(
        member_count=member_count_subquery()
    )
    if key in LIST_SORTS:
        column: Any = F(LIST_SORTS[key])
        qs = qs.order_by(column.desc() if sort.startswith("-") else column.asc(), "-pk")
    else:
        sort = ""
        qs = qs.order_by("-pk")
    result = capped_page(
        qs, page=page, before=before, page_size=PAGE_SIZE, cap=LIST_COUNT_CAP, keyset_ok=not sort
    )
    base = filters.urlencode()
    with_sort = f"{base}&sort={sort}" if sort else base
    return render(
        request,
        "households/household_list.html",
        {
            "filter": HouseholdFilterSet(
                filters or None, user=request.user, for_page=True, queryset=Household.objects.none()
            ),
            "households": result.rows,
            "page": result,
            "sort": sort,
            "sort_columns": [(k, "-" + k if sort == k else k) for k in LIST_SORTS],
            "next_url": f"{request.path}?{with_sort}&before={result.next_before}"
            if result.next_before
            else "",
            "querystring": base,
            "querystring_with_sort": with_sort,
            "can_edit": request.user.has_capability(Capability.EDIT_REGISTRY),
            "can_import": request.user.has_capability(Capability.IMPORT_REGISTRY),
        },
    )


def _legacy_area_filters(request: HttpRequest, filters: Any) -> HttpResponse | None:
    """Links with ?village=<id> or ?township=<id> (the API's filters) open the page's area menus."""
    ids = [str(filters.get(name)) for name in ("village", "township") if filters.get(name)]
    if not ids:
        return None
    area = Area.objects.visible_to(request.user).filter(pk=int(ids[0])).first() if ids[0].isdigit() else None
    for name in ("village", "township"):
        filters.pop(name, None)
    if area is not None:
        filters["within"] = area.code
    return redirect(f"{request.path}?{filters.urlencode()}")


@login_required
def household_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as xlsx; full ID numbers only for roles that see them, and then logged."""
    qs = (
        household_list_selector(user=request.user, filters=request.GET)
        .annotate(member_count=member_count_subquery())
        .order_by("-pk")
    )
    full = request.user.has_capability(Capability.VIEW_FULL_ID)
    if full:
        sensitive_access_log(
            user=request.user, what="export_full_id_numbers", detail=request.GET.urlencode(), request=request
        )
    content = imports.export_workbook(qs.iterator(chunk_size=2000), full_ids=full)
    response = HttpResponse(content, content_type=XLSX)
    name = f"households-{clock.today():%Y%m%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_detail_selector(user=request.user, pk=pk)
    procedures = list(household_procedures(household))
    running = next((p for p in procedures if p.status == ProcedureStatusChoices.IN_PROGRESS), None)
    user = request.user
    return render(
        request,
        "households/household_detail.html",
        {
            "household": household,
            "members": household.members.all(),
            "periods": household.membership_periods.select_related("member").order_by("joined_on", "id"),
            "incomes": household.incomes.order_by("-year")[:10],
            "conditions": household.conditions.select_related("assessed_by").order_by("-assessed_on", "-id")[
                :5
            ],
            "four_looks": household.four_looks.order_by("-assessed_on", "-id")[:5],
            "status_changes": household.status_changes.select_related("changed_by").order_by("-changed_at"),
            "procedures": procedures,
            "running": running,
            "sign_form": SignStepForm() if running else None,
            "objection_form": ObjectionForm() if running and running.next_stage == "public_notice" else None,
            "notice_ends_on": services.procedure_notice_ends_on(running) if running else None,
            "cross_checks": household.cross_check_matches.select_related("batch", "member"),
            "can_edit": user.has_capability(Capability.EDIT_REGISTRY),
            "can_propose": user.has_capability(Capability.PROPOSE),
            "can_sign": running is not None
            and user.has_capability(services.STAGE_CAPABILITY.get(running.next_stage, Capability.APPROVE)),
            "can_resolve": user.has_capability(Capability.SIGN_TOWNSHIP_STEP),
            "can_reveal": user.has_capability(Capability.VIEW_FULL_ID),
            "weights": policy_for(household.village).weights,
            "secondary_labels": [PovertyCauseChoices(c).label for c in household.secondary_causes],
        },
    )


@login_required
def household_card(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable household card (明白卡) for the wall and the household's pocket."""
    household = household_detail_selector(user=request.user, pk=pk)
    return render(
        request,
        "households/household_card.html",
        {
            "household": household,
            "members": household.members.all(),
            "income": household.incomes.order_by("-year").first(),
            "conditions": household.conditions.order_by("-assessed_on", "-id").first(),
            "today": clock.today(),
        },
    )


@login_required
@require_POST
def member_id_reveal(request: HttpRequest, pk: int) -> JsonResponse:
    member = get_visible_or_404(Member.objects.all(), request.user, pk=pk)
    try:
        number = services.member_id_number_reveal(member=member, user=request.user, request=request)
    except PermissionDenied as exc:
        return JsonResponse({"detail": str(exc)}, status=403)
    return JsonResponse({"id_number": number})


# -- registration and edits ---------------------------------------------------------------------

MEMBER_ERROR = re.compile(r"^members\[(\d+)\]\.(\w+)$")


@login_required
def household_create(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, Capability.EDIT_REGISTRY)
    form = HouseholdForm(request.POST or None, user=request.user)
    formset = MemberFormSet(
        request.POST or None, prefix="members", initial=[{"relation": RelationChoices.HEAD}]
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        filled = [(i, f) for i, f in enumerate(formset.forms) if f.has_changed()]
        data = form.cleaned_data
        try:
            household = services.household_register(
                user=request.user,
                village=data["village"],
                number=data.get("number") or "",
                members=[{k: v for k, v in f.cleaned_data.items() if k != "version"} for _i, f in filled],
                **{k: v for k, v in data.items() if k not in ("village", "number", "version")},
            )
        except ValidationError as exc:
            _register_errors(form, formset, filled, exc)
        else:
            messages.success(request, _("Household %(n)s registered.") % {"n": household.number})
            return redirect("households:detail", pk=household.pk)
    summary = []
    if request.method == "POST":
        summary = form_error_summary(
            ("", form),
            *((_("Member %(n)d") % {"n": i + 1}, f) for i, f in enumerate(formset.forms) if f.errors),
        )
        summary += [
            {"where": "", "label": "", "message": str(e), "anchor": ""} for e in formset.non_form_errors()
        ]
    return render(
        request,
        "households/household_create.html",
        {"form": form, "formset": formset, "error_summary": summary},
    )


def _register_errors(form: HouseholdForm, formset: Any, filled: list, exc: ValidationError) -> None:
    for key, errors in exc.message_dict.items():
        match = MEMBER_ERROR.match(key)
        if match:
            index, field = int(match.group(1)), match.group(2)
            target = filled[index][1]
            target.add_error(field if field in target.fields else None, errors)
        elif key == "members":
            formset._non_form_errors = formset.error_class(errors)
        else:
            form.add_error(key if key in form.fields else None, errors)


@login_required
def household_edit(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.all(), request.user, pk=pk)
    ensure_can(request.user, Capability.EDIT_REGISTRY, household)
    form = HouseholdForm(request.POST or None, instance=household, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            services.household_update(
                household=household,
                user=request.user,
                expected_version=form.cleaned_data.get("version") or 0,
                **data,
            )
        except ConflictError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("households:detail", pk=household.pk)
    return _form_page(request, form, household, _("Edit household %(n)s") % {"n": household.number})


def _form_page(
    request: HttpRequest, form: Form, household: Household | None, title: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "households/form.html",
        {"form": form, "household": household, "title": title, **extra},
    )


def _service_form(
    request: HttpRequest,
    form: Form,
    household: Household,
    title: str,
    call: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            call(form.cleaned_data)
        except ConflictError as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("households:detail", pk=household.pk)
    return _form_page(request, form, household, title)


def _household_for_edit(
    request: HttpRequest, pk: int, capability: str = Capability.EDIT_REGISTRY
) -> Household:
    household = get_visible_or_404(Household.objects.select_related("village"), request.user, pk=pk)
    ensure_can(request.user, capability, household)
    return household


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_edit(request, pk)
    form = MemberAddForm(request.POST or None)
    return _service_form(
        request,
        form,
        household,
        _("Add a member"),
        lambda d: services.member_add(
            household=household, user=request.user, **{k: v for k, v in d.items() if k != "version"}
        ),
        _("Member added."),
    )


def _member_for_edit(request: HttpRequest, pk: int) -> Member:
    member = get_visible_or_404(Member.objects.select_related("household"), request.user, pk=pk)
    ensure_can(request.user, Capability.EDIT_REGISTRY, member)
    return member


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_for_edit(request, pk)
    form = MemberForm(request.POST or None, instance=member)
    return _service_form(
        request,
        form,
        member.household,
        _("Edit member %(n)s") % {"n": member.name},
        lambda d: services.member_update(
            member=member,
            user=request.user,
            expected_version=d.get("version") or 0,
            **{k: v for k, v in d.items() if k != "version"},
        ),
        _("Saved."),
    )


@login_required
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_for_edit(request, pk)
    form = MemberLeaveForm(request.POST or None, member=member)
    return _service_form(
        request,
        form,
        member.household,
        _("%(n)s leaves the household") % {"n": member.name},
        lambda d: services.member_leave(
            member=member,
            user=request.user,
            left_on=d["left_on"],
            reason=d["reason"],
            new_head=d.get("new_head"),
        ),
        _("The member has left the household; the history is kept."),
    )


@login_required
def member_move(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_for_edit(request, pk)
    form = MemberMoveForm(request.POST or None, member=member)

    def call(d: dict[str, Any]) -> Member:
        target = Household.objects.visible_to(request.user).filter(number=d["to_number"].strip()).first()
        if target is None:
            raise ValidationError({"to_number": _("No household with this number in your area.")})
        return services.member_move(
            member=member,
            to_household=target,
            user=request.user,
            moved_on=d["moved_on"],
            reason=d["reason"],
            relation=d["relation"],
            new_head=d.get("new_head"),
        )

    return _service_form(
        request,
        form,
        member.household,
        _("Move %(n)s to another household") % {"n": member.name},
        call,
        _("The member has moved; both households keep the history."),
    )


@login_required
def income_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_edit(request, pk)
    form = IncomeForm(request.POST or None)
    return _service_form(
        request,
        form,
        household,
        _("Income record"),
        lambda d: services.income_record_save(household=household, user=request.user, **d),
        _("Income saved."),
    )


@login_required
def conditions_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_edit(request, pk)
    form = ConditionsForm(request.POST or None)
    return _service_form(
        request,
        form,
        household,
        _("Living conditions"),
        lambda d: services.living_conditions_record(household=household, user=request.user, **d),
        _("Assessment saved."),
    )


@login_required
def four_looks_add(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household_for_edit(request, pk)
    form = FourLooksForm(request.POST or None)
    return _service_form(
        request,
        form,
        household,
        _("Four-looks score sheet"),
        lambda d: services.four_looks_assess(household=household, user=request.user, **d),
        _("Score sheet saved."),
    )


# -- identification procedure ----------------------------------------------------------------------


def _back_with_errors(request: HttpRequest, household: Household, exc: ValidationError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return redirect("households:detail", pk=household.pk)


@login_required
@require_POST
def procedure_start(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_visible_or_404(Household.objects.all(), request.user, pk=pk)
    try:
        services.procedure_start(household=household, user=request.user)
    except ValidationError as exc:
        return _back_with_errors(request, household, exc)
    messages.success(request, _("Identification procedure started."))
    return redirect("households:detail", pk=household.pk)


@login_required
@require_POST
def procedure_sign(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_visible_or_404(
        IdentificationProcedure.objects.select_related("household"), request.user, pk=pk
    )
    form = SignStepForm(request.POST)
    household = procedure.household
    if not form.is_valid():
        return _back_with_errors(request, household, ValidationError(list(form.errors.values())))
    try:
        services.procedure_sign(
            procedure=procedure,
            stage=request.POST.get("stage", ""),
            user=request.user,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        return _back_with_errors(request, household, exc)
    messages.success(request, _("Step signed."))
    return redirect("households:detail", pk=household.pk)


@login_required
@require_POST
def objection_add(request: HttpRequest, pk: int) -> HttpResponse:
    procedure = get_visible_or_404(
        IdentificationProcedure.objects.select_related("household"), request.user, pk=pk
    )
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, procedure.household, ValidationError(list(form.errors.values())))
    try:
        services.objection_record(procedure=procedure, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _back_with_errors(request, procedure.household, exc)
    messages.success(request, _("Objection recorded."))
    return redirect("households:detail", pk=procedure.household_id)


@login_required
@require_POST
def objection_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_visible_or_404(
        NoticeObjection.objects.select_related("procedure__household"), request.user, pk=pk
    )
    household = objection.procedure.household
    form = ObjectionResolveForm(request.POST)
    if not form.is_valid():
        return _back_with_errors(request, household, ValidationError(list(form.errors.values())))
    try:
        services.objection_resolve(objection=objection, user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _back_with_errors(request, household, exc)
    messages.success(request, _("Objection resolved."))
    return redirect("households:detail", pk=household.pk)


# -- import ---------------------------------------------------------------------------------------


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    villages = (
        Area.objects.visible_to(request.user)
        .filter(level=AreaLevelChoices.VILLAGE)
        .select_related("parent")
        .order_by("code")
    )
    response = HttpResponse(imports.template_workbook(villages.iterator()), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="households-template.xlsx"'
    return response


@login_required
def import_upload(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, Capability.IMPORT_REGISTRY)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_start(
                user=request.user,
                upload=form.cleaned_data["file"],
                migration=bool(form.cleaned_data.get("migration")),
            )
        except ValidationError as exc:
            form_errors(form, exc)
            return render(request, "households/import.html", {"form": form, "jobs": []})
        return redirect("households:import-job", pk=job.pk)
    jobs = Job.objects.visible_to(request.user).filter(kind__in=IMPORT_KINDS, created_by=request.user)[:20]
    return render(request, "households/import.html", {"form": form, "jobs": jobs})


def _import_job(request: HttpRequest, pk: str) -> Job:
    return job_readable_or_404(request.user, pk, kinds=IMPORT_KINDS)


ERRORS_PER_PAGE = 100


def import_errors_page(job: Job, page: Any, per_page: Any = ERRORS_PER_PAGE) -> dict[str, Any]:
    """One page of the errors the job kept (the first IMPORT_MAX_ERRORS, by row), and the total count."""
    kept = (job.result or {}).get("errors")
    items = []
    if isinstance(kept, dict):
        for key, messages_ in sorted(kept.items(), key=lambda kv: _row_order(kv[0])):
            row, _sep, column = key.partition(":")
            items += [{"row": row, "column": column, "message": m} for m in messages_]
    elif isinstance(kept, list):
        items = [{"row": "", "column": "", "message": m} for m in kept]
    try:
        size = max(1, min(int(per_page), 1000))
        number = max(1, int(page))
    except (TypeError, ValueError):
        size, number = ERRORS_PER_PAGE, 1
    pages = max(1, -(-len(items) // size))
    number = min(number, pages)
    return {
        "errors": items[(number - 1) * size : number * size],
        "error_count": (job.result or {}).get("error_count", len(items)),
        "kept": len(items),
        "page": number,
        "pages": pages,
    }


@login_required
def import_job(request: HttpRequest, pk: str) -> HttpResponse:
    job = _import_job(request, pk)
    context: dict[str, Any] = {
        "job": job,
        "errors": [],
        "error_count": 0,
        "can_requeue": job_can_requeue(job, request.user),
    }
    if job.status == JobStatusChoices.FAILED:
        context.update(import_errors_page(job, request.GET.get("page", 1)))
        context["page_numbers"] = range(1, context["pages"] + 1)
    return render(request, "households/import_job.html", context)


def _row_order(key: str) -> tuple[int, str]:
    row, _sep, column = key.partition(":")
    return (int(row) if row.isdigit() else 0, column)


@login_required
def import_errors(request: HttpRequest, pk: str) -> HttpResponse:
    """The error report the job wrote (all errors, not only those kept on the job)."""
    job = _import_job(request, pk)
    report = (job.result or {}).get("report")
    if report and default_storage.exists(report):
        with default_storage.open(report, "rb") as stored:
            content = stored.read()
    else:  # jobs refused before reading rows (header, size) keep all their errors on the job
        page = import_errors_page(job, 1, 1000)
        content = imports.error_report(
            (int(e["row"]) if e["row"].isdigit() else 0, e["column"], e["message"]) for e in page["errors"]
        )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="import-errors.xlsx"'
    return response


# -- duplicates and cross-department checks -------------------------------------------------------


@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    filters = request.GET or {"status": ReviewStatusChoices.PENDING}
    rows = list(duplicate_list(user=request.user, filters=filters)[:200])
    return render(
        request,
        "households/duplicates.html",
        {
            "filter": DuplicateCandidateFilterSet(filters, queryset=DuplicateCandidate.objects.none()),
            "rows": rows,
            "form": ReviewForm(),
            "can_review": request.user.has_capability(Capability.EDIT_REGISTRY),
            "can_scan": request.user.has_capability(Capability.RUN_JOBS),
        },
    )


@login_required
@require_POST
def duplicates_scan(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, Capability.RUN_JOBS)
    area = request.user.areas.order_by("code").first()
    with transaction.atomic():
        job = job_create(kind=DUPLICATES_KIND, user=request.user, area=area)
        job_enqueue(job, households_duplicates_task)
    return redirect("core:job", pk=job.pk)


@login_required
@require_POST
def duplicate_review(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_visible_or_404(DuplicateCandidate.objects.all(), request.user, pk=pk)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors.values()))
        services.duplicate_review(
            candidate=candidate,
            user=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["review_note"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Review recorded."))
    return redirect(reverse("households:duplicates") + "?" + request.GET.urlencode())


@login_required
def cross_checks(request: HttpRequest) -> HttpResponse:
    form = CrossCheckForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.cross_check_upload(
                user=request.user,
                area=form.cleaned_data["area"],
                source=form.cleaned_data["source"],
                source_name=form.cleaned_data["source_name"],
                file_name=upload.name,
                content=upload.read(),
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(rows)d ID numbers checked; %(matches)d matches need review.")
                % {"rows": batch.row_count, "matches": batch.match_count},
            )
            return redirect(reverse("households:cross-checks") + f"?batch={batch.pk}&status=pending")
    filters = request.GET or {"status": ReviewStatusChoices.PENDING}
    return render(
        request,
        "households/cross_checks.html",
        {
            "form": form,
            "batches": cross_check_batches(user=request.user)[:20],
            "filter": CrossCheckMatchFilterSet(filters, queryset=CrossCheckMatch.objects.none()),
            "matches": list(cross_check_match_list(user=request.user, filters=filters)[:200]),
            "review_form": ReviewForm(),
            "can_upload": request.user.has_capability(Capability.SIGN_TOWNSHIP_STEP),
        },
    )


@login_required
@require_POST
def cross_check_review(request: HttpRequest, pk: int) -> HttpResponse:
    match = get_visible_or_404(CrossCheckMatch.objects.all(), request.user, pk=pk)
    form = ReviewForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors.values()))
        services.cross_check_review(
            match=match,
            user=request.user,
            status=form.cleaned_data["status"],
            note=form.cleaned_data["review_note"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Review recorded."))
    return redirect(reverse("households:cross-checks") + "?" + request.GET.urlencode())
