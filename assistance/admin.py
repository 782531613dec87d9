"""Read-only admin views, scoped like the rest of the app. Every write goes through the pages and the
API, which call the services (the one-cadre rule, rotation and versions live there)."""

from django.contrib import admin

from core.admin import ReadOnlyScopedAdmin

from .models import AssistancePlan, Cadre, CadrePairing, FollowUp, Measure, VillagePlan, Visit, WorkTeam


@admin.register(Cadre)
class CadreAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "unit", "phone", "area", "user", "is_active"]
    list_select_related = ["area", "user"]
    search_fields = ["name", "unit", "phone"]
    list_filter = ["is_active"]


@admin.register(WorkTeam)
class WorkTeamAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "sending_unit", "area", "term_start", "term_end", "status"]
    list_select_related = ["area"]
    list_filter = ["status"]
    search_fields = ["name", "sending_unit"]


@admin.register(CadrePairing)
class CadrePairingAdmin(ReadOnlyScopedAdmin):
    list_display = ["household", "cadre", "start", "end", "end_reason"]
    list_select_related = ["household", "cadre"]
    search_fields = ["household__number", "cadre__name"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyScopedAdmin):
    list_display = ["household", "visited_on", "visitor", "cadre", "team"]
    list_select_related = ["household", "visitor", "cadre", "team"]
    date_hierarchy = "visited_on"
    search_fields = ["household__number"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyScopedAdmin):
    list_display = ["description", "household", "due_date", "status", "done_on"]
    list_select_related = ["household"]
    list_filter = ["status"]


@admin.register(AssistancePlan)
class AssistancePlanAdmin(ReadOnlyScopedAdmin):
    list_display = ["household", "year", "status"]
    list_select_related = ["household"]
    list_filter = ["year", "status"]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyScopedAdmin):
    list_display = ["household", "kind", "category", "start_date", "status", "amount"]
    list_select_related = ["household"]
    list_filter = ["category", "kind", "status"]


@admin.register(VillagePlan)
class VillagePlanAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "village", "year", "status"]
    list_select_related = ["village"]
    list_filter = ["year", "status"]
