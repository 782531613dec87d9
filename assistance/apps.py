from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "assistance"
    verbose_name = _("Assistance")

    def ready(self) -> None:
        from accounts.roles import Capability
        from core import panels
        from core.navigation import NavItem, register

        register(
            NavItem(_("Assistance coverage"), "assistance:coverage", order=30),
            NavItem(_("Visits"), "assistance:households", capability=Capability.LOG_VISIT, order=31),
            NavItem(_("Work teams"), "assistance:teams", order=32),
            NavItem(_("Cadres"), "assistance:cadres", order=33),
            NavItem(_("Measures"), "assistance:measures", order=34),
        )
        # The household page shows who helps and how (cadre, visits, follow-ups, plan, measures).
        panels.register("households.Household", "assistance/_household_panel.html", order=20)
