"""The household list, export, detail page and card."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.requests import request_user
from accounts.roles import Capability
from areas.models import Area
from core import clock
from core.downloads import as_download, download_name, scope_name
from core.filtering import FilterRefused, export_refused
from core.paging import capped_page
from core.replicas import replica_reads_view
from core.scoping import get_visible_or_404
from core.services import sensitive_access_log

from .. import imports, services
from ..choices import PovertyCauseChoices, ProcedureStatusChoices
from ..filters import HouseholdFilterSet
from ..forms import (
    ObjectionForm,
    SignStepForm,
)
from ..models import (
    Household,
    Member,
)
from ..selectors import (
    household_detail as household_detail_selector,
)
from ..selectors import (
    household_list as household_list_selector,
)
from ..selectors import (
    household_procedures,
    policy_for,
)
from .base import PAGE_SIZE, XLSX, member_count_subquery

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


@replica_reads_view
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
    qs = household_list_selector(user=request_user(request), filters=filters).annotate(
        member_count=member_count_subquery()
    )
    if key in LIST_SORTS:
        column: Any = F(LIST_SORTS[key])
        qs = qs.order_by(column.desc() if sort.startswith("-") else column.asc(), "-pk")
    else:
        sort = ""
        qs = qs.order_by("-pk")
    result = capped_page(
        qs,
        page=page,
        before=before,
        page_size=PAGE_SIZE,
        cap=LIST_COUNT_CAP,
        keyset_ok=not sort,
    )
    base = filters.urlencode()
    with_sort = f"{base}&sort={sort}" if sort else base
    return render(
        request,
        "households/household_list.html",
        {
            "filter": HouseholdFilterSet(
                filters or None,
                user=request_user(request),
                for_page=True,
                queryset=Household.objects.none(),
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
            "can_edit": request_user(request).has_capability(Capability.EDIT_REGISTRY),
            "can_import": request_user(request).has_capability(Capability.IMPORT_REGISTRY),
        },
    )


def _legacy_area_filters(request: HttpRequest, filters: Any) -> HttpResponse | None:
    """Links with ?village=<id> or ?township=<id> (the API's filters) open the page's area menus."""
    ids = [str(filters.get(name)) for name in ("village", "township") if filters.get(name)]
    if not ids:
        return None
    area = (
        Area.objects.visible_to(request_user(request)).filter(pk=int(ids[0])).first()
        if ids[0].isdigit()
        else None
    )
    for name in ("village", "township"):
        filters.pop(name, None)
    if area is not None:
        filters["within"] = area.code
    return redirect(f"{request.path}?{filters.urlencode()}")


@replica_reads_view
@login_required
def household_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as xlsx; full ID numbers only for roles that see them, and then logged. A
    filter value that cannot be applied (another township's village, an unknown status) is a 400
    naming it, never a spreadsheet of the whole area."""
    try:
        qs = (
            household_list_selector(user=request_user(request), filters=request.GET, strict=True)
            .annotate(member_count=member_count_subquery())
            .order_by("-pk")
        )
    except FilterRefused as refused:
        return export_refused(
            request, refused, back_url=f"{reverse('households:list')}?{request.GET.urlencode()}"
        )
    full = request_user(request).has_capability(Capability.VIEW_FULL_ID)
    if full:
        sensitive_access_log(
            user=request_user(request),
            what="export_full_id_numbers",
            detail=request.GET.urlencode(),
            request=request,
        )
    content = imports.export_workbook(qs.iterator(chunk_size=2000), full_ids=full)
    response = HttpResponse(content, content_type=XLSX)
    return as_download(
        response,
        download_name(scope_name(request_user(request)), _("household list"), clock.today(), ext="xlsx"),
    )


@login_required
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_detail_selector(user=request_user(request), pk=pk)
    procedures = list(household_procedures(household))
    running = next((p for p in procedures if p.status == ProcedureStatusChoices.IN_PROGRESS), None)
    user = request_user(request)
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
    household = household_detail_selector(user=request_user(request), pk=pk)
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
    member = get_visible_or_404(Member.objects.all(), request_user(request), pk=pk)
    try:
        number = services.member_id_number_reveal(member=member, user=request_user(request), request=request)
    except PermissionDenied as exc:
        return JsonResponse({"detail": str(exc)}, status=403)
    return JsonResponse({"id_number": number})
