"""Demo dashboards: today's snapshot and sections computed by the real job code, and three earlier year-end
snapshots so the trend has a history. The demo registry's status history puts every exit before 2021,
so recent year-ends computed from it would all look alike; the earlier snapshots are derived from today's
figures instead (more people still poor, fewer exited, the further back),
village by village; townships and the county are the sums of their villages, as in a real snapshot."""

from __future__ import annotations

import datetime as dt

from areas.choices import AreaLevelChoices
from core import clock
from core.demo import DemoContext
from core.numbers import percent

from .choices import SnapshotStatusChoices
from .models import ExitTarget, IncidenceFigure, IncidenceSnapshot
from .selectors import TOTAL_FIELDS
from .services import incidence_compute_county
from .snapshots.compute import sections_compute_county

# Share of today's exited people still poor at the end of each earlier year (oldest first).
HISTORY = (0.85, 0.55, 0.25)


def seed(ctx: DemoContext) -> None:
    now = clock.now()
    today = clock.today()
    current = IncidenceSnapshot.objects.create(
        county=ctx.county,
        as_of=today,
        population_year=ctx.year,
        status=SnapshotStatusChoices.COMPLETE,
        computed_at=now,
    )
    incidence_compute_county(snapshot=current)
    rows = list(IncidenceFigure.objects.filter(snapshot=current))
    villages = [r for r in rows if r.level == AreaLevelChoices.VILLAGE]
    for offset, share in enumerate(HISTORY):
        year = ctx.year - len(HISTORY) + offset
        snapshot = IncidenceSnapshot.objects.create(
            county=ctx.county,
            as_of=dt.date(year, 12, 31),
            population_year=year,
            status=SnapshotStatusChoices.COMPLETE,
            computed_at=now,
        )
        past: dict[int, IncidenceFigure] = {}
        for row in villages:
            still_poor_people = round(row.exited_people * share)
            still_poor_households = round(row.exited_households * share)
            figure = IncidenceFigure(
                snapshot=snapshot,
                as_of=snapshot.as_of,
                area_id=row.area_id,
                parent_id=row.parent_id,
                level=row.level,
                **{f: getattr(row, f) for f in TOTAL_FIELDS},
            )
            figure.poor_people += still_poor_people
            figure.poor_households += still_poor_households
            figure.exited_people -= still_poor_people
            figure.exited_households -= still_poor_households
            figure.returned_people = figure.returned_households = 0
            past[row.area_id] = figure
        totals: dict[int, IncidenceFigure] = {}
        for row in rows:
            if row.level == AreaLevelChoices.VILLAGE:
                continue
            totals[row.area_id] = IncidenceFigure(
                snapshot=snapshot,
                as_of=snapshot.as_of,
                area_id=row.area_id,
                parent_id=row.parent_id,
                level=row.level,
                **{f: 0 for f in TOTAL_FIELDS},
            )
        for figure in past.values():
            for key in (figure.parent_id, ctx.county.pk):
                for field in TOTAL_FIELDS:
                    setattr(totals[key], field, getattr(totals[key], field) + getattr(figure, field))
        for figure in [*past.values(), *totals.values()]:
            figure.incidence = percent(figure.poor_people, figure.population)
        IncidenceFigure.objects.bulk_create([*past.values(), *totals.values()])
    county_row = next(r for r in rows if r.area_id == ctx.county.pk)
    # This year's task: lift about three in five of the people still poor at the last year-end.
    last_year_poor = county_row.poor_people + round(county_row.exited_people * HISTORY[-1])
    ExitTarget.objects.create(
        area=ctx.county,
        year=ctx.year,
        people=round(last_year_poor * 0.6),
        households=round((county_row.poor_households + county_row.exited_households * HISTORY[-1]) * 0.6),
        source="县脱贫攻坚领导小组年度减贫任务分解表（示例）",
    )
    # the other sections (coverage, rates, monitoring, ledger, funds) from the demo's records, as the
    # job writes them: the demo apps before this one have filled them
    sections_compute_county(county=ctx.county)
    ctx.say(f"Dashboards: {len(HISTORY) + 1} incidence snapshots of {ctx.county.name}, and its sections.")
