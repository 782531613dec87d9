from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pghistory
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.dates import validate_year
from core.models import TimeStampedModel, VersionedModel
from core.roles import Capability
from core.scoping import ScopedQuerySet

from .choices import LEVEL_CODE_PATTERN, LEVEL_PREFIX_LENGTH, AreaLevelChoices, code_fits_level


def validate_time_zone(value: str) -> None:
    """An IANA zone name such as Asia/Shanghai (blank: inherit)."""
    if not value:
        return
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone: %(zone)s"), params={"zone": value}) from exc


@pghistory.track()
class Area(models.Model):
    """An administrative area, province down to village, keyed by its 12-digit statistical code.

    Codes above township are GB/T 2260 six-digit codes padded with zeros; every descendant's code
    starts with its ancestor's `prefix`, so "everything in this county" is a prefix match.
    """

    code = models.CharField(
        _("code"),
        max_length=12,
        unique=True,
        validators=[RegexValidator(r"^\d{12}$", _("An area code has exactly 12 digits."))],
    )
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=12, choices=AreaLevelChoices.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Guizhou and other western provinces use a 3% exit threshold instead of 2%: an attribute of the
    # area (set on the province), read by the exit rules.
    is_western = models.BooleanField(_("western region"), default=False)
    # The county's clock (core.clock): set on a county or province whose local day is not the default
    # zone's (settings.COUNTY_TIME_ZONE); blank inherits from the nearest area above that sets one.
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, default="", validators=[validate_time_zone]
    )

    objects = ScopedQuerySet.as_manager()
    scope_path = ""  # the row itself is the area
    write_capability = Capability.ADMINISTER  # what changing it, or attaching a file to it, needs

    class Meta:
        ordering = ["code"]
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        indexes = [
            models.Index(fields=["level", "code"]),
            # LIKE 'prefix%' lookups (scoping) need the pattern operator class under a non-C collation.
            models.Index(fields=["code"], name="area_code_pattern_idx", opclasses=["varchar_pattern_ops"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(code__regex=r"^\d{12}$"), name="area_code_12_digits"),
            # The level is the code's shape (scoping reads the prefix of the level): a county whose
            # level said "province" would see every county of the province.
            models.CheckConstraint(
                condition=models.Q(
                    *[
                        models.Q(level=level, code__regex=pattern)
                        for level, pattern in LEVEL_CODE_PATTERN.items()
                    ],
                    _connector=models.Q.OR,
                ),
                name="area_level_fits_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("areas:detail", args=[self.code])

    def clean(self) -> None:
        if self.code and self.level and not code_fits_level(self.code, self.level):
            message = _("Code %(code)s is not the code of a %(level)s.")
            raise ValidationError({"level": message % {"code": self.code, "level": self.get_level_display()}})
        if self.parent is not None and self.code and not self.code.startswith(self.parent.prefix):
            raise ValidationError({"parent": _("The code must start with the parent's code.")})

    @property
    def prefix(self) -> str:
        return self.code[: LEVEL_PREFIX_LENGTH[AreaLevelChoices(self.level)]]

    def code_at(self, level: str) -> str:
        """The code of the area enclosing this one at `level` (a village's county: 622901103201 →
        622901000000); the codes carry their ancestors, so no query. ValueError below its own level."""
        length = LEVEL_PREFIX_LENGTH[AreaLevelChoices(level)]
        if length > len(self.prefix):
            raise ValueError(f"{self.code} is above the {level} level")
        return self.code[:length].ljust(12, "0")

    @property
    def county_code(self) -> str:
        return self.code_at(AreaLevelChoices.COUNTY)

    @property
    def province_code(self) -> str:
        return self.code_at(AreaLevelChoices.PROVINCE)

    def enclosing(self, level: str) -> Area | None:
        """The area at `level` holding this one (itself at its own level); None above it or when that
        area is not loaded."""
        if LEVEL_PREFIX_LENGTH[AreaLevelChoices(level)] > len(self.prefix):
            return None
        if level == self.level:
            return self
        return Area.objects.filter(code=self.code_at(level), level=level).first()

    def ancestors(self) -> list[Area]:
        """Province first, self last; one query."""
        codes = [
            self.code_at(level) for level, length in LEVEL_PREFIX_LENGTH.items() if length <= len(self.prefix)
        ]
        return list(Area.objects.filter(code__in=codes).order_by("code"))

    def is_within(self, other: Area) -> bool:
        return self.code.startswith(other.prefix)


@pghistory.track()
class AreaPopulation(models.Model):
    """Rural registered population (农村户籍人口) of a village for a year: the denominator of poverty
    incidence. Higher levels are the sum of their villages, never stored separately."""

    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.CASCADE, related_name="populations"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    rural_population = models.PositiveIntegerField(_("rural registered population"))
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"

    class Meta:
        ordering = ["area__code", "-year"]
        verbose_name = _("rural population")
        verbose_name_plural = _("rural populations")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="area_population_once_per_year")]

    def __str__(self) -> str:
        return f"{self.area} {self.year}: {self.rural_population}"


@pghistory.track()
class PolicyValue(TimeStampedModel, VersionedModel):
    """One policy value an area sets (areas.policy: the keys each app declares, with their types,
    bounds and defaults). The most specific enclosing area's row wins (areas.selectors.policy_get);
    a yearly key (the poverty line) has a row per year, read for the year asked."""

    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="policy_values"
    )
    key = models.CharField(_("policy value"), max_length=80)
    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, validators=[validate_year], help_text=_("Only for yearly values.")
    )
    value = models.JSONField(_("value"))
    basis = models.CharField(_("basis"), max_length=200, blank=True)  # the document or standard followed

    objects = ScopedQuerySet.as_manager()
    scope_path = "area"
    write_capability = Capability.ADMINISTER

    class Meta:
        ordering = ["area__code", "key", "year"]
        verbose_name = _("policy value")
        verbose_name_plural = _("policy values")
        constraints = [
            models.UniqueConstraint(
                fields=["area", "key"],
                condition=models.Q(year__isnull=True),
                name="policy_value_once_per_area",
            ),
            models.UniqueConstraint(
                fields=["area", "key", "year"],
                condition=models.Q(year__isnull=False),
                name="policy_value_once_per_area_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area} · {self.key_label(self.key)}" + ("" if self.year is None else f" · {self.year}")

    @staticmethod
    def key_label(key: str) -> str:
        """The key as the policy page labels it (areas.policy); an unknown key stays as it is."""
        from django.core.exceptions import ValidationError

        from .policy import policy_key

        try:
            return str(policy_key(key).label)
        except ValidationError:
            return key

    @classmethod
    def history_display(cls, field_name: str, value: object) -> str | None:
        return cls.key_label(str(value)) if field_name == "key" else None
