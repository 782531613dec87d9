from typing import Any

from areas.choices import AreaLevelChoices
from areas.models import Area
from core.demo import DEMO_PASSWORD, DemoContext

from .roles import RoleChoices
from .services import user_create

# Each township with villages has its poverty-relief station's clerk (who reviews for the township)
# and a cadre in charge of villages (包村干部, who signs village steps where no first secretary of
# the demo works): one person signs one level of a case, so a township needs both.
TOWNSHIP_USERS = {
    "622901103000": ("zheqiao", "马干事", "马建军"),
    "622901101000": ("fuhan", "张干事", "张文斌"),
    "622901100000": ("chengjiao", "何干事", "何永福"),
    "622901102000": ("nanlong", "祁干事", "祁海燕"),
}


def seed(ctx: DemoContext) -> None:
    zheqiao = Area.objects.get(code="622901103000")  # 折桥镇
    village = zheqiao.children.earliest("code")  # the demo county has its villages
    prefecture = Area.objects.get(code="622900000000")
    specs: list[tuple[str, str, list[Area], str, dict[str, Any]]] = [
        ("admin", RoleChoices.SYSTEM_ADMIN, [ctx.county], "系统管理员", {"is_superuser": True}),
        ("county", RoleChoices.COUNTY_OFFICIAL, [ctx.county], "县扶贫办 李主任", {}),
    ]
    townships = Area.objects.filter(
        level=AreaLevelChoices.TOWNSHIP, code__startswith=ctx.county.prefix, children__isnull=False
    ).distinct()
    for township in townships.order_by("code"):
        username, clerk, cadre = TOWNSHIP_USERS.get(
            township.code, (f"town{township.code[6:9]}", "干事", "包村干部")
        )
        specs += [
            (username, RoleChoices.TOWNSHIP_STAFF, [township], f"{township.name}扶贫工作站 {clerk}", {}),
            (
                f"{username}_baocun",
                RoleChoices.TOWNSHIP_STAFF,
                [township],
                f"{township.name}包村干部 {cadre}",
                {},
            ),
        ]
    specs += [
        ("secretary", RoleChoices.WORK_TEAM, [village], f"{village.name}第一书记 王书记", {}),
        ("cadre", RoleChoices.CADRE, [zheqiao], "帮扶责任人 赵干部", {}),
        ("prefecture", RoleChoices.OVERSIGHT, [prefecture], "州扶贫办 督查员", {}),
    ]
    for username, role, areas, name, extra in specs:
        ctx.users[username] = user_create(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            areas=areas,
            full_name=name,
            unit=areas[0].name,
            **extra,
        )
    clerks, cadres = ctx.data.setdefault("township_clerks", {}), ctx.data.setdefault("village_cadres", {})
    for township in townships:
        username = TOWNSHIP_USERS.get(township.code, (f"town{township.code[6:9]}",))[0]
        clerks[township.prefix] = ctx.users[username]
        cadres[township.prefix] = ctx.users[f"{username}_baocun"]
    ctx.data["secretaries"] = {village.prefix: ctx.users["secretary"]}
