"""Choices shared by every signed procedure."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ObjectionStatusChoices(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class StepDecisionChoices(models.TextChoices):
    """A signature passes the case on or rejects it (only where the step allows rejecting)."""

    PASS = "pass", _("Passed")
    REJECT = "reject", _("Rejected")
