"""Benchmark: the funds ledger at county scale, each figure against a baseline measured in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/pc_funds_bench python bench/funds_bench.py

1. The execution report by project (one grouped query per side) against the naive way (one SUM query
   per project), over BENCH_PROJECTS projects with BENCH_PAYMENTS payments each.
2. Recording payments through `disbursement_record` (locks, checks, idempotency lookup, audit
   trigger) against bare INSERTs of the same rows.

The database is created and migrated if needed; the bench data lives under its own county code.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

from bench_db import ensure_database

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "povertycase.settings.test")

PROJECTS = int(os.environ.get("BENCH_PROJECTS", "300"))
PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", "40"))
RECORDS = int(os.environ.get("BENCH_RECORDS", "300"))
COUNTY = "513402000000"


def _timed(fn, repeat: int = 3) -> float:  # noqa: ANN001
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from accounts.models import User
    from accounts.roles import RoleChoices
    from areas.choices import AreaLevelChoices
    from areas.models import Area
    from funds.choices import FundKindChoices, FundLevelChoices, ProjectStatusChoices, UseListChoices
    from funds.models import Allocation, Disbursement, FundSource, Project, ProjectCategory, ProjectFunding
    from funds.selectors import execution_report
    from funds.services import disbursement_record
    from tests.factories import make_user

    county = Area.objects.filter(code=COUNTY).first()
    if county is None:
        province = Area.objects.get_or_create(
            code="510000000000", defaults={"name": "四川省", "level": AreaLevelChoices.PROVINCE}
        )[0]
        prefecture = Area.objects.get_or_create(
            code="513400000000",
            defaults={"name": "凉山州", "level": AreaLevelChoices.PREFECTURE, "parent": province},
        )[0]
        county = Area.objects.create(
            code=COUNTY, name="昭觉县", level=AreaLevelChoices.COUNTY, parent=prefecture
        )
    official = User.objects.filter(username="bench_funds").first() or make_user(
        RoleChoices.COUNTY_OFFICIAL, county, username="bench_funds"
    )
    if not Project.objects.filter(area=county).exists():
        print(f"generating {PROJECTS} projects x {PAYMENTS} payments ...")
        category = ProjectCategory.objects.create(
            area=county, code="industry", name="产业发展", list_kind=UseListChoices.POSITIVE
        )
        source = FundSource.objects.create(
            area=county,
            name="中央财政专项扶贫资金",
            level=FundLevelChoices.CENTRAL,
            kind=FundKindChoices.SPECIAL,
        )
        each = Decimal("100.00")
        per_project = each * PAYMENTS * 2
        allocation = Allocation.objects.create(
            county=county,
            source=source,
            year=2024,
            document_number="bench-1",
            document_date=dt.date(2024, 1, 1),
            amount=per_project * PROJECTS,
        )
        projects = Project.objects.bulk_create(
            Project(
                area=county,
                name=f"项目{i}",
                category=category,
                year=2024,
                budget=per_project,
                status=ProjectStatusChoices.IN_PROGRESS,
            )
            for i in range(PROJECTS)
        )
        fundings = ProjectFunding.objects.bulk_create(
            ProjectFunding(project=p, allocation=allocation, amount=per_project) for p in projects
        )
        Disbursement.objects.bulk_create(
            (
                Disbursement(
                    project_id=f.project_id,
                    funding=f,
                    amount=each,
                    paid_on=dt.date(2024, 6, 1),
                    voucher_number=f"v{f.pk}-{k}",
                    payee="合作社",
                    idempotency_key=f"bench-{f.pk}-{k}",
                )
                for f in fundings
                for k in range(PAYMENTS)
            ),
            batch_size=5000,
        )

    # 1. report by project: grouped queries against one SUM per project
    from django.db.models import F, Sum

    project_ids = list(Project.objects.filter(area=county).values_list("pk", flat=True))

    def naive() -> None:
        for pk in project_ids:
            Disbursement.objects.filter(project_id=pk).aggregate(total=Sum("amount"))
            ProjectFunding.objects.filter(project_id=pk).aggregate(total=Sum("amount"))

    grouped = _timed(lambda: execution_report(user=official, by="project"))
    baseline = _timed(naive)
    print(
        f"report by project ({len(project_ids)} projects): {grouped * 1000:.1f} ms, "
        f"per-project SUMs {baseline * 1000:.1f} ms, ratio {baseline / grouped:.1f}x faster"
    )

    # 2. recording payments through the service against bare inserts
    funding = ProjectFunding.objects.filter(project__area=county).order_by("pk").first()
    # Room for the recording benchmark; the database triggers move the allocation's and the project's
    # totals with the line (funds.models), so only the limits are raised by hand.
    Allocation.objects.filter(pk=funding.allocation_id).update(amount=F("amount") + F_big())
    Project.objects.filter(pk=funding.project_id).update(budget=F_big() * 2)
    ProjectFunding.objects.filter(pk=funding.pk).update(amount=F_big())
    funding.refresh_from_db()
    run = uuid.uuid4().hex[:8]

    def through_service() -> None:
        for k in range(RECORDS):
            disbursement_record(
                funding=funding,
                amount="1.00",
                paid_on=dt.date(2024, 6, 2),
                voucher_number="s",
                payee="p",
                idempotency_key=f"svc-{run}-{time.perf_counter_ns()}-{k}",
                user=official,
            )

    def bare() -> None:
        for k in range(RECORDS):
            Disbursement.objects.create(
                project_id=funding.project_id,
                funding=funding,
                amount=Decimal("1.00"),
                paid_on=dt.date(2024, 6, 2),
                voucher_number="b",
                payee="p",
                idempotency_key=f"bare-{run}-{time.perf_counter_ns()}-{k}",
            )

    service = _timed(through_service, repeat=1)
    plain = _timed(bare, repeat=1)
    print(
        f"{RECORDS} payments: service {service * 1000 / RECORDS:.2f} ms each, bare insert "
        f"{plain * 1000 / RECORDS:.2f} ms each, overhead {service / plain:.1f}x"
    )


def F_big():  # noqa: ANN201, N802 - room for the recording benchmark on one line
    return Decimal("999999999.00")


if __name__ == "__main__":
    main()
