"""Generic page views, NetBox-style: a page names its selector, FilterSet, form, service and template,
and these do the rest the same way on every page. Scoping stays where it is written once (the
selectors and core.scoping); service errors go next to the fields (core.forms.form_add_service_errors).

- ScopedListView: a page of the rows a selector returns for the user, narrowed by the model's FilterSet.
- ServiceFormView: a form whose valid data go to one service call.
- ServiceActionView: a small form posted from a page (a decision, an objection, a review): one service
  call, the outcome as messages on that page.
- JobStartView: a POST that starts a job through its service and opens the job's page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from .exceptions import ConflictError
from .forms import form_add_service_errors
from .models import Job
from .paging import PAGE_SIZE, page_of, querystring_without_page


class ScopedListView(LoginRequiredMixin, View):
    """GET: one page of `rows()` (a selector call: the rows the user may see), filtered by
    `filterset_class`, with the query string for the links to the other pages.

    `initial_filters()`: what an empty query string means (this year's plans, the active teams).
    `unbound_when_empty`: otherwise an empty query string leaves the FilterSet unbound (its form shows
    no errors). `filtered_by_selector`: the selector applies the filters itself (it is given
    request.GET), and the FilterSet only draws the filter form."""

    template_name: str
    filterset_class: Any = None
    unbound_when_empty = False
    filtered_by_selector = False
    page_size = PAGE_SIZE
    replica_reads = True  # a list only reads: a standby may serve it (core/replicas.py)
    request: HttpRequest
    filters: Any = None  # what the FilterSet was bound to
    page: Any = None  # the page shown, for get_context

    def rows(self) -> QuerySet[Any]:
        raise NotImplementedError

    def initial_filters(self) -> dict[str, Any] | None:
        return None

    def filter_data(self) -> Any:
        if self.request.GET:
            return self.request.GET
        initial = self.initial_filters()
        if initial is not None:
            return initial
        return None if self.unbound_when_empty else self.request.GET

    def get_context(self) -> dict[str, Any]:
        """What the template needs beside the page (the user's rights, choices ...)."""
        return {}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = self.rows()
        context: dict[str, Any] = {}
        if self.filterset_class is not None:
            self.filters = data = self.filter_data()
            if self.filtered_by_selector:
                context["filter"] = self.filterset_class(data, request=request)
            else:
                context["filter"] = self.filterset_class(data, queryset=rows, request=request)
                rows = context["filter"].qs
        context["page_obj"] = self.page = page_of(request, rows, self.page_size)
        context["querystring_without_page"] = querystring_without_page(request)
        context.update(self.get_context())
        return render(request, self.template_name, context)


class ServiceFormView(LoginRequiredMixin, View):
    """GET: the form. POST: a valid form goes to `perform` (one service call); the service's errors
    are shown on the form, next to the fields they name, and nothing is written; on success,
    `success(result)` answers (a redirect)."""

    form_class: type[BaseForm]
    template_name: str
    request: HttpRequest
    # a page that creates a record may just name these: the service (called with the form's data and
    # the user), the message once it is done and the URL name of the record's page
    service: Any = None
    success_message: Any = ""
    success_url_name = ""

    def check(self) -> None:
        """Refuse the page before any form is drawn (ensure_can ...)."""

    def get_form_kwargs(self) -> dict[str, Any]:
        return {}

    def form_ready(self, form: Any) -> None:
        """Narrow the form to the user once it is built (choices in the user's areas ...)."""

    def perform(self, form: Any) -> Any:
        if self.service is None:
            raise NotImplementedError
        return self.service(user=self.request.user, **form.cleaned_data)

    def success(self, result: Any) -> HttpResponse:
        if not self.success_url_name:
            raise NotImplementedError
        if self.success_message:
            messages.success(self.request, str(self.success_message))
        return redirect(self.success_url_name, pk=result.pk)

    def get_context(self, form: Any) -> dict[str, Any]:
        return {"form": form}

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        form = self.form_class(**self.get_form_kwargs())
        self.form_ready(form)
        return render(request, self.template_name, self.get_context(form))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check()
        form = self.form_class(request.POST, request.FILES or None, **self.get_form_kwargs())
        self.form_ready(form)
        if form.is_valid():
            try:
                result = self.perform(form)
            except (ValidationError, ConflictError) as exc:
                form_add_service_errors(form, exc)
            else:
                return self.success(result)
        return render(request, self.template_name, self.get_context(form))


class JobFormView(ServiceFormView):
    """A form that starts a job: `perform` calls the job's start service; the job's page follows."""

    def perform(self, form: Any) -> Job:
        raise NotImplementedError

    def success(self, result: Job) -> HttpResponse:
        return redirect("core:job", pk=result.pk)


class ServiceActionView(LoginRequiredMixin, View):
    """POST only: a small form on a page whose valid data go to one service call (`perform`), answered
    by a redirect to that page (`back`; on success `done(result)`, by default the same) with the
    outcome as messages: `success_message`, or the service's refusals (a ValidationError's messages,
    a ConflictError's), or for an invalid form `invalid_message` when it is set, the form's errors
    otherwise. `get_object` runs first, so a record
    out of the user's scope is a 404 whatever was posted."""

    http_method_names = ["post"]  # noqa: RUF012
    form_class: type[BaseForm]
    success_message: Any = ""
    invalid_message: Any = ""
    request: HttpRequest

    def get_object(self) -> Any:
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        return {}

    def perform(self, form: Any) -> Any:
        raise NotImplementedError

    def get_success_message(self, form: Any) -> str:
        return str(self.success_message)

    def back(self) -> str:
        raise NotImplementedError

    def done(self, result: Any) -> str:
        """Where a success goes: back to the page, unless the action made a record to open."""
        return self.back()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        form = self.form_class(request.POST, **self.get_form_kwargs())
        if not form.is_valid():
            refusals = [self.invalid_message] if self.invalid_message else list(form.errors.values())
            for message in ValidationError(refusals).messages:
                messages.error(request, message)
            return redirect(self.back())
        try:
            result = self.perform(form)
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        except ConflictError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, self.get_success_message(form))
            return redirect(self.done(result))
        return redirect(self.back())


class JobStartView(LoginRequiredMixin, View):
    """POST: start a job through its service (`start`) and open the job's page; a refusal is shown as
    messages on the page the button was on (`back_url`, a URL name)."""

    http_method_names = ["post"]  # noqa: RUF012
    back_url: str = "core:home"
    request: HttpRequest

    def start(self) -> Job:
        raise NotImplementedError

    def back_to(self) -> str:
        return reverse(self.back_url)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            job = self.start()
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect(self.back_to())
        return redirect("core:job", pk=job.pk)
