"""Numbered pages for big lists without counting the whole table.

The count stops at `cap` rows (`SELECT count(*) FROM (... LIMIT cap + 1)`), so a county of a million
households costs the same as a village: below the cap the page says "123 households" and offers page
numbers and a jump; above it, "more than 10,000" and numbered pages up to the cap, after which
"next" walks on by keyset (`before=<id>`, newest first), which is as fast on page 1,000 as on page 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.db.models.sql.datastructures import Join
from django.db.models.sql.where import WhereNode
from django.http import HttpRequest


@dataclass
class CappedPage:
    rows: list[Any]
    number: int
    count: int
    capped: bool
    page_size: int
    num_pages: int
    keyset: bool = False
    window: list[int] = field(default_factory=list)
    next_before: int | None = None

    @property
    def has_previous(self) -> bool:
        return self.number > 1 and not self.keyset

    @property
    def has_next(self) -> bool:
        return (self.number < self.num_pages and not self.keyset) or self.next_before is not None

    @property
    def window_items(self) -> list[int | None]:
        """The page numbers to offer, None where numbers are skipped (shown as …)."""
        items: list[int | None] = []
        for n in self.window:
            if items and items[-1] is not None and n - items[-1] > 1:
                items.append(None)
            items.append(n)
        return items

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


class _KeysFirstIterable(ModelIterable):  # type: ignore[type-arg]
    """A slice read keys first, in one statement: `WHERE pk IN (SELECT pk ... ORDER BY ... LIMIT n)`.
    The subquery is the slice with every filter (scope, search, cursor) and without the joins
    `select_related` adds; the outer query joins them for those keys only, in the same order. A search
    matching thousands of households then sorts and cuts their ids alone (the search index and the
    scope's join), and the village, township and head are joined for the page's 51 rows instead of
    for every match before the sort. One statement, so one snapshot: the rows are the ones the filters
    chose. An unsliced queryset, or one whose filters join a to-many relation (the outer query keeps
    the filters' joins), is read as usual."""

    def __iter__(self) -> Any:
        yield from ModelIterable(keys_first_query(self.queryset), self.chunked_fetch, self.chunk_size)


def keys_first_query(qs: QuerySet[Any]) -> QuerySet[Any]:
    """The statement a keys-first slice runs (see `_KeysFirstIterable`); `qs` itself when unsliced or
    when its filters join a to-many relation."""
    if not qs.query.is_sliced or _joins_to_many(qs):
        return qs
    rows = qs.all()  # a copy of the sliced query: its joins, annotations and ordering
    rows.query.clear_limits()
    # The outer query by the keys alone: with the filters kept there too, the planner read the
    # search index a second time (a BitmapAnd of the GIN scan with the keys: 90 ms of a township's `zs`).
    rows.query.where = WhereNode()
    return rows.filter(pk__in=qs.values("pk"))


def _joins_to_many(qs: QuerySet[Any]) -> bool:
    return any(
        isinstance(join, Join)
        and (
            getattr(join.join_field, "one_to_many", False) or getattr(join.join_field, "many_to_many", False)
        )
        for join in qs.query.alias_map.values()
    )


def keys_first(qs: QuerySet[Any]) -> QuerySet[Any]:
    """`qs` whose slices (a list's page: `qs[:51]`, DRF's cursor page) are read keys first
    (`_KeysFirstIterable`); everything else about it is unchanged."""
    qs = qs.all()
    qs._iterable_class = _KeysFirstIterable
    return qs


def _as_int(value: Any, default: int) -> int:
    try:
        return max(1, int(str(value)))
    except (TypeError, ValueError):
        return default


def capped_page(
    qs: QuerySet[Any],
    *,
    page: Any = 1,
    before: Any = None,
    page_size: int = 50,
    cap: int = 10000,
    keyset_ok: bool = True,
) -> CappedPage:
    """One page of `qs` (already ordered). `before` switches to keyset paging (newest-first lists
    only: `keyset_ok`), used past the last numbered page of a capped list."""
    count = qs[: cap + 1].count()
    capped = count > cap
    count = min(count, cap)
    num_pages = max(1, -(-count // page_size))
    if before is not None and str(before).isdigit() and keyset_ok:
        rows = list(qs.filter(pk__lt=int(before))[: page_size + 1])
        more = len(rows) > page_size
        rows = rows[:page_size]
        return CappedPage(
            rows=rows,
            number=num_pages + 1,
            count=count,
            capped=capped,
            page_size=page_size,
            num_pages=num_pages,
            keyset=True,
            next_before=rows[-1].pk if more and rows else None,
        )
    number = min(_as_int(page, 1), num_pages)
    rows = list(qs[(number - 1) * page_size : number * page_size])
    next_before = None
    if capped and number == num_pages and keyset_ok and rows:
        next_before = rows[-1].pk
    window = sorted({1, num_pages, *range(max(1, number - 2), min(num_pages, number + 2) + 1)})
    return CappedPage(
        rows=rows,
        number=number,
        count=count,
        capped=capped,
        page_size=page_size,
        num_pages=num_pages,
        window=window,
        next_before=next_before,
    )


PAGE_SIZE = 50


def page_of(request: HttpRequest, items: Any, per_page: int = PAGE_SIZE) -> Page[Any]:
    """The page `?page=` asks for of a list that is counted exactly (a wrong number: the nearest page)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest) -> str:
    """The list's filters as a query string, for links to its other pages."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
