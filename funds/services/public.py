"""The public self-service lookup: a household queries its own record and receipts."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from core.masking import mask_household_number, mask_id_region, mask_name
from core.services import sensitive_access_log
from households.models import Household

from ..models import (
    Disbursement,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

# -- public self-service lookup --------------------------------------------------------------------


@dataclass
class PublicLookupResult:
    """What the public lookup may show: the household's record masked, and its own ledger entries."""

    household: Household
    member_name: str
    receipts: list[Disbursement]

    @property
    def head_name(self) -> str:
        head = self.household.head
        return mask_name(head.name if head else "")

    @property
    def household_number(self) -> str:
        """The first six and last three characters; the rest starred."""
        number = self.household.number
        return mask_household_number(number)

    @property
    def village(self) -> str:
        village = self.household.village
        return f"{village.parent.name if village.parent else ''}{village.name}"

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.receipts), Decimal("0.00"))


def public_lookup_refused(*, request: HttpRequest, detail: str = "refused: rate limit") -> None:
    """Log a lookup a budget refused (`funds.throttling`; nothing was looked up)."""
    sensitive_access_log(user=None, what="funds.public_lookup", detail=detail, request=request)


def public_lookup(
    *, id_number: str, name: str, request: HttpRequest | None = None
) -> PublicLookupResult | None:
    """A household finds its own subsidies by a member's ID number and name. Nothing is said about
    whether the number exists when the name does not match; every attempt is logged."""
    from households.id_numbers import id_number_normalize
    from households.models import Member

    number = id_number_normalize(id_number)
    name = (name or "").strip()
    member = (
        Member.objects.filter(id_number=number, name=name, household__isnull=False)
        .select_related("household__village__parent", "household__head")
        .first()
        if number and name
        else None
    )
    sensitive_access_log(
        user=None,
        what="funds.public_lookup",
        obj=member.household if member else None,
        detail=("found " if member else "not found ") + mask_id_region(number),
        request=request,
    )
    if member is None:
        return None
    receipts = list(
        Disbursement.objects.filter(household=member.household)
        .select_related("project", "reverses")
        .order_by("-paid_on", "-pk")
    )
    household = member.household
    assert household is not None  # noqa: S101  (the member was found through a household)
    return PublicLookupResult(household=household, member_name=member.name, receipts=receipts)
