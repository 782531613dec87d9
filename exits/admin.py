"""Read-only admin views, scoped like the rest of the app. The poverty line and the village
standards are set on the exits settings page (the rules on the policy page) or the API, through the services (which check the
county official's role and keep the version); the admin neither adds, changes nor deletes them."""

from django.contrib import admin

from core.admin import ReadOnlyScopedAdmin

from .models import PovertyLine, VillageStandard


@admin.register(PovertyLine)
class PovertyLineAdmin(ReadOnlyScopedAdmin):
    list_select_related = ["county"]
    list_display = ["county", "year", "amount", "basis"]
    list_filter = ["year"]


@admin.register(VillageStandard)
class VillageStandardAdmin(ReadOnlyScopedAdmin):
    list_select_related = ["county"]
    list_display = ["county", "position", "title", "active"]
    list_filter = ["active"]
