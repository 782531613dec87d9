from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SyncKindChoices(models.TextChoices):
    VISIT = "visit", _("Visit")
    FOLLOW_UP_CLOSE = "follow_up_close", _("Follow-up closed")
    CHECK = "check", _("Re-verification check")


class SyncStatusChoices(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    REFUSED = "refused", pgettext_lazy("sync", "Refused")


class ConflictChoices(models.TextChoices):
    """Why a record from the phone no longer fits the server's record: shown to the user, who decides."""

    OUT_OF_SCOPE = "out_of_scope", _("Household no longer in your care")
    FOLLOW_UP_CLOSED = "follow_up_closed", _("Follow-up already closed")
    CHECK_DONE = "check_done", _("Check already recorded")
    HOUSEHOLD_EXITED = "household_exited", _("Household has exited poverty")
    CHANGED = "changed", _("Changed by someone else")
