"""Demo areas: Linxia city's real townships (areas/data/linxia_622901.csv, see SOURCES.md) and, where the
public sources stop, generated villages with codes in a range the real ones do not use."""

from pathlib import Path

from core.demo import DemoContext

from .choices import AreaLevelChoices
from .models import Area, AreaPopulation
from .services import areas_import, read_area_rows

DATA = Path(__file__).parent / "data" / "linxia_622901.csv"
# Common village name stems in Hezhou; the generated villages are marked "(示例)" in no way but their code
# range (…8xx), which the real statistical codes do not use.
_STEMS = [
    "王家",
    "马家",
    "张家",
    "罗家",
    "祁家",
    "杨家",
    "石家",
    "韩家",
    "李家",
    "何家",
    "苏家",
    "陈家",
    "魏家",
    "赵家",
    "刘家",
    "孔家",
    "毛家",
    "尕庄",
    "大庄",
    "新庄",
    "前进",
    "红星",
    "团结",
    "和平",
    "上川",
    "下川",
]


def seed(ctx: DemoContext) -> None:
    areas_import(rows=read_area_rows(DATA), user=None)
    ctx.county = Area.objects.get(code="622901000000")
    ctx.townships = list(Area.objects.filter(level=AreaLevelChoices.TOWNSHIP, code__startswith="622901"))
    rural = [t for t in ctx.townships if t.name.endswith("镇")]
    for township in rural:
        existing = township.children.count()
        wanted = ctx.rng.randint(7, 11)
        names = ctx.rng.sample(_STEMS, wanted)
        for index, stem in enumerate(names[existing:], start=1):
            code = f"{township.code[:9]}8{index:02d}"
            Area.objects.get_or_create(
                code=code,
                defaults={"name": f"{stem}村", "level": AreaLevelChoices.VILLAGE, "parent": township},
            )
    ctx.villages = list(Area.objects.filter(level=AreaLevelChoices.VILLAGE, code__startswith="622901"))
    populations = []
    for village in ctx.villages:
        base = ctx.rng.randint(900, 3200)
        for offset, year in enumerate(range(ctx.year - 3, ctx.year + 1)):
            populations.append(
                AreaPopulation(
                    area=village,
                    year=year,
                    rural_population=base + offset * ctx.rng.randint(-15, 25),
                    source="demo",
                )
            )
    AreaPopulation.objects.bulk_create(populations)
    ctx.say(f"Areas: {len(ctx.townships)} townships, {len(ctx.villages)} villages.")
