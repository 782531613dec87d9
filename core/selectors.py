from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from .scoping import get_visible_or_404

if TYPE_CHECKING:
    from core.users import User


def scoped_record(user: User, app_label: str, model_name: str, pk: Any) -> models.Model:
    """Any scoped record by its content type, if the user's scope covers it; 404 otherwise.

    Models without a scope_path are not reachable this way at all (fail closed).
    """
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as exc:
        raise Http404(_("Not found, or outside your area.")) from exc
    if not hasattr(model, "scope_path") or not hasattr(model.objects, "visible_to"):
        raise Http404(_("Not found, or outside your area."))
    try:
        model._meta.pk.to_python(pk)
    except Exception as exc:
        raise Http404(_("Not found, or outside your area.")) from exc
    record: models.Model = get_visible_or_404(model.objects.all(), user, pk=pk)
    return record


def job_readable_or_404(user: User, pk: Any, *, kinds: Any = None) -> Any:
    """A job the user may read (core.models.JobQuerySet.readable_by), optionally of these kinds; 404
    otherwise, so neither another office's jobs nor their errors are shown."""
    from .models import Job

    qs = Job.objects.readable_by(user)
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    try:
        return qs.get(pk=pk)
    except (Job.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404(_("Not found, or outside your area.")) from exc
