"""Policy values: the rules a county (or a province, township or village under it) sets as data.

Every app declares its keys here, in its own `<app>/policy.py`: a name, a type, bounds, the documented
default, the capability that may change it and the most specific level that may set it. The values live
in one table (`areas.PolicyValue`: area, key, value) and are read with one rule
(`areas.selectors.policy_get`): the value stored on the most specific area enclosing the one asked
about wins (village over township over county over province), otherwise the declared default. There is
no second store: no Django setting, no per-app settings row, no constant read in place of a key.

A key declared `yearly` (the poverty line: 3,535 yuan for 2018, 3,747 for 2019) holds one value per
year, and is read for a year (`policy_get(key, area, year=...)`): the same rule among the values set
for exactly that year. A year nobody set has the declared default (for the poverty line: none, and
the exit check says no line is set), never an earlier year's value: each year's figure is that year's
price level, so last year's lower line would let an income under this year's line pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.money import CENT, money_parse
from core.numbers import exact_decimal
from core.roles import Capability

from .choices import LEVEL_PREFIX_LENGTH, AreaLevelChoices

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Label
else:
    Label = str

T = TypeVar("T")


@dataclass(frozen=True)
class PolicyKey(Generic[T]):
    """One policy value. `name` is "<app>.<key>" (stored in PolicyValue.key); `lowest_level` is the
    most specific area level that may set it (an exit threshold is a county's, not a village's)."""

    name: str
    label: str | Label
    default: T
    help_text: str | Label = ""
    capability: str = Capability.ADMINISTER
    lowest_level: str = AreaLevelChoices.VILLAGE
    yearly: bool = False  # one value per year, read for a year (the module's docstring)

    @property
    def app(self) -> str:
        return self.name.split(".", 1)[0]

    def settable_at(self, level: str) -> bool:
        lowest = LEVEL_PREFIX_LENGTH[AreaLevelChoices(self.lowest_level)]
        return LEVEL_PREFIX_LENGTH[AreaLevelChoices(level)] <= lowest

    def parse(self, raw: object) -> T:
        """The value someone entered, checked against the declared type and bounds; ValidationError
        ({name: message}) otherwise."""
        raise NotImplementedError

    def dump(self, value: T) -> Any:
        """The value as stored in JSON."""
        return value

    def load(self, stored: Any) -> T:
        """A stored value back as its type (a default of None, "not set", stays None)."""
        return None if stored is None else self.parse(stored)  # type: ignore[return-value]

    def form_field(self) -> forms.Field:
        raise NotImplementedError

    def form_initial(self, value: T) -> Any:
        return value

    def _refuse(self, message: str) -> ValidationError:
        return ValidationError({self.name: message})


@dataclass(frozen=True)
class IntKey(PolicyKey[int]):
    minimum: int = 0
    maximum: int = 32767

    def parse(self, raw: object) -> int:
        number = exact_decimal(raw)
        if number is None or number != number.to_integral_value():
            raise self._refuse(_("Enter a whole number."))
        if not self.minimum <= number <= self.maximum:
            raise self._refuse(
                _("Enter a number from %(min)s to %(max)s.") % {"min": self.minimum, "max": self.maximum}
            )
        return int(number)

    def form_field(self) -> forms.Field:
        return forms.IntegerField(
            label=self.label, help_text=self.help_text, min_value=self.minimum, max_value=self.maximum
        )


@dataclass(frozen=True)
class DecimalKey(PolicyKey[Decimal]):
    minimum: Decimal = Decimal("0")
    maximum: Decimal = Decimal("100")
    places: int = 2

    def parse(self, raw: object) -> Decimal:
        number = exact_decimal(raw)
        if number is None:
            raise self._refuse(_("Enter a number."))
        if not self.minimum <= number <= self.maximum:
            raise self._refuse(
                _("Enter a number from %(min)s to %(max)s.") % {"min": self.minimum, "max": self.maximum}
            )
        quantum = Decimal(1).scaleb(-self.places)
        if number != number.quantize(quantum):
            raise self._refuse(_("Enter at most %(places)d decimals.") % {"places": self.places})
        return number.quantize(quantum)

    def dump(self, value: Decimal) -> Any:
        return str(value)  # JSON has no exact decimal; text keeps every digit

    def form_field(self) -> forms.Field:
        return forms.DecimalField(
            label=self.label,
            help_text=self.help_text,
            min_value=self.minimum,
            max_value=self.maximum,
            decimal_places=self.places,
        )


@dataclass(frozen=True)
class MoneyKey(PolicyKey[Decimal | None]):
    """An amount in yuan with two places, more than zero (core.money.money_parse); default None: not
    set (a poverty line is a figure someone decides, there is no national default to fall back on)."""

    def parse(self, raw: object) -> Decimal:
        try:
            return money_parse(raw, field_name=self.name)
        except ValidationError as exc:
            raise self._refuse(exc.message_dict[self.name][0]) from None

    def dump(self, value: Decimal | None) -> Any:
        return None if value is None else str(value)

    def form_field(self) -> forms.Field:
        return forms.DecimalField(
            label=self.label, help_text=self.help_text, min_value=CENT, max_digits=14, decimal_places=2
        )


Bands = list[dict[str, Any]]


@dataclass(frozen=True)
class BandsKey(PolicyKey[Bands]):
    """Numbered bands of a percentage ([{"class": 1, "min": "0", "max": "5"}, ...], max exclusive,
    the last one's max None): the village classes by incidence."""

    def parse(self, raw: object) -> Bands:
        refused = self._refuse(_("Each band needs a class number, a lower bound and an upper bound or none."))
        if not isinstance(raw, list) or not raw:
            raise refused
        cleaned: Bands = []
        for band in raw:
            if not isinstance(band, Mapping) or "min" not in band or "class" not in band:
                raise refused
            low = exact_decimal(band["min"])
            high = None if band.get("max") in (None, "") else exact_decimal(band["max"])
            number = exact_decimal(band["class"])
            if low is None or number is None or (band.get("max") not in (None, "") and high is None):
                raise refused
            if high is not None and high <= low:
                raise self._refuse(_("A band's upper bound must be above its lower bound."))
            cleaned.append(
                {"class": int(number), "min": _plain(low), "max": None if high is None else _plain(high)}
            )
        return cleaned

    def form_field(self) -> forms.Field:
        return forms.JSONField(label=self.label, help_text=self.help_text)


def _plain(number: Decimal) -> str:
    """37.50 as "37.5", 30 as "30": one spelling of a bound, whichever way it was typed."""
    return f"{number.normalize():f}"


Check = Callable[[Mapping[str, Any]], dict[str, str]]


@dataclass
class _Registry:
    keys: dict[str, PolicyKey[Any]] = field(default_factory=dict)
    checks: list[tuple[frozenset[str], Check]] = field(default_factory=list)


_REGISTRY = _Registry()


def register(*keys: PolicyKey[Any], check: Check | None = None) -> None:
    """Declare an app's keys (from its AppConfig.ready through `<app>/policy.py`). `check` sees the
    values in force after a change, by key name, and returns {key name: message} for a combination
    the single bounds cannot refuse (the four-looks weights adding up to zero)."""
    for key in keys:
        known = _REGISTRY.keys.get(key.name)
        if known is not None and known != key:
            raise ValueError(f"policy key {key.name} is declared twice")
        _REGISTRY.keys[key.name] = key
    if check is not None:
        names = frozenset(key.name for key in keys)
        if (names, check) not in _REGISTRY.checks:
            _REGISTRY.checks.append((names, check))


def policy_keys() -> list[PolicyKey[Any]]:
    """Every declared key, grouped by app in dependency order then declaration order."""
    return list(_REGISTRY.keys.values())


def policy_key(name: str) -> PolicyKey[Any]:
    try:
        return _REGISTRY.keys[name]
    except KeyError:
        raise ValidationError(_("Unknown policy value: %(name)s.") % {"name": name}) from None


def policy_checks(names: set[str]) -> list[tuple[frozenset[str], Check]]:
    """The combination checks touching any of `names`."""
    return [(keys, check) for keys, check in _REGISTRY.checks if keys & names]
