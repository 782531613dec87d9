from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExitsConfig(AppConfig):
    name = "exits"
    verbose_name = _("Exits and monitoring")

    def ready(self) -> None:
        from core import panels
        from core.navigation import NavGroup, NavItem, register, register_group

        register_group(NavGroup("exits", _("Exits"), order=50))
        register(
            NavItem(_("Household exits"), "exits:procedures", order=50, group="exits"),
            NavItem(_("Monitoring"), "exits:monitoring", order=52, group="exits"),
            NavItem(
                _("Re-verification"),
                "exits:campaigns",
                order=54,
                group="exits",
                paths=("/exits/check-tasks/",),
            ),
        )
        panels.register("households.Household", "exits/_household_panel.html", order=40)

        from .jobs import register_job_kinds
        from .worklist import register_sources

        register_sources()

        from . import policy  # noqa: F401  (declares the exit and monitoring rules)

        register_job_kinds()
