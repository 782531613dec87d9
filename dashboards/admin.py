"""Read-only admin: snapshots are written by the incidence job and recomputed through its service."""

from typing import Any

from django.contrib import admin

from core.admin import ScopedAdmin

from .models import ExitTarget, IncidenceRecompute, IncidenceSnapshot


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(IncidenceSnapshot)
class IncidenceSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["county", "as_of", "population_year", "status", "computed_at", "recompute_count"]
    list_filter = ["status", "as_of"]
    list_select_related = ["county"]


@admin.register(IncidenceRecompute)
class IncidenceRecomputeAdmin(ReadOnlyAdmin):
    list_display = ["snapshot", "requested_by", "requested_at", "reason"]
    list_select_related = ["snapshot__county", "requested_by"]


@admin.register(ExitTarget)
class ExitTargetAdmin(ReadOnlyAdmin):
    list_display = ["area", "year", "people", "households", "version"]
    list_select_related = ["area"]
