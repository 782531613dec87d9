from django.contrib import admin

from core.admin import ScopedAdmin

from .models import Area, AreaPopulation


@admin.register(Area)
class AreaAdmin(ScopedAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(AreaPopulation)
class AreaPopulationAdmin(ScopedAdmin):
    list_display = ["area", "year", "rural_population", "source"]
    list_filter = ["year"]
    search_fields = ["area__name", "area__code"]
    raw_id_fields = ["area"]
