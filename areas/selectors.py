from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum

from core.filtering import filter_rows
from core.scoping import ScopedUser

from .choices import LEVEL_PREFIX_LENGTH, AreaLevelChoices
from .filters import AreaFilterSet
from .models import Area, AreaPopulation, PolicyValue
from .policy import PolicyKey, policy_keys

T = TypeVar("T")


class _AreaSet(Protocol):
    def all(self) -> QuerySet[Area]: ...


class AreaUser(ScopedUser, Protocol):
    """A user with the areas they cover (accounts.User; areas sits below accounts)."""

    @property
    def areas(self) -> _AreaSet: ...


def area_list(*, user: ScopedUser, filters: Mapping[str, Any] | None = None) -> QuerySet[Area]:
    qs = Area.objects.visible_to(user).select_related("parent").annotate(children_count=Count("children"))
    return filter_rows(AreaFilterSet, filters, qs)


def areas_top_for(user: AreaUser) -> QuerySet[Area]:
    """The highest areas a user covers: where their browsing starts."""
    if user.is_superuser:
        return Area.objects.filter(parent__isnull=True)
    return user.areas.all()


def rural_population(area: Area, year: int) -> int:
    """Rural registered population of an area for a year: the sum over its villages."""
    total = AreaPopulation.objects.filter(
        year=year, area__code__startswith=area.prefix, area__level=AreaLevelChoices.VILLAGE
    ).aggregate(total=Sum("rural_population"))["total"]
    return int(total or 0)


def with_population(qs: QuerySet[Area], year: int) -> QuerySet[Area]:
    """Annotate each village with its population for `year` (higher levels: use rural_population)."""
    pop = AreaPopulation.objects.filter(area=OuterRef("pk"), year=year).values("rural_population")[:1]
    return qs.annotate(rural_population=Subquery(pop))


def prefix_of(code: str, level: str) -> str:
    return code[: LEVEL_PREFIX_LENGTH[AreaLevelChoices(level)]]


def time_zone_names() -> dict[str, str]:
    """{code prefix: IANA zone} for every area that sets its own clock (read by core.clock)."""
    return {area.prefix: area.time_zone for area in Area.objects.exclude(time_zone="").only("code", "level")}


# -- policy values (areas.policy) -------------------------------------------------------------------


def codes_above(area: Area) -> list[str]:
    """The codes of the area and of every area enclosing it, most specific first (no query: the
    codes carry their ancestors)."""
    own = len(area.prefix)
    return [area.code_at(level) for level, length in reversed(LEVEL_PREFIX_LENGTH.items()) if length <= own]


@dataclass(frozen=True)
class PolicyInForce:
    """A key's value for an area (and year, for a yearly key) and where it comes from: the area whose
    row won, or None (the declared default). `row` is that row (its version is what an edit of this
    area names)."""

    key: PolicyKey[Any]
    value: Any
    source: str | None  # the code of the area that set it
    row: PolicyValue | None
    year: int | None = None


def _default(key: PolicyKey[Any], year: int | None = None) -> PolicyInForce:
    # through dump/load: a caller changing a list it got does not change the declaration
    return PolicyInForce(key, key.load(key.dump(key.default)), None, None, year)


def _won(key: PolicyKey[Any], row: PolicyValue) -> PolicyInForce:
    return PolicyInForce(key, key.load(row.value), row.area.code, row, row.year)


def _year_for(key: PolicyKey[Any], year: int | None) -> int | None:
    """The year a key is read for: required for a yearly key (a reader that forgets it is a bug, not a
    value), refused for the others."""
    if key.yearly and year is None:
        raise ValueError(f"{key.name} is yearly: read it for a year")
    return year if key.yearly else None


def policy_in_force(
    area: Area | None, keys: Iterable[PolicyKey[Any]] | None = None, *, year: int | None = None
) -> dict[str, PolicyInForce]:
    """The one resolution rule, for several keys in one query: for each key, the value stored on the
    most specific area enclosing `area` (itself included), for a yearly key among the values of `year`
    exactly, otherwise the key's default. `area` None (a record without an area) gets the defaults.
    Without `keys`: every key that is not yearly (and the yearly ones too when `year` is given)."""
    if keys is None:
        keys = [key for key in policy_keys() if year is not None or not key.yearly]
    wanted = {key.name: key for key in keys}
    years = {name: _year_for(key, year) for name, key in wanted.items()}
    found: dict[str, PolicyInForce] = {}
    if area is not None and area.code:
        rows = PolicyValue.objects.filter(area__code__in=codes_above(area), key__in=list(wanted))
        rows = (
            rows.filter(Q(year__isnull=True) | Q(year=year)) if year is not None else rows.filter(year=None)
        )
        # Longer prefixes first: "-area__code" puts a village's code before its township's and county's.
        for row in rows.select_related("area").order_by("-area__code"):
            if row.key not in found and row.year == years[row.key]:
                found[row.key] = _won(wanted[row.key], row)
    return {name: found.get(name) or _default(key, years[name]) for name, key in wanted.items()}


def policy_get(key: PolicyKey[T], area: Area | None, *, year: int | None = None) -> T:
    """The value of `key` in force for `area` (and `year`, which a yearly key needs): the only reader
    of a policy value."""
    value: T = policy_in_force(area, [key], year=year)[key.name].value
    return value


def policy_values(
    area: Area | None, keys: Iterable[PolicyKey[Any]], *, year: int | None = None
) -> dict[str, Any]:
    """Several keys' values in force for `area` (one query), by key name."""
    return {name: found.value for name, found in policy_in_force(area, keys, year=year).items()}


def policy_for_areas(key: PolicyKey[T], areas: Iterable[Area], *, year: int | None = None) -> dict[str, T]:
    """policy_get for many areas in one query (a screening job's villages), by area code."""
    wanted = _year_for(key, year)
    above = {area.code: codes_above(area) for area in areas if area.code}
    stored = dict(
        PolicyValue.objects.filter(
            key=key.name, year=wanted, area__code__in={c for codes in above.values() for c in codes}
        ).values_list("area__code", "value")
    )
    default = _default(key).value
    result: dict[str, T] = {}
    for area_code, codes in above.items():
        source = next((c for c in codes if c in stored), None)
        result[area_code] = default if source is None else key.load(stored[source])
    return result


def policy_years(area: Area, key: PolicyKey[Any]) -> list[PolicyInForce]:
    """A yearly key in `area` year by year, latest first: for each year the area or one above it set,
    the value in force (the one rule: the most specific area's value for the year)."""
    found: dict[int, PolicyInForce] = {}
    rows = PolicyValue.objects.filter(area__code__in=codes_above(area), key=key.name, year__isnull=False)
    for row in rows.select_related("area").order_by("-year", "-area__code"):
        if row.year is not None and row.year not in found:
            found[row.year] = _won(key, row)
    return list(found.values())


def policy_overrides_under(user: Any, area: Area) -> list[dict[str, Any]]:
    """The areas under `area` the user may see that set values of their own, with how many."""
    return [
        dict(row)
        for row in PolicyValue.objects.visible_to(user)
        .filter(area__code__startswith=area.prefix)
        .exclude(area=area)
        .values("area__code", "area__name", "area__level")
        .annotate(values=Count("id"))
        .order_by("area__code")
    ]
