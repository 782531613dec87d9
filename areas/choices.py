from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaLevelChoices(models.TextChoices):
    PROVINCE = "province", _("Province")
    PREFECTURE = "prefecture", _("Prefecture / city")
    COUNTY = "county", _("County")
    TOWNSHIP = "township", _("Township")
    VILLAGE = "village", _("Village")


# How many leading digits of the 12-digit statistical code identify an area at each level: the code
# of every descendant starts with them, which is what scoping filters on.
LEVEL_PREFIX_LENGTH = {
    AreaLevelChoices.PROVINCE: 2,
    AreaLevelChoices.PREFECTURE: 4,
    AreaLevelChoices.COUNTY: 6,
    AreaLevelChoices.TOWNSHIP: 9,
    AreaLevelChoices.VILLAGE: 12,
}
LEVEL_ORDER = list(LEVEL_PREFIX_LENGTH)
