from typing import Any

from django.contrib import admin

from core.admin import ReadOnlyScopedAdmin, ScopedAdmin

from .models import Area, AreaPopulation, PolicyValue


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    """An area's identity (code, level, parent) decides what everyone above and below it sees, so only
    a superuser changes it; areas are loaded by the import (areas_import), not added by hand."""

    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
    identity_fields = ("code", "level", "parent")

    def get_readonly_fields(self, request: Any, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [name for name in self.identity_fields if name not in readonly]
        return readonly

    def has_add_permission(self, request: Any) -> bool:
        return bool(request.user.is_superuser) and super().has_add_permission(request)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return bool(request.user.is_superuser) and super().has_delete_permission(request, obj)


@admin.register(AreaPopulation)
class AreaPopulationAdmin(ScopedAdmin):
    list_display = ["area", "year", "rural_population", "source"]
    list_filter = ["year"]
    search_fields = ["area__name", "area__code"]
    raw_id_fields = ["area"]


@admin.register(PolicyValue)
class PolicyValueAdmin(ReadOnlyScopedAdmin):
    """Read-only: policy values are set on the area's policy page (areas.services.policy_set checks
    each key's role, level and bounds and keeps the version)."""

    list_display = ["area", "key", "year", "value", "basis", "version", "updated_at"]
    list_filter = ["key", "year"]
    list_select_related = ["area"]
