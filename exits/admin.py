from django.contrib import admin

from core.admin import ScopedAdmin

from .models import ExitSettings, PovertyLine, VillageStandard


@admin.register(PovertyLine)
class PovertyLineAdmin(ScopedAdmin):
    list_display = ["county", "year", "amount", "basis"]
    list_filter = ["year"]
    readonly_fields = ["county", "year", "amount", "basis", "set_by", "version"]

    def has_add_permission(self, request: object) -> bool:
        return False  # set through the settings page or API (exits.services.poverty_line_set)


@admin.register(ExitSettings)
class ExitSettingsAdmin(ScopedAdmin):
    list_display = ["county", "notice_min_days", "village_exit_threshold", "monitoring_deadline_days"]
    readonly_fields = [f.name for f in ExitSettings._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(VillageStandard)
class VillageStandardAdmin(ScopedAdmin):
    """Read-only here: standards are added and retired on the exits settings page (services)."""

    list_display = ["county", "position", "title", "active"]
    list_filter = ["active"]
    readonly_fields = [f.name for f in VillageStandard._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False
