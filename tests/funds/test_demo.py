"""The demo county's money: consistent ledger, every kind of record present, the seeded mismatch found."""

from __future__ import annotations

import random
from importlib import import_module
from io import StringIO

import pytest

from core.demo import DemoContext
from funds.choices import DisbursementKindChoices, ProjectStatusChoices
from funds.models import DeclaredTotal, Disbursement, Notice, Project, ProjectMeasure
from funds.notices import notice_text_problems
from funds.selectors import declared_mismatches, ledger_mismatches, to_wan

pytestmark = pytest.mark.django_db


def test_demo_money_is_consistent_and_shows_the_seeded_mismatch() -> None:
    # given
    ctx = DemoContext(seed=7, households=150, year=2026, rng=random.Random(7), stdout=StringIO())
    for app in ["areas", "accounts", "households", "assistance", "funds"]:
        import_module(f"{app}.demo").seed(ctx)
    official = ctx.users["county"]

    # then: maintained totals equal the ledger; one reversal; measures paid; notices clean
    assert ledger_mismatches(area_prefix=ctx.county.prefix) == []
    assert Disbursement.objects.filter(kind=DisbursementKindChoices.REVERSAL).count() == 1
    assert Project.objects.filter(status=ProjectStatusChoices.PROPOSED).exists()
    assert ProjectMeasure.objects.exists()
    assert all(notice_text_problems(f"{n.title}\n{n.body}") == [] for n in Notice.objects.all())
    # the county's totals only: the year's allocations as declared, adding up, and the planted mismatch
    titles = list(DeclaredTotal.objects.values_list("title", flat=True))
    assert not any("晋城" in t for t in titles)
    assert "临夏市2026年财政扶贫资金下达情况" in titles
    found = declared_mismatches(user=official)
    assert len(found) == 1
    assert str(to_wan(found[0].stated)) == "39856.84"
    assert str(to_wan(found[0].computed)) == "39886.84"
