from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from core.admin import AdministratorAccessMixin

from .models import User, UserArea


class UserAreaInline(admin.TabularInline):
    model = UserArea
    extra = 1
    raw_id_fields = ["area"]


@admin.register(User)
class UserAdmin(AdministratorAccessMixin, DjangoUserAdmin):
    list_display = ["username", "full_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    inlines = [UserAreaInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("Role and scope"), {"fields": ("role", "full_name", "phone", "unit")}),
    )

    def get_queryset(self, request: Any) -> QuerySet:
        # An area's administrator manages the users whose scope lies inside their own.
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        q = Q(pk__in=[])
        for prefix in request.user.scope_prefixes:
            q |= Q(areas__code__startswith=prefix)
        return qs.filter(q).distinct()
