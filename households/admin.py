"""Admin: the registry policy is edited here (through its service); registry records are browsed
read-only, scoped like everything else, because their writes have rules the pages enforce."""

from typing import Any

from django.contrib import admin

from core.admin import ScopedAdmin

from .models import Household, IdentificationProcedure, RegistryPolicy
from .services import registry_policy_save


@admin.register(RegistryPolicy)
class RegistryPolicyAdmin(ScopedAdmin):
    list_display = [
        "area",
        "notice_min_days",
        "weight_housing",
        "weight_grain",
        "weight_labour",
        "weight_students",
    ]
    raw_id_fields = ["area"]

    def save_model(self, request: Any, obj: RegistryPolicy, form: Any, change: bool) -> None:
        saved = registry_policy_save(
            area=obj.area,
            user=request.user,
            notice_min_days=obj.notice_min_days,
            weight_housing=obj.weight_housing,
            weight_grain=obj.weight_grain,
            weight_labour=obj.weight_labour,
            weight_students=obj.weight_students,
        )
        obj.pk = saved.pk

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


class ReadOnlyScopedAdmin(ScopedAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


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
