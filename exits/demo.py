"""Demo exits: the county's poverty lines, rules and village standards; exit procedures at every step;
monitoring objects for the households the registry marks as monitored; a re-verification campaign
(回头看) over one township, part done."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from areas.models import Area, PolicyValue
from core import clock
from core.demo import DemoContext, office_moment, workday_on_or_after, workday_on_or_before
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
    ExitSignoff,
    MonitoringCase,
    MonitoringSignoff,
    VillageStandard,
)
from .policy import EXIT_KEYS, POVERTY_LINE
from .selectors import exit_eligibility_many, exit_settings_for

if TYPE_CHECKING:
    from accounts.models import User

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
STEP_INTO: dict[str, ExitStepChoices] = {
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
    today = clock.today()
    current = Decimal(str(ctx.data.get("poverty_line", "4000")))
    lines = {year: Decimal(v) for year, v in LINES.items()}
    for year in range(2021, ctx.year + 1):
        lines[year] = current
    PolicyValue.objects.bulk_create(
        [
            PolicyValue(
                area=county,
                key=POVERTY_LINE.name,
                year=year,
                value=POVERTY_LINE.dump(amount),
                basis="国家扶贫标准（现价）",
            )
            for year, amount in sorted(lines.items())
        ]
    )
    # the county's rules as it would have set them: the national defaults, shown as its own values
    PolicyValue.objects.bulk_create(
        [PolicyValue(area=county, key=key.name, value=key.dump(key.default)) for key in EXIT_KEYS.values()]
    )
    VillageStandard.objects.bulk_create(
        [VillageStandard(county=county, position=i, title=t) for i, t in enumerate(STANDARDS, start=1)]
    )

    # Exit procedures: eligible registered households of the demo's townships, the first secretary's
    # village first. Village steps are signed by the village's first secretary (else the township's
    # cadre in charge of villages), the township review by the township's clerk (ctx.village_signer,
    # ctx.township_signer); steps a working day or a few apart, in office hours, the notice its
    # minimum or a little more; nothing signed today (at 00:30 the county's office hours lie ahead).
    secretary, official = users.get("secretary"), users.get("county")
    times = random.Random(ctx.seed + 1)  # its own stream: the demo's other draws stay as they were

    registered = list(
        Household.objects.filter(
            village__code__startswith=county.prefix, status=HouseholdStatusChoices.REGISTERED
        )
        .select_related("village")
        .order_by("village__code", "number")
    )
    results = exit_eligibility_many(registered, ctx.year)
    eligible = [
        h
        for h in registered
        if results[h.pk].eligible and ctx.township_signer(h.village) and ctx.village_signer(h.village)
    ]
    rng.shuffle(eligible)
    # the first secretary's village first, then the townships in turn: every township has some
    turn: dict[int, int] = {}
    seen: dict[str, int] = {}
    for household in eligible:
        township_code = household.village.code[:9]
        turn[household.pk] = seen.get(township_code, 0)
        seen[township_code] = turn[household.pk] + 1
    eligible.sort(key=lambda h: (ctx.village_signer(h.village) is not secretary, turn[h.pk]))
    order: list[str] = list(ExitProcedureStateChoices)
    notice_at = order.index(ExitProcedureStateChoices.IN_NOTICE)
    notice_days = exit_settings_for(county).notice_min_days

    def step_days(state: str) -> list[dt.date]:
        """The county days on which the steps up to `state` were signed, last first worked out."""
        last = order.index(state)
        if state == ExitProcedureStateChoices.IN_NOTICE:  # put up on a working day, still running
            running = [today - dt.timedelta(days=n) for n in range(1, notice_days)]
            days = [times.choice([d for d in running if d.weekday() < 5])]
        else:
            days = [workday_on_or_before(today - dt.timedelta(days=times.randint(1, 12)))]
        for index in range(last, 0, -1):
            gap = (
                notice_days + times.randint(0, 2) if index == notice_at + 1 else times.choice([1, 1, 2, 3, 6])
            )
            days.insert(0, workday_on_or_before(days[0] - dt.timedelta(days=gap)))
        return days

    procedures: list[ExitProcedure] = []
    plan: list[list[dt.date]] = []
    for state, count in PROCEDURE_STATES:
        for household in eligible[len(procedures) : len(procedures) + count]:
            days = step_days(state)
            procedures.append(
                ExitProcedure(
                    household=household,
                    year=ctx.year,
                    state=state,
                    proposed_by=ctx.village_signer(household.village),
                    notice_started_on=days[notice_at] if len(days) > notice_at else None,
                )
            )
            plan.append(days)
    ExitProcedure.objects.bulk_create(procedures)
    signoffs = []
    for procedure, days in zip(procedures, plan, strict=True):
        previous = ""
        village = procedure.household.village
        for step_state, day in zip(order, days, strict=False):
            step = STEP_INTO[step_state]
            signer = (
                ctx.township_signer(village)
                if step == ExitStepChoices.TOWNSHIP_REVIEW
                else ctx.village_signer(village)
            )
            comment = "户主签字同意，认可退出" if step == ExitStepChoices.HOUSEHOLD_CONSENT else ""
            at = office_moment(times, day, village)
            signoffs.append(
                _signoff(ExitSignoff(procedure=procedure), step, previous, step_state, signer, at, comment)
            )
            previous = step_state
    ExitSignoff.objects.bulk_create(signoffs)

    # Monitoring objects for the households the registry has under monitoring: included, with sign-offs.
    monitored = list(
        Household.objects.filter(
            village__code__startswith=county.prefix, status=HouseholdStatusChoices.MONITORING
        )
        .select_related("village")
        .order_by("number")
    )
    monitoring_notice = exit_settings_for(county).monitoring_notice_min_days

    def after(day: dt.date, low: int, high: int) -> dt.date:
        return workday_on_or_after(day + dt.timedelta(days=times.randint(low, high)))

    cases, case_days = [], []
    for household in monitored:
        # reported, verified, reviewed in the village, notice put up, township review once the
        # notice has run its minimum, included by the county: working days, weeks or months ago
        reported = today - dt.timedelta(days=rng.randint(20, 330) + rng.randint(5, 14) + 12)
        verified = after(reported, 0, 2)
        reviewed = after(verified, 1, 3)
        notice = after(reviewed, 1, 2)
        township_review = after(notice, monitoring_notice, monitoring_notice + 2)
        included = after(township_review, 1, 4)
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
                notice_started_on=notice,
                included_on=included,
                status_before=HouseholdStatusChoices.EXITED,
                reported_by=ctx.village_signer(household.village),
            )
        )
        case_days.append([verified, reviewed, notice, township_review, included])
    MonitoringCase.objects.bulk_create(cases)
    S, MS = MonitoringStateChoices, MonitoringStepChoices
    steps = [
        (MS.VERIFY, S.REPORTED, S.VERIFIED, ctx.village_signer),
        (MS.VILLAGE_REVIEW, S.VERIFIED, S.REVIEWED, ctx.village_signer),
        (MS.NOTICE_START, S.REVIEWED, S.IN_NOTICE, ctx.village_signer),
        (MS.TOWNSHIP_REVIEW, S.IN_NOTICE, S.TOWNSHIP_REVIEWED, ctx.township_signer),
        (MS.COUNTY_INCLUDE, S.TOWNSHIP_REVIEWED, S.INCLUDED, lambda village: official),
    ]
    monitoring_signoffs = []
    for case, days in zip(cases, case_days, strict=True):
        village = case.household.village
        for (monitoring_step, source, target, signer_of), day in zip(steps, days, strict=True):
            signer = signer_of(village)
            if signer is None:
                continue
            comment = "户主签字同意纳入监测" if monitoring_step == MS.VERIFY else ""
            at = office_moment(times, day, village)
            monitoring_signoffs.append(
                _signoff(MonitoringSignoff(case=case), monitoring_step, source, target, signer, at, comment)
            )
    MonitoringSignoff.objects.bulk_create(monitoring_signoffs)

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
        rows = list(
            Household.objects.filter(
                village__code__startswith=zheqiao.prefix,
                status__in=ASSISTED_STATUSES,
            ).select_related("village")
        )
        ids = [h.pk for h in rows]
        villages = {h.pk: h.village for h in rows}
        from assistance.selectors import active_cadre_ids_for

        cadres = active_cadre_ids_for(ids)
        tasks = []
        for hid in ids:
            roll = rng.random()
            task_state = (
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
                    state=task_state,
                    findings="收入数据与走访情况不一致，需重新核算"
                    if task_state == CheckTaskStateChoices.PROBLEM
                    else "",
                    done_by=ctx.village_signer(villages[hid])
                    if task_state != CheckTaskStateChoices.PENDING
                    else None,
                    done_at=_campaign_moment(times, today, rng.randint(0, 12), zheqiao)
                    if task_state != CheckTaskStateChoices.PENDING
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


def _signoff(signoff: Any, step: str, source: str, target: str, signer: Any, at: Any, comment: str) -> Any:
    """A demo sign-off (exit or monitoring: the same columns, core.procedures.SignoffBase)."""
    signoff.step, signoff.from_state, signoff.to_state, signoff.comment = step, source, target, comment
    signoff.signed_by, signoff.role, signoff.signed_at = signer, signer.role, at
    return signoff


def _campaign_moment(times: random.Random, today: dt.date, back: int, area: Area) -> dt.datetime:
    """Office hours of a working day 1-13 days ago (the campaign began 14 days ago)."""
    day = today - dt.timedelta(days=1 + back)
    later = workday_on_or_after(day)
    return office_moment(times, later if later < today else workday_on_or_before(day), area)


def _village_exits(ctx: DemoContext, *, official: User | None) -> int:
    """In each township, the first village (by code) whose live incidence is below the threshold has
    proposed its exit with every standard checked; the county has approved the first of them."""
    from areas.choices import AreaLevelChoices

    from .models import VillageExit, VillageStandardCheck
    from .selectors import area_exit_check

    if official is None:
        return 0
    standards = list(VillageStandard.objects.filter(county=ctx.county).order_by("position"))
    townships = Area.objects.filter(code__startswith=ctx.county.prefix, level=AreaLevelChoices.TOWNSHIP)
    created: list[VillageExit] = []
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
