"""Probable duplicates and cross-department checks."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.requests import request_user
from accounts.roles import Capability
from core.models import Job
from core.pages import JobStartView, ServiceActionView
from core.scoping import get_visible_or_404

from .. import services
from ..choices import ReviewStatusChoices
from ..filters import CrossCheckMatchFilterSet, DuplicateCandidateFilterSet
from ..forms import (
    CrossCheckForm,
    ReviewForm,
)
from ..models import (
    CrossCheckMatch,
    DuplicateCandidate,
)
from ..selectors import (
    cross_check_batches,
    cross_check_match_list,
    duplicate_list,
)
from .base import form_errors

# -- duplicates and cross-department checks -------------------------------------------------------


@login_required
def duplicates(request: HttpRequest) -> HttpResponse:
    filters = request.GET or {"status": ReviewStatusChoices.PENDING}
    rows = list(duplicate_list(user=request_user(request), filters=filters)[:200])
    return render(
        request,
        "households/duplicates.html",
        {
            "filter": DuplicateCandidateFilterSet(filters, queryset=DuplicateCandidate.objects.none()),
            "rows": rows,
            "form": ReviewForm(),
            "can_review": request_user(request).has_capability(Capability.EDIT_REGISTRY),
            "can_scan": request_user(request).has_capability(Capability.RUN_JOBS),
        },
    )


class DuplicatesScan(JobStartView):
    back_url = "households:duplicates"

    def start(self) -> Job:
        return services.duplicates_scan_start(user=request_user(self.request))


duplicates_scan = DuplicatesScan.as_view()


class _Review(ServiceActionView):
    """A reviewer's decision (status and note) on one entry of a review queue (`queue`, a URL name),
    shown on the queue as it was filtered."""

    form_class = ReviewForm
    success_message = gettext_lazy("Review recorded.")
    queue = ""

    def back(self) -> str:
        return reverse(self.queue) + "?" + self.request.GET.urlencode()


class DuplicateReview(_Review):
    queue = "households:duplicates"

    def get_object(self) -> DuplicateCandidate:
        return get_visible_or_404(
            DuplicateCandidate.objects.all(), request_user(self.request), pk=self.kwargs["pk"]
        )

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return services.duplicate_review(
            candidate=self.object,
            user=request_user(self.request),
            status=data["status"],
            note=data["review_note"],
        )


duplicate_review = DuplicateReview.as_view()


@login_required
def cross_checks(request: HttpRequest) -> HttpResponse:
    form = CrossCheckForm(request.POST or None, request.FILES or None, user=request_user(request))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.cross_check_upload(
                user=request_user(request),
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
            "batches": cross_check_batches(user=request_user(request))[:20],
            "filter": CrossCheckMatchFilterSet(filters, queryset=CrossCheckMatch.objects.none()),
            "matches": list(cross_check_match_list(user=request_user(request), filters=filters)[:200]),
            "review_form": ReviewForm(),
            "can_upload": request_user(request).has_capability(Capability.SIGN_TOWNSHIP_STEP),
        },
    )


class CrossCheckReview(_Review):
    queue = "households:cross-checks"

    def get_object(self) -> CrossCheckMatch:
        return get_visible_or_404(
            CrossCheckMatch.objects.all(), request_user(self.request), pk=self.kwargs["pk"]
        )

    def perform(self, form: Any) -> Any:
        data = form.cleaned_data
        return services.cross_check_review(
            match=self.object,
            user=request_user(self.request),
            status=data["status"],
            note=data["review_note"],
        )


cross_check_review = CrossCheckReview.as_view()
