"""Demo exits: the county's poverty lines, rules and village standards; exit procedures at every step;
monitoring objects for the households the registry marks as monitored; a re-verification campaign
(回头看) over one township, part done."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from accounts.roles import RoleChoices
from areas.models import Area
from core import clock
from core.demo import DemoContext
from core.scoping import user_covers_area
from core.services import model_update
from households.choices import ASSISTED_STATUSES, HouseholdStatusChoices
from households.models import Household

from .choices import (
    AreaExitStateChoices,
    CheckTaskStateChoices,
    ExitProcedureStateChoices,
    ExitStepChoices,
    MonitoringCategoryChoices,
    MonitoringSourceChoices,
    MonitoringStateChoices,
    MonitoringStepChoices,
    RiskChoices,
)
from .models import (
    Campaign,
    CheckTask,
    ExitProcedure,
    ExitSettings,
    ExitSignoff,
    MonitoringCase,
    MonitoringSignoff,
    PovertyLine,
    VillageStandard,
)
from .selectors import exit_eligibility_many

# National poverty line at current prices (2,300 yuan at 2010 prices), as county offices published it.
LINES = {2016: "3146", 2017: "3335", 2018: "3535", 2019: "3747", 2020: "4000"}

# Village exit standards in the style of Jincheng's 13 (seed 001).
STANDARDS = [
    "贫困发生率降至2%以下（西部地区3%以下）",
    "有一个坚强有力的村党支部和村委会班子",
    "有稳定增收的主导产业",
    "村集体经济年收入达到5万元以上",
    "通村道路硬化",
    "自然村通动力电",
    "安全饮水全覆盖",
    "有标准化村卫生室和合格村医",
    "有综合文化服务中心",
    "适龄儿童无因贫失学辍学",
    "危房全部改造",
    "宽带网络和广播电视覆盖",
    "农户参加城乡居民医疗保险全覆盖",
]

# Where the exit procedures of the demo stand, and how many households in each state.
PROCEDURE_STATES = [
    (ExitProcedureStateChoices.PROPOSED, 6),
    (ExitProcedureStateChoices.VERIFIED, 4),
    (ExitProcedureStateChoices.REVIEWED, 3),
    (ExitProcedureStateChoices.CONSENTED, 3),
    (ExitProcedureStateChoices.IN_NOTICE, 5),
    (ExitProcedureStateChoices.NOTICE_CLOSED, 2),
    (ExitProcedureStateChoices.TOWNSHIP_REVIEWED, 2),
]
STEP_INTO = {
    ExitProcedureStateChoices.PROPOSED: ExitStepChoices.PROPOSE,
    ExitProcedureStateChoices.VERIFIED: ExitStepChoices.VILLAGE_VERIFY,
    ExitProcedureStateChoices.REVIEWED: ExitStepChoices.DEMOCRATIC_REVIEW,
    ExitProcedureStateChoices.CONSENTED: ExitStepChoices.HOUSEHOLD_CONSENT,
    ExitProcedureStateChoices.IN_NOTICE: ExitStepChoices.NOTICE_START,
    ExitProcedureStateChoices.NOTICE_CLOSED: ExitStepChoices.NOTICE_CLOSE,
    ExitProcedureStateChoices.TOWNSHIP_REVIEWED: ExitStepChoices.TOWNSHIP_REVIEW,
}


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    county = ctx.county
    users = ctx.users
    now = clock.now()
    today = clock.today()
    current = Decimal(str(ctx.data.get("poverty_line", "4000")))
    lines = {year: Decimal(v) for year, v in LINES.items()}
    for year in range(2021, ctx.year + 1):
        lines[year] = current
    PovertyLine.objects.bulk_create(
        [
            PovertyLine(
                county=county,
                year=year,
                amount=amount,
                basis="国家扶贫标准（现价）",
                set_by=users.get("county"),
            )
            for year, amount in sorted(lines.items())
        ]
    )
    ExitSettings.objects.create(county=county)
    VillageStandard.objects.bulk_create(
        [VillageStandard(county=county, position=i, title=t) for i, t in enumerate(STANDARDS, start=1)]
    )

    # Exit procedures: eligible registered households of the demo's townships, the first secretary's
    # village first. Village steps are signed by the village's first secretary (else the township's
    # staff), the township review by the township's staff; the notice lasts the rule's minimum.
    secretary, township, official = users.get("secretary"), users.get("zheqiao"), users.get("county")
    township_staff = [u for u in users.values() if u.role == RoleChoices.TOWNSHIP_STAFF]

    def township_of(household: Household) -> Any:
        return next((u for u in township_staff if user_covers_area(u, household.village)), None)

    def village_signer(household: Household) -> Any:
        if secretary is not None and user_covers_area(secretary, household.village):
            return secretary
        return township_of(household)

    registered = list(
        Household.objects.filter(
            village__code__startswith=county.prefix, status=HouseholdStatusChoices.REGISTERED
        )
        .select_related("village")
        .order_by("village__code", "number")
    )
    results = exit_eligibility_many(registered, ctx.year)
    eligible = [h for h in registered if results[h.pk].eligible and township_of(h) is not None]
    rng.shuffle(eligible)
    eligible.sort(key=lambda h: village_signer(h) is not secretary)
    order = list(ExitProcedureStateChoices)
    notice_at = order.index(ExitProcedureStateChoices.IN_NOTICE)
    notice_days = ExitSettings.objects.get(county=county).notice_min_days

    def offset(index: int) -> int:
        """Days after the start at which step `index` is signed: a day apart, the notice its minimum."""
        return index + (notice_days - 1 if index > notice_at else 0)

    procedures, plan = [], []
    for state, count in PROCEDURE_STATES:
        for household in eligible[len(procedures) : len(procedures) + count]:
            if state == ExitProcedureStateChoices.IN_NOTICE:
                started = today - dt.timedelta(days=notice_at + rng.randint(1, notice_days - 1))
            else:
                started = today - dt.timedelta(days=offset(len(order)) + rng.randint(2, 10))
            procedures.append(
                ExitProcedure(
                    household=household,
                    year=ctx.year,
                    state=state,
                    proposed_by=village_signer(household),
                    notice_started_on=started + dt.timedelta(days=notice_at)
                    if order.index(state) >= notice_at
                    else None,
                )
            )
            plan.append((state, started))
    ExitProcedure.objects.bulk_create(procedures)
    signoffs = []
    for procedure, (state, started) in zip(procedures, plan, strict=True):
        previous = ""
        for index, step_state in enumerate(order[: order.index(state) + 1]):
            step = STEP_INTO[step_state]
            household = procedure.household
            signer = (
                township_of(household)
                if step == ExitStepChoices.TOWNSHIP_REVIEW
                else village_signer(household)
            )
            if signer is None:
                continue
            signoffs.append(
                ExitSignoff(
                    procedure=procedure,
                    step=step,
                    from_state=previous,
                    to_state=step_state,
                    signed_by=signer,
                    role=signer.role,
                    signed_at=now - dt.timedelta(days=(today - started).days - offset(index)),
                    comment="户主签字同意，认可退出" if step == ExitStepChoices.HOUSEHOLD_CONSENT else "",
                )
            )
            previous = step_state
    ExitSignoff.objects.bulk_create(signoffs)

    # Monitoring objects for the households the registry has under monitoring: included, with sign-offs.
    monitored = list(
        Household.objects.filter(
            village__code__startswith=county.prefix, status=HouseholdStatusChoices.MONITORING
        ).order_by("number")
    )
    cases = []
    for household in monitored:
        included = today - dt.timedelta(days=rng.randint(20, 330))
        reported = included - dt.timedelta(days=rng.randint(5, 14))
        risk = rng.choice(
            [
                RiskChoices.LOW_INCOME,
                RiskChoices.SERIOUS_ILLNESS,
                RiskChoices.DISASTER,
                RiskChoices.LOST_WORK,
                RiskChoices.LARGE_SPENDING,
            ]
        )
        cases.append(
            MonitoringCase(
                household=household,
                category=MonitoringCategoryChoices.UNSTABLE_EXITED,
                source=rng.choice(
                    [
                        MonitoringSourceChoices.CADRE_VISIT,
                        MonitoringSourceChoices.SELF_REPORT,
                        MonitoringSourceChoices.DEPARTMENT_ALERT,
                    ]
                ),
                risks=[risk],
                description="入户走访发现风险，经核实纳入监测",
                state=MonitoringStateChoices.INCLUDED,
                reported_on=reported,
                decision_due=reported + dt.timedelta(days=15),
                notice_started_on=reported + dt.timedelta(days=2),
                included_on=included,
                status_before=HouseholdStatusChoices.EXITED,
                reported_by=secretary,
            )
        )
    MonitoringCase.objects.bulk_create(cases)
    steps = [
        (
            MonitoringStepChoices.VERIFY,
            MonitoringStateChoices.REPORTED,
            MonitoringStateChoices.VERIFIED,
            secretary,
        ),
        (
            MonitoringStepChoices.VILLAGE_REVIEW,
            MonitoringStateChoices.VERIFIED,
            MonitoringStateChoices.REVIEWED,
            secretary,
        ),
        (
            MonitoringStepChoices.NOTICE_START,
            MonitoringStateChoices.REVIEWED,
            MonitoringStateChoices.IN_NOTICE,
            secretary,
        ),
        (
            MonitoringStepChoices.TOWNSHIP_REVIEW,
            MonitoringStateChoices.IN_NOTICE,
            MonitoringStateChoices.TOWNSHIP_REVIEWED,
            township,
        ),
        (
            MonitoringStepChoices.COUNTY_INCLUDE,
            MonitoringStateChoices.TOWNSHIP_REVIEWED,
            MonitoringStateChoices.INCLUDED,
            official,
        ),
    ]
    MonitoringSignoff.objects.bulk_create(
        [
            MonitoringSignoff(
                case=case,
                step=step,
                from_state=source,
                to_state=target,
                signed_by=signer,
                role=signer.role,
                signed_at=now - dt.timedelta(days=(today - case.reported_on).days - offset * 2),
                comment="户主签字同意纳入监测" if step == MonitoringStepChoices.VERIFY else "",
            )
            for case in cases
            for offset, (step, source, target, signer) in enumerate(steps)
            if signer is not None
        ]
    )

    # A spring re-verification campaign over 折桥镇, about a third done.
    zheqiao = Area.objects.get(code="622901103000")
    if official is not None:
        campaign = Campaign.objects.create(
            area=zheqiao,
            title=f"{ctx.year}年“回头看”专项行动（十访十看）",
            starts_on=today - dt.timedelta(days=14),
            due_on=today + dt.timedelta(days=16),
            started_by=official,
        )
        ids = list(
            Household.objects.filter(
                village__code__startswith=zheqiao.prefix,
                status__in=ASSISTED_STATUSES,
            ).values_list("pk", flat=True)
        )
        from assistance.selectors import active_cadre_ids_for

        cadres = active_cadre_ids_for(ids)
        tasks = []
        for hid in ids:
            roll = rng.random()
            state = (
                CheckTaskStateChoices.CONFIRMED
                if roll < 0.3
                else CheckTaskStateChoices.PROBLEM
                if roll < 0.35
                else CheckTaskStateChoices.PENDING
            )
            tasks.append(
                CheckTask(
                    campaign=campaign,
                    household_id=hid,
                    cadre_id=cadres.get(hid),
                    state=state,
                    findings="收入数据与走访情况不一致，需重新核算"
                    if state == CheckTaskStateChoices.PROBLEM
                    else "",
                    done_by=secretary if state != CheckTaskStateChoices.PENDING else None,
                    done_at=now - dt.timedelta(days=rng.randint(0, 13))
                    if state != CheckTaskStateChoices.PENDING
                    else None,
                )
            )
        CheckTask.objects.bulk_create(tasks, batch_size=2000)
        model_update(campaign, fields={"task_count": len(tasks)}, bump_version=False, refresh=False)
    village_exits = _village_exits(ctx, official=official)
    ctx.say(
        f"Exits: {len(procedures)} exit procedures under way, {len(cases)} monitoring objects, "
        f"{village_exits} village exits, "
        f"{len(lines)} poverty lines, {len(STANDARDS)} village standards."
    )


def _village_exits(ctx: DemoContext, *, official: object) -> int:
    """In each township, the first village (by code) whose live incidence is below the threshold has
    proposed its exit with every standard checked; the county has approved the first of them."""
    from areas.choices import AreaLevelChoices

    from .models import VillageExit, VillageStandardCheck
    from .selectors import area_exit_check

    if official is None:
        return 0
    standards = list(VillageStandard.objects.filter(county=ctx.county).order_by("position"))
    townships = Area.objects.filter(code__startswith=ctx.county.prefix, level=AreaLevelChoices.TOWNSHIP)
    created = []
    for township in townships.order_by("code"):
        villages = Area.objects.filter(code__startswith=township.prefix, level=AreaLevelChoices.VILLAGE)
        for village in villages.order_by("code")[:5]:
            check = area_exit_check(village, ctx.year)
            if not check["below_threshold"]:
                continue
            incidence = check["incidence"]
            approved = not created
            created.append(
                VillageExit.objects.create(
                    village=village,
                    year=ctx.year,
                    state=AreaExitStateChoices.APPROVED if approved else AreaExitStateChoices.PROPOSED,
                    poor_people=incidence.poor_people,
                    population=incidence.population,
                    incidence=incidence.rate,
                    threshold=check["threshold"],
                    proposed_by=official,
                    decided_by=official if approved else None,
                    decided_at=clock.now() if approved else None,
                    decision_note="经县扶贫开发领导小组审定，同意退出。" if approved else "",
                )
            )
            break
    VillageStandardCheck.objects.bulk_create(
        [VillageStandardCheck(village_exit=row, standard=s, met=True) for row in created for s in standards]
    )
    return len(created)
