"""Demo registry: households with members (valid ID numbers), incomes, living conditions and statuses
spread the way a county's registry looks a few years into the campaign."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from areas.models import PolicyValue
from core import clock
from core.demo import DemoContext, office_moment, workday_on_or_after
from core.money import to_yuan
from core.numbers import round_half_up
from core.services import model_bulk_complete

from .choices import (
    EducationChoices,
    HealthChoices,
    HouseholdAttributeChoices,
    HouseholdStatusChoices,
    HouseholdTypologyChoices,
    LabourCapacityChoices,
    MembershipChangeReasonChoices,
    PovertyCauseChoices,
    RelationChoices,
    SchoolingChoices,
    SexChoices,
    WorkStatusChoices,
)
from .id_numbers import id_number_make
from .models import (
    CrossCheckBatch,
    CrossCheckMatch,
    FourLooksAssessment,
    Household,
    HouseholdStatusChange,
    IdentificationProcedure,
    IdentificationStep,
    IncomeRecord,
    LivingConditions,
    Member,
    MembershipPeriod,
    NoticeObjection,
)
from .policy import NOTICE_MIN_DAYS, WEIGHT_KEYS
from .search import member_search_keys_refresh

SURNAMES = "马王张李杨罗祁何韩苏赵刘陈魏石孔毛冶白丁"
# Given names by sex, so that a name reads as the member's sex does (no 李金花 marked male).
GIVEN_MALE = [
    "建国",
    "海军",
    "志强",
    "国栋",
    "永福",
    "明亮",
    "晓东",
    "学军",
    "德福",
    "有才",
    "尕娃",
    "成龙",
    "成林",
    "福海",
    "哈比布",
]
GIVEN_FEMALE = [
    "秀兰",
    "玉梅",
    "桂英",
    "小燕",
    "文娟",
    "春花",
    "生莲",
    "晓梅",
    "兰英",
    "金花",
    "海燕",
    "阿依舍",
]
ETHNICITIES = ["回族", "回族", "汉族", "汉族", "东乡族", "保安族", "撒拉族"]
# Weights reflect seed 001: most of the last poor are poor through illness, disability and weak labour.
CAUSE_WEIGHTS = {
    PovertyCauseChoices.ILLNESS: 30,
    PovertyCauseChoices.DISABILITY: 18,
    PovertyCauseChoices.LABOUR: 15,
    PovertyCauseChoices.SKILLS: 10,
    PovertyCauseChoices.SCHOOLING: 7,
    PovertyCauseChoices.CAPITAL: 8,
    PovertyCauseChoices.LAND: 3,
    PovertyCauseChoices.WATER: 2,
    PovertyCauseChoices.DISASTER: 3,
    PovertyCauseChoices.TRANSPORT: 2,
    PovertyCauseChoices.DRIVE: 2,
}
STATUS_WEIGHTS = {
    HouseholdStatusChoices.REGISTERED: 30,
    HouseholdStatusChoices.EXITED: 52,
    HouseholdStatusChoices.RETURNED: 2,
    HouseholdStatusChoices.MONITORING: 8,
    HouseholdStatusChoices.CANDIDATE: 6,
    HouseholdStatusChoices.REJECTED: 2,
}


def _pick(rng, weights: dict):  # noqa: ANN001, ANN202
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    rural_villages = [v for v in ctx.villages if v.name.endswith("村")] or ctx.villages
    today = clock.today()
    now = clock.now()
    households: list[Household] = []
    for index in range(ctx.households):
        village = rural_villages[index % len(rural_villages)]
        status = _pick(rng, STATUS_WEIGHTS)
        year_identified = rng.choice([2014, 2014, 2015, 2016, 2017, 2018]) if status != "candidate" else None
        phone = f"1{rng.choice('3578')}{rng.randint(100000000, 999999999)}"
        households.append(
            Household(
                village=village,
                number=f"{village.code}{index + 1:05d}",
                address=f"{village.parent.name}{village.name}{rng.randint(1, 12)}社{rng.randint(1, 80)}号",
                phone=phone,
                phone_key=phone,
                attribute=rng.choices(list(HouseholdAttributeChoices), weights=[70, 22, 8])[0],
                main_cause=_pick(rng, CAUSE_WEIGHTS),
                secondary_causes=rng.sample(list(PovertyCauseChoices), rng.randint(0, 2)),
                typology=rng.choice(list(HouseholdTypologyChoices)),
                year_identified=year_identified,
                status=status,
                status_changed_at=now,
            )
        )
    Household.objects.bulk_create(households, batch_size=2000)

    members: list[Member] = []
    sequence = 0
    used_numbers: set[str] = set()
    for household in households:
        surname = rng.choice(SURNAMES)
        head_birth = dt.date(rng.randint(1950, 1990), rng.randint(1, 12), rng.randint(1, 28))
        size = rng.choices([1, 2, 3, 4, 5, 6], weights=[8, 18, 22, 25, 17, 10])[0]
        for position in range(size):
            sequence += 1
            if position == 0:
                relation, birth, female = RelationChoices.HEAD, head_birth, rng.random() < 0.15
                head_female = female
            elif position == 1 and size > 2:
                relation = RelationChoices.SPOUSE
                birth = head_birth + dt.timedelta(days=rng.randint(-1500, 1500))
                female = not head_female
            else:
                relation = RelationChoices.CHILD
                birth = dt.date(
                    min(head_birth.year + rng.randint(20, 35), today.year - 1),
                    rng.randint(1, 12),
                    rng.randint(1, 28),
                )
                female = rng.random() < 0.5
            age = today.year - birth.year
            health = rng.choices(list(HealthChoices), weights=[70, 15, 7, 8])[0]
            labour = (
                LabourCapacityChoices.NONE
                if age < 16 or age > 70
                else LabourCapacityChoices.LOST
                if health in (HealthChoices.SERIOUS, HealthChoices.DISABLED)
                else rng.choice([LabourCapacityChoices.ORDINARY, LabourCapacityChoices.SKILLED])
            )
            # Linxia city's code exists from 1983; people born earlier carry Linxia county's.
            region = "622901"  # the issuing office's code, also for people born before 1983
            number = id_number_make(region, birth, sequence, female=female)
            while number in used_numbers:
                sequence += 2
                number = id_number_make(region, birth, sequence, female=female)
            used_numbers.add(number)
            members.append(
                Member(
                    household=household,
                    name=(surname if relation != RelationChoices.SPOUSE else rng.choice(SURNAMES))
                    + rng.choice(GIVEN_FEMALE if female else GIVEN_MALE),
                    id_number=number,
                    relation=relation,
                    sex=SexChoices.FEMALE if female else SexChoices.MALE,
                    birth_date=birth,
                    ethnicity=rng.choice(ETHNICITIES),
                    education=rng.choice(list(EducationChoices)) if age >= 6 else EducationChoices.PRESCHOOL,
                    schooling=(
                        SchoolingChoices.PRIMARY
                        if 6 <= age <= 12
                        else SchoolingChoices.JUNIOR
                        if 13 <= age <= 15
                        else SchoolingChoices.NOT_IN_SCHOOL
                    ),
                    health=health,
                    labour_capacity=labour,
                    work_status=rng.choice(list(WorkStatusChoices))
                    if labour in ("ordinary", "skilled")
                    else "none",
                    medical_insurance=rng.random() < 0.98,
                    pension_insurance=age >= 16 and rng.random() < 0.8,
                )
            )
    Member.objects.bulk_create(members, batch_size=5000)
    member_search_keys_refresh([m.pk for m in members])

    heads = {}
    periods = []
    counts: dict[int, int] = {}
    for member in members:
        counts[member.household_id] = counts.get(member.household_id, 0) + 1
        if member.relation == RelationChoices.HEAD:
            heads[member.household_id] = member.pk
        periods.append(
            MembershipPeriod(
                member=member,
                household_id=member.household_id,
                relation=member.relation,
                joined_on=dt.date(2014, 10, 1),
                join_reason=MembershipChangeReasonChoices.REGISTRATION,
            )
        )
    MembershipPeriod.objects.bulk_create(periods, batch_size=5000)
    for household in households:
        household.head_id = heads[household.pk]
    model_bulk_complete(households, fields=["head"])

    line = Decimal("4000")
    incomes, conditions, changes = [], [], []
    for household in households:
        exited = household.status == HouseholdStatusChoices.EXITED
        for year in (ctx.year - 1, ctx.year):
            per_capita_target = Decimal(rng.randint(5200, 11000) if exited else rng.randint(2400, 4600))
            n = counts[household.pk]
            transfer = Decimal(rng.randint(300, 2500))
            costs = Decimal(rng.randint(200, 2000))
            wage = per_capita_target * n * Decimal("0.6")
            production = per_capita_target * n - wage - transfer + costs
            wage, production = to_yuan(wage), to_yuan(production)
            total = wage + production + transfer - costs
            incomes.append(
                IncomeRecord(
                    household=household,
                    year=year,
                    wage_income=wage,
                    production_income=production,
                    transfer_income=transfer,
                    production_costs=costs,
                    member_count=n,
                    per_capita_net_income=to_yuan(total / n),
                )
            )
        secure = exited or rng.random() < 0.5
        conditions.append(
            LivingConditions(
                household=household,
                assessed_on=today - dt.timedelta(days=rng.randint(10, 300)),
                food_secure=True,
                clothing_secure=True,
                compulsory_education_secured=secure or rng.random() < 0.8,
                medical_insured=True,
                medical_access=secure or rng.random() < 0.9,
                housing_grade=rng.choice("AB") if secure else rng.choice("ABCD"),
                safe_drinking_water=secure or rng.random() < 0.85,
            )
        )
        if household.status != HouseholdStatusChoices.CANDIDATE:
            first = HouseholdStatusChoices.REGISTERED if household.status != "rejected" else "rejected"
            changes.append(
                HouseholdStatusChange(
                    household=household,
                    from_status=HouseholdStatusChoices.CANDIDATE,
                    to_status=first,
                    changed_at=now,
                    effective_date=dt.date(household.year_identified or 2014, 12, 1),
                    reason="建档立卡",
                    source="demo",
                )
            )
            if household.status in (HouseholdStatusChoices.EXITED, HouseholdStatusChoices.RETURNED):
                exit_year = rng.randint(max(household.year_identified or 2015, 2016), 2020)
                changes.append(
                    HouseholdStatusChange(
                        household=household,
                        from_status=HouseholdStatusChoices.REGISTERED,
                        to_status=HouseholdStatusChoices.EXITED,
                        changed_at=now,
                        effective_date=dt.date(exit_year, 12, 20),
                        reason="脱贫退出",
                        source="demo",
                    )
                )
            if household.status in (HouseholdStatusChoices.RETURNED, HouseholdStatusChoices.MONITORING):
                changes.append(
                    HouseholdStatusChange(
                        household=household,
                        from_status=HouseholdStatusChoices.EXITED,
                        to_status=household.status,
                        changed_at=now,
                        effective_date=today - dt.timedelta(days=rng.randint(30, 400)),
                        reason="因病返贫" if household.status == "returned" else "纳入防返贫监测",
                        source="demo",
                    )
                )
    IncomeRecord.objects.bulk_create(incomes, batch_size=5000)
    LivingConditions.objects.bulk_create(conditions, batch_size=5000)
    HouseholdStatusChange.objects.bulk_create(changes, batch_size=5000)
    _seed_quality_and_procedures(ctx, households, members)
    ctx.data["households"] = households
    ctx.data["poverty_line"] = line
    ctx.say(f"Households: {len(households)} with {len(members)} members.")


def _seed_quality_and_procedures(
    ctx: DemoContext, households: list[Household], members: list[Member]
) -> None:
    """The county's policy, 四看法 sheets, candidates part-way through identification (one rejected
    with its reason, one with an objection during the notice), a probable duplicate pair, and a
    vehicle-registration cross-check with matches awaiting review."""
    from .choices import (
        CrossCheckSourceChoices,
        IdentificationStageChoices,
        ObjectionStatusChoices,
        ProcedureStatusChoices,
        StepDecisionChoices,
    )
    from .services import duplicates_scan

    rng = ctx.rng
    PolicyValue.objects.bulk_create(
        [
            PolicyValue(area=ctx.county, key=key.name, value=key.dump(key.default))
            for key in (NOTICE_MIN_DAYS, *WEIGHT_KEYS.values())
        ]
    )
    looks = [
        FourLooksAssessment(
            household=h,
            assessed_on=clock.today() - dt.timedelta(days=rng.randint(30, 300)),
            housing_score=(hs := rng.randint(20, 95)),
            grain_score=(gs := rng.randint(10, 90)),
            labour_score=(ls := rng.randint(10, 95)),
            students_score=(ss := rng.randint(0, 80)),
            weights={"housing": "30", "grain": "30", "labour": "20", "students": "20"},
            total=round_half_up(Decimal(hs * 30 + gs * 30 + ls * 20 + ss * 20) / 100),
        )
        for h in households
        if h.status in (HouseholdStatusChoices.CANDIDATE, HouseholdStatusChoices.REGISTERED)
        and rng.random() < 0.6
    ]
    FourLooksAssessment.objects.bulk_create(looks, batch_size=5000)

    township_user = ctx.users.get("zheqiao") or ctx.users.get("admin")
    village_user = ctx.users.get("secretary") or township_user
    county_user = ctx.users.get("county") or township_user
    village_stages = {
        IdentificationStageChoices.SURVEY,
        IdentificationStageChoices.DEMOCRATIC_REVIEW,
        IdentificationStageChoices.PUBLIC_NOTICE,
    }

    # Each step is signed by a demo user of the household's own village or township (the county
    # approves): ctx.village_signer / ctx.township_signer, one person per level of a case.
    def town_of(household: Household) -> Any:
        return ctx.township_signer(household.village)

    def signer_for(household: Household, stage: str) -> Any:
        if stage == IdentificationStageChoices.COUNTY_APPROVAL:
            return county_user
        if stage in village_stages:
            return ctx.village_signer(household.village) or town_of(household)
        return town_of(household)

    times = random.Random(ctx.seed)  # its own stream: the demo's other draws stay as they were
    stages = list(IdentificationStageChoices.values)
    candidates = [
        h for h in households if h.status == HouseholdStatusChoices.CANDIDATE and town_of(h) is not None
    ]
    rejected = [
        h for h in households if h.status == HouseholdStatusChoices.REJECTED and town_of(h) is not None
    ]
    procedures, plans = [], []
    today = clock.today()

    def step_days(first: dt.date, count: int) -> list[dt.date]:
        """Working days from `first`, two to four days apart: when each step is signed."""
        days = [workday_on_or_after(first)]
        while len(days) < count:
            days.append(workday_on_or_after(days[-1] + dt.timedelta(days=times.randint(2, 4))))
        return days

    for household in candidates:
        done = rng.randint(0, 4)  # signed up to the democratic review at most: the notice is running
        days = step_days(today - dt.timedelta(days=30 + 4 * done), max(done, 1))
        started = office_moment(times, days[0], household.village) - dt.timedelta(days=1)
        procedures.append(
            IdentificationProcedure(
                household=household,
                next_stage=stages[done],
                notice_min_days=7,
                notice_started_on=days[done - 1] if done == 4 else None,  # on the democratic review
                started_by=town_of(household),
                created_at=started,
            )
        )
        plans.append((done, StepDecisionChoices.PASS, days))
    for household in rejected:
        at = rng.randint(1, 3)
        days = step_days(today - dt.timedelta(days=400), at + 1)
        finished = office_moment(times, days[at], household.village)
        procedures.append(
            IdentificationProcedure(
                household=household,
                status=ProcedureStatusChoices.REJECTED,
                next_stage="",
                notice_min_days=7,
                started_by=town_of(household),
                finished_at=finished,
                rejection_reason="家庭人均纯收入明显高于当年扶贫标准",
                created_at=office_moment(times, days[0], household.village) - dt.timedelta(days=1),
            )
        )
        plans.append((at, StepDecisionChoices.REJECT, days, finished))
    IdentificationProcedure.objects.bulk_create(procedures, batch_size=2000)
    steps = []
    for procedure, (count, last_decision, days, *finished) in zip(procedures, plans, strict=True):
        total = count + 1 if last_decision == StepDecisionChoices.REJECT else count
        for position in range(total):
            stage = stages[position]
            rejecting = last_decision == StepDecisionChoices.REJECT and position == total - 1
            user = signer_for(procedure.household, stage)
            steps.append(
                IdentificationStep(
                    procedure=procedure,
                    stage=stage,
                    decision=StepDecisionChoices.REJECT if rejecting else StepDecisionChoices.PASS,
                    signed_by=user,
                    signer_name=user.display_name,
                    role=user.role,
                    signed_at=finished[0]
                    if rejecting
                    else office_moment(times, days[position], procedure.household.village),
                    comment=procedure.rejection_reason if rejecting else "同意",
                )
            )
    IdentificationStep.objects.bulk_create(steps, batch_size=5000)
    in_notice = [p for p in procedures if p.notice_started_on][:3]
    NoticeObjection.objects.bulk_create(
        [
            NoticeObjection(
                procedure=p,
                raised_on=p.notice_started_on,
                raised_by="村民代表",
                content="反映该户在县城有商品房",
                recorded_by=ctx.village_signer(p.household.village) or village_user,
                status=ObjectionStatusChoices.OPEN,
            )
            for p in in_notice
        ]
    )

    # A probable duplicate: the same person entered in two townships under a mistyped ID number.
    if len(members) > 10:
        original = members[0]
        copy_household = households[-1]
        twin = Member(
            household=copy_household,
            name=original.name,
            id_number=None,
            relation=RelationChoices.OTHER,
            sex=original.sex,
            birth_date=original.birth_date,
            ethnicity=original.ethnicity,
        )
        Member.objects.bulk_create([twin])
        member_search_keys_refresh([twin.pk])
        MembershipPeriod.objects.bulk_create(
            [
                MembershipPeriod(
                    member=twin,
                    household=copy_household,
                    relation=twin.relation,
                    joined_on=dt.date(2016, 3, 1),
                    join_reason=MembershipChangeReasonChoices.MOVED_IN,
                )
            ]
        )
    duplicates_scan(area=None)

    # A vehicle-registration list from the county traffic police: a few registered people appear.
    listed = [m for m in members if m.household.status == HouseholdStatusChoices.REGISTERED][
        :: max(1, len(members) // 12)
    ][:6]
    batch = CrossCheckBatch.objects.create(
        area=ctx.county,
        source=CrossCheckSourceChoices.VEHICLES,
        source_name="县公安局交警大队",
        file_name="2025年机动车登记名单.xlsx",
        file_sha256="0" * 64,
        uploaded_by=township_user,
        row_count=1200,
        match_count=len(listed),
    )
    CrossCheckMatch.objects.bulk_create(
        [
            CrossCheckMatch(
                batch=batch,
                member=m,
                household=m.household,
                detail=f"甘N{rng.randint(10000, 99999)} 小型轿车",
            )
            for m in listed
        ]
    )
