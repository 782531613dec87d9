"""User management for system administrators: role and scope chosen from the area tree, every grant
checked by accounts.services (nobody grants what they do not hold, nor touches their own role or
areas), users deactivated rather than deleted."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from areas.pickers import AreaPickerWidget, AreaWithinField
from core.admin import AdministratorAccessMixin
from core.masking import shown

from .models import User
from .selectors import users_managed_by
from .services import (
    user_admin_save,
    user_deactivate,
    user_grant_problems,
    user_manage_problems,
    user_set_temporary_password,
    user_sign_out_everywhere,
    user_unlock,
)


class ScopePickerWidget(AreaPickerWidget):
    """The area picker inside the admin: its menus start at the administrator's own areas (so a
    county's administrator may grant the whole county) and load children as they are chosen."""

    own_first = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user: Any = None

    class Media:
        js = ("js/area-picker.js",)

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> Any:
        if self.user is None:
            return super().render(name, value, attrs, renderer)
        return self.render_for_user(name, value, self.user, attrs)


class _ScopeFormMixin(forms.Form):
    """The scope part of both forms: the areas kept (ticked) and one area added from the tree."""

    areas_kept = forms.ModelMultipleChoiceField(
        label=_("areas in scope"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Untick an area to remove it from the user's scope."),
    )
    area_added = AreaWithinField(
        label=_("add an area"),
        widget=ScopePickerWidget,
        help_text=_("Choose the area from the tree; the user sees everything inside it."),
    )

    actor: Any = None

    def scope_setup(self, actor: Any) -> None:
        self.actor = actor
        self.fields["area_added"].user = actor
        self.fields["area_added"].widget.user = actor
        if self.instance.pk:
            self.fields["areas_kept"].queryset = self.instance.areas.order_by("code")
            self.fields["areas_kept"].initial = list(self.instance.areas.values_list("pk", flat=True))
        else:
            del self.fields["areas_kept"]
        if self.instance.pk and self.instance.pk == actor.pk:
            # nobody changes their own role or areas
            for name in ("role", "areas_kept", "area_added", "is_superuser"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def scope_areas(self) -> list[Area]:
        if self.instance.pk and self.instance.pk == self.actor.pk:
            return list(self.instance.areas.all())
        areas = list(self.cleaned_data.get("areas_kept") or [])
        added = self.cleaned_data.get("area_added")
        if added is not None and added not in areas:
            areas.append(added)
        return areas

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        areas = self.scope_areas()
        if not areas and not self.instance.is_superuser and not data.get("is_superuser"):
            raise ValidationError(_("Give the user at least one area: they see nothing without one."))
        for name in ("role", "is_superuser"):
            if name in data:
                setattr(self.instance, name, data[name])
        problems = user_grant_problems(actor=self.actor, user=self.instance, areas=areas)
        if problems:
            raise ValidationError(problems)
        return data


_ADMIN_FIELDS = ("role", "full_name", "phone", "unit", "is_active")


class UserCreateForm(_ScopeFormMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", *_ADMIN_FIELDS)


class UserEditForm(_ScopeFormMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = ("username", "password", *_ADMIN_FIELDS, "is_superuser")


@admin.register(User)
class UserAdmin(AdministratorAccessMixin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    # Django's sentence ("after you've created a user, you'll be able to edit more") is untranslated
    # and untrue here: the user is created with role and area in one step.
    add_form_template = "admin/accounts/user/add_form.html"
    list_display = ["username", "full_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "full_name", "phone"]
    actions = ["deactivate", "unlock", "sign_out_everywhere", "temporary_password"]
    _scope = (_("Role and scope"), {"fields": ("role", "areas_kept", "area_added")})
    _person = (_("Person"), {"fields": ("full_name", "phone", "unit")})
    fieldsets = (
        (None, {"fields": ("username", "password", "is_active")}),
        _person,
        _scope,
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "usable_password", "password1", "password2")}),
        _person,
        (_("Role and scope"), {"fields": ("role", "area_added")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_fieldsets(self, request: Any, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = (*fieldsets, (_("Superuser"), {"fields": ("is_superuser",)}))
        return fieldsets

    def get_exclude(self, request: Any, obj: Any = None) -> Any:
        # The user's page in the admin is where administrators keep the account's work phone
        # (core.masking: in full for `administer`): edited here, and each opening logged (change_view).
        return [name for name in super().get_exclude(request, obj) if name != "phone"]

    def change_view(self, request: Any, object_id: str, form_url: str = "", extra_context: Any = None) -> Any:
        response = super().change_view(request, object_id, form_url, extra_context)
        account = self.get_object(request, object_id)
        if request.method == "GET" and account is not None and response.status_code == 200:
            shown(request.user, account, "phone", request=request, detail=f"admin {request.path}")
        return response

    def get_form(self, request: Any, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        base = super().get_form(request, obj, change=change, **kwargs)
        actor = request.user

        class Form(base):  # type: ignore[valid-type, misc]
            def __init__(self, *args: Any, **kw: Any) -> None:
                super().__init__(*args, **kw)
                self.scope_setup(actor)

        return Form

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        user_admin_save(actor=request.user, user=obj, areas=form.scope_areas())

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        # no groups or per-user permissions: what a user may do is their role (accounts.roles)
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def get_queryset(self, request: Any) -> QuerySet:
        return users_managed_by(request.user, super().get_queryset(request))

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # users are deactivated (the "deactivate" action, or untick "active")

    @admin.action(description=_("Deactivate the selected users"))
    def deactivate(self, request: Any, queryset: QuerySet) -> None:
        count = user_deactivate(actor=request.user, users=queryset)
        self.message_user(request, _("%(count)d user(s) deactivated.") % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Unlock sign-in (after too many wrong passwords)"))
    def unlock(self, request: Any, queryset: QuerySet) -> None:
        count = user_unlock(actor=request.user, users=queryset)
        self.message_user(
            request, _("%(count)d locked-out user(s) may sign in again.") % {"count": count}, messages.SUCCESS
        )

    @admin.action(description=_("Sign out everywhere (all sessions and API tokens)"))
    def sign_out_everywhere(self, request: Any, queryset: QuerySet) -> None:
        count = user_sign_out_everywhere(actor=request.user, users=queryset)
        self.message_user(
            request,
            _("%(count)d user(s) signed out of every session and API token.") % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Set a temporary password (to be changed at the next sign-in)"))
    def temporary_password(self, request: Any, queryset: QuerySet) -> Any:
        # The passwords are shown once, in this page's body: never in a message (a cookie).
        results = []
        for user in queryset:
            problems = user_manage_problems(actor=request.user, user=user)
            password = None if problems else user_set_temporary_password(actor=request.user, user=user)
            results.append({"user": user, "password": password, "problem": problems[0] if problems else ""})
        response = TemplateResponse(
            request,
            "admin/accounts/user/temporary_passwords.html",
            {**self.admin_site.each_context(request), "title": _("Temporary passwords"), "results": results},
        )
        response["Cache-Control"] = "no-store"
        return response

    def get_actions(self, request: Any) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
