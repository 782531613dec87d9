from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet

from core.roles import Capability
from core.scoping import ScopedQuerySet

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


class ScopedAdmin(AdministratorAccessMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """Admin with the same area scope as the rest of the app: a county's administrator manages only
    that county's rows."""

    def get_queryset(self, request: Any) -> QuerySet[Any]:
        queryset = cast("ScopedQuerySet[Any]", super().get_queryset(request))  # scoped models only
        return queryset.visible_to(request.user)


class ReadOnlyScopedAdmin(ScopedAdmin):
    """A scoped admin that only reads: the records change through the services (their rules, roles,
    versions and audit), never behind their back."""

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Job)
class JobAdmin(ScopedAdmin):
    list_display = ["kind", "status", "area", "created_by", "created_at", "progress_done", "progress_total"]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in Job._meta.fields]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["original_name", "kind", "content_type", "object_id", "uploaded_by", "uploaded_at"]
    readonly_fields = ["sha256", "size", "mime_type"]

    def has_module_permission(self, request: Any) -> bool:
        return bool(request.user.is_superuser)


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["at", "user", "what", "content_type", "object_id", "ip_address"]
    list_filter = ["what"]

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


admin.site.register(Notification)
