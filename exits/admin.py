"""Read-only admin views, scoped like the rest of the app. The poverty line, the rules and the village
standards are set on the exits settings page or the API, through the services (which check the
county official's role and keep the version); the admin neither adds, changes nor deletes them."""

from typing import Any

from django.contrib import admin

from core.admin import ScopedAdmin

from .models import ExitSettings, PovertyLine, VillageStandard


class ReadOnlyScopedAdmin(ScopedAdmin):
    list_select_related = ["county"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(PovertyLine)
class PovertyLineAdmin(ReadOnlyScopedAdmin):
    list_display = ["county", "year", "amount", "basis"]
    list_filter = ["year"]


@admin.register(ExitSettings)
class ExitSettingsAdmin(ReadOnlyScopedAdmin):
    list_display = ["county", "notice_min_days", "village_exit_threshold", "monitoring_deadline_days"]


@admin.register(VillageStandard)
class VillageStandardAdmin(ReadOnlyScopedAdmin):
    list_display = ["county", "position", "title", "active"]
    list_filter = ["active"]
