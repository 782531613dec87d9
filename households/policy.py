"""The registry's policy values (areas.policy): the identification procedure's public-notice minimum
and the weights of the four-looks (四看法) score sheet. Any area may set them; the most specific wins."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from areas.policy import DecimalKey, IntKey, register

NOTICE_MIN_DAYS = IntKey(
    "households.notice_min_days",
    _("Identification: minimum public-notice days"),
    default=7,
    minimum=1,
    maximum=365,
)
WEIGHT_KEYS = {
    look: DecimalKey(f"households.weight_{look}", label, default=Decimal(default), maximum=Decimal("999.99"))
    for look, label, default in (
        ("housing", _("Four-looks weight: housing"), "30.00"),
        ("grain", _("Four-looks weight: grain"), "30.00"),
        ("labour", _("Four-looks weight: labour"), "20.00"),
        ("students", _("Four-looks weight: students"), "20.00"),
    )
}


def _weights_add_up(values: Mapping[str, Any]) -> dict[str, str]:
    if sum((values[key.name] for key in WEIGHT_KEYS.values()), Decimal("0")) <= 0:
        message = _("The four-looks weights add up to zero: ask the county office to set them.")
        return {WEIGHT_KEYS["housing"].name: str(message)}
    return {}


register(NOTICE_MIN_DAYS)
register(*WEIGHT_KEYS.values(), check=_weights_add_up)
