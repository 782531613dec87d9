"""Demo supervision: a few inspections per township with their problem lists (some closed on evidence,
some overdue), and complaints from the public of every kind, some upheld."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile

from accounts.models import User
from accounts.roles import RoleChoices
from core import clock
from core.choices import AttachmentKindChoices
from core.demo import DemoContext
from core.models import Attachment

from .choices import (
    ComplaintChannelChoices,
    ComplaintFindingChoices,
    ComplaintKindChoices,
    ComplaintStatusChoices,
    ProblemCategoryChoices,
    ProblemStatusChoices,
)
from .models import Complaint, Inspection, Problem, ProblemFollowUp
from .services import answer_days

PROBLEMS = [
    (ProblemCategoryChoices.ASSISTANCE, "部分贫困户帮扶手册填写不完整，走访记录与实际不符"),
    (ProblemCategoryChoices.IDENTIFICATION, "个别农户家有经商实体仍在册，比对排除不到位"),
    (ProblemCategoryChoices.DATA_QUALITY, "明白卡与系统信息不一致，家庭人口未及时更新"),
    (ProblemCategoryChoices.FUNDS, "产业奖补资金公示不及时，公示栏内容不全"),
    (ProblemCategoryChoices.EXIT, "脱贫户收入测算漏计生产经营成本"),
    (ProblemCategoryChoices.WORK_STYLE, "驻村工作队员在岗天数不足"),
    (ProblemCategoryChoices.PROJECTS, "到户产业项目进度滞后，验收资料不全"),
]
COMPLAINTS = [
    (ComplaintKindChoices.LEFT_OUT, "反映家中老人重病、孩子上学，收入低却未纳入建档立卡"),
    (ComplaintKindChoices.WRONG_INCLUSION, "反映某户家有轿车和门面房仍享受贫困户政策"),
    (ComplaintKindChoices.WRONG_EXIT, "反映已脱贫户主要劳动力重病，收入达不到标准"),
    (ComplaintKindChoices.UNFAIR, "反映危房改造补助分配不公"),
]
# A 1x1 PNG: the demo's evidence photos.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = clock.today()
    now = clock.now()
    official = ctx.users.get("county") or User.objects.filter(role=RoleChoices.COUNTY_OFFICIAL).first()
    staff_by_township = {}
    for user in User.objects.filter(role=RoleChoices.TOWNSHIP_STAFF).prefetch_related("areas"):
        for area in user.areas.all():
            staff_by_township[area.pk] = user
    villages_by_township: dict[int, list] = {}
    for village in ctx.villages:
        villages_by_township.setdefault(village.parent_id, []).append(village)
    townships = [t for t in ctx.townships if t.pk in villages_by_township][:6]
    problems, follow_ups = [], []
    for index, township in enumerate(townships):
        person = staff_by_township.get(township.pk) or official
        inspected = today - dt.timedelta(days=rng.randint(20, 120))
        inspection = Inspection.objects.create(
            area=township,
            title=f"{township.name}脱贫攻坚专项督导（第{index + 1}组）",
            inspected_on=inspected,
            inspectors="县扶贫办督导组",
            summary="实地走访农户，查阅档案资料，召开座谈会。",
            created_by=official,
        )
        for category, text in rng.sample(PROBLEMS, rng.randint(3, 5)):
            village = rng.choice(villages_by_township[township.pk])
            deadline = inspected + dt.timedelta(days=rng.choice([15, 30, 45, 60, 90]))
            closed = rng.random() < 0.5
            problems.append(
                Problem(
                    inspection=inspection,
                    area=village,
                    category=category,
                    description=f"{village.name}：{text}",
                    responsible_unit=f"{township.name}人民政府",
                    responsible_person=person,
                    deadline=deadline,
                    status=ProblemStatusChoices.CLOSED
                    if closed
                    else rng.choice([ProblemStatusChoices.OPEN, ProblemStatusChoices.RECTIFYING]),
                    closed_at=now - dt.timedelta(days=rng.randint(1, 15)) if closed else None,
                    closed_by=official if closed else None,
                    closure_note="已整改到位，经督导组复核销号" if closed else "",
                    created_by=official,
                )
            )
    Problem.objects.bulk_create(problems)
    problem_type = ContentType.objects.get_for_model(Problem)
    for problem in problems:
        if problem.status != ProblemStatusChoices.OPEN:
            follow_ups.append(
                ProblemFollowUp(
                    problem=problem,
                    note="已制定整改方案，明确责任人和时限",
                    recorded_by=problem.responsible_person,
                )
            )
        if problem.status == ProblemStatusChoices.CLOSED:
            attachment = Attachment(
                content_type=problem_type,
                object_id=str(problem.pk),
                kind=AttachmentKindChoices.EVIDENCE,
                original_name="整改佐证.png",
                mime_type="image/png",
                size=len(PNG),
                sha256=hashlib.sha256(PNG).hexdigest(),
                description="整改后现场照片",
                uploaded_by=official,
            )
            attachment.file.save("evidence.png", ContentFile(PNG), save=False)
            attachment.save()
    ProblemFollowUp.objects.bulk_create(follow_ups)

    complaints = []
    for _ in range(24):
        kind, text = rng.choice(COMPLAINTS)
        village = rng.choice(ctx.villages)
        received = today - dt.timedelta(days=rng.randint(0, 90))
        answered = rng.random() < 0.65
        person = staff_by_township.get(village.parent_id)
        complaints.append(
            Complaint(
                area=village,
                kind=kind,
                channel=rng.choice(list(ComplaintChannelChoices)),
                complainant=rng.choice(["马某", "张某", "王某", "李某", "匿名"]),
                content=f"{village.name}群众{text}",
                received_on=received,
                answer_deadline=received + dt.timedelta(days=answer_days(kind, village)),
                status=ComplaintStatusChoices.ANSWERED
                if answered
                else (ComplaintStatusChoices.ASSIGNED if person else ComplaintStatusChoices.RECEIVED),
                assigned_to=person,
                answer="经入户核实，已向反映人当面答复" if answered else "",
                finding=rng.choice(list(ComplaintFindingChoices)) if answered else "",
                answered_at=now - dt.timedelta(days=rng.randint(0, 10)) if answered else None,
                created_by=official,
            )
        )
    Complaint.objects.bulk_create(complaints)
    ctx.say(
        f"Supervision: {len(townships)} inspections, {len(problems)} problems, {len(complaints)} complaints."
    )
