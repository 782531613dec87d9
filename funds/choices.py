from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FundLevelChoices(models.TextChoices):
    CENTRAL = "central", pgettext_lazy("fund level", "Central")
    PROVINCIAL = "provincial", pgettext_lazy("fund level", "Provincial")
    PREFECTURE = "prefecture", pgettext_lazy("fund level", "Prefecture / city")
    COUNTY = "county", pgettext_lazy("fund level", "County")


class FundKindChoices(models.TextChoices):
    SPECIAL = "special", _("Special poverty alleviation funds")
    INTEGRATED = "integrated", _("Integrated agriculture-related funds")
    SECTOR = "sector", _("Sector funds")
    SOCIAL = "social", _("Social funds")
    EAST_WEST = "east_west", _("East-west cooperation funds")


class ProjectStatusChoices(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("project status", "Proposed")
    APPROVED = "approved", pgettext_lazy("project status", "Approved")
    IN_PROGRESS = "in_progress", pgettext_lazy("project status", "In progress")
    COMPLETED = "completed", pgettext_lazy("project status", "Completed")
    ACCEPTED = "accepted", pgettext_lazy("project status", "Accepted and audited")
    REJECTED = "rejected", pgettext_lazy("project status", "Rejected")


# Projects that may receive money and be paid from it.
FUNDABLE_STATUSES = (
    ProjectStatusChoices.APPROVED,
    ProjectStatusChoices.IN_PROGRESS,
    ProjectStatusChoices.COMPLETED,
    ProjectStatusChoices.ACCEPTED,
)


class UseListChoices(models.TextChoices):
    POSITIVE = "positive", _("Positive list (allowed use)")
    NEGATIVE = "negative", _("Negative list (forbidden use)")


class DisbursementKindChoices(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REVERSAL = "reversal", _("Reversal")


class NoticeKindChoices(models.TextChoices):
    PROJECT = "project", _("Project notice")
    PAYMENT = "payment", _("Payment notice")


class NoticeStateChoices(models.TextChoices):
    UPCOMING = "upcoming", _("Not yet open")
    OPEN = "open", _("Open for comments")
    CLOSED = "closed", _("Notice period over")


class ReportGroupingChoices(models.TextChoices):
    SOURCE = "source", _("Fund source")
    LEVEL = "level", pgettext_lazy("fund", "Level")
    KIND = "kind", _("Kind of fund")
    YEAR = "year", _("Year")
    PROJECT = "project", _("Project")
    TOWNSHIP = "township", _("Township")
