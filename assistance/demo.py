"""Demo assistance: work teams (some already rotated), one responsible cadre per assisted household
(a few still missing, some reassigned), plans, measures by poverty cause, and visits with follow-ups,
some of them overdue. Deterministic for a given seed; bulk writes only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from core import clock
from core.demo import DemoContext
from core.services import model_update
from households.choices import ASSISTED_STATUSES, PovertyCauseChoices
from households.models import Household, Member

from .choices import (
    KIND_CATEGORY,
    FollowUpStatusChoices,
    MeasureKindChoices,
    MeasureStatusChoices,
    PairingEndReasonChoices,
    PlanStatusChoices,
    TeamMemberRoleChoices,
    WorkTeamStatusChoices,
)
from .models import (
    AssistancePlan,
    Cadre,
    CadrePairing,
    FollowUp,
    Measure,
    TeamMembership,
    TeamVillage,
    VillagePlan,
    Visit,
    WorkTeam,
)

UNITS = [
    "临夏州财政局",
    "临夏州农业农村局",
    "临夏市教育局",
    "临夏市卫生健康局",
    "临夏市人社局",
    "临夏市住建局",
    "临夏市民政局",
    "临夏市水务局",
    "国网临夏供电公司",
    "临夏市农商银行",
]
SURNAMES = "马王张李杨罗祁何韩苏赵刘陈魏石孔毛冶白丁"
GIVEN = ["志刚", "建华", "文静", "海涛", "红梅", "国庆", "晓军", "丽娟", "永平", "学文", "春燕", "得福"]
K = MeasureKindChoices
# Measures that fit each poverty cause (因户施策).
CAUSE_KINDS: dict[str, list[MeasureKindChoices]] = {
    PovertyCauseChoices.ILLNESS: [K.HEALTH_AID, K.HEALTH_AID, K.MINIMUM_ALLOWANCE, K.PUBLIC_WELFARE_POST],
    PovertyCauseChoices.DISABILITY: [K.MINIMUM_ALLOWANCE, K.PUBLIC_WELFARE_POST, K.ASSET_INCOME],
    PovertyCauseChoices.LABOUR: [K.ASSET_INCOME, K.MINIMUM_ALLOWANCE, K.INDUSTRY],
    PovertyCauseChoices.SKILLS: [K.SKILLS_TRAINING, K.EMPLOYMENT, K.INDUSTRY],
    PovertyCauseChoices.SCHOOLING: [K.EDUCATION_AID, K.EDUCATION_AID, K.EMPLOYMENT],
    PovertyCauseChoices.CAPITAL: [K.MICRO_CREDIT, K.INDUSTRY, K.INDUSTRY],
    PovertyCauseChoices.LAND: [K.INDUSTRY, K.EMPLOYMENT, K.ECOLOGICAL_POST],
    PovertyCauseChoices.WATER: [K.RELOCATION, K.INDUSTRY],
    PovertyCauseChoices.DISASTER: [K.HOUSING_RENOVATION, K.RELOCATION, K.MINIMUM_ALLOWANCE],
    PovertyCauseChoices.TRANSPORT: [K.RELOCATION, K.EMPLOYMENT],
    PovertyCauseChoices.DRIVE: [K.PUBLIC_WELFARE_POST, K.SKILLS_TRAINING, K.EMPLOYMENT],
}
AMOUNTS = {
    K.INDUSTRY: (3000, 10000),
    K.PUBLIC_WELFARE_POST: (4800, 9600),
    K.SKILLS_TRAINING: (800, 2000),
    K.MICRO_CREDIT: (30000, 50000),
    K.ASSET_INCOME: (1000, 3000),
    K.RELOCATION: (20000, 60000),
    K.ECOLOGICAL_POST: (6000, 10000),
    K.EDUCATION_AID: (1000, 5000),
    K.HEALTH_AID: (2000, 20000),
    K.HOUSING_RENOVATION: (15000, 35000),
    K.MINIMUM_ALLOWANCE: (3000, 6000),
}  # employment is placement, no money paid
FINDINGS = [
    "家中老人慢性病按时服药，签约家庭医生已随访。",
    "儿子在外务工，收入稳定，家中住房安全。",
    "养殖的牛羊长势良好，饲草料充足。",
    "屋顶有漏雨，需要报危房鉴定。",
    "孩子在县城上初中，已享受教育资助。",
    "户主腿脚不便，生活基本能自理。",
    "家中自来水入户，饮水安全。",
    "了解到今年花椒收成比去年好。",
]
NEEDS = ["希望安排公益岗位", "需要养殖技术指导", "想申请小额信贷扩大养殖", "需要帮助办理慢病卡", "", "", ""]
PROMISES = [
    "联系镇卫生院上门体检",
    "对接合作社收购花椒",
    "协助申请扶贫小额信贷",
    "报送危房改造鉴定",
    "推荐参加技能培训",
]


def _name(rng) -> str:  # noqa: ANN001
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = clock.today()
    households: list[Household] = [h for h in ctx.data.get("households", []) if h.status in ASSISTED_STATUSES]
    by_village: dict[int, list[Household]] = defaultdict(list)
    for household in households:
        by_village[household.village_id].append(household)
    villages = [v for v in ctx.villages if by_village.get(v.pk)]
    township_of = {v.pk: v.parent for v in ctx.villages}

    # Cadres: about five households each, registered in the household's township.
    cadres: list[Cadre] = []
    cadres_by_township: dict[int, list[Cadre]] = defaultdict(list)
    per_township: dict[int, int] = defaultdict(int)
    for household in households:
        per_township[township_of[household.village_id].pk] += 1
    townships = {t.pk: t for t in ctx.townships}
    for township_id, count in sorted(per_township.items()):
        for _ in range(max(2, count // 5 + 1)):
            cadre = Cadre(
                name=_name(rng),
                unit=rng.choice(UNITS),
                position=rng.choice(["科员", "副科长", "科长", "干部"]),
                phone=f"13{rng.randint(100000000, 999999999)}",
                area=townships[township_id],
            )
            cadres.append(cadre)
            cadres_by_township[township_id].append(cadre)
    # Team members: three per stationed village, registered in the village.
    cadre_user, secretary_user = ctx.users.get("cadre"), ctx.users.get("secretary")
    secretary_village = secretary_user.areas.first() if secretary_user else None
    # The demo first secretary's village always has a team, so that account has something to show.
    team_villages = [v for v in villages if rng.random() < 0.7 or v == secretary_village]
    team_people: dict[int, list[list[Cadre]]] = {}
    for village in team_villages:
        terms = [
            [
                Cadre(name=_name(rng), unit=rng.choice(UNITS), position="驻村干部", area=village)
                for _ in range(3)
            ]
        ]
        if rng.random() < 0.5:  # an earlier team handed over (压茬轮换)
            terms.insert(
                0,
                [
                    Cadre(name=_name(rng), unit=rng.choice(UNITS), position="驻村干部", area=village)
                    for _ in range(2)
                ],
            )
        team_people[village.pk] = terms
        cadres.extend(c for term in terms for c in term)
    # The demo users get their cadre records: the cadre in 折桥镇, the first secretary of its first village.
    zheqiao = next((t for t in ctx.townships if t.code == "622901103000"), None)
    if cadre_user and zheqiao and cadres_by_township.get(zheqiao.pk):
        own = cadres_by_township[zheqiao.pk][0]
        own.user, own.name, own.unit = cadre_user, "赵干部", "临夏市农业农村局"
    Cadre.objects.bulk_create(cadres, batch_size=2000)

    teams: list[WorkTeam] = []
    links: list[TeamVillage] = []
    memberships: list[TeamMembership] = []
    current_team: dict[int, WorkTeam] = {}
    for village in team_villages:
        predecessor: WorkTeam | None = None
        terms = team_people[village.pk]
        starts = [today - dt.timedelta(days=rng.randint(300, 700))]
        if len(terms) == 2:
            starts.insert(0, starts[0] - dt.timedelta(days=730))
        for index, (people, start) in enumerate(zip(terms, starts, strict=True)):
            last = index == len(terms) - 1
            team = WorkTeam(
                name=f"{village.name}驻村工作队（第{index + 1}批）"
                if len(terms) > 1
                else f"{village.name}驻村工作队",
                sending_unit=people[0].unit,
                area=village,
                term_start=start,
                term_end=None if last else starts[index + 1],
                status=WorkTeamStatusChoices.ACTIVE if last else WorkTeamStatusChoices.ROTATED,
                predecessor=predecessor,
                handover_notes="" if index == 0 else "移交贫困户档案、帮扶台账和村级脱贫计划。",
            )
            WorkTeam.objects.bulk_create([team])  # the successor needs the predecessor's id
            teams.append(team)
            links.append(TeamVillage(team=team, village=village, start=start, end=team.term_end))
            for position, cadre in enumerate(people):
                role = (
                    TeamMemberRoleChoices.FIRST_SECRETARY if position == 0 else TeamMemberRoleChoices.MEMBER
                )
                memberships.append(TeamMembership(team=team, cadre=cadre, role=role))
            predecessor = team
        if predecessor is not None:  # every team village has a term (the plans below name its team)
            current_team[village.pk] = predecessor
    if secretary_village is not None and secretary_village.pk in current_team:
        secretary = next(
            m.cadre
            for m in memberships
            if m.team == current_team[secretary_village.pk]
            and m.role == TeamMemberRoleChoices.FIRST_SECRETARY
        )
        model_update(secretary, fields={"user": secretary_user, "name": "王书记"}, refresh=False)
    TeamVillage.objects.bulk_create(links)
    TeamMembership.objects.bulk_create(memberships)
    user_of = {c.pk: c.user for c in cadres if c.user_id}
    secretary_of = {
        m.team.pk: m.cadre for m in memberships if m.role == TeamMemberRoleChoices.FIRST_SECRETARY
    }

    # Pairings: nearly every assisted household; some were reassigned once.
    pairings: list[CadrePairing] = []
    active_cadre: dict[int, Cadre] = {}
    for household in households:
        if rng.random() < 0.03:
            continue  # a gap the coverage page shows
        pool = cadres_by_township[township_of[household.village_id].pk]
        start = dt.date(household.year_identified or 2016, rng.randint(1, 12), 1)
        if rng.random() < 0.2 and len(pool) > 1:
            first = rng.choice(pool)
            handover = start + dt.timedelta(days=rng.randint(400, 1400))
            handover = min(handover, today - dt.timedelta(days=30))
            pairings.append(
                CadrePairing(
                    household=household,
                    cadre=first,
                    start=start,
                    end=handover,
                    end_reason=PairingEndReasonChoices.REASSIGNED,
                )
            )
            start = handover
        cadre = rng.choice(pool)
        active_cadre[household.pk] = cadre
        pairings.append(CadrePairing(household=household, cadre=cadre, start=start))
    CadrePairing.objects.bulk_create(pairings, batch_size=5000)

    # Plans and measures.
    members: dict[int, list[int]] = defaultdict(list)
    for household_id, member_id in Member.objects.filter(household__in=households).values_list(
        "household_id", "pk"
    ):
        members[household_id].append(member_id)
    plans: list[AssistancePlan] = []
    for household in households:
        for year, chance in ((ctx.year - 1, 0.8), (ctx.year, 0.88)):
            if rng.random() < chance:
                plans.append(
                    AssistancePlan(
                        household=household,
                        year=year,
                        goals=f"{year}年：{rng.choice(['稳定增收', '巩固脱贫成果', '解决看病负担', '发展产业', '实现稳定就业'])}，"
                        f"人均纯收入达到{rng.randint(6, 12)}000元以上。",
                        status=PlanStatusChoices.COMPLETED if year < ctx.year else PlanStatusChoices.ACTIVE,
                    )
                )
    AssistancePlan.objects.bulk_create(plans, batch_size=5000)
    plan_of = {(p.household_id, p.year): p for p in plans}
    measures: list[Measure] = []
    for household in households:
        kinds = CAUSE_KINDS.get(household.main_cause, [K.INDUSTRY])
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(kinds)
            year = rng.choice([ctx.year - 1, ctx.year])
            start = dt.date(year, rng.randint(1, 6), rng.randint(1, 28))
            start = min(start, today)
            low_high = AMOUNTS.get(kind)
            person = None
            if kind in (
                K.EDUCATION_AID,
                K.SKILLS_TRAINING,
                K.PUBLIC_WELFARE_POST,
                K.EMPLOYMENT,
                K.ECOLOGICAL_POST,
            ):
                person = rng.choice(members[household.pk]) if members[household.pk] else None
            status = (
                MeasureStatusChoices.COMPLETED
                if year < ctx.year
                else rng.choice(
                    [
                        MeasureStatusChoices.IN_PROGRESS,
                        MeasureStatusChoices.IN_PROGRESS,
                        MeasureStatusChoices.PLANNED,
                    ]
                )
            )
            measures.append(
                Measure(
                    household=household,
                    member_id=person,
                    plan=plan_of.get((household.pk, year)),
                    category=KIND_CATEGORY[kind],
                    kind=kind,
                    start_date=start,
                    end_date=dt.date(year, 12, 31) if status == MeasureStatusChoices.COMPLETED else None,
                    status=status,
                    amount=Decimal(rng.randint(*low_high) // 100 * 100) if low_high else None,
                )
            )
    Measure.objects.bulk_create(measures, batch_size=5000)

    # Visits in the last 120 days, with promises; some kept, some overdue.
    visits: list[Visit] = []
    for household in households:
        paired = active_cadre.get(household.pk)
        for _ in range(rng.choices([0, 1, 2, 3], weights=[12, 35, 35, 18])[0]):
            visited_on = today - dt.timedelta(days=rng.randint(0, 120))
            visit_team = current_team.get(household.village_id)
            visitor_cadre = paired
            if visit_team is not None and rng.random() < 0.3:  # the first secretary's own visit (进村入户)
                visitor_cadre = secretary_of[visit_team.pk]
            else:
                visit_team = None
            visits.append(
                Visit(
                    household=household,
                    visited_on=visited_on,
                    cadre=visitor_cadre,
                    visitor=user_of.get(visitor_cadre.pk) if visitor_cadre else None,
                    team=visit_team,
                    findings=rng.choice(FINDINGS),
                    needs=rng.choice(NEEDS),
                )
            )
    Visit.objects.bulk_create(visits, batch_size=5000)
    follow_ups: list[FollowUp] = []
    for visit in visits:
        if rng.random() < 0.3:
            due = visit.visited_on + dt.timedelta(days=rng.randint(7, 30))
            done = rng.random() < 0.6 and due - dt.timedelta(days=3) <= today
            done_on = min(due - dt.timedelta(days=rng.randint(0, 3)), today) if done else None
            follow_ups.append(
                FollowUp(
                    household_id=visit.household_id,
                    visit=visit,
                    description=rng.choice(PROMISES),
                    due_date=due,
                    status=FollowUpStatusChoices.DONE if done else FollowUpStatusChoices.OPEN,
                    done_on=max(done_on, visit.visited_on) if done_on else None,
                    outcome="已落实" if done else "",
                )
            )
    FollowUp.objects.bulk_create(follow_ups, batch_size=5000)

    village_plans = [
        VillagePlan(
            village_id=village_id,
            year=ctx.year,
            title=f"{team.area.name}{ctx.year}年巩固脱贫成果计划",
            goals="巩固“两不愁三保障”成果，发展特色种养业，村集体经济收入达到10万元以上。",
            projects="1. 花椒种植基地扩建\n2. 肉牛养殖合作社\n3. 村道硬化及路灯安装",
            team=team,
        )
        for village_id, team in current_team.items()
    ]
    VillagePlan.objects.bulk_create(village_plans)
    ctx.data["assistance_cadres"] = cadres
    # Reminders exist from the start, as the hourly job would have raised them.
    from .selectors import visit_days_for
    from .services import reminders_raise_for_area

    for township in ctx.townships:
        reminders_raise_for_area(area=township, today=today, visit_days=visit_days_for(township))
    ctx.say(
        f"Assistance: {len(teams)} work teams, {len(cadres)} cadres, {len(pairings)} pairings, "
        f"{len(visits)} visits, {len(follow_ups)} follow-ups, {len(measures)} measures."
    )
