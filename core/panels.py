"""Panels other apps contribute to a record's detail page (e.g. the household page shows the
cadre and visits from `assistance`, payments from `funds`, exit procedures from `exits`).

An app registers `register("households.Household", "assistance/_household_panel.html", order=20)`
in its AppConfig.ready(); the detail template calls `{% record_panels household %}`, which renders
each panel with `record`, `request` and `user` in its context. The owning app never imports the others.
A page other than the detail page names its slot: the printed household card (明白卡) calls
`{% record_panels household "card" %}` and shows the panels registered with `slot="card"`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    model_label: str  # "app_label.ModelName"
    template_name: str
    order: int = 100
    slot: str = "detail"


_PANELS: list[Panel] = []


def register(model_label: str, template_name: str, *, order: int = 100, slot: str = "detail") -> None:
    panel = Panel(model_label, template_name, order, slot)
    if panel not in _PANELS:
        _PANELS.append(panel)


def panels_for(model_label: str, slot: str = "detail") -> list[Panel]:
    return sorted(
        (p for p in _PANELS if p.model_label.lower() == model_label.lower() and p.slot == slot),
        key=lambda p: p.order,
    )
