from __future__ import annotations

from functools import cached_property

import pghistory
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import ROLE_CAPABILITIES, RoleChoices


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["password", "last_login"],
)
class User(AbstractUser):
    """A person who signs in. What they see is the union of their `areas`; what they may do is
    their `role` (see accounts.roles)."""

    role = models.CharField(_("role"), max_length=20, choices=RoleChoices.choices, default=RoleChoices.CADRE)
    areas = models.ManyToManyField(
        "areas.Area", verbose_name=_("areas in scope"), blank=True, related_name="users", through="UserArea"
    )
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    unit = models.CharField(_("work unit"), max_length=120, blank=True)
    # Set with a temporary password an administrator gave: the user must change it before anything else.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # Bumped to sign the user out everywhere: a session begun under another value has ended
    # (accounts.sessions).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_system_admin(self) -> bool:
        return self.is_superuser or self.role == RoleChoices.SYSTEM_ADMIN

    def has_capability(self, capability: str) -> bool:
        if not self.is_active:
            return False
        if self.is_superuser:
            return True
        return capability in ROLE_CAPABILITIES.get(self.role, frozenset())

    @property
    def can_write_anything(self) -> bool:
        return self.is_superuser or bool(ROLE_CAPABILITIES.get(self.role, frozenset()) - {"view"})

    @cached_property
    def scope_prefixes(self) -> tuple[str, ...]:
        """Code prefixes of the areas this user covers, cached for the request."""
        return tuple(sorted({area.prefix for area in self.areas.all()}))


@pghistory.track()
class UserArea(models.Model):
    """One area in a user's scope; its own model so that granting and revoking scope is audited."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="area_links", verbose_name=_("user")
    )
    area = models.ForeignKey("areas.Area", verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("area in scope")
        verbose_name_plural = _("areas in scope")
        constraints = [models.UniqueConstraint(fields=["user", "area"], name="user_area_once")]

    def __str__(self) -> str:
        return f"{self.user} → {self.area}"
