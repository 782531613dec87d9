"""The funds' policy values (areas.policy): how long a project or payment notice (公告公示) stays up at
the least. A county's rule (or its province's), changed by whoever approves at county level; the
default is the seven days the notice form offered before it was a value."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.policy import IntKey, register

NOTICE_MIN_DAYS = IntKey(
    "funds.notice_min_days",
    _("Fund notices: minimum notice period (days)"),
    default=7,
    minimum=1,
    maximum=90,  # what the notice form and the API take
    capability=Capability.APPROVE,
    lowest_level=AreaLevelChoices.COUNTY,
)

register(NOTICE_MIN_DAYS)
