"""Read-only admin: snapshots are written by the incidence job and recomputed through its service."""

from django.contrib import admin

from core.admin import ReadOnlyScopedAdmin as ReadOnlyAdmin

from .models import ExitTarget, IncidenceRecompute, IncidenceSnapshot


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
