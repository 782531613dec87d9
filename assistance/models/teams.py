"""Who helps (谁来扶): responsible cadres, work teams, their villages and members, and the cadres' pairings
with households."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assistance.choices import (
    PairingEndReasonChoices,
    TeamMemberRoleChoices,
    WorkTeamStatusChoices,
)
from core.models import TimeStampedModel, VersionedModel
from core.roles import Capability
from core.scoping import ScopedQuerySet

# -- who helps ------------------------------------------------------------------------------------


@pghistory.track()
class Cadre(TimeStampedModel, VersionedModel):
    """A person sent to help (帮扶责任人, or a member of a village work team). `area` is where their
    assistance work is registered (a township or a village): it decides who sees the record."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=60)
    unit = models.CharField(_("work unit"), max_length=120)
    position = models.CharField(pgettext_lazy("job title", "position"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre_profile",
    )
    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area of work"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("in post"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"
    write_capability = Capability.MANAGE_ASSISTANCE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("responsible cadre")
        verbose_name_plural = _("responsible cadres")

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name

    @property
    def choice_label(self) -> str:
        """How a menu of cadres names one: two 孔丽娟 of 临夏市民政局 in 折桥镇 differ by position (the
        queryset should select the area)."""
        unit = " ".join(part for part in (self.unit, self.position) if part)
        return f"{self.name}（{unit} · {self.area.name}）" if unit else f"{self.name}（{self.area.name}）"

    def get_absolute_url(self) -> str:
        return reverse("assistance:cadre", args=[self.pk])


@pghistory.track()
class WorkTeam(TimeStampedModel, VersionedModel):
    """A village work team (驻村工作队) for one term. Rotation (压茬轮换) ends this team and starts its
    successor, which points back through `predecessor`: the chain is the village's whole history."""

    name = models.CharField(_("name"), max_length=120)
    sending_unit = models.CharField(_("sending unit"), max_length=120)
    area = models.ForeignKey(
        "areas.Area",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The village served, or the township when the team serves several villages."),
    )
    term_start = models.DateField(_("term start"))
    term_end = models.DateField(_("term end"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=WorkTeamStatusChoices.choices,
        default=WorkTeamStatusChoices.ACTIVE,
        db_index=True,
    )
    predecessor = models.OneToOneField(
        "self",
        verbose_name=_("previous team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="successor",
    )
    handover_notes = models.TextField(_("handover notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"
    write_capability = Capability.MANAGE_ASSISTANCE  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["-term_start", "-id"]
        verbose_name = _("work team")
        verbose_name_plural = _("work teams")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(term_end__isnull=True) | models.Q(term_end__gte=models.F("term_start")),
                name="work_team_term_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("assistance:team", args=[self.pk])


@pghistory.track()
class TeamVillage(models.Model):
    """A village a team is stationed in, from `start` until `end`. At most one team is stationed in a
    village at a time; a rotation closes these rows and opens the successor's."""

    team = models.ForeignKey(
        WorkTeam, on_delete=models.CASCADE, related_name="village_links", verbose_name=_("team")
    )
    village = models.ForeignKey(
        "areas.Area", verbose_name=_("village"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "village"

    class Meta:
        ordering = ["village__code", "-start"]
        verbose_name = _("stationed village")
        verbose_name_plural = _("stationed villages")
        constraints = [
            models.UniqueConstraint(
                fields=["village"], condition=models.Q(end__isnull=True), name="one_team_per_village"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team_id}@{self.village_id}"


@pghistory.track()
class TeamMembership(models.Model):
    """A cadre's place in a work team; one first secretary per team."""

    team = models.ForeignKey(
        WorkTeam, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    cadre = models.ForeignKey(Cadre, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="teams")
    role = models.CharField(
        _("role in team"),
        max_length=20,
        choices=TeamMemberRoleChoices.choices,
        default=TeamMemberRoleChoices.MEMBER,
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = "team__area"

    class Meta:
        ordering = ["team", "role", "id"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "cadre"], name="team_member_once"),
            models.UniqueConstraint(
                fields=["team"],
                condition=models.Q(role=TeamMemberRoleChoices.FIRST_SECRETARY),
                name="one_first_secretary_per_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} · {self.get_role_display()} · {self.team}"


@pghistory.track()
class CadrePairing(models.Model):
    """One cadre helping one household (结对帮扶) from `start` until `end`. The database holds at most
    one open pairing per household; reassignment closes the old row, so history is kept."""

    household = models.ForeignKey(
        "households.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="cadre_pairings",
    )
    cadre = models.ForeignKey(
        Cadre, verbose_name=_("responsible cadre"), on_delete=models.PROTECT, related_name="pairings"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"), null=True, blank=True)
    end_reason = models.CharField(
        _("reason ended"), max_length=24, choices=PairingEndReasonChoices.choices, blank=True
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "household__village"

    class Meta:
        ordering = ["household", "-start", "-id"]
        verbose_name = _("cadre pairing")
        verbose_name_plural = _("cadre pairings")
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=models.Q(end__isnull=True),
                name="one_active_cadre_per_household",
            ),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="cadre_pairing_period_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cadre_id} ↔ {self.household_id}"

    @property
    def is_active(self) -> bool:
        return self.end is None


# -- visits ---------------------------------------------------------------------------------------
