"""Shared state for building the demo county. Each app has a `demo.py` with `seed(ctx)`; seed_demo
calls them in dependency order, so every issue extends the same realistic county."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

DEMO_APPS = ["areas", "accounts", "households", "assistance", "funds", "exits", "supervision", "dashboards"]
DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - published demo accounts, never production


@dataclass
class DemoContext:
    seed: int
    households: int
    year: int
    rng: random.Random
    stdout: Any
    county: Any = None
    townships: list[Any] = field(default_factory=list[Any])
    villages: list[Any] = field(default_factory=list[Any])
    users: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # what one app leaves for the next

    def say(self, message: str) -> None:
        self.stdout.write(message)

    def _covering(self, key: str, village: Any) -> Any:
        return next((u for p, u in self.data.get(key, {}).items() if village.code.startswith(p)), None)

    def township_signer(self, village: Any) -> Any:
        """The demo user who signs township steps for a household of `village`: its township's clerk
        (accounts.demo), or None where the demo has none."""
        return self._covering("township_clerks", village)

    def village_signer(self, village: Any) -> Any:
        """The demo user who signs village steps for `village`: its first secretary, else the
        township's cadre in charge of villages (包村干部), never the township's clerk: one person signs
        one level of a case (core.procedures)."""
        return self._covering("secretaries", village) or self._covering("village_cadres", village)


def office_moment(rng: random.Random, day: dt.date, area: Any = None) -> dt.datetime:
    """A moment of `day` in office hours in the county (08:30-12:00 or 14:30-18:00, its time zone),
    as an aware instant: demo sign-offs and records are made at work, not at the hour the demo ran."""
    from . import clock

    start = clock.day_start(day, area)
    morning = rng.random() < 0.55
    minutes = rng.randint(8 * 60 + 30, 11 * 60 + 59) if morning else rng.randint(14 * 60 + 30, 17 * 60 + 59)
    return clock.localtime(start + dt.timedelta(minutes=minutes, seconds=rng.randint(0, 59)), area)


def workday_on_or_before(day: dt.date) -> dt.date:
    """`day`, or the Friday before it when it falls on a weekend (offices sign on working days)."""
    return day - dt.timedelta(days=max(0, day.weekday() - 4))


def workday_on_or_after(day: dt.date) -> dt.date:
    """`day`, or the Monday after it when it falls on a weekend."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7 if day.weekday() > 4 else 0)
