"""Admin: registry records are browsed read-only, scoped like everything else, because their writes
have rules the pages enforce (the registry policy is edited on the area policy page)."""

from django.contrib import admin

from core.admin import ReadOnlyScopedAdmin

from .models import Household, IdentificationProcedure


@admin.register(Household)
class HouseholdAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "village", "head", "status", "main_cause", "year_identified"]
    list_filter = ["status", "attribute", "main_cause"]
    search_fields = ["number"]
    list_select_related = ["village", "head"]


@admin.register(IdentificationProcedure)
class IdentificationProcedureAdmin(ReadOnlyScopedAdmin):
    list_display = ["household", "status", "next_stage", "created_at", "finished_at"]
    list_filter = ["status", "next_stage"]
    list_select_related = ["household"]
