from areas.models import Area
from core.demo import DEMO_PASSWORD, DemoContext

from .roles import RoleChoices
from .services import user_create


def seed(ctx: DemoContext) -> None:
    zheqiao = Area.objects.get(code="622901103000")  # 折桥镇
    fuhan = Area.objects.get(code="622901101000")  # 枹罕镇
    village = zheqiao.children.order_by("code").first()
    prefecture = Area.objects.get(code="622900000000")
    specs = [
        ("admin", RoleChoices.SYSTEM_ADMIN, [ctx.county], "系统管理员", {"is_superuser": True}),
        ("county", RoleChoices.COUNTY_OFFICIAL, [ctx.county], "县扶贫办 李主任", {}),
        ("zheqiao", RoleChoices.TOWNSHIP_STAFF, [zheqiao], "折桥镇扶贫工作站 马干事", {}),
        ("fuhan", RoleChoices.TOWNSHIP_STAFF, [fuhan], "枹罕镇扶贫工作站 张干事", {}),
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
