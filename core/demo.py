"""Shared state for building the demo county. Each app has a `demo.py` with `seed(ctx)`; seed_demo
calls them in dependency order, so every issue extends the same realistic county."""

from __future__ import annotations

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
