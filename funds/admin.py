"""Admin: the ledger is read-only here (payments are corrected by reversal entries in the app, never
edited or deleted); the positive and negative lists are kept here through the service."""

from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError

from core.admin import ReadOnlyScopedAdmin, ScopedAdmin

from .models import (
    Allocation,
    DeclaredTotal,
    Disbursement,
    FundSource,
    Notice,
    Project,
    ProjectCategory,
    ProjectFunding,
)
from .services import project_category_save


@admin.register(Disbursement)
class DisbursementAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "voucher_number",
        "kind",
        "amount",
        "paid_on",
        "project",
        "payee",
        "recorded_by",
        "recorded_at",
    ]
    list_filter = ["kind"]
    list_select_related = ["project", "recorded_by"]
    search_fields = ["voucher_number", "payee", "idempotency_key"]


@admin.register(Allocation)
class AllocationAdmin(ReadOnlyScopedAdmin):
    list_display = ["document_number", "source", "year", "amount", "assigned_total", "county"]
    list_select_related = ["source", "county"]
    list_filter = ["year", "source__level", "source__kind"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "area", "category", "year", "status", "budget", "allocated_total", "paid_total"]
    list_select_related = ["area", "category"]
    list_filter = ["status", "year"]
    search_fields = ["name"]


@admin.register(ProjectFunding)
class ProjectFundingAdmin(ReadOnlyScopedAdmin):
    list_display = ["project", "allocation", "amount", "paid_total"]
    list_select_related = ["project", "allocation__source"]


@admin.register(FundSource)
class FundSourceAdmin(ReadOnlyScopedAdmin):
    list_display = ["name", "level", "kind", "area"]
    list_select_related = ["area"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "kind", "project", "starts_on", "ends_on"]
    list_select_related = ["project"]


@admin.register(DeclaredTotal)
class DeclaredTotalAdmin(ReadOnlyScopedAdmin):
    list_display = ["title", "year", "declared_amount", "area"]
    list_select_related = ["area"]


@admin.register(ProjectCategory)
class ProjectCategoryAdmin(ScopedAdmin):
    list_display = ["code", "name", "list_kind", "area", "keywords"]
    list_select_related = ["area"]
    list_filter = ["list_kind"]

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        try:
            project_category_save(
                area=obj.area,
                code=obj.code,
                name=obj.name,
                list_kind=obj.list_kind,
                keywords=obj.keywords,
                note=obj.note,
                category=ProjectCategory.objects.get(pk=obj.pk) if change else None,
                user=request.user,
            )
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), level="error")
