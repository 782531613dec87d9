"""Demo money: the county's fund sources and positive/negative lists, two years of allocations, a
project library across the townships with money assigned, payments to contractors and to households
(one reversed), public notices, and the declared totals of DOMAIN.md section 7 (one does not add up).

Maintained totals are computed from the rows created here, so the ledger check finds nothing wrong
and the reconciliation view shows exactly the planted Linxia mismatch."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING

from django.db.models import Sum

from core import clock
from core.demo import DemoContext
from core.masking import mask_name
from core.money import CENT, to_yuan
from households.choices import HouseholdStatusChoices

from .choices import (
    DisbursementKindChoices,
    FundKindChoices,
    FundLevelChoices,
    NoticeKindChoices,
    ProjectStatusChoices,
    UseListChoices,
)
from .models import (
    Allocation,
    DeclaredPart,
    DeclaredTotal,
    Disbursement,
    FundSource,
    Notice,
    Project,
    ProjectBeneficiary,
    ProjectCategory,
    ProjectFunding,
    ProjectMeasure,
    ProjectVillage,
)

if TYPE_CHECKING:
    from accounts.models import User
    from areas.models import Area

WAN = Decimal(10000)
L, K = FundLevelChoices, FundKindChoices
S = ProjectStatusChoices
# how a Chinese report names the levels its parts come from
LEVEL_NAMES = {L.CENTRAL: "中央", L.PROVINCIAL: "省级", L.PREFECTURE: "州级", L.COUNTY: "市级"}

SOURCES = [
    ("中央财政专项扶贫资金", L.CENTRAL, K.SPECIAL),
    ("省级财政专项扶贫资金", L.PROVINCIAL, K.SPECIAL),
    ("州级财政专项扶贫资金", L.PREFECTURE, K.SPECIAL),
    ("市级财政专项扶贫资金", L.COUNTY, K.SPECIAL),
    ("统筹整合涉农资金", L.CENTRAL, K.INTEGRATED),
    ("厦门市东西部扶贫协作资金", L.PREFECTURE, K.EAST_WEST),
    ("行业扶贫资金（交通、水利）", L.PROVINCIAL, K.SECTOR),
    ("社会帮扶资金", L.COUNTY, K.SOCIAL),
]

# (code, name, list, keywords): the positive list of allowed uses and the negative list of forbidden ones.
CATEGORIES = [
    ("industry", "产业发展（种养殖、合作社、扶贫车间）", UseListChoices.POSITIVE, ""),
    ("infrastructure", "村组道路与基础设施", UseListChoices.POSITIVE, ""),
    ("water", "农村安全饮水", UseListChoices.POSITIVE, ""),
    ("housing", "农村危房改造", UseListChoices.POSITIVE, ""),
    ("relocation", "易地扶贫搬迁后续扶持", UseListChoices.POSITIVE, ""),
    ("education", "教育扶贫（雨露计划）", UseListChoices.POSITIVE, ""),
    ("training", "劳动力技能培训", UseListChoices.POSITIVE, ""),
    ("credit", "扶贫小额信贷贴息", UseListChoices.POSITIVE, ""),
    ("solar", "光伏扶贫", UseListChoices.POSITIVE, ""),
    ("posts", "公益性岗位补助", UseListChoices.POSITIVE, ""),
    ("offices", "修建楼堂馆所", UseListChoices.NEGATIVE, "楼堂馆所,办公楼,办公用房"),
    ("vehicles", "购置交通工具和通讯设备", UseListChoices.NEGATIVE, "购置车辆,公务用车,小汽车,手机"),
    ("staff_pay", "发放工作人员工资、津贴和奖金", UseListChoices.NEGATIVE, "工作人员工资,津贴,奖金"),
    ("debts", "偿还债务和垫资", UseListChoices.NEGATIVE, "偿还债务,还债,垫资"),
    ("hospitality", "招待和会议费用", UseListChoices.NEGATIVE, "招待,宴请,会议费"),
]

PROJECT_TEMPLATES = [
    ("industry", "{village}肉牛养殖合作社扶贫项目", (60, 180)),
    ("industry", "{village}花椒种植产业扶贫项目", (30, 90)),
    ("infrastructure", "{village}通组道路硬化工程", (80, 260)),
    ("water", "{village}安全饮水巩固提升工程", (40, 120)),
    ("housing", "{township}农村危房改造到户补助", (50, 150)),
    ("training", "{township}劳动力技能培训", (10, 30)),
    ("solar", "{village}村级光伏电站", (90, 200)),
    ("posts", "{township}乡村公益性岗位补助", (20, 60)),
]


def _yuan(wan: str) -> Decimal:
    return to_yuan(Decimal(wan) * WAN)


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    county = ctx.county
    official = ctx.users.get("county")
    now = clock.now()
    today = clock.today()

    categories = {
        code: c
        for code, c in (
            (code, ProjectCategory(area=county, code=code, name=name, list_kind=kind, keywords=words))
            for code, name, kind, words in CATEGORIES
        )
    }
    ProjectCategory.objects.bulk_create(categories.values())
    sources = FundSource.objects.bulk_create(
        [FundSource(area=county, name=name, level=level, kind=kind) for name, level, kind in SOURCES]
    )

    # Allocations: two to four batches per source and year.
    allocations: list[Allocation] = []
    for year in (ctx.year - 1, ctx.year):
        for index, source in enumerate(sources):
            for batch in range(rng.randint(1, 3)):
                month = min(1 + batch * 4 + rng.randint(0, 2), today.month if year == ctx.year else 12)
                document_date = dt.date(year, max(month, 1), rng.randint(1, 28))
                if document_date > today:
                    document_date = today
                allocations.append(
                    Allocation(
                        county=county,
                        source=source,
                        year=year,
                        document_number=f"临市财农〔{year}〕{10 + index * 7 + batch}号",
                        document_date=document_date,
                        amount=Decimal(rng.randint(30, 160)) * WAN,
                        recorded_by=official,
                    )
                )
    Allocation.objects.bulk_create(allocations)

    # Projects: county-wide and township projects, benefiting villages and registered households.
    households_by_village: dict[int, list] = defaultdict(list)
    for household in ctx.data.get("households", []):
        if household.status in (
            HouseholdStatusChoices.REGISTERED,
            HouseholdStatusChoices.EXITED,
            HouseholdStatusChoices.MONITORING,
            HouseholdStatusChoices.RETURNED,
        ):
            households_by_village[household.village_id].append(household)
    villages_by_township: dict[int, list] = defaultdict(list)
    for village in ctx.villages:
        villages_by_township[village.parent_id].append(village)
    townships = [t for t in ctx.townships if t.name.endswith("镇") and villages_by_township.get(t.pk)]
    statuses = [S.PROPOSED, S.APPROVED, S.IN_PROGRESS, S.IN_PROGRESS, S.IN_PROGRESS, S.COMPLETED, S.ACCEPTED]
    projects: list[Project] = []
    project_villages: dict[int, list] = {}
    for township in townships:
        for template_index in rng.sample(range(len(PROJECT_TEMPLATES)), 4):
            code, pattern, (low, high) = PROJECT_TEMPLATES[template_index]
            village = rng.choice(villages_by_township[township.pk])
            township_wide = "{township}" in pattern
            year = rng.choice([ctx.year - 1, ctx.year])
            status = rng.choice(statuses) if year == ctx.year else rng.choice([S.COMPLETED, S.ACCEPTED])
            project = Project(
                area=township,
                name=pattern.format(village=village.name, township=township.name),
                category=categories[code],
                description="",
                year=year,
                budget=Decimal(rng.randint(low, high)) * WAN,
                status=status,
                proposed_by=ctx.users.get("zheqiao"),
                approved_by=official if status != S.PROPOSED else None,
                approved_at=now if status != S.PROPOSED else None,
                status_changed_at=now,
            )
            projects.append(project)
            project_villages[len(projects) - 1] = (
                villages_by_township[township.pk] if township_wide else [village]
            )
    for name, code in (
        ("全市扶贫小额信贷贴息", "credit"),
        ("雨露计划职业教育补助", "education"),
        ("农村危房改造到户补助", "housing"),
    ):
        projects.append(
            Project(
                area=county,
                name=f"{ctx.year}年{name}",
                category=categories[code],
                year=ctx.year,
                budget=Decimal(rng.randint(100, 300)) * WAN,
                status=S.IN_PROGRESS,
                proposed_by=official,
                approved_by=official,
                approved_at=now,
                status_changed_at=now,
            )
        )
        project_villages[len(projects) - 1] = []
    Project.objects.bulk_create(projects)

    links: list[ProjectVillage] = []
    beneficiaries: list[ProjectBeneficiary] = []
    project_households: dict[int, list] = {}
    for index, project in enumerate(projects):
        villages = project_villages[index]
        links.extend(ProjectVillage(project=project, village=v) for v in villages)
        pool = [h for v in villages for h in households_by_village.get(v.pk, [])]
        chosen = rng.sample(pool, min(len(pool), rng.randint(3, 12))) if pool else []
        project_households[project.pk] = chosen
        beneficiaries.extend(ProjectBeneficiary(project=project, household=h) for h in chosen)
    ProjectVillage.objects.bulk_create(links)
    ProjectBeneficiary.objects.bulk_create(beneficiaries)

    # Money assigned to approved projects from allocations of the project's year, within both limits.
    left = {a.pk: a.amount for a in allocations}
    by_year: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in allocations:
        by_year[allocation.year].append(allocation)
    fundings: list[ProjectFunding] = []
    for project in projects:
        if project.status == S.PROPOSED:
            continue
        target = project.budget * Decimal(rng.choice(["1", "1", "0.8", "0.6"]))
        for allocation in rng.sample(by_year[project.year], min(2, len(by_year[project.year]))):
            amount = min(left[allocation.pk], (target / 2).quantize(Decimal("1")))
            if amount <= 0:
                continue
            left[allocation.pk] -= amount
            fundings.append(
                ProjectFunding(project=project, allocation=allocation, amount=amount, assigned_by=official)
            )
    ProjectFunding.objects.bulk_create(fundings)

    # Payments: contractors by progress, households for household projects; one payment reversed.
    payments: list[Disbursement] = []
    paid: dict[int, Decimal] = defaultdict(Decimal)
    share: dict[str, str] = {S.APPROVED: "0", S.IN_PROGRESS: "0.45", S.COMPLETED: "0.9", S.ACCEPTED: "1"}
    voucher = 0
    for funding in fundings:
        project = funding.project
        budget_share = Decimal(share[project.status])
        to_pay = to_yuan(funding.amount * budget_share)
        households = project_households.get(project.pk) or []
        if to_pay <= 0:
            continue
        paid_on = min(today, dt.date(project.year, rng.randint(3, 11), rng.randint(1, 28)))
        if households and project.category.code in ("housing", "posts", "industry"):
            # Subsidies per household as counties pay them (a few thousand yuan); the rest of the line
            # goes to the cooperative or builder below.
            each = min(
                (to_pay / len(households)).quantize(CENT, rounding=ROUND_DOWN),
                Decimal(rng.choice([2000, 3000, 5000, 8000])),
            )
            for household in households:
                voucher += 1
                payments.append(
                    Disbursement(
                        project=project,
                        funding=funding,
                        household=household,
                        kind=DisbursementKindChoices.PAYMENT,
                        amount=each,
                        paid_on=paid_on,
                        voucher_number=f"记-{project.year}-{voucher:04d}",
                        payee=household.head.name if household.head else household.number,
                        idempotency_key=f"demo-{voucher}",
                        recorded_by=official,
                    )
                )
                paid[funding.pk] += each
            rest = to_pay - each * len(households)
            if rest > 0:
                voucher += 1
                payments.append(
                    Disbursement(
                        project=project,
                        funding=funding,
                        kind=DisbursementKindChoices.PAYMENT,
                        amount=rest,
                        paid_on=paid_on,
                        voucher_number=f"记-{project.year}-{voucher:04d}",
                        payee="临夏市扶贫产业专业合作社",
                        idempotency_key=f"demo-{voucher}",
                        recorded_by=official,
                    )
                )
                paid[funding.pk] += rest
        else:
            for part in (Decimal("0.6"), Decimal("0.4")):
                voucher += 1
                amount = to_yuan(to_pay * part)
                if part == Decimal("0.4"):
                    amount = to_pay - to_yuan(to_pay * Decimal("0.6"))
                payments.append(
                    Disbursement(
                        project=project,
                        funding=funding,
                        kind=DisbursementKindChoices.PAYMENT,
                        amount=amount,
                        paid_on=paid_on,
                        voucher_number=f"记-{project.year}-{voucher:04d}",
                        payee=rng.choice(
                            [
                                "临夏市路桥建设有限公司",
                                "临夏州水务工程公司",
                                "枹罕镇农业合作社",
                                "甘肃某建筑工程公司",
                            ]
                        ),
                        idempotency_key=f"demo-{voucher}",
                        recorded_by=official,
                    )
                )
                paid[funding.pk] += amount
    Disbursement.objects.bulk_create(payments)
    household_payments = [p for p in payments if p.household_id]
    if household_payments:
        wrong = household_payments[0]
        Disbursement.objects.create(
            project=wrong.project,
            funding=wrong.funding,
            household=wrong.household,
            kind=DisbursementKindChoices.REVERSAL,
            amount=-wrong.amount,
            paid_on=today,
            voucher_number=wrong.voucher_number,
            payee=wrong.payee,
            note="重复录入，冲销",
            reverses=wrong,
            idempotency_key="demo-reversal-1",
            recorded_by=official,
        )
        paid[wrong.funding_id] -= wrong.amount

    # Household measures with an amount, paid by the county's housing projects.
    _link_measures(ctx, projects, fundings, paid, official)

    # The allocations', projects' and lines' totals are maintained by database triggers from the rows
    # above (funds.models); nothing to add up here.

    _seed_notices(ctx, projects, project_households, official)
    _seed_declared_totals(county, ctx.year)
    ctx.data["fund_projects"] = projects
    ctx.say(
        f"Funds: {len(allocations)} allocations, {len(projects)} projects, {len(payments) + 1} ledger entries."
    )


def _link_measures(
    ctx: DemoContext, projects: list, fundings: list, paid: dict, official: User | None
) -> None:
    try:
        from assistance.choices import MeasureKindChoices
        from assistance.models import Measure
    except ImportError:  # pragma: no cover - assistance is always installed with funds
        return
    housing = [
        p for p in projects if p.category.code == "housing" and p.status in (S.IN_PROGRESS, S.COMPLETED)
    ]
    lines = {f.project_id: f for f in fundings}
    links: list[ProjectMeasure] = []
    payments: list[Disbursement] = []
    for project in housing:
        funding = lines.get(project.pk)
        if funding is None:
            continue
        measures = list(
            Measure.objects.filter(
                kind=MeasureKindChoices.HOUSING_RENOVATION,
                amount__gt=0,
                household__village__code__startswith=project.area.prefix,
            )
            .exclude(pk__in=[link.measure_id for link in links])
            .select_related("household__head")
            .order_by("pk")[:8]
        )
        for measure in measures:
            amount = measure.amount
            if amount is None or funding.amount - paid[funding.pk] < amount:
                break  # (the query asked for an amount)
            links.append(ProjectMeasure(project=project, measure=measure, linked_by=official))
            payments.append(
                Disbursement(
                    project=project,
                    funding=funding,
                    household=measure.household,
                    measure=measure,
                    kind=DisbursementKindChoices.PAYMENT,
                    amount=amount,
                    paid_on=min(
                        clock.today(),
                        max(measure.start_date + dt.timedelta(days=30), dt.date(project.year, 4, 1)),
                    ),
                    voucher_number=f"危改-{measure.pk}",
                    payee=measure.household.head.name if measure.household.head else measure.household.number,
                    idempotency_key=f"demo-measure-{measure.pk}",
                    recorded_by=official,
                )
            )
            paid[funding.pk] += measure.amount
    ProjectMeasure.objects.bulk_create(links)
    ProjectBeneficiary.objects.bulk_create(
        [ProjectBeneficiary(project=link.project, household_id=link.measure.household_id) for link in links],
        ignore_conflicts=True,
    )
    Disbursement.objects.bulk_create(payments)


def _seed_notices(ctx: DemoContext, projects: list, project_households: dict, official: User | None) -> None:
    today = clock.today()
    notices = []
    for project in projects[:: max(1, len(projects) // 8)]:
        villages = "、".join(v.name for v in project.villages.all()) or project.area.name
        starts = today - dt.timedelta(days=ctx.rng.randint(0, 12))
        notices.append(
            Notice(
                project=project,
                kind=NoticeKindChoices.PROJECT,
                title=f"项目公示：{project.name}",
                body=(
                    f"项目名称：{project.name}\n实施单位：{project.area.name}\n项目类别：{project.category.name}\n"
                    f"建设地点：{villages}\n项目预算：{project.budget:,.2f}元\n"
                    "公示期内如有异议，请向市扶贫开发办公室反映。"
                ),
                starts_on=starts,
                ends_on=starts + dt.timedelta(days=6),
                published_by=official,
            )
        )
        households = project_households.get(project.pk) or []
        if households:
            lines = [f"{h.village.name} {mask_name(h.head.name if h.head else '')}" for h in households[:10]]
            notices.append(
                Notice(
                    project=project,
                    kind=NoticeKindChoices.PAYMENT,
                    title=f"资金公示：{project.name}",
                    body="受益农户：\n" + "\n".join(lines) + "\n公示期内如有异议，请向市扶贫开发办公室反映。",
                    starts_on=starts,
                    ends_on=starts + dt.timedelta(days=6),
                    published_by=official,
                )
            )
    Notice.objects.bulk_create(notices)


def _seed_declared_totals(county: Area, year: int | None = None) -> None:
    """DOMAIN.md section 7: Linxia's special funds do not add up (declared 39,856.84, parts 39,886.84
    万元). Only the county's own totals: another city's (Jincheng's 2017 report) has no place in
    Linxia's reconciliation. The year's allocations as a report would declare them add up."""
    declared: list[tuple[str, int | None, Decimal, str, list[tuple[str, Decimal]]]] = [
        (
            "临夏市2014—2018年财政专项扶贫资金",
            2018,
            _yuan("39856.84"),
            "临夏市精准扶贫案例（2014—2018年）",
            [("中央和省级", _yuan("23571.04")), ("州级", _yuan("608.8")), ("市级", _yuan("15707"))],
        ),
    ]
    by_level = (
        Allocation.objects.filter(county=county, year=year)
        .values("source__level")
        .annotate(total=Sum("amount"))
        .order_by()
        if year is not None  # no year: only the documented totals
        else []
    )
    parts = {row["source__level"]: row["total"] for row in by_level}
    if parts:
        declared.append(
            (
                f"临夏市{year}年财政扶贫资金下达情况",
                year,
                sum(parts.values(), Decimal(0)),
                f"临夏市{year}年度资金下达文件汇总",
                [(LEVEL_NAMES[level], parts[level]) for level in LEVEL_NAMES if level in parts],
            )
        )
    for title, year_, total, document, lines in declared:
        row = DeclaredTotal.objects.create(
            area=county, title=title, year=year_, declared_amount=total, source_document=document
        )
        DeclaredPart.objects.bulk_create(
            [
                DeclaredPart(declared_total=row, label=label, amount=amount, position=i)
                for i, (label, amount) in enumerate(lines)
            ]
        )
