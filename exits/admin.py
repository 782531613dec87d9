"""Read-only admin views, scoped like the rest of the app. The village standards are set on the exits
settings page or the API, through the services (which check the county official's role and keep the
version); the admin neither adds, changes nor deletes them. The poverty line and the rules are policy
values (areas.PolicyValue), set on the county's policy page."""

from django.contrib import admin

from core.admin import ReadOnlyScopedAdmin

from .models import VillageStandard


@admin.register(VillageStandard)
class VillageStandardAdmin(ReadOnlyScopedAdmin):
    list_select_related = ["county"]
    list_display = ["county", "position", "title", "active"]
    list_filter = ["active"]
