"""The tables every signed procedure has, as abstract models: the insert-only sign-off (who signed
which step, in which role, when, with what comment) and the objection heard during the public notice
(versioned, decided once). Each procedure adds its foreign key and step column."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel, VersionedModel

from .choices import ObjectionStatusChoices


class SignoffBase(models.Model):
    """A signed step. Concrete sign-offs are insert-only (a pgtrigger refuses update and delete)."""

    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role when signing"), max_length=30)
    signed_at = models.DateTimeField(_("signed at"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        abstract = True

    @property
    def role_label(self) -> str:
        return self.role_name(self.role)

    @staticmethod
    def role_name(role: str) -> str:
        from core.roles import RoleChoices

        return str(RoleChoices(role).label) if role in RoleChoices.values else role

    @classmethod
    def history_display(cls, field_name: str, value: Any) -> str | None:
        """The history page (core.history) names the role as the sign-off page does."""
        return cls.role_name(str(value)) if field_name == "role" else None


class NoticeObjectionBase(TimeStampedModel, VersionedModel):
    """An objection raised during a public notice (公示异议), and the decision on it."""

    raised_on = models.DateField(_("raised on"))
    raised_by = models.CharField(_("raised by"), max_length=60, blank=True)
    content = models.TextField(_("objection"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ObjectionStatusChoices.choices,
        default=ObjectionStatusChoices.OPEN,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_open(self) -> bool:
        return self.status == ObjectionStatusChoices.OPEN
