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

# The shape of a code at each level: the digits of its own level not all zero, every digit below zero
# (a county is 622901000000, its township 622901103000, a village 622901103201).
LEVEL_CODE_PATTERN = {
    AreaLevelChoices.PROVINCE: r"^(?!00)\d{2}0{10}$",
    AreaLevelChoices.PREFECTURE: r"^\d{2}(?!00)\d{2}0{8}$",
    AreaLevelChoices.COUNTY: r"^\d{4}(?!00)\d{2}0{6}$",
    AreaLevelChoices.TOWNSHIP: r"^\d{6}(?!000)\d{3}000$",
    AreaLevelChoices.VILLAGE: r"^\d{9}(?!000)\d{3}$",
}


def code_fits_level(code: str, level: str) -> bool:
    """True if a 12-digit code has the shape of an area of this level."""
    import re

    pattern = LEVEL_CODE_PATTERN.get(level)  # type: ignore[call-overload]
    return bool(pattern and re.match(pattern, code or ""))
