"""Read-only admin: supervision records change only through the services (pages and API)."""

from django.contrib import admin

from core.admin import ReadOnlyScopedAdmin as ReadOnlyAdmin

from .models import Complaint, Inspection, Problem


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["title", "area", "inspected_on"]
    list_select_related = ["area"]


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdmin):
    list_display = ["id", "area", "category", "responsible_unit", "deadline", "status"]
    list_filter = ["status", "category"]
    list_select_related = ["area"]


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ["id", "area", "kind", "received_on", "answer_deadline", "status", "finding"]
    list_filter = ["kind", "status", "finding"]
    list_select_related = ["area"]
