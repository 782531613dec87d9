from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExitsConfig(AppConfig):
    name = "exits"
    verbose_name = _("Exits and monitoring")

    def ready(self) -> None:
        from core import panels
        from core.navigation import NavItem, register

        register(
            NavItem(_("Exits"), "exits:procedures", order=50),
            NavItem(_("Monitoring"), "exits:monitoring", order=52),
            NavItem(_("Re-verification"), "exits:campaigns", order=54),
        )
        panels.register("households.Household", "exits/_household_panel.html", order=40)
