from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core.roles import Capability
from core.scoping import ScopedQuerySet

from .job_kinds import job_title
from .masking import masked, personal_fields_of
from .models import Attachment, Job, Notification, SensitiveAccess


class AdministratorAccessMixin:
    """Admin access follows the role table, not Django's per-model permissions: users whose role has
    the `administer` capability (system administrators, superusers) may use it."""

    def _administers(self, request: Any) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and user.has_capability(Capability.ADMINISTER))

    def has_module_permission(self, request: Any) -> bool:
        return self._administers(request)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return self._administers(request)

    def has_add_permission(self, request: Any) -> bool:
        return self._administers(request)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return self._administers(request)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return self._administers(request)

    def get_exclude(self, request: Any, obj: Any = None) -> Any:
        # Personal fields (core.masking) are not read in the admin: the record pages show them masked,
        # and in full only through their logged reveal.
        excluded = list(super().get_exclude(request, obj) or [])  # type: ignore[misc]
        return excluded + [name for name in personal_fields_of(self.model) if name not in excluded]  # type: ignore[attr-defined]

    def get_list_display(self, request: Any) -> Any:
        # A declared field in a list column is shown masked, as the record pages' lists show it.
        declared = personal_fields_of(self.model)  # type: ignore[attr-defined]
        columns = super().get_list_display(request)  # type: ignore[misc]
        return [_masked_column(self.model, c) if c in declared else c for c in columns]  # type: ignore[attr-defined]


def _masked_column(model: Any, name: str) -> Any:
    def column(obj: Any) -> str:
        return masked(model, name, getattr(obj, name))

    column.short_description = model._meta.get_field(name).verbose_name  # type: ignore[attr-defined]
    column.__name__ = name
    return column


class ScopedAdmin(AdministratorAccessMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin with the same area scope as the rest of the app: a county's administrator manages only
    that county's rows."""

    def get_queryset(self, request: Any) -> QuerySet[Any]:
        queryset = cast("ScopedQuerySet[Any]", super().get_queryset(request))  # scoped models only
        return queryset.visible_to(request.user)

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        # A foreign key to a scoped model (an area, a household) accepts only rows in the user's scope,
        # raw-id widgets included: typing another county's id is a form error, not a way in.
        related = db_field.remote_field.model
        if "queryset" not in kwargs and hasattr(related._default_manager, "visible_to"):
            kwargs["queryset"] = related._default_manager.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """An admin that only reads: nothing is added, changed or deleted from it."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ReadOnlyScopedAdmin(ReadOnlyAdminMixin, ScopedAdmin):
    """A scoped admin that only reads: the records change through the services (their rules, roles,
    versions and audit), never behind their back."""


@admin.register(Job)
class JobAdmin(ScopedAdmin):
    """Jobs are started by the pages that own them (imports, snapshots, reminders); the admin reads
    them, titled in words as their own pages are (core.job_kinds), not by their kind's code."""

    list_display = ["title", "status", "area", "created_by", "created", "progress_done", "progress_total"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in Job._meta.fields]

    @admin.display(description=_("Job"), ordering="kind")
    def title(self, job: Job) -> str:
        return job_title(job)

    @admin.display(description=_("Started"), ordering="created_at")
    def created(self, job: Job) -> Any:
        return job.created_at

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["original_name", "kind", "content_type", "object_id", "uploaded_by", "uploaded_at"]
    readonly_fields = ["sha256", "size", "mime_type"]

    def has_module_permission(self, request: Any) -> bool:
        return bool(request.user.is_superuser)


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Read only: the log is written by core.services.sensitive_access_log, and the database refuses
    to change or delete it."""

    list_display = ["at", "username", "what", "content_type", "object_id", "ip_address"]
    list_filter = ["what"]
    search_fields = ["username", "object_id"]


admin.site.register(Notification)
