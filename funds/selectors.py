"""Reads on the money ledger: lists (wrapping the FilterSets), execution reports and reconciliation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django_stubs_ext import WithAnnotations

from accounts.models import User
from areas.choices import AreaLevelChoices
from areas.models import Area
from core import clock
from core.filtering import filter_rows
from core.money import ZERO, to_wan
from core.numbers import percent
from core.scoping import user_covers_area

if TYPE_CHECKING:
    from assistance.models import Measure
    from households.models import Household

from .choices import (
    DisbursementKindChoices,
    FundKindChoices,
    FundLevelChoices,
    ReportGroupingChoices,
)
from .filters import (
    AllocationFilterSet,
    DeclaredTotalFilterSet,
    DisbursementFilterSet,
    FundSourceFilterSet,
    NoticeFilterSet,
    ProjectCategoryFilterSet,
    ProjectFilterSet,
    ProjectFundingFilterSet,
)
from .models import (
    MONEY,
    Allocation,
    DeclaredTotal,
    Disbursement,
    FundSource,
    Notice,
    Project,
    ProjectCategory,
    ProjectFunding,
)


def _money_sum(expression: str, **extra: Any) -> Coalesce:
    """Coalesce(Sum(...), 0) as an exact decimal: an empty group is 0.00, never None."""
    return Coalesce(Sum(expression, **extra), Value(ZERO), output_field=DecimalField(**MONEY))


def _as_request(user: User) -> Any:
    """FilterSets choose their options from `request.user`; selectors only have the user."""
    from types import SimpleNamespace

    return SimpleNamespace(user=user)


# -- lists -----------------------------------------------------------------------------------------


def fund_source_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[FundSource]:
    qs = FundSource.objects.visible_to(user).select_related("area")
    return filter_rows(FundSourceFilterSet, filters, qs)


def allocation_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Allocation]:
    qs = Allocation.objects.visible_to(user).select_related("source", "county")
    return filter_rows(AllocationFilterSet, filters, qs)


def category_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[ProjectCategory]:
    qs = ProjectCategory.objects.visible_to(user).select_related("area")
    return filter_rows(ProjectCategoryFilterSet, filters, qs)


def categories_applicable_to(user: User) -> QuerySet[ProjectCategory]:
    """Both lists as they apply to the user's areas: set on one of them, an ancestor or a descendant."""
    if user.is_superuser:
        return ProjectCategory.objects.select_related("area")
    codes: set[str] = set()
    for area in user.areas.all():
        codes.update(a.code for a in area.ancestors())
    q = Q(area__code__in=codes)
    for prefix in user.scope_prefixes:
        q |= Q(area__code__startswith=prefix)
    return ProjectCategory.objects.filter(q).select_related("area")


def categories_usable_by(user: User) -> QuerySet[ProjectCategory]:
    """Positive-list categories for the project form."""
    from .choices import UseListChoices

    return categories_applicable_to(user).filter(list_kind=UseListChoices.POSITIVE)


def project_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Project]:
    qs = Project.objects.visible_to(user).select_related("area", "category")
    return filter_rows(ProjectFilterSet, filters, qs, request=_as_request(user)).distinct()


def funding_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[ProjectFunding]:
    qs = ProjectFunding.objects.visible_to(user).select_related("project__area", "allocation__source")
    return filter_rows(ProjectFundingFilterSet, filters, qs)


def fundings_payable_by(user: User) -> QuerySet[ProjectFunding]:
    """Funding lines a payment can be drawn from: approved projects, money left."""
    from .choices import FUNDABLE_STATUSES

    return (
        ProjectFunding.objects.visible_to(user)
        .filter(project__status__in=FUNDABLE_STATUSES)
        .select_related("project", "allocation__source")
        .order_by("project__name", "pk")
    )


def disbursement_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Disbursement]:
    qs = Disbursement.objects.visible_to(user).select_related(
        "project__area",
        "funding__allocation__source",
        "household__village",
        "recorded_by",
        "reversal",
        "reverses",
    )
    return filter_rows(DisbursementFilterSet, filters, qs, request=_as_request(user))


def payments_latest(*, user: User, count: int = 8) -> list[Disbursement]:
    """The latest payments by the date they were paid (the list's order is by recording)."""
    return list(disbursement_list(user=user).order_by("-paid_on", "-recorded_at", "-id")[:count])


def funds_years(*, user: User) -> tuple[int, int] | None:
    """The first and last year of the allocations and projects the user sees (None if there are none):
    the span an all-years total adds up."""
    years = [
        y
        for qs in (Allocation.objects.visible_to(user), Project.objects.visible_to(user))
        for y in qs.aggregate(first=Min("year"), last=Max("year")).values()
        if y is not None
    ]
    return (min(years), max(years)) if years else None


def notice_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Notice]:
    qs = Notice.objects.visible_to(user).select_related("project__area", "published_by")
    return filter_rows(NoticeFilterSet, filters, qs)


def notices_public(*, county_prefix: str | None = None) -> QuerySet[Notice]:
    """Notices currently in their notice period, for the public board (no login: the texts were
    checked for personal data before they were stored)."""

    today = clock.today()
    qs = Notice.objects.filter(starts_on__lte=today, ends_on__gte=today).select_related("project__area")
    if county_prefix:
        qs = qs.filter(project__area__code__startswith=county_prefix)
    return qs


class DeclaredParts(TypedDict):
    """What declared_total_list annotates on each total."""

    parts_sum: Decimal
    difference: Decimal


def declared_total_list(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[WithAnnotations[DeclaredTotal, DeclaredParts]]:
    parts = DeclaredTotal.objects.filter(pk=OuterRef("pk")).annotate(s=Sum("parts__amount")).values("s")
    qs = (
        DeclaredTotal.objects.visible_to(user)
        .select_related("area")
        .prefetch_related("parts")
        .annotate(parts_sum=Coalesce(Subquery(parts[:1]), Value(ZERO), output_field=DecimalField(**MONEY)))
        .annotate(
            difference=ExpressionWrapper(
                F("parts_sum") - F("declared_amount"), output_field=DecimalField(**MONEY)
            )
        )
    )
    return filter_rows(DeclaredTotalFilterSet, filters, qs)


def measures_linkable_to(*, project: Project, user: User) -> QuerySet[Measure]:
    """Measures with an amount, of households in the project's area, not yet paid by any project."""
    from assistance.models import Measure

    return (
        Measure.objects.visible_to(user)
        .filter(
            household__village__code__startswith=project.area.prefix, amount__gt=0, fund_link__isnull=True
        )
        .select_related("household__village", "household__head")
        .order_by("household__village__code", "household__number", "pk")
    )


# -- household view --------------------------------------------------------------------------------


@dataclass
class HouseholdReceipts:
    payments: list[Disbursement]
    total: Decimal

    @property
    def total_wan(self) -> Decimal | None:
        return to_wan(self.total)


def household_receipts(*, household: Household, user: User | None = None) -> HouseholdReceipts:
    """What a household received: every ledger entry to it (reversals shown, netted in the total).

    The caller has already found the household in the user's area, so its receipts are shown whole,
    also those from a project run above the user's area (a county-wide project paying a household of
    the user's township); `row.openable` says whether the user may open that project's pages.
    """
    rows = list(
        Disbursement.objects.filter(household=household)
        .select_related("project__area", "funding__allocation__source", "reversal")
        .order_by("-paid_on", "-pk")
    )
    for row in rows:
        row.openable = user is None or user_covers_area(user, row.project.area)  # type: ignore[attr-defined]
    return HouseholdReceipts(payments=rows, total=sum((r.amount for r in rows), ZERO))


# -- execution reports (拨付率) -----------------------------------------------------------------------


@dataclass
class ReportRow:
    key: str
    label: str
    allocated: Decimal
    paid: Decimal

    @property
    def rate(self) -> Decimal | None:
        return percent(self.paid, self.allocated)

    @property
    def allocated_wan(self) -> Decimal | None:
        return to_wan(self.allocated)

    @property
    def paid_wan(self) -> Decimal | None:
        return to_wan(self.paid)

    @property
    def balance(self) -> Decimal:
        return self.allocated - self.paid


def _rows(
    allocated: dict[Any, Decimal], paid: dict[Any, Decimal], labels: dict[Any, str], *, ordered: bool = False
) -> list[ReportRow]:
    """One row per key; in the order of `labels` when `ordered` (levels, kinds, years), else by label."""
    keys: Any = set(allocated) | set(paid)
    if ordered:
        position = {k: i for i, k in enumerate(labels)}
        keys = sorted(keys, key=lambda k: position.get(k, len(position)))
    else:
        keys = sorted(keys, key=lambda k: str(labels.get(k, k)))
    return [
        ReportRow(
            key=str(k), label=str(labels.get(k, k)), allocated=allocated.get(k, ZERO), paid=paid.get(k, ZERO)
        )
        for k in keys
    ]


def execution_report(*, user: User, by: str, year: int | None = None) -> list[ReportRow]:
    """Allocation against disbursement, grouped by source, level, kind, year, project or township.

    For sources, levels, kinds and years "allocated" is what came down to the county and "paid" what was
    paid from it; for projects and townships "allocated" is what was assigned to the projects.
    """
    G = ReportGroupingChoices
    payments = Disbursement.objects.visible_to(user)
    if by in (G.SOURCE, G.LEVEL, G.KIND, G.YEAR):
        column = {
            G.SOURCE: "source_id",
            G.LEVEL: "source__level",
            G.KIND: "source__kind",
            G.YEAR: "year",
        }[ReportGroupingChoices(by)]
        allocations = Allocation.objects.visible_to(user)
        if year:
            allocations = allocations.filter(year=year)
            payments = payments.filter(funding__allocation__year=year)
        allocated = {
            r[column]: r["total"]
            for r in allocations.values(column).annotate(total=_money_sum("amount")).order_by()
        }
        paid = {
            r["key"]: r["total"]
            for r in payments.values(key=_path(column)).annotate(total=_money_sum("amount")).order_by()
        }
        labels: dict[Any, str] = {}
        if by == G.YEAR:
            labels = {y: str(y) for y in sorted(set(allocated) | set(paid))}
        if by == G.SOURCE:
            labels = dict(
                FundSource.objects.filter(pk__in=set(allocated) | set(paid)).values_list("pk", "name")
            )
        elif by == G.LEVEL:
            labels = {k: str(v) for k, v in FundLevelChoices.choices}
        elif by == G.KIND:
            labels = {k: str(v) for k, v in FundKindChoices.choices}
        return _rows(allocated, paid, labels, ordered=by in (G.LEVEL, G.KIND, G.YEAR))

    projects = Project.objects.visible_to(user)
    fundings = ProjectFunding.objects.visible_to(user)
    if year:
        projects = projects.filter(year=year)
        fundings = fundings.filter(project__year=year)
        payments = payments.filter(project__year=year)
    if by == G.PROJECT:
        allocated = {
            r["project_id"]: r["t"]
            for r in fundings.values("project_id").annotate(t=_money_sum("amount")).order_by()
        }
        paid = {
            r["project_id"]: r["t"]
            for r in payments.values("project_id").annotate(t=_money_sum("amount")).order_by()
        }
        labels = dict(projects.values_list("pk", "name"))
        for pk in labels:
            allocated.setdefault(pk, ZERO)
        return _rows(allocated, paid, labels)
    if by == G.TOWNSHIP:
        allocated = {
            r["project__area_id"]: r["t"]
            for r in fundings.values("project__area_id").annotate(t=_money_sum("amount")).order_by()
        }
        paid = {
            r["project__area_id"]: r["t"]
            for r in payments.values("project__area_id").annotate(t=_money_sum("amount")).order_by()
        }
        areas = Area.objects.filter(pk__in=set(allocated) | set(paid)).values_list("pk", "name", "level")
        labels = {
            pk: (
                name
                if level == AreaLevelChoices.TOWNSHIP
                else _("%(county)s (county-wide)") % {"county": name}
            )
            for pk, name, level in areas
        }
        return _rows(allocated, paid, labels)
    raise ValueError(by)


def execution_by_area(
    *, county: Area, year: int
) -> tuple[dict[int, Decimal], dict[tuple[int, int], Decimal]]:
    """execution_report(by="source") of one county for the snapshot job, in two grouped passes: the
    year's allocations per source, and what was paid from them per (project area, source)."""
    allocations = Allocation.objects.filter(county=county, year=year).values("source_id").order_by()
    allocated = {r["source_id"]: r["t"] for r in allocations.annotate(t=_money_sum("amount"))}
    payments = Disbursement.objects.filter(
        project__area__code__startswith=county.prefix, funding__allocation__year=year
    ).values("project__area_id", key=_path("source_id"))
    paid = {
        (r["project__area_id"], r["key"]): r["t"]
        for r in payments.annotate(t=_money_sum("amount")).order_by()
    }
    return allocated, paid


def _path(column: str) -> Any:
    return F(f"funding__allocation__{column}")


def report_totals(rows: Iterable[ReportRow]) -> ReportRow:
    rows = list(rows)
    return ReportRow(
        key="total",
        label=_("Total"),
        allocated=sum((r.allocated for r in rows), ZERO),
        paid=sum((r.paid for r in rows), ZERO),
    )


# -- reconciliation --------------------------------------------------------------------------------


@dataclass
class Mismatch:
    """A total that differs from the sum of its parts."""

    what: str
    record: Any
    stated: Decimal
    computed: Decimal

    @property
    def difference(self) -> Decimal:
        return self.computed - self.stated

    @property
    def difference_wan(self) -> Decimal | None:
        return to_wan(self.difference)


def declared_mismatches(*, user: User) -> list[Mismatch]:
    return [
        Mismatch(what=_("Declared total"), record=t, stated=t.declared_amount, computed=t.parts_sum)
        for t in declared_total_list(user=user)
        if t.parts_sum != t.declared_amount
    ]


def _sum_of(model: Any, fk: str, column: str = "amount") -> Coalesce:
    rows = (
        model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk).annotate(s=Sum(column)).values("s")
    )
    return Coalesce(Subquery(rows[:1]), Value(ZERO), output_field=DecimalField(**MONEY))


def ledger_mismatches(
    *, area_prefix: str, project_ids: Iterable[int] | None = None, include_allocations: bool | None = None
) -> list[Mismatch]:
    """Maintained totals against the ledger rows they summarise, for projects under `area_prefix` (or
    only `project_ids`) and, for a county prefix, its allocations. A correct ledger returns nothing."""
    found: list[Mismatch] = []
    projects = Project.objects.filter(area__code__startswith=area_prefix)
    fundings = ProjectFunding.objects.filter(project__area__code__startswith=area_prefix)
    if project_ids is not None:
        ids = list(project_ids)
        projects, fundings = projects.filter(pk__in=ids), fundings.filter(project_id__in=ids)
    with_sums = projects.annotate(
        funded=_sum_of(ProjectFunding, "project"), paid=_sum_of(Disbursement, "project")
    )
    for p in with_sums.order_by("pk"):
        if p.allocated_total != p.funded:
            found.append(Mismatch(_("Project allocated total"), p, p.allocated_total, p.funded))
        if p.paid_total != p.paid:
            found.append(Mismatch(_("Project paid total"), p, p.paid_total, p.paid))
    fundings_paid = fundings.select_related("project", "allocation__source").annotate(
        paid=_sum_of(Disbursement, "funding")
    )
    for f in fundings_paid.order_by("pk"):
        if f.paid_total != f.paid:
            found.append(Mismatch(_("Funding line paid total"), f, f.paid_total, f.paid))
    if include_allocations is None:
        include_allocations = project_ids is None and len(area_prefix) <= 6
    if include_allocations:
        found.extend(allocation_mismatches(county_prefix=area_prefix))
    return found


def allocation_mismatches(*, county_prefix: str) -> list[Mismatch]:
    allocations = (
        Allocation.objects.filter(county__code__startswith=county_prefix)
        .select_related("source")
        .annotate(assigned=_sum_of(ProjectFunding, "allocation"))
    )
    return [
        Mismatch(_("Allocation assigned total"), a, a.assigned_total, a.assigned)
        for a in allocations.order_by("pk")
        if a.assigned_total != a.assigned
    ]


def payments_net_of_reversals(qs: QuerySet[Disbursement]) -> Decimal:
    total: Decimal = qs.aggregate(total=_money_sum("amount"))["total"]
    return total


def payment_is_reversed(payment: Disbursement) -> bool:
    return payment.kind == DisbursementKindChoices.PAYMENT and hasattr(payment, "reversal")
