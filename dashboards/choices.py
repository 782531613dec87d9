from django.db import models
from django.utils.translation import gettext_lazy as _


class SnapshotStatusChoices(models.TextChoices):
    COMPUTING = "computing", _("Computing")
    COMPLETE = "complete", _("Complete (frozen)")


class VillageClassChoices(models.TextChoices):
    """Guizhou's classes of poor villages by incidence (seed 004); the bands are the county's policy value exits.village_class_bands."""

    CLASS_1 = "class_1", _("Class 1 (deep poverty)")
    CLASS_2 = "class_2", _("Class 2")
    CLASS_3 = "class_3", _("Class 3")
    OTHER = "other", _("Below class 3")
    UNKNOWN = "unknown", _("No population figure")
