"""Exit and monitoring rules as policy values (areas.policy): a county's (or its province's), changed
by whoever approves at county level. Defaults follow national practice."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from accounts.roles import Capability
from areas.choices import AreaLevelChoices
from areas.policy import BandsKey, DecimalKey, IntKey, MoneyKey, PolicyKey, register

# Who changes them and where: county-level approvers, on a county (or a province).
APPROVE, COUNTY = Capability.APPROVE, AreaLevelChoices.COUNTY

NOTICE_MIN_DAYS = IntKey(
    "exits.notice_min_days",
    _("minimum public notice for household exit (days)"),
    default=7,
    minimum=1,
    maximum=365,
    capability=APPROVE,
    lowest_level=COUNTY,
)
VILLAGE_EXIT_THRESHOLD = DecimalKey(
    "exits.village_exit_threshold",
    _("village and county exit threshold (%)"),
    default=Decimal("2.00"),
    capability=APPROVE,
    lowest_level=COUNTY,
)
WESTERN_EXIT_THRESHOLD = DecimalKey(
    "exits.western_exit_threshold",
    _("exit threshold in western provinces (%)"),
    default=Decimal("3.00"),
    capability=APPROVE,
    lowest_level=COUNTY,
)
VILLAGE_CLASS_BANDS = BandsKey(
    "exits.village_class_bands",
    _("village classes by incidence"),
    # Guizhou's classes (seed 004): class 1 at or above 37.5%, class 2 from 31% to below 37.5%,
    # class 3 from 27% to below 31%.
    default=[
        {"class": 1, "min": "37.5", "max": None},
        {"class": 2, "min": "31", "max": "37.5"},
        {"class": 3, "min": "27", "max": "31"},
    ],
    capability=APPROVE,
    lowest_level=COUNTY,
)
MONITORING_INCOME_MULTIPLE = DecimalKey(
    "exits.monitoring_income_multiple",
    _("monitoring: income below this multiple of the line"),
    default=Decimal("1.50"),
    minimum=Decimal("1"),
    maximum=Decimal("99.99"),
    capability=APPROVE,
    lowest_level=COUNTY,
)
MONITORING_NOTICE_MIN_DAYS = IntKey(
    "exits.monitoring_notice_min_days",
    _("monitoring: minimum village notice (days)"),
    default=5,
    minimum=1,
    maximum=365,
    capability=APPROVE,
    lowest_level=COUNTY,
)
MONITORING_DEADLINE_DAYS = IntKey(
    "exits.monitoring_deadline_days",
    _("monitoring: days from report to decision"),
    default=15,
    minimum=1,
    maximum=366,
    capability=APPROVE,
    lowest_level=COUNTY,
)
RISK_STABLE_MONTHS = IntKey(
    "exits.risk_stable_months",
    _("monitoring: stable months before risk removal"),
    default=6,
    minimum=0,
    maximum=60,
    capability=APPROVE,
    lowest_level=COUNTY,
)

# The poverty line (贫困线, yuan per person per year; the national standard is 2,300 yuan at 2010
# prices, 2,855 in 2015, 3,747 in 2019, about 4,000 in 2020): a figure per year, set by the county (or
# its province, whose line applies where the county sets none). No default: a year without a line
# refuses exits ("no poverty line is set") rather than guess one.
POVERTY_LINE = MoneyKey(
    "exits.poverty_line",
    _("poverty line (yuan per person per year)"),
    default=None,
    capability=APPROVE,
    lowest_level=COUNTY,
    yearly=True,
)

# By the attribute name exits.selectors.ExitRules gives each.
EXIT_KEYS: dict[str, PolicyKey] = {
    key.name.removeprefix("exits."): key
    for key in (
        NOTICE_MIN_DAYS,
        VILLAGE_EXIT_THRESHOLD,
        WESTERN_EXIT_THRESHOLD,
        VILLAGE_CLASS_BANDS,
        MONITORING_INCOME_MULTIPLE,
        MONITORING_NOTICE_MIN_DAYS,
        MONITORING_DEADLINE_DAYS,
        RISK_STABLE_MONTHS,
    )
}

register(*EXIT_KEYS.values(), POVERTY_LINE)
